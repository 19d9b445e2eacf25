import Foundation
import LinearAlgebra
import Models
import Plotting

/// Steps 3–4: the closed-form maximum-likelihood fit and EM.
enum PPCAFittingSteps {
    static let logConvention = "natural log, averaged over the rows"
    static let covarianceConvention = "eigenvalues of the 1/N covariance"

    /// The fits later steps reuse: each is computed once per lesson (the main data's mean, 1/N covariance and its
    /// eigendecomposition live in `main`; EM and the full Gaussian start from them instead of scanning the rows again).
    struct Fits {
        var toy: PPCAMaximumLikelihood
        var toyModel: PPCA
        var main: PPCAMaximumLikelihood
        var mainModel: PPCA
        /// ℓ = (1/N) Σ log p(xₙ) of `toyModel` on the 2-D example and of `mainModel` on the main data (Woodbury, per row).
        var toyLogLikelihood: Double
        var mainLogLikelihood: Double
    }

    // MARK: Step 3

    static func maximumLikelihood(_ setup: PPCALessonSetup, into out: inout PPCALessonOutput) throws -> Fits {
        let toy = try PPCAMaximumLikelihood(setup.toy)
        let toyModel = try toy.model(latentDimension: 1)
        let main = try PPCAMaximumLikelihood(setup.data)
        let q = setup.latentDimension
        let mainModel = try main.model(latentDimension: q)
        let d = setup.dimension
        let n = setup.data.rows

        // The log-likelihood two ways: Woodbury/determinant lemma (O(NDq)) and the D × D Cholesky (O(ND²)).
        var rows: [[String]] = []
        var checks: [String: JSONValue] = [:]
        var fastValues: [Double] = []
        for (name, x, model) in [("2-D example", setup.toy, toyModel), (setup.dataName, setup.data, mainModel)] {
            let fast = try model.averageLogLikelihood(x)
            fastValues.append(fast)
            let direct = try directAverageLogLikelihood(x, model: model)
            rows.append([name, "\(x.rows)", "\(x.columns)", "\(model.latentDimension)", Cell.number(fast, digits: 10),
                         Cell.number(direct, digits: 10), Cell.scientific(abs(fast - direct))])
            checks[name == "2-D example" ? "toy" : "main"] = [
                "woodbury": .number(fast), "cholesky": .number(direct), "abs_difference": .number(abs(fast - direct)),
            ]
        }
        out.tables["likelihood-check"] = Table(
            columns: ["data", "N", "D", "q", "ℓ via Woodbury (O(NDq))", "ℓ via Cholesky of C (O(ND²))", "|difference|"],
            rows: rows,
            caption: "Average log-likelihood per row at the ML fit (natural log), computed two independent ways.")
        out.results["likelihood_check"] = .object(checks)
        out.label("likelihood_check.main.abs_difference", "|ℓ Woodbury − ℓ Cholesky| on the main data",
                  convention: logConvention)

        let (toyLL, mainLL) = (fastValues[0], fastValues[1])     // ℓ at the ML fits, from the loop above
        out.results["latent_dim"] = .integer(q)
        out.results["sigma2"] = .number(mainModel.noiseVariance)
        out.results["W"] = .rows(mainModel.loading.rowArrays)
        out.results["log_likelihood_per_sample"] = .number(mainLL)
        out.results["eigenvalues"] = .numbers(Array(main.eigenvalues.prefix(10)))
        out.results["data"] = ["name": .string(setup.dataName), "rows": .integer(n), "columns": .integer(d)]
        out.label("latent_dim", "latent dimension q of the main fit")
        out.label("sigma2", "σ²(ML) on the main data", convention: "mean of the D − q discarded eigenvalues of the 1/N covariance")
        out.label("log_likelihood_per_sample", "average log-likelihood ℓ = (1/N) Σ log p(xₙ) at the ML fit",
                  convention: logConvention)
        out.label("eigenvalues.0", "λ₁", convention: covarianceConvention)
        out.label("eigenvalues.1", "λ₂", convention: covarianceConvention)
        out.label("data.name", "the main data set")
        out.label("data.rows", "N, rows of the main data")
        out.label("data.columns", "D, columns of the main data")

        // Why ℓ can be positive: a narrow Gaussian's peak 1/(s√(2π)) exceeds 1.
        let narrowSD = 0.01
        out.results["density_example"] = [
            "sd": .number(narrowSD), "peak_density": .number(1 / (narrowSD * (2 * Double.pi).squareRoot())),
        ]
        out.label("density_example.sd", "standard deviation of the narrow example Gaussian")
        out.label("density_example.peak_density", "its density at the centre, 1/(s√(2π))")
        // Rescaling x by 1/s multiplies densities by sᴰ, so ℓ shifts by exactly D log s.
        let scale = max(setup.data.maxAbs, 1e-300)
        let rescaled = setup.data.map { $0 / scale }
        let rescaledLL = try PPCA.fit(rescaled, latentDimension: q).averageLogLikelihood(rescaled)
        out.results["rescaled"] = [
            "scale": .number(scale), "log_likelihood_per_sample": .number(rescaledLL),
            "shift": .number(rescaledLL - mainLL), "expected_shift": .number(Double(d) * log(scale)),
        ]
        out.label("rescaled.scale", "s, the largest |value| in the data (the data are divided by s)")
        out.label("rescaled.log_likelihood_per_sample", "ℓ of the ML fit to x/s", convention: logConvention)
        out.label("rescaled.shift", "ℓ(x/s) − ℓ(x), computed by refitting")
        out.label("rescaled.expected_shift", "D log s, the change of variables predicts")

        // scikit-learn's PCA.score: the same model with the 1/(N−1) covariance (eigenvalues × N/(N−1)).
        let c = Double(n) / Double(n - 1)
        let unbiased = try PPCA(mean: mainModel.mean, loading: sqrt(c) * mainModel.loading,
                                noiseVariance: c * mainModel.noiseVariance)
        let unbiasedLL = try unbiased.averageLogLikelihood(setup.data)
        out.results["conventions"] = [
            "covariance": "1/N (maximum likelihood): S = (1/N) Σ (xₙ − x̄)(xₙ − x̄)ᵀ; σ² and W use its eigenvalues",
            "log": "natural log; log-likelihoods are averaged over the rows (per sample)",
            "W": "W = U_q (Λ_q − σ²I)^{1/2} R with R = I; each eigenvector's entry of largest magnitude is positive (the PCA lesson's convention); W is only defined up to W → WR",
            "posterior": "p(z|x) = N(M⁻¹Wᵀ(x − μ), σ²M⁻¹), M = WᵀW + σ²I",
            "sklearn": "scikit-learn's PCA estimates the covariance with 1/(N−1): its explained_variance_ and noise_variance_ are N/(N−1) times ours, and PCA.score(X) evaluates that slightly different model; at the training data its average log-likelihood is lower than ours by sklearn_score_difference",
            "sklearn_score_difference": .number(mainLL - unbiasedLL),
            "sklearn_sigma2": .number(unbiased.noiseVariance),
        ]
        out.label("conventions.sklearn_score_difference", "ℓ(1/N fit) − ℓ(1/(N−1) fit, as in scikit-learn's PCA.score) on the main data",
                  convention: logConvention)
        out.label("conventions.sklearn_sigma2", "σ² with the 1/(N−1) covariance (scikit-learn's noise_variance_)")

        // The fitted density over the 2-D example.
        out.figures["marginal-density"] = .single(marginalDensityFigure(setup.toy, model: toyModel, quick: setup.quick))
        out.results["toy"] = [
            "rows": .integer(setup.toy.rows), "sigma2": .number(toyModel.noiseVariance),
            "W": .numbers(toyModel.loading.column(0)), "eigenvalues": .numbers(toy.eigenvalues),
            "log_likelihood_per_sample": .number(toyLL), "mu": .numbers(toyModel.mean),
        ]
        out.label("toy.sigma2", "σ²(ML) of the 2-D example (q = 1) = λ₂", convention: covarianceConvention)
        out.label("toy.eigenvalues.0", "λ₁ of the 2-D example", convention: covarianceConvention)
        out.label("toy.eigenvalues.1", "λ₂ of the 2-D example", convention: covarianceConvention)
        out.label("toy.log_likelihood_per_sample", "ℓ of the 2-D example at the ML fit", convention: logConvention)
        return Fits(toy: toy, toyModel: toyModel, main: main, mainModel: mainModel, toyLogLikelihood: toyLL,
                    mainLogLikelihood: mainLL)
    }

