import Foundation
import LinearAlgebra

/// A data set for the lessons: an (n, d) matrix of finite numbers with column names, optional labels and, for image
/// data, the image shape. Loaded from a CSV with a header row.
public struct Dataset: Sendable {
    public struct ImageShape: Sendable, Equatable {
        public var rows: Int
        public var columns: Int
        public init(rows: Int, columns: Int) { self.rows = rows; self.columns = columns }
    }
    /// A short name for captions (the file name).
    public var name: String
    public var columnNames: [String]
    /// (n, d), one observation per row.
    public var values: Matrix
    /// Class labels per row (digits 0–9), when known.
    public var labels: [Int]?
    /// Set when each row is an image (the digits: 8 × 8), so image figures can be drawn.
    public var imageShape: ImageShape?

    public init(name: String, columnNames: [String], values: Matrix, labels: [Int]? = nil, imageShape: ImageShape? = nil) {
        self.name = name
        self.columnNames = columnNames
        self.values = values
        self.labels = labels
        self.imageShape = imageShape
    }
}

/// Why a data file could not be used. Every case names the file and, where it applies, the row and column, and the
/// description says what to do.
public enum DatasetError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case invalid(path: String, row: Int?, column: Int?, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "\(path): \(reason)"
        case let .invalid(path, row, column, reason):
            let place = [row.map { "row \($0)" }, column.map { "column \($0)" }].compactMap { $0 }.joined(separator: ", ")
            return "\(path)\(place.isEmpty ? "" : " (\(place))"): \(reason)"
        }
    }
}

extension Dataset {
    /// Loads a CSV with a header row of column names and numeric cells. (Skeleton: the PCA issue replaces this with
    /// the CSV library and the full checks; the signature is the contract.)
    public static func load(csv url: URL) throws(DatasetError) -> Dataset {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw .unreadable(path: url.path, reason: "cannot read the file")
        }
        let lines = text.split(whereSeparator: \.isNewline)
        guard let header = lines.first else { throw .invalid(path: url.path, row: nil, column: nil, reason: "empty file") }
        let names = header.split(separator: ",").map(String.init)
        var values: [Double] = []
        for line in lines.dropFirst() { values += line.split(separator: ",").map { Double($0) ?? .nan } }
        return Dataset(name: url.lastPathComponent, columnNames: names,
                       values: Matrix(rows: lines.count - 1, columns: names.count, elements: values))
    }

    /// The digits shipped in `lessonsDirectory/data`: 1797 images of 8 × 8 grey levels 0–16 with labels.
    public static func digits(in lessonsDirectory: URL) throws(DatasetError) -> Dataset {
        let data = lessonsDirectory.appendingPathComponent("data")
        var set = try load(csv: data.appendingPathComponent("digits.csv"))
        let labels = try load(csv: data.appendingPathComponent("digits_labels.csv"))
        set.labels = labels.values.elements.map { Int($0) }
        set.imageShape = ImageShape(rows: 8, columns: 8)
        return set
    }
}
