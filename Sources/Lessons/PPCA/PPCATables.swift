import LinearAlgebra
import Models

/// The tables of the PPCA lesson: typed cells (numbers with their style) that the report formats, so a table and the
/// text never disagree. Differences and other values that may be tiny are `.scientific(2)`; values shown to many
/// digits use `precise`.
enum PPCATables {
    /// Ten significant digits (to show that two ways agree), or `.scientific(2)` below 10⁻³ in size, where ten
    /// digits of a near-zero value say nothing.
    static func precise(_ x: Double) -> TableCell {
        x != 0 && (abs(x) < 1e-3 || abs(x) >= 1e6) ? .number(x, .scientific(2)) : .number(x, .significant(10))
    }

    // MARK: - Step 2

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

    // MARK: - Step 3

    struct LikelihoodRow {
        var name: String
        var rows: Int
        var columns: Int
        var latentDimension: Int
        var woodbury: Double
        var cholesky: Double
    }

    static func likelihoodCheck(_ rows: [LikelihoodRow]) -> Table {
        Table(
            columns: ["data", "N", "D", "q", "ℓ via Woodbury (O(NDq))", "ℓ via Cholesky of C (O(ND²))", "|difference|"],
            rows: rows.map { row in
                [.text(row.name), .integer(row.rows), .integer(row.columns), .integer(row.latentDimension),
                 precise(row.woodbury), precise(row.cholesky), .number(abs(row.woodbury - row.cholesky), .scientific(2))]
            },
            caption: "Average log-likelihood per row at the ML fit (natural log), computed two independent ways.")
    }

    // MARK: - Step 4

    struct EMRow {
        var name: String
        var iterations: Int
        var converged: Bool
        var emLogLikelihood: Double
        var closedFormLogLikelihood: Double
        var wwtDifference: Double
        var sigmaDifference: Double
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
            caption: "EM at convergence against the closed form (stop when one iteration gains < 1e-14·|ℓ|). WWᵀ is compared, not W: EM's W is the closed form's up to a rotation.")
    }

    // MARK: - Step 5

    /// Grid moments against the closed form, for q = 1 or 2 latent coordinates: E[zₖ | x] (k = 1 … q), then the
    /// upper triangle of the covariance.
    static func posteriorCheck(grid: GridPosterior, mean: [Double], covariance: Matrix, row: Int, pointsPerAxis: Int,
                               dataName: String) -> Table {
        let q = mean.count
        let names = ["z₁", "z₂"]        // the latent plane of the figures has q = 1 or 2
        var rows: [[TableCell]] = []
        for k in 0..<q {
            rows.append([.text("E[\(names[k]) | x]"), precise(grid.mean[k]), precise(mean[k]),
                         .number(abs(grid.mean[k] - mean[k]), .scientific(2))])
        }
        for k in 0..<q { for l in k..<q {
            let name = k == l ? "var[\(names[k]) | x]" : "cov[\(names[k]), \(names[l]) | x]"
            rows.append([.text(name), precise(grid.covariance[k, l]), precise(covariance[k, l]),
                         .number(abs(grid.covariance[k, l] - covariance[k, l]), .scientific(2))])
        } }
        return Table(
            columns: ["quantity", "Bayes' rule on a \(pointsPerAxis)^\(q) grid", "closed form", "|difference|"], rows: rows,
            caption: "Posterior of row \(row) of \(dataName) (q = \(q)): p(x|z)p(z) normalised on a grid over ±7 posterior s.d., against N(M⁻¹Wᵀ(x − μ), σ²M⁻¹).")
    }

    // MARK: - Step 7

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

    // MARK: - Step 8

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