    /// (1/N) Σ log N(xₙ; μ, C) with C = WWᵀ + σ²I formed explicitly (D × D) and factorised by Cholesky — the full
    /// Gaussian of `GaussianModel`, evaluated row by row through L⁻¹(xₙ − μ): the check that shares nothing with the
    /// Woodbury path of `PPCA.logLikelihoods` but the parameters.
    static func directAverageLogLikelihood(_ x: Matrix, model: PPCA) throws -> Double {
        try GaussianModel(mean: model.mean, covariance: model.marginalCovariance).averageLogLikelihood(x)
    }

    /// Limits that frame the 2-D example with a margin, shared by its figures (so frames do not jump).
    static func toyLimits(_ x: Matrix) -> (ClosedRange<Double>, ClosedRange<Double>) {
        let xs = x.column(0)
        let ys = x.column(1)
        let cx = (xs.min()! + xs.max()!) / 2
        let cy = (ys.min()! + ys.max()!) / 2
        let half = max(xs.max()! - xs.min()!, ys.max()! - ys.min()!) / 2 * 1.1
        return ((cx - half)...(cx + half), (cy - half * 0.8)...(cy + half * 0.8))
    }

    static func marginalDensityFigure(_ x: Matrix, model: PPCA, quick: Bool) -> Figure {
        let figure = Figure(width: 520, height: 380, title: "Fitted PPCA density over the 2-D example (q = 1, ML)")
        let axes = figure.addAxes()
        // Limits that hold the data and the whole 3-Mahalanobis-unit ellipse (half-widths 3√Cᵢᵢ), with a margin.
        let (dataX, dataY) = toyLimits(x)
        let cov = model.marginalCovariance
        let reachX = 3.15 * cov[0, 0].squareRoot()
        let reachY = 3.15 * cov[1, 1].squareRoot()
        let xr = min(dataX.lowerBound, model.mean[0] - reachX)...max(dataX.upperBound, model.mean[0] + reachX)
        let yr = min(dataY.lowerBound, model.mean[1] - reachY)...max(dataY.upperBound, model.mean[1] + reachY)
        let size = quick ? 60 : 160
        let logPeak = -0.5 * (2 * log(2 * Double.pi) + model.logDeterminantOfCovariance)
        // The grid's nodes, then p(x) at all of them in one call (row by row, the same values as one call per node).
        let nodes = ScalarGrid(x: xr, y: yr, nx: size, ny: size) { _, _ in 0 }
        let points = Matrix(rows: nodes.xs.count * nodes.ys.count, columns: 2,
                            elements: nodes.ys.flatMap { b in nodes.xs.flatMap { a in [a, b] } })
        let densities = (try? model.logLikelihoods(points))?.map { exp($0) } ?? [Double](repeating: 0, count: points.rows)
        let grid = ScalarGrid(xs: nodes.xs, ys: nodes.ys, values: densities)
        axes.filledContour(grid, levels: [1, 2, 3].reversed().map { exp(logPeak - 0.5 * $0 * $0) } + [exp(logPeak)],
                           colorMap: .viridis, colorBarLabel: "p(x)")
        // White-edged dots: a white disc under each data point keeps it visible on the dark outer band.
        axes.scatter(x: x.column(0), y: x.column(1), color: .white, size: 4, alpha: 1)
        axes.scatter(x: x.column(0), y: x.column(1), color: .data, size: 2.5, alpha: 1, label: "data")
        axes.contour(grid, levels: [3.0, 2.0, 1.0].map { exp(logPeak - 0.5 * $0 * $0) }, color: .model, width: 1.2,
                     label: "p(x) at 1, 2, 3 Mahalanobis units")
        let w = model.loading.column(0)
        let mu = model.mean
        axes.arrow(from: (mu[0], mu[1]), to: (mu[0] + w[0], mu[1] + w[1]), color: .reference, label: "W (from μ)")
        axes.xLabel = "x₁"
        axes.yLabel = "x₂"
        axes.equalAspect = true
        axes.xLimits = xr
        axes.yLimits = yr
        axes.legend = .lowerRight      // the corner below the ellipse's lower-right flank is empty
        return figure
    }

