import Foundation
import LinearAlgebra
import Testing

@testable import Datasets

/// A CSV file written to a fresh temporary folder, removed when the test ends.
final class TemporaryCSV {
    let folder: URL
    let url: URL

    init(name: String = "data.csv", bytes: [UInt8]) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("lvm-dataset-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
    }

    convenience init(name: String = "data.csv", text: String) throws { try self.init(name: name, bytes: Array(text.utf8)) }

    deinit { try? FileManager.default.removeItem(at: folder) }
}

/// One bad input and what its message must say: the line (1-based, header = line 1), the column (1-based) and a
/// phrase of the reason that tells the user what is wrong.
struct BadCSVCase: Sendable, CustomTestStringConvertible {
    let name: String
    let bytes: [UInt8]
    let line: Int?
    let column: Int?
    let phrase: String
    var testDescription: String { name }

    init(_ name: String, _ text: String, line: Int?, column: Int?, _ phrase: String) {
        self.init(name, bytes: Array(text.utf8), line: line, column: column, phrase)
    }
    init(_ name: String, bytes: [UInt8], line: Int?, column: Int?, _ phrase: String) {
        self.name = name
        self.bytes = bytes
        self.line = line
        self.column = column
        self.phrase = phrase
    }
}

@Suite struct DatasetTests {
    static let badCases: [BadCSVCase] = [
        BadCSVCase("empty file", "", line: nil, column: nil, "the file is empty"),
        BadCSVCase("only blank lines", "\n  \n\n", line: nil, column: nil, "the file is empty"),
        BadCSVCase("header only", "a,b,c\n", line: 1, column: nil, "no data rows"),
        BadCSVCase("one data row", "a,b\n1,2\n", line: 2, column: nil, "only one data row"),
        BadCSVCase("ragged row, too few cells", "a,b,c\n1,2,3\n4,5\n6,7,8\n", line: 3, column: 3,
                   "data row 2 has 2 cells but the header names 3 columns"),
        BadCSVCase("ragged row, too many cells", "a,b\n1,2\n3,4,5\n", line: 3, column: 3,
                   "data row 2 has 3 cells but the header names 2 columns"),
        BadCSVCase("trailing comma", "a,b\n1,2,\n3,4\n", line: 2, column: 3, "a comma at the end of the line"),
        BadCSVCase("non-numeric cell", "x,y\n1,2\n3,abc\n", line: 3, column: 2,
                   "the cell of column \"y\" in data row 2 is \"abc\", which is not a number"),
        BadCSVCase("a row with nothing observed", "x,y\n1,2\n,NA\n3,4\n", line: 3, column: nil, "every value of data row 2 is missing"),
        BadCSVCase("a column with nothing observed", "x,y\n1,\n2,NaN\n3,na\n", line: 1, column: 2, "every value of column \"y\" is missing (all 3 rows)"),
        BadCSVCase("a missing-value marker that is not read as one", "x,y\n1,2\n3,null\n", line: 3, column: 2, "write an empty cell, NA or NaN"),
        BadCSVCase("Inf", "x,y\n1,2\n-inf,4\n", line: 3, column: 1, "which is infinite"),
        BadCSVCase("overflow", "x,y\n1,2\n1e999,4\n", line: 3, column: 1, "overflows to infinity"),
        BadCSVCase("duplicate column names", "a,b,a\n1,2,3\n4,5,6\n", line: 1, column: 3,
                   "the column name \"a\" appears twice (columns 1 and 3)"),
        BadCSVCase("empty column name", ",b\n1,2\n3,4\n", line: 1, column: 1, "column 1 has no name in the header; name every column (an unnamed first column is often a row index"),
        BadCSVCase("trailing comma in the header", "a,b,\n1,2,3\n4,5,6\n", line: 1, column: 3,
                   "a comma at the end of the header line"),
        BadCSVCase("no header", "1,2\n3,4\n5,6\n", line: 1, column: nil, "the first line holds numbers, not column names"),
        BadCSVCase("semicolons", "a;b\n1;2\n3;4\n", line: 1, column: nil, "only commas separate columns"),
        BadCSVCase("space-separated numbers", "59 2 32.1\n48 1 21.6\n", line: 1, column: nil,
                   "the first line is numbers separated by spaces"),
        BadCSVCase("space-separated cell", "a,b\n1,2\n3,4 5\n", line: 3, column: 2,
                   "several numbers separated by spaces"),
        BadCSVCase("binary file (NUL bytes)", bytes: [0x61, 0x2C, 0x62, 0x0A, 0x89, 0x50, 0x00, 0x00, 0x01],
                   line: 2, column: nil, "a NUL byte at byte offset 6: this looks like a binary file"),
        BadCSVCase("UTF-16 text", bytes: [0xFF, 0xFE] + Array("a,b\n".utf8).flatMap { [$0, 0] },
                   line: 1, column: nil, "a NUL byte at byte offset 3"),
        BadCSVCase("invalid UTF-8", bytes: Array("a,b\n1,2\n3,".utf8) + [0xE9, 0x0A], line: 3, column: nil,
                   "the bytes at byte offset 10 are not UTF-8 text"),
        BadCSVCase("unbalanced quote", "a,b\n1,\"2\n3,4\n", line: 2, column: 2, "is a \" quote left open?"),
        BadCSVCase("line numbers count blank lines and quoted line breaks", "\"a\nb\",c\n\n1,2\n3,x\n",
                   line: 5, column: 2, "data row 2"),
    ]

