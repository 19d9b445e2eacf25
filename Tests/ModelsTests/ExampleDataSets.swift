import Foundation
import LinearAlgebra

/// The repository's example data sets as matrices: `Lessons/data/digits.csv` and `Lessons/data/examples/{iris,wine}.csv`
/// (a header, then numbers), read here without the Datasets module.
enum ExampleDataSets {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The CSV at `path` (relative to the repository), optionally standardised: each column centred and divided by its
    /// 1/N standard deviation, as scikit-learn's StandardScaler.
    static func matrix(_ path: String, standardised: Bool = false) throws -> Matrix {
        let text = try String(contentsOf: repository.appendingPathComponent(path), encoding: .utf8)
        let rows = text.split(whereSeparator: \.isNewline).dropFirst().map { $0.split(separator: ",").map { Double($0)! } }
        var x = Matrix(rows: rows.count, columns: rows[0].count, elements: rows.flatMap { $0 })
        guard standardised else { return x }
        for j in 0..<x.columns {
            let column = (0..<x.rows).map { x[$0, j] }
            let mean = column.reduce(0, +) / Double(x.rows)
            let sd = (column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(x.rows)).squareRoot()
            for i in 0..<x.rows { x[i, j] = (x[i, j] - mean) / sd }
        }
        return x
    }

    /// (name, path, standardised) of every example data set the lessons' EM and model selection are tested on.
    static let all: [(name: String, path: String, standardised: Bool)] = [
        ("digits", "Lessons/data/digits.csv", false),
        ("iris", "Lessons/data/examples/iris.csv", false), ("iris standardised", "Lessons/data/examples/iris.csv", true),
        ("wine", "Lessons/data/examples/wine.csv", false), ("wine standardised", "Lessons/data/examples/wine.csv", true),
    ]
}