    // MARK: Step 4

    static func expectationMaximisation<G: RandomNumberGenerator>(
        _ setup: PPCALessonSetup, fits: Fits, into out: inout PPCALessonOutput, using g: inout G
    ) throws {
        // 2-D example from a poor start: W₀ nearly along the minor axis (15° off it, since an exact eigenvector is a
        // fixed point), σ²₀ = λ₁ (far too large).
        let u1 = fits.toy.eigenvectors.column(0)
        let u2 = fits.toy.eigenvectors.column(1)
        let tilt = 15.0 * Double.pi / 180      // reported as toy_em.start_tilt_degrees
        let start = 0.5 * fits.toy.eigenvalues[0].squareRoot()
        let w0 = Matrix([[start * (sin(tilt) * u1[0] + cos(tilt) * u2[0])], [start * (sin(tilt) * u1[1] + cos(tilt) * u2[1])]])
        let frameIterations = [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20, 25, 30, 40, 50, 70, 100, 150, 200, 300, 500]
        let toyEM = try PPCA.fitEM(setup.toy, initialLoading: w0, initialNoiseVariance: fits.toy.eigenvalues[0],
                                   maxIterations: 500, tolerance: 1e-14, snapshotIterations: frameIterations)
        out.figures["em-iterations"] = emFrames(setup.toy, em: toyEM, target: fits.toyModel)

        // Main data from a random small W₀ and σ²₀ = tr(S)/D.
        let d = setup.dimension
        let q = setup.latentDimension
        let averageVariance = fits.main.eigenvalues.reduce(0, +) / Double(d)
        let scale = 0.1 * averageVariance.squareRoot()
        let mainW0 = Matrix(rows: d, columns: q, elements: (0..<(d * q)).map { _ in scale * g.nextStandardNormal() })
        // EM needs only the mean and the 1/N scatter of the rows, which the ML fit already holds.
        let mainEM = try PPCA.fitEM(mean: fits.main.mean, scatter: fits.main.covariance, initialLoading: mainW0,
                                    initialNoiseVariance: averageVariance, maxIterations: setup.quick ? 5000 : 20000,
                                    tolerance: 1e-14)
        out.figures["em-log-likelihood"] = .single(logLikelihoodFigure(main: mainEM, mainClosed: fits.mainLogLikelihood,
                                                                        toy: toyEM, toyClosed: fits.toyLogLikelihood,
                                                                        setup: setup))
        var rows: [[String]] = []
        var summaries: [String: JSONValue] = [:]
        for (key, name, em, target, closedLL, x) in [
            ("toy", "2-D example (q = 1)", toyEM, fits.toyModel, fits.toyLogLikelihood, setup.toy),
            ("main", "\(setup.dataName) (q = \(q))", mainEM, fits.mainModel, fits.mainLogLikelihood, setup.data),
        ] {
            let emLL = try em.model.averageLogLikelihood(x)
            let wwt = em.model.loading.timesTranspose(em.model.loading)
            let wwtML = target.loading.timesTranspose(target.loading)
            let wwtDifference = (wwt - wwtML).frobeniusNorm / wwtML.frobeniusNorm
            let sigmaDifference = abs(em.model.noiseVariance - target.noiseVariance) / target.noiseVariance
            let decreases = zip(em.logLikelihoods.dropFirst(), em.logLikelihoods).filter { $0.0 < $0.1 }.count
            rows.append([name, "\(em.iterations)\(em.converged ? "" : " (not converged)")", Cell.number(emLL, digits: 10),
                         Cell.number(closedLL, digits: 10), Cell.scientific(closedLL - emLL),
                         Cell.scientific(wwtDifference), Cell.scientific(sigmaDifference), "\(decreases)"])
            let trace: [JSONValue] = em.logLikelihoods.indices.map { k in
                ["iteration": .integer(k), "log_likelihood_per_sample": .number(em.logLikelihoods[k]),
                 "sigma2": .number(em.noiseVariances[k])]
            }
            summaries[key] = [
                "iterations": .integer(em.iterations), "converged": .bool(em.converged),
                "log_likelihood_per_sample": .number(emLL), "closed_form_log_likelihood_per_sample": .number(closedLL),
                "log_likelihood_gap": .number(closedLL - emLL), "wwt_relative_difference": .number(wwtDifference),
                "sigma2": .number(em.model.noiseVariance), "sigma2_relative_difference": .number(sigmaDifference),
                "decreasing_steps": .integer(decreases), "trace": .array(trace),
            ]
        }
        out.tables["em-check"] = Table(
            columns: ["data", "EM iterations", "ℓ EM", "ℓ closed form", "ℓ gap", "‖ΔWWᵀ‖/‖WWᵀ‖", "|Δσ²|/σ²", "decreasing steps"],
            rows: rows,
            caption: "EM at convergence against the closed form (stop when one iteration gains < 1e-14·|ℓ|). WWᵀ is compared, not W: EM's W is the closed form's up to a rotation.")
        var main = summaries["main"]!
        if case var .object(members) = main {
            members["start"] = .string("W₀ with N(0, (0.1·√(tr S/D))²) entries, σ²₀ = tr S / D")
            members["start_sigma2"] = .number(averageVariance)
            main = .object(members)
        }
        out.results["em"] = main
        var toySummary = summaries["toy"]!
        if case var .object(members) = toySummary {
            members["start"] = .string("W₀ = 0.5·√λ₁ times a unit vector 15° from the minor axis u₂ towards u₁; σ²₀ = λ₁ (the largest eigenvalue of the 1/N covariance)")
            members["start_sigma2"] = .number(fits.toy.eigenvalues[0])
            members["start_tilt_degrees"] = .number(15)
            members["total_variance"] = .number(fits.toy.eigenvalues.reduce(0, +))
            toySummary = .object(members)
        }
        out.results["toy_em"] = toySummary
        out.label("toy_em.start_sigma2", "σ²₀ of the 2-D EM run = λ₁", convention: covarianceConvention)
        out.label("toy_em.start_tilt_degrees", "angle between W₀ and the minor axis u₂ (degrees)")
        out.label("toy_em.total_variance", "tr S = λ₁ + λ₂ of the 2-D example", convention: covarianceConvention)
        out.label("em.start_sigma2", "σ²₀ on the main data = tr S / D", convention: covarianceConvention)
        out.label("em.iterations", "EM iterations on the main data", convention: "stop when an iteration gains < 1e-14·|ℓ|")
        out.label("em.log_likelihood_per_sample", "ℓ after EM on the main data", convention: logConvention)
        out.label("em.log_likelihood_gap", "ℓ closed form − ℓ EM (main data)", convention: logConvention)
        out.label("em.wwt_relative_difference", "‖WWᵀ(EM) − WWᵀ(ML)‖(F) / ‖WWᵀ(ML)‖(F) (main data)")
        out.label("em.sigma2_relative_difference", "|σ²(EM) − σ²(ML)| / σ²(ML) (main data)")
        out.label("em.decreasing_steps", "iterations where ℓ decreased (main data)")
        out.label("toy_em.iterations", "EM iterations on the 2-D example")
        out.label("toy_em.log_likelihood_gap", "ℓ closed form − ℓ EM (2-D example)", convention: logConvention)
    }

