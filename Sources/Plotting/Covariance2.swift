/// A symmetric 2×2 covariance Σ = [[xx, xy], [xy, yy]], for `Axes.ellipse(mean:covariance:)`.
///
/// Plotting does not depend on LinearAlgebra, so a lesson hands over the four entries of its `Matrix` —
/// `Covariance2(c[0, 0], c[0, 1], c[1, 0], c[1, 1])` — instead of spelling out `[[c[0,0], c[0,1]], [c[1,0], c[1,1]]]`.
/// The off-diagonal entry is the mean ½(Σ₀₁ + Σ₁₀), as `EllipseGeometry` takes it from a nested array, so every way
/// of giving the same matrix draws the same ellipse (to the bit).
public struct Covariance2: Sendable, Equatable {
    /// Σ₀₀ = Var(x₁).
    public var xx: Double
    /// Σ₀₁ = Σ₁₀ = Cov(x₁, x₂).
    public var xy: Double
    /// Σ₁₁ = Var(x₂).
    public var yy: Double

    public init(xx: Double, xy: Double, yy: Double) {
        self.xx = xx
        self.xy = xy
        self.yy = yy
    }

    /// The matrix [[a, b], [c, d]] in row-major order; the off-diagonal entry becomes ½(b + c).
    public init(_ a: Double, _ b: Double, _ c: Double, _ d: Double) {
        self.init(xx: a, xy: (b + c) / 2, yy: d)
    }

    /// Rows of a 2×2 matrix, e.g. `Covariance2(matrix.rowArrays)`. Any other shape gives NaN entries, which the
    /// ellipse reports as `PlotError.invalidData` when the figure renders.
    public init(_ rows: [[Double]]) {
        guard rows.count == 2, rows.allSatisfy({ $0.count == 2 }) else {
            self.init(xx: .nan, xy: .nan, yy: .nan)
            return
        }
        self.init(rows[0][0], rows[0][1], rows[1][0], rows[1][1])
    }

    /// [[xx, xy], [xy, yy]].
    public var rows: [[Double]] { [[xx, xy], [xy, yy]] }
}

extension Axes {
    /// The ellipse (x − μ)ᵀ Σ⁻¹ (x − μ) = k² of a `Covariance2`: semi-axes k√λᵢ along the eigenvectors of Σ. The same
    /// mark as `ellipse(mean:covariance:[[Double]]…)` with `covariance.rows`.
    public func ellipse(mean: (Double, Double), covariance: Covariance2, k: Double = 2, color: Color = .model,
                        fill: Color? = nil, width: Double = 1.5, dash: Dash = .solid, label: String? = nil) {
        ellipse(mean: mean, covariance: covariance.rows, k: k, color: color, fill: fill, width: width, dash: dash, label: label)
    }
}
