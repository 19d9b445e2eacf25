import LinearAlgebra

/// Rows a figure singles out, chosen deterministically and well apart in a latent space (the PPCA lesson's posterior
/// ellipses and σ² → 0 frames).
public enum RowSelection {
    /// `count` rows whose latent means (`means`, (N, q), one row per data row) lie well apart:
    /// - labelled data: one typical row (no farther from its class centroid than the class's median member) of each
    ///   of `classes`, in that order: for the first class the typical row nearest the centroid, for the others the
    ///   typical row farthest from the rows already chosen. Used when it yields `count` rows.
    /// - otherwise: farthest-point selection among the rows whose ‖mean‖ is within the 80th percentile, starting from
    ///   the row nearest the centroid of all rows.
    ///
    /// "Farthest" is the largest distance to the nearest row chosen so far; ties go to the lowest row.
    public static func wellSeparated(means: Matrix, labels: [Int]?, classes: [Int], count: Int) -> [Int] {
        let space = LatentPoints(means)
        if let labels {
            var kept: [Int] = []
            for label in classes {
                let rows = labels.indices.filter { labels[$0] == label }
                let centre = space.centroid(rows)
                guard !rows.isEmpty else { continue }
                let spread = rows.map { space.squaredDistance($0, to: centre) }
                let median = spread.sorted()[spread.count / 2]
                let typical = rows.indices.filter { spread[$0] <= median }.map { rows[$0] }
                if kept.isEmpty {
                    if let row = space.nearest(to: centre, among: typical) { kept.append(row) }
                } else {
                    kept = space.farthestPoints(from: kept, among: typical, total: kept.count + 1)
                }
            }
            if kept.count == count { return kept }
        }
        let n = means.rows
        let origin = [Double](repeating: 0, count: means.columns)
        let norms = (0..<n).map { space.squaredDistance($0, to: origin).squareRoot() }
        let cutoff = norms.sorted()[min(n - 1, (8 * n) / 10)]
        let candidates = (0..<n).filter { norms[$0] <= cutoff }
        guard let first = space.nearest(to: space.centroid(Array(0..<n)), among: candidates) else { return [0] }
        return space.farthestPoints(from: [first], among: candidates, total: min(count, candidates.count))
    }
}

/// Points of a latent space, one per row of a matrix, and the distances the selection needs (each sum over the
/// coordinates taken in order, so the choice is the same on every machine).
private struct LatentPoints {
    let q: Int
    let m: [Double]

    init(_ means: Matrix) {
        q = means.columns
        m = means.elements
    }

    /// ‖pₐ − c‖².
    func squaredDistance(_ a: Int, to c: [Double]) -> Double {
        var s = 0.0
        for k in 0..<q { let t = m[a * q + k] - c[k]; s += t * t }
        return s
    }

    /// ‖pₐ − p_b‖.
    func distance(_ a: Int, _ b: Int) -> Double {
        var s = 0.0
        for k in 0..<q { let t = m[a * q + k] - m[b * q + k]; s += t * t }
        return s.squareRoot()
    }

    /// The row of `rows` nearest `centre` (the lowest on a tie), nil when `rows` is empty.
    func nearest(to centre: [Double], among rows: [Int]) -> Int? {
        var best: (row: Int, distance: Double)? = nil
        for a in rows {
            let da = squaredDistance(a, to: centre)
            if let b = best, !(da < b.distance || (da == b.distance && a < b.row)) { continue }
            best = (a, da)
        }
        return best?.row
    }

    /// The mean of the points of `rows` (the origin for no rows).
    func centroid(_ rows: [Int]) -> [Double] {
        (0..<q).map { k in
            var s = 0.0
            for i in rows { s += m[i * q + k] }
            return s / Double(max(rows.count, 1))
        }
    }

    /// Adds the candidate farthest from those chosen until `total` are chosen. Each candidate keeps its distance to
    /// the nearest chosen row, updated once per new row: O(candidates × total) distances.
    func farthestPoints(from first: [Int], among candidates: [Int], total: Int) -> [Int] {
        var chosen = first
        var nearestChosen = candidates.map { a in chosen.map { distance(a, $0) }.min() ?? .infinity }
        while chosen.count < total, !candidates.isEmpty {
            var best = 0
            for c in candidates.indices.dropFirst() {
                let (dc, db) = (nearestChosen[c], nearestChosen[best])
                if dc > db || (dc == db && candidates[c] < candidates[best]) { best = c }
            }
            let next = candidates[best]
            chosen.append(next)
            for c in candidates.indices { nearestChosen[c] = min(nearestChosen[c], distance(candidates[c], next)) }
        }
        return chosen
    }
}
