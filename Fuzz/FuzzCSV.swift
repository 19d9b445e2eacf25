@testable import Datasets
import Foundation

/// One input: the bytes as a CSV file, read by the fast path (when it takes the file) and by the general reader
/// alone. Neither may crash; when both read it they must give the same data set, and when one refuses it so must the
/// other (the fast path hands anything unusual to the general reader, which has the messages). The same bytes are
/// also read with their first column as `--labels`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Data(bytes: start, count: count)
    let fast = Result { () throws(DatasetError) in try Dataset.parse(csvBytes: bytes, path: "fuzz.csv", name: "fuzz.csv") }
    let general = Result { () throws(DatasetError) in
        try Dataset.parse(csvBytes: bytes, path: "fuzz.csv", name: "fuzz.csv", generalReaderOnly: true)
    }
    switch (fast, general) {
    case let (.success(a), .success(b)):
        precondition(a.columnNames == b.columnNames, "the two readers disagree on the header")
        precondition(a.values.rows == b.values.rows && a.values.columns == b.values.columns, "the two readers disagree on the shape")
        for (x, y) in zip(a.values.elements, b.values.elements) {
            precondition(x.bitPattern == y.bitPattern, "the two readers disagree on a value: \(x) and \(y)")
        }
    case (.failure, .failure):
        break
    case let (.success, .failure(error)):
        preconditionFailure("the fast path read a file the general reader refuses: \(error)")
    case let (.failure(error), .success):
        preconditionFailure("the fast path refused a file the general reader reads: \(error)")
    }
    if let firstLine = bytes.split(separator: 0x0A, maxSplits: 1).first,
        let name = String(data: firstLine, encoding: .utf8)?.split(separator: ",").first
    {
        _ = try? Dataset.parse(csvBytes: bytes, path: "fuzz.csv", name: "fuzz.csv",
                               labelColumn: String(name).trimmingCharacters(in: .whitespaces))
    }
    return 0
}
