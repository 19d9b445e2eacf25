import Foundation
import LinearAlgebra
import Testing

@testable import Datasets

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

/// `DecimalText` must give `strtod`'s double, bit for bit, on its fast path (few significant digits, |exponent| ≤ 22)
/// and at its edges (2⁵³, 19 digits, exponents ±22/±23, subnormals, overflow).
@Suite("Decimal text")
struct DecimalTextTests {
    static func viaDecimalText(_ text: String) -> Double? {
        Array(text.utf8).withUnsafeBufferPointer { DecimalText.parse($0, 0, $0.count) }
    }

    static func viaStrtod(_ text: String) -> Double { strtod(text, nil) }

    @Test("edge cases equal strtod", arguments: [
        "0", "-0", "+0", "0.0", "-0.0", ".5", "5.", "-.5", "1", "-1", "9007199254740992", "9007199254740993",
        "9007199254740991.5", "1234567890123456789", "12345678901234567890", "0.1", "0.3", "-0.899655", "3.07205e-05",
        "1e22", "1e23", "1e-22", "1e-23", "123456e-22", "123456e17", "1.7976931348623157e308", "1e308", "4.9e-324",
        "2.2250738585072014e-308", "1e-400", "1e400", "000000000000000000000000001.5", "0.000000000000000000000000015",
        "1E+2", "7e-3", "1.00000000000000000000000000001", "9999999999999999999", "99999999999999999999e-5",
        "0.1000000000000000055511151231257827021181583404541015625", "1e0000000000000000000000000005",
    ])
    func edgeCase(_ text: String) throws {
        let value = try #require(Self.viaDecimalText(text))
        #expect(value.bitPattern == Self.viaStrtod(text).bitPattern, "\(text): \(value) vs \(Self.viaStrtod(text))")
    }

    @Test("text that is not a plain number is refused", arguments: ["", "+", "-", ".", "e5", "1e", "1e+", "1.2.3", " 1", "1 ",
                                                                     "nan", "inf", "0x10", "1,5", "1_000", "١"])
    func refused(_ text: String) {
        #expect(Self.viaDecimalText(text) == nil, "\(text)")
    }

    @Test("random decimals of 1–20 digits with exponents −30…30 equal strtod")
    func randomDecimals() {
        var g = Xoshiro256StarStar(seed: 20261126)
        var mismatches: [String] = []
        for _ in 0..<200_000 {
            let digits = 1 + Int(g.next() % 20)
            var text = g.next() % 2 == 0 ? "-" : ""
            let point = Int(g.next() % UInt64(digits + 1))
            for k in 0..<digits {
                if k == point { text += "." }
                text += String(g.next() % 10)
            }
            if g.next() % 3 == 0 { text += "e" + String(Int(g.next() % 61) - 30) }
            guard let value = Self.viaDecimalText(text) else { mismatches.append(text + " refused"); continue }
            if value.bitPattern != Self.viaStrtod(text).bitPattern { mismatches.append(text) }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }
}

/// Files large enough to be cut into several chunks read the same as through the general reader.
@Suite("Dataset CSV fast path, chunked")
struct DatasetChunkedFastPathTests {
    /// About 3 MB: several 1 MB chunks, CRLF and LF lines, blank lines scattered through it.
    static func bigText(rows: Int, badCellAtRow: Int? = nil) -> String {
        var g = Xoshiro256StarStar(seed: 7)
        var lines = ["a,b,c,d,e,f"]
        for r in 0..<rows {
            var cells: [String] = []
            for _ in 0..<6 { cells.append(String(g.nextStandardNormal() * 100)) }
            if r == badCellAtRow { cells[3] = "n.a." }
            lines.append(cells.joined(separator: ",") + (r % 7 == 0 ? "\r" : ""))
            if r % 1000 == 999 { lines.append("") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func sameDatasetAsTheGeneralReader() throws {
        let file = try TemporaryCSV(text: Self.bigText(rows: 30_000))
        let a = try Dataset.load(csv: file.url), b = try Dataset.loadWithGeneralReader(csv: file.url)
        #expect(a.values.rows == 30_000 && b.values.rows == 30_000)
        #expect(a.values.elements.map(\.bitPattern) == b.values.elements.map(\.bitPattern))
    }

    @Test func aBadCellInALaterChunkGivesTheGeneralReadersMessage() throws {
        let file = try TemporaryCSV(text: Self.bigText(rows: 30_000, badCellAtRow: 27_345))
        let fast = Result { () throws(DatasetError) -> Dataset in try Dataset.load(csv: file.url) }
        let general = Result { () throws(DatasetError) -> Dataset in try Dataset.loadWithGeneralReader(csv: file.url) }
        guard case .failure(let a) = fast, case .failure(let b) = general else {
            Issue.record("both must fail: \(fast), \(general)"); return
        }
        #expect(String(describing: a) == String(describing: b))
        #expect(String(describing: a).contains("n.a."))
    }

    @Test func oneDataRowAfterManyBlankLinesNamesItsLine() throws {
        let text = "x,y\n" + String(repeating: "\n", count: 20_000) + "1,2\n" + String(repeating: "\r\n", count: 9_000)
        let file = try TemporaryCSV(text: text)
        let fast = Result { () throws(DatasetError) -> Dataset in try Dataset.load(csv: file.url) }
        let general = Result { () throws(DatasetError) -> Dataset in try Dataset.loadWithGeneralReader(csv: file.url) }
        guard case .failure(let a) = fast, case .failure(let b) = general else {
            Issue.record("both must fail: \(fast), \(general)"); return
        }
        #expect(String(describing: a) == String(describing: b))
        #expect(String(describing: a).contains("20002"))
    }
}