    static func emFrames(_ x: Matrix, em: PPCAEMResult, target: PPCA) -> FigureOutput {
        let (xr, yr) = toyLimits(x)
        var figures: [Figure] = []
        var labels: [String] = []
        var snapshots = em.snapshots
        if snapshots.last?.iteration != em.iterations { snapshots.append((em.iterations, em.model)) }
        let c0 = target.marginalCovariance
        for (iteration, model) in snapshots {
            let ll = em.logLikelihoods[iteration]
            let figure = Figure(width: 600, height: 345, title: "EM on the 2-D example, iteration \(iteration)")
            let axes = figure.addAxes()
            axes.scatter(x: x.column(0), y: x.column(1), color: .data, size: 2.5, alpha: 0.6, label: "data")
            axes.ellipse(mean: (target.mean[0], target.mean[1]),
                         covariance: [[c0[0, 0], c0[0, 1]], [c0[1, 0], c0[1, 1]]], k: 2, color: .reference,
                         dash: .dotted, label: "closed-form ML, 2σ")
            let c = model.marginalCovariance
            for k in [1.0, 2.0] {
                axes.ellipse(mean: (model.mean[0], model.mean[1]), covariance: [[c[0, 0], c[0, 1]], [c[1, 0], c[1, 1]]],
                             k: k, color: .model, label: k == 1 ? "current p(x), 1σ and 2σ" : nil)
            }
            let w = model.loading.column(0)
            let norm = max(Vector.norm(w), 1e-12)
            let reach = 2 * (xr.upperBound - xr.lowerBound)
            axes.line(x: [model.mean[0] - reach * w[0] / norm, model.mean[0] + reach * w[0] / norm],
                      y: [model.mean[1] - reach * w[1] / norm, model.mean[1] + reach * w[1] / norm],
                      color: .model, width: 1, dash: .dashed, label: "span of W")
            axes.text("σ² = " + NumberFormat.fixed(model.noiseVariance, decimals: 4) + "   ℓ = "
                          + NumberFormat.fixed(ll, decimals: 4),
                      x: xr.lowerBound + 0.03 * (xr.upperBound - xr.lowerBound),
                      y: yr.upperBound - 0.06 * (yr.upperBound - yr.lowerBound), size: 10)
            axes.xLabel = "x₁"
            axes.yLabel = "x₂"
            axes.equalAspect = true
            axes.xLimits = xr
            axes.yLimits = yr
            axes.legend = .outsideRight
            figures.append(figure)
            labels.append("iteration \(iteration)")
        }
        return .frames(figures, labels: labels)
    }