    @Test(arguments: badCases)
    func badInputGivesItsMessage(_ bad: BadCSVCase) throws {
        let file = try TemporaryCSV(bytes: bad.bytes)
        let error = #expect(throws: DatasetError.self) { try Dataset.load(csv: file.url) }
        guard case let .invalid(path, line, column, reason) = error else {
            Issue.record("expected .invalid, got \(String(describing: error))")
            return
        }
        #expect(path == file.url.path)
        #expect(line == bad.line)
        #expect(column == bad.column)
        #expect(reason.contains(bad.phrase), "\(reason)")
        // The message printed to the user names the file and the place.
        let message = error!.description
        #expect(message.hasPrefix(file.url.path))
        if let line { #expect(message.contains("line \(line)")) }
        if let column { #expect(message.contains("column \(column)")) }
    }

    @Test func missingFileIsNamed() {
        let url = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)/data.csv")
        let error = #expect(throws: DatasetError.self) { try Dataset.load(csv: url) }
        #expect(error == .unreadable(path: url.path, reason: "no such file; check the path (it is read relative to the folder you run the command in)"))
    }

    @Test func folderIsRefused() throws {
        let file = try TemporaryCSV(text: "a,b\n1,2\n3,4\n")
        let error = #expect(throws: DatasetError.self) { try Dataset.load(csv: file.folder) }
        guard case let .unreadable(_, reason) = error else { Issue.record("expected .unreadable"); return }
        #expect(reason.contains("folder"))
    }

    /// A sparse file just over the limit: refused politely before any byte is read.
    @Test func veryLargeFileIsRefused() throws {
        let file = try TemporaryCSV(text: "a,b\n1,2\n3,4\n")
        let handle = try FileHandle(forWritingTo: file.url)
        try handle.truncate(atOffset: UInt64(Dataset.maximumFileSize + 1))
        try handle.close()
        let error = #expect(throws: DatasetError.self) { try Dataset.load(csv: file.url) }
        guard case let .unreadable(_, reason) = error else { Issue.record("expected .unreadable"); return }
        #expect(reason.contains("256.0 MiB"), "\(reason)")
        #expect(reason.contains("take a random sample"))
    }

    @Test func tooManyColumnsAreRefused() throws {
        let d = Dataset.maximumColumns + 1
        let header = (0..<d).map { "c\($0)" }.joined(separator: ",")
        let row = Array(repeating: "0", count: d).joined(separator: ",")
        let file = try TemporaryCSV(text: "\(header)\n\(row)\n\(row)\n")
        let error = #expect(throws: DatasetError.self) { try Dataset.load(csv: file.url) }
        guard case let .invalid(_, line, _, reason) = error else { Issue.record("expected .invalid"); return }
        #expect(line == 1)
        #expect(reason.contains("\(d) columns"))
    }

    @Test func goodFileLoadsWithItsConventions() throws {
        // BOM, CRLF line ends, spaces around cells, quoted cells, a blank line, a constant column, exponents.
        let text = "\u{FEFF}height, \"weight (kg)\",const\r\n1.5, 2 ,7\r\n\r\n-3e-1,\"4\",7\r\n0x10,5,7"
        let file = try TemporaryCSV(name: "people.csv", text: text)
        let set = try Dataset.load(csv: file.url)
        #expect(set.name == "people.csv")
        #expect(set.columnNames == ["height", "weight (kg)", "const"])
        #expect(set.values == Matrix(rows: 3, columns: 3, elements: [1.5, 2, 7, -0.3, 4, 7, 16, 5, 7]))
        #expect(set.imageShape == nil)
        #expect(set.labels == nil)
    }

    @Test func pixelHeaderGivesImageShape() throws {
        let names = (0..<2).flatMap { r in (0..<3).map { c in "pixel_\(r)_\(c)" } }
        let row = Array(repeating: "1", count: 6).joined(separator: ",")
        let file = try TemporaryCSV(text: names.joined(separator: ",") + "\n\(row)\n\(row)\n")
        #expect(try Dataset.load(csv: file.url).imageShape == Dataset.ImageShape(rows: 2, columns: 3))
        // Out of order or incomplete grids are not images.
        #expect(Dataset.imageShape(columnNames: ["pixel_0_1", "pixel_0_0"]) == nil)
        #expect(Dataset.imageShape(columnNames: ["pixel_0_0", "pixel_0_1", "pixel_1_0"]) == nil)
        #expect(Dataset.imageShape(columnNames: ["a", "b", "c", "d"]) == nil)
        #expect(Dataset.imageShape(columnNames: ["pixel_0_0"]) == Dataset.ImageShape(rows: 1, columns: 1))
    }
}
