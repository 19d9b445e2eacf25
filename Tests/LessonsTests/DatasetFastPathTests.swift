import Foundation
import LinearAlgebra
import Testing

@testable import Lessons

/// `Dataset.load(csv:)` reads plain numeric files through a byte-level fast path and everything else through the
/// general CSV reader. Both must give the same dataset, bit for bit; a file the fast path declines must still load
/// (or fail) exactly as before.
@Suite("Dataset CSV fast path")
struct DatasetFastPathTests {
    static let cases: [(String, String)] = [
        ("plain", "a,b,c\n1,2,3\n4.5,-6,7e-3\n"),
        ("CRLF, blank lines, no final newline", "a,b\r\n\r\n1,2\r\n+3.25,.5\r\n\r\n-0.0,5.\r\n7E+2,-8e-310"),
        ("names with inner spaces", "sepal length,petal width\n5.1,0.2\n4.9,0.2\n"),
        ("quoted header (general reader)", "\"x\",\"y\"\n1,2\n3,4\n"),
        ("spaces around cells (general reader)", "x, y\n1, 2\n3 ,4\n"),
        ("long digit strings", "x,y\n0.1000000000000000055511151231257827021181583404541015625,2\n1e-320,3\n"),
        ("one data row", "x,y\n1,2\n"),
        ("header only", "x,y\n"),
        ("a text cell", "x,y\n1,2\n3,abc\n"),
        ("a missing value", "x,y\n1,2\n3,\n"),
        ("too many cells", "x,y\n1,2\n3,4,5\n"),
        ("overflow", "x,y\n1,2\n3,1e400\n"),
        ("numbers as header", "1,2\n3,4\n5,6\n"),
        ("duplicate names", "x,x\n1,2\n3,4\n"),
        ("empty file", ""),
    ]

    @Test("same dataset or the same error as the general reader", arguments: cases.indices)
    func sameAsGeneralReader(_ index: Int) throws {
        let (_, text) = Self.cases[index]
        let file = try TemporaryCSV(text: text)
        let fast = Result { () throws(DatasetError) -> Dataset in try Dataset.load(csv: file.url) }
        let general = Result { () throws(DatasetError) -> Dataset in try Dataset.loadWithGeneralReader(csv: file.url) }
        switch (fast, general) {
        case let (.success(a), .success(b)):
            #expect(a.columnNames == b.columnNames)
            #expect(a.values.rows == b.values.rows && a.values.columns == b.values.columns)
            #expect(a.values.elements.map(\.bitPattern) == b.values.elements.map(\.bitPattern))
        case let (.failure(a), .failure(b)):
            #expect(String(describing: a) == String(describing: b))
        default:
            Issue.record("fast path \(fast) but general reader \(general)")
        }
    }

    @Test("the shipped data sets load identically both ways")
    func shippedData() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Lessons/data")
        for name in ["digits.csv", "examples/iris.csv", "examples/wine.csv"] {
            let url = folder.appendingPathComponent(name)
            let a = try Dataset.load(csv: url), b = try Dataset.loadWithGeneralReader(csv: url)
            #expect(a.columnNames == b.columnNames, "\(name)")
            #expect(a.values.elements.map(\.bitPattern) == b.values.elements.map(\.bitPattern), "\(name)")
        }
    }
}