    /// `mainClosed`, `toyClosed`: ℓ of the closed-form ML fits (`Fits.mainLogLikelihood`, `.toyLogLikelihood`).
    static func logLikelihoodFigure(main: PPCAEMResult, mainClosed: Double, toy: PPCAEMResult, toyClosed: Double,
                                    setup: PPCALessonSetup) -> Figure {
        let figure = Figure(width: 640, height: 300, title: "EM: average log-likelihood per iteration")
        let axes = figure.subplots(rows: 1, columns: 2)
        let iterations = main.logLikelihoods.indices.map(Double.init)
        // Start the left panel after iteration 0 when the start is far below (it would flatten the curve).
        axes[0].line(x: iterations, y: main.logLikelihoods, color: .model, label: "ℓ after k EM iterations")
        axes[0].horizontalLine(at: mainClosed, color: .reference, dash: .dashed, label: "closed-form ML")
        axes[0].title = "\(setup.dataName), q = \(setup.latentDimension)"
        axes[0].xLabel = "iteration k"
        axes[0].yLabel = "ℓ (natural log, per row)"
        axes[0].legend = .lowerRight
        for (em, closed, name, dash) in [(main, mainClosed, setup.dataName, Dash.solid),
                                         (toy, toyClosed, "2-D example", Dash.dashed)] {
            var xs: [Double] = []
            var gaps: [Double] = []
            for (k, ll) in em.logLikelihoods.enumerated() where closed - ll > 0 {
                xs.append(Double(k))
                gaps.append(closed - ll)
            }
            axes[1].line(x: xs, y: gaps, color: .model, dash: dash, label: name)
        }
        axes[1].yScale = .log10
        axes[1].title = "gap to the closed form"
        axes[1].xLabel = "iteration k"
        axes[1].yLabel = "ℓ(ML) − ℓₖ"
        axes[1].legend = .upperRight
        return figure
    }
}

