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
