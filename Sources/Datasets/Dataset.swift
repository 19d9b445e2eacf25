import Foundation
import LinearAlgebra

/// A data set for the lessons: an (n, d) matrix of finite numbers with column names, optional labels and, for image
/// data, the image shape. Loaded from a CSV with a header row (`Dataset.load(csv:)`, in `Dataset+CSV.swift`).
///
/// Invariants (guaranteed by the loader): n ≥ 2, d ≥ 1, every value finite, column names unique and non-empty.
/// Constant columns are allowed (they give zero eigenvalues; the digits have three).
public struct Dataset: Sendable {
    /// The shape of one image when each row is an image stored row by row (`pixel_R_C`).
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

    /// The number of observations n.
    public var count: Int { values.rows }
    /// The number of variables d.
    public var dimension: Int { values.columns }
}

/// Why a data file could not be used. Every case names the file and, where it applies, the row and column, and the
/// description says what to do.
///
/// Conventions: `row` is the **line number in the file**, 1-based, where line 1 is the header (so the first data row
/// is line 2, as a text editor shows it); `column` is the 1-based position of the cell in its row. The `reason` also
/// names the column by its header name and the data row (1-based, header not counted) where that helps.
public enum DatasetError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be read at all (missing, a folder, unreadable, too large).
    case unreadable(path: String, reason: String)
    /// The file was read but its content cannot be used.
    case invalid(path: String, row: Int?, column: Int?, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "\(path): \(reason)"
        case let .invalid(path, row, column, reason):
            let place = [row.map { "line \($0)" }, column.map { "column \($0)" }].compactMap { $0 }.joined(separator: ", ")
            return "\(path)\(place.isEmpty ? "" : ", \(place)"): \(reason)"
        }
    }
}
