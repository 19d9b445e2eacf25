import LessonKit
import LinearAlgebra
import Models

/// The tables of the PPCA lesson: typed cells (numbers with their style) that the report formats, so a table and the
/// text never disagree. Values that may be tiny, such as differences, are `.scientific(2)`.
enum PPCATables {
    /// Ten significant digits (to show that two ways agree), or `.scientific(2)` below 10⁻³ in size, where ten
    /// digits of a near-zero value say nothing.
    static func precise(_ x: Double) -> TableCell {
        x != 0 && (abs(x) < 1e-3 || abs(x) >= 1e6) ? .number(x, .scientific(2)) : .number(x, .significant(10))
    }

    static func monteCarloCheck(_ points: [PPCAFigures.MarginalEstimates], draws: Int) -> Table {
        let rows: [[TableCell]] = points.map { point in
            [.text(point.name), .number(point.x[0], .significant(3)), .number(point.x[1], .significant(3)),
             .number(point.exact, .significant(6)), .number(point.final.estimate, .significant(6)),
             .number(point.final.standardError, .scientific(2)), .number(point.zScore, .signedFixed(2))]
        }
        return Table(
            columns: ["point", "x₁", "x₂", "N(x; μ, C)", "p̂(x), L = \(draws)", "standard error", "(p̂ − p)/SE"],
            rows: rows,
            caption: "Monte Carlo against the closed form at L = \(draws) draws; |(p̂ − p)/SE| ≤ 2 is what ±2 SE covers about 95% of the time.")
    }

    /// One row per data set `x` with q and its check (expected: ℓ by Woodbury, computed: ℓ by Cholesky).
    static func likelihoodCheck(_ rows: [(name: String, x: Matrix, latentDimension: Int, check: Check)]) -> Table {
        Table(
            columns: ["data", "N", "D", "q", "ℓ via Woodbury (O(NDq))", "ℓ via Cholesky of C (O(ND²))", "|difference|"],
            rows: rows.map { row in
                [.text(row.name), .integer(row.x.rows), .integer(row.x.columns), .integer(row.latentDimension),
                 precise(row.check.expected), precise(row.check.computed),
                 .number(row.check.difference, .scientific(2))]
            },
            caption: "Average log-likelihood per row at the ML fit (natural log), computed two independent ways.")
    }

    struct EMRow {
        var name: String
        var iterations: Int
        var converged: Bool
        var emLogLikelihood, closedFormLogLikelihood: Double
        var wwtDifference, sigmaDifference: Double
        var decreasingSteps: Int
    }

    static func emCheck(_ rows: [EMRow]) -> Table {
        Table(
            columns: ["data", "EM iterations", "ℓ EM", "ℓ closed form", "ℓ gap", "‖ΔWWᵀ‖/‖WWᵀ‖", "|Δσ²|/σ²", "decreasing steps"],
            rows: rows.map { row in
                [.text(row.converged ? row.name : row.name + ", not converged"), .integer(row.iterations),
                 precise(row.emLogLikelihood), precise(row.closedFormLogLikelihood),
                 .number(row.closedFormLogLikelihood - row.emLogLikelihood, .scientific(2)),
                 .number(row.wwtDifference, .scientific(2)), .number(row.sigmaDifference, .scientific(2)),
                 .integer(row.decreasingSteps)]
            },
            caption: "EM at convergence against the closed form (stop when one iteration gains < 1e-14·|ℓ|; SQUAREM's iterations are EM updates, three per cycle). WWᵀ is compared, not W: EM's W is the closed form's up to a rotation.")
    }

    /// Grid moments against the closed form for q = 1 or 2 latent coordinates, each named beside its check
    /// (expected: the closed form, computed: the grid).
    static func posteriorCheck(_ moments: [(name: String, check: Check)], q: Int, row: Int, pointsPerAxis: Int,
                               dataName: String) -> Table {
        Table(
            columns: ["quantity", "Bayes' rule on a \(pointsPerAxis)^\(q) grid", "closed form", "|difference|"],
            rows: moments.map { name, check in
                [.text(name), precise(check.computed), precise(check.expected),
                 .number(check.difference, .scientific(2))]
            },
            caption: "Posterior of row \(row) of \(dataName) (q = \(q)): p(x|z)p(z) normalised on a grid over ±7 posterior s.d., against N(M⁻¹Wᵀ(x − μ), σ²M⁻¹).")
    }

    static func rotationCheck(wDifference: Double, covarianceDifference: Double, logLikelihoodDifference: Double,
                              posteriorMeanDifference: Double, caption: String) -> Table {
        Table(
            columns: ["quantity", "value"],
            rows: [[.text("‖WR − W‖(F) / ‖W‖(F) (the parameters differ)"), .number(wDifference, .significant(4))],
                   [.text("‖C(WR) − C(W)‖(F) / ‖C‖(F)"), .number(covarianceDifference, .scientific(2))],
                   [.text("max over rows |log p(x) under WR − under W|"), .number(logLikelihoodDifference, .scientific(2))],
                   [.text("max |E[z|x] under WR − Rᵀ E[z|x] under W|"), .number(posteriorMeanDifference, .scientific(2))]],
            caption: caption)
    }

    /// One row of the q = D − 1 check: both log-likelihoods and ‖C − S‖/‖S‖, or why it could not be computed.
    enum GaussianIdentityRow {
        case computed(name: String, dimension: Int, ppca: Double, gaussian: Double, covarianceDifference: Double)
        case failed(name: String, dimension: Int, reason: String)
    }

    static func gaussianCheck(_ rows: [GaussianIdentityRow]) -> Table {
        Table(
            columns: ["data", "D", "q = D − 1", "ℓ PPCA", "ℓ full Gaussian", "|difference|", "‖C − S‖(F)/‖S‖(F)"],
            rows: rows.map { row in
                switch row {
                case let .computed(name, d, ppca, gaussian, covarianceDifference):
                    return [.text(name), .integer(d), .integer(d - 1), precise(ppca), precise(gaussian),
                            .number(abs(ppca - gaussian), .scientific(2)), .number(covarianceDifference, .scientific(2))]
                case let .failed(name, d, reason):
                    return [.text(name), .integer(d), .integer(d - 1), "—", "—", .text(reason), "—"]
                }
            },
            caption: "With q = D − 1, σ² is the smallest eigenvalue and WWᵀ + σ²I rebuilds S exactly: PPCA is the full-covariance Gaussian.")
    }
}
