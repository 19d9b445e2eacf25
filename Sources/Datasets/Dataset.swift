import Foundation
import LinearAlgebra

/// A data set for the lessons: an (n, d) matrix of finite numbers with column names, optional labels and, for image
/// data, the image shape. Loaded from a CSV with a header row (`Dataset.load(csv:)`, in `Dataset+CSV.swift`).
///
/// Invariants (guaranteed by the loader): n ≥ 2, d ≥ 1, column names unique and non-empty, every value finite except
/// the missing cells (an empty cell, `NA` or `NaN` in the file), which are NaN and counted in `missing`; no column and
/// no row is missing entirely. Constant columns are allowed (they give zero eigenvalues; the digits have three).
/// Only lessons that fit missing values take a data set with `missing` set (`requireComplete(for:)` refuses it for
/// the others, naming the first missing cell).
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
    /// Class labels per row (digits 0–9), when known: indices into `classNames` when it is set.
    public var labels: [Int]?
    /// The classes' names, when the labels came from a column of the file (`--labels COLUMN`): label k is
    /// `classNames[k]`. Nil for the digits, whose labels are the digits themselves.
    public var classNames: [String]?
    /// The column of the file that held the labels (left out of `values`), when there was one.
    public var labelColumn: String?
    /// Set when each row is an image (the digits: 8 × 8), so image figures can be drawn.
    public var imageShape: ImageShape?
    /// Set by `standardized()`: the column means and 1/N standard deviations the values were centred and divided by.
    public var standardization: (means: [Double], standardDeviations: [Double])?
    /// The missing cells of the file (NaN in `values`), when there are any; nil for a complete data set.
    public var missing: MissingValues?

    public init(name: String, columnNames: [String], values: Matrix, labels: [Int]? = nil, imageShape: ImageShape? = nil) {
        self.name = name
        self.columnNames = columnNames
        self.values = values
        self.labels = labels
        self.imageShape = imageShape
    }

    /// The name of class `label`: `classNames[label]` when the file named the classes, else the label itself.
    public func className(_ label: Int) -> String {
        classNames.map { $0.indices.contains(label) ? $0[label] : String(label) } ?? String(label)
    }

    /// The data with every column centred and divided by its standard deviation with 1/N (as scikit-learn's
    /// `StandardScaler`): x′ᵢⱼ = (xᵢⱼ − x̄ⱼ)/sⱼ, sⱼ² = (1/N) Σᵢ (xᵢⱼ − x̄ⱼ)². A constant column (sⱼ = 0) cannot be
    /// standardised and is refused with its name. Labels, class names and the image shape are kept.
    public func standardized() throws(DatasetError) -> Dataset {
        let (n, d) = (values.rows, values.columns)
        var means = [Double](repeating: 0, count: d), deviations = [Double](repeating: 0, count: d)
        // Over the observed cells of each column (all of them for a complete data set); missing cells stay NaN.
        for j in 0..<d {
            var sum = 0.0, observed = 0
            for i in 0..<n where !values[i, j].isNaN { sum += values[i, j]; observed += 1 }
            means[j] = sum / Double(observed)
            var squares = 0.0
            for i in 0..<n where !values[i, j].isNaN { squares += (values[i, j] - means[j]) * (values[i, j] - means[j]) }
            deviations[j] = (squares / Double(observed)).squareRoot()
        }
        let constant = (0..<d).filter { deviations[$0] == 0 || !(deviations[$0] > 1e-12 * max(abs(means[$0]), 1e-300)) }
        guard constant.isEmpty else {
            let names = constant.prefix(5).map { "\"" + columnNames[$0] + "\"" }.joined(separator: ", ")
            let more = constant.count > 5 ? " and \(constant.count - 5) more" : ""
            throw .invalid(path: name, row: nil, column: constant[0] + 1,
                           reason: "--standardize divides each column by its standard deviation, but \(constant.count == 1 ? "the column" : "the columns") \(names)\(more) \(constant.count == 1 ? "is" : "are") constant (standard deviation 0): remove \(constant.count == 1 ? "it" : "them"), or leave out --standardize")
        }
        var result = self
        var scaled = values
        for i in 0..<n {
            for j in 0..<d { scaled[i, j] = (values[i, j] - means[j]) / deviations[j] }
        }
        result.values = scaled
        result.standardization = (means, deviations)
        return result
    }

    /// Throws unless every value is present: for a lesson (`lesson`, its slug) that needs complete data. The message
    /// names the first missing cell (file, line, column) and `alternative`, a lesson that fits missing values (when
    /// there is one).
    public func requireComplete(for lesson: String, alternative: String?) throws(DatasetError) {
        guard let missing else { return }
        let first = missing.first
        let share = missing.count == 1 ? "it is the only missing cell" : "the file has \(missing.count) missing cells in \(missing.rows) of its \(count) rows"
        throw .invalid(path: name, row: first.line, column: first.column,
                       reason: "the cell of column \"\(first.columnName)\" in data row \(first.dataRow) is missing (\(first.spelling)); \(share). The \(lesson) lesson needs every value. \(alternative.map { "The \($0) lesson fits data with missing values by EM: build it with --lesson \($0), or fill" } ?? "Fill") in the missing cells, or remove their rows")
    }

    /// The number of observations n.
    public var count: Int { values.rows }
    /// The number of variables d.
    public var dimension: Int { values.columns }
}

/// The missing cells of a data set: an empty cell, `NA`, `N/A` or `NaN` (any case) in the file, NaN in `values`.
public struct MissingValues: Sendable, Equatable {
    /// Where a missing cell sits in the file: its line (1-based, the header is line 1), its column (1-based), the
    /// column's name, its data row (1-based, header not counted) and how the file wrote it.
    public struct Cell: Sendable, Equatable {
        public var line: Int
        public var column: Int
        public var columnName: String
        public var dataRow: Int
        /// `an empty cell` or `"NA"` as written.
        public var spelling: String
    }
    /// The number of missing cells.
    public var count: Int
    /// The number of rows with at least one missing cell.
    public var rows: Int
    /// The first missing cell in the file's order.
    public var first: Cell
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
