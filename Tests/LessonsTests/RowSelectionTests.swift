import Foundation
import LinearAlgebra
import Testing
@testable import Lessons
@testable import Models

/// `RowSelection.wellSeparated` keeps each candidate's distance to the nearest chosen row instead of recomputing it;
/// it must choose exactly the rows of the straightforward selection (below, as first written), for labelled and
/// unlabelled data.
@Suite struct RowSelectionTests {
    /// The straightforward selection: every distance recomputed from the means each time it is needed.
    static func straightforwardSelection(means: Matrix, labels: [Int]?, classes: [Int], count: Int) -> [Int] {
        let n = means.rows, q = means.columns
        func distance(_ a: Int, _ b: Int) -> Double {
            (0..<q).map { (means[a, $0] - means[b, $0]) * (means[a, $0] - means[b, $0]) }.reduce(0, +).squareRoot()
        }
        func nearest(to centre: [Double], among rows: [Int]) -> Int? {
            rows.min { a, b in
                let da = (0..<q).map { (means[a, $0] - centre[$0]) * (means[a, $0] - centre[$0]) }.reduce(0, +)
                let db = (0..<q).map { (means[b, $0] - centre[$0]) * (means[b, $0] - centre[$0]) }.reduce(0, +)
                return da < db || (da == db && a < b)
            }
        }
        func centroid(_ rows: [Int]) -> [Double] {
            (0..<q).map { k in rows.map { means[$0, k] }.reduce(0, +) / Double(max(rows.count, 1)) }
        }
        func farthest(from chosen: [Int], among rows: [Int]) -> Int? {
            rows.max { a, b in
                let da = chosen.map { distance(a, $0) }.min()!
                let db = chosen.map { distance(b, $0) }.min()!
                return da < db || (da == db && a > b)
            }
        }
        if let labels {
            var kept: [Int] = []
            for label in classes {
                let rows = labels.indices.filter { labels[$0] == label }
                let centre = centroid(rows)
                guard !rows.isEmpty else { continue }
                let spread = rows.map { i in (0..<q).map { (means[i, $0] - centre[$0]) * (means[i, $0] - centre[$0]) }.reduce(0, +) }
                let median = spread.sorted()[spread.count / 2]
                let typical = rows.indices.filter { spread[$0] <= median }.map { rows[$0] }
                if let row = kept.isEmpty ? nearest(to: centre, among: typical) : farthest(from: kept, among: typical) {
                    kept.append(row)
                }
            }
            if kept.count == count { return kept }
        }
        let norms = (0..<n).map { i in (0..<q).map { means[i, $0] * means[i, $0] }.reduce(0, +).squareRoot() }
        let cutoff = norms.sorted()[min(n - 1, (8 * n) / 10)]
        let candidates = (0..<n).filter { norms[$0] <= cutoff }
        guard var chosen = nearest(to: centroid(Array(0..<n)), among: candidates).map({ [$0] }) else { return [0] }
        while chosen.count < min(count, candidates.count) { chosen.append(farthest(from: chosen, among: candidates)!) }
        return chosen
    }

    /// The PPCA lesson's use: posterior means of the digits (labelled) and of user-like data (unlabelled).
    @Test(arguments: [nil, 3, 8] as [Int?])
    func sameRowsAsTheStraightforwardSelection(userColumns: Int?) throws {
        let data = try userColumns.map { ppcaUserData(columns: $0, rows: 2000, seed: UInt64($0)) } ?? sharedDigits
        let q = data.values.columns >= 3 ? 2 : 1
        let means = try PPCA.fit(data.values, latentDimension: q).posterior(data.values).means
        let classes = PPCALesson.highlightedDigits
        let chosen = RowSelection.wellSeparated(means: means, labels: data.labels, classes: classes, count: classes.count)
        #expect(chosen == Self.straightforwardSelection(means: means, labels: data.labels, classes: classes, count: classes.count))
        #expect(chosen.count == classes.count)
    }

    /// Identical means resolve to the lowest row, as in the straightforward selection.
    @Test func tiesGoToTheLowestRow() {
        let tied = Matrix(rows: 40, columns: 2, elements: (0..<80).map { Double(($0 / 2) % 4) })
        let chosen = RowSelection.wellSeparated(means: tied, labels: nil, classes: [], count: 5)
        #expect(chosen == Self.straightforwardSelection(means: tied, labels: nil, classes: [], count: 5))
    }

    /// Labels that do not give one row per class fall back to the unlabelled selection.
    @Test func missingClassFallsBackToFarthestPoints() {
        var g = Xoshiro256StarStar(seed: 5)
        let means = Matrix(rows: 60, columns: 2, elements: (0..<120).map { _ in g.nextStandardNormal() })
        let labels = (0..<60).map { $0 % 3 }                      // classes 0, 1, 2 only: class 3 is missing
        let chosen = RowSelection.wellSeparated(means: means, labels: labels, classes: [0, 1, 3], count: 3)
        #expect(chosen == RowSelection.wellSeparated(means: means, labels: nil, classes: [], count: 3))
        #expect(chosen == Self.straightforwardSelection(means: means, labels: labels, classes: [0, 1, 3], count: 3))
    }
}
