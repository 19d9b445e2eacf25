import LinearAlgebra

// One direction at a time: the two criteria of PCA evaluated for any unit vector u, straight from centred data.
//
// For centred rows yₙ = xₙ − μ and a unit vector u (‖u‖ = 1), projecting onto the line through μ along u gives
//
//   projected variance     V(u) = (1/N) Σₙ (uᵀ yₙ)²               = uᵀ S u
//   reconstruction error   E(u) = (1/N) Σₙ ‖yₙ − u uᵀ yₙ‖²
//
// and Pythagoras on each row (yₙ = u uᵀ yₙ + its orthogonal rest) gives V(u) + E(u) = (1/N) Σₙ ‖yₙ‖² = tr S, so the
// direction that keeps the most variance is the one that loses the least: u₁ (PRML §12.1.1 and §12.1.2).
// Both functions sum over the rows themselves, without S or its eigenvectors, so the lesson can show the two
// curves meeting their extremes at u₁ as an independent check.

extension PCA {
    /// V(u) = (1/N) Σₙ (uᵀ yₙ)² for centred rows yₙ of `centred` (N, D) and a unit vector `u` (length D).
    public static func projectedVariance(_ centred: Matrix, along u: [Double]) -> Double {
        precondition(u.count == centred.columns, "PCA.projectedVariance: direction of length \(u.count) for \(centred.columns) columns")
        var sum = 0.0
        for n in 0..<centred.rows {
            let t = Vector.dot(centred.row(n), u)
            sum += t * t
        }
        return sum / Double(centred.rows)
    }

    /// E(u) = (1/N) Σₙ ‖yₙ − u uᵀ yₙ‖² for centred rows yₙ of `centred` (N, D) and a unit vector `u` (length D):
    /// the mean squared distance from each point to the line through the mean along u.
    public static func reconstructionError(_ centred: Matrix, along u: [Double]) -> Double {
        precondition(u.count == centred.columns, "PCA.reconstructionError: direction of length \(u.count) for \(centred.columns) columns")
        var sum = 0.0
        for n in 0..<centred.rows {
            let y = centred.row(n)
            let t = Vector.dot(y, u)
            for j in 0..<y.count {
                let r = y[j] - t * u[j]
                sum += r * r
            }
        }
        return sum / Double(centred.rows)
    }
}
