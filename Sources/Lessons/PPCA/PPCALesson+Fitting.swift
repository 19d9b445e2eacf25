import Foundation
import LessonKit
import LinearAlgebra
import Models

/// Steps 3–4: the closed-form maximum-likelihood fit, and EM climbing to it.
extension PPCALesson {
    /// EM stops when one iteration gains less than this × max(1, |ℓ|) and so does the estimated remaining gap.
    static let emStopTolerance = 1e-14

    /// EM's linear rate r = gₖ/gₖ₋₁ (gₖ the gain of iteration k) at the last iteration whose previous gain is still
    /// 1000 times `noise`, the round-off of ℓ: below that the gains are noise and their ratios mean nothing. 0 when
    /// no gain is that large (EM was already at the maximum).
    static func emContraction(_ logLikelihoods: [Double], noise: Double) -> Double {
        var rate = 0.0
        for k in logLikelihoods.indices.dropFirst(2) {
            let previous = logLikelihoods[k - 1] - logLikelihoods[k - 2]
            if previous >= 1000 * noise { rate = (logLikelihoods[k] - logLikelihoods[k - 1]) / previous }
        }
        return rate
    }

    /// The cap on EM iterations on the main data.
    static func emMaxIterations(quick: Bool) -> Int { quick ? 5000 : 20000 }

    /// How close accelerated EM (SQUAREM) must come to the closed form on the main data: 10⁻⁶ nats per row.
    static let acceleratedEMTarget = 1e-6

    /// The rounding error allowed in one evaluation of ℓ = (1/N) Σ log N(xₙ; μ, C): each term is a sum of D squares
    /// and D log-pivots computed through a factor of C (or of M), accurate to about D·ε·κ(C) of its size, with
    /// κ(C) = λ₁/σ² for an ML model (C's eigenvalues are λ₁ … λ_q and σ²). Four times that, of max(1, |ℓ|).
    static func logLikelihoodRoundOff(dimension: Int, conditionNumber: Double, logLikelihood: Double) -> Double {
        4 * Double(dimension) * conditionNumber * .ulpOfOne * max(1, abs(logLikelihood))
    }

    /// The same for an ML `model` of `fit`, whose κ(C) is λ₁/σ².
    static func logLikelihoodRoundOff(_ model: PPCA, of fit: PPCAMaximumLikelihood, logLikelihood: Double) -> Double {
        logLikelihoodRoundOff(dimension: model.dimension, conditionNumber: fit.eigenvalues[0] / model.noiseVariance,
                              logLikelihood: logLikelihood)
    }

    /// Step 3 — maximum likelihood in closed form: μ = x̄, σ² = mean of the D − q discarded eigenvalues of the 1/N
    /// covariance, W = U_q(Λ_q − σ²I)^{1/2} (Tipping & Bishop eqs. 7–8). ℓ by Woodbury and the determinant lemma
    /// (O(NDq)), checked against the D × D Cholesky of C (O(ND²)); ℓ's shift under x → x/s against D log s.
    func maximumLikelihood(_ inputs: PPCAInputs, _ page: inout LessonRecorder, _ streams: PPCARandomStreams) throws
        -> MaximumLikelihoodFits {
        let q = inputs.latentDimension
        let cloudFit = try PPCAMaximumLikelihood(inputs.cloud)
        let cloudModel = try cloudFit.model(latentDimension: 1)
        let dataFit = try PPCAMaximumLikelihood(inputs.data)
        let dataModel = try dataFit.model(latentDimension: q)

        // ℓ two ways: Woodbury/determinant lemma (the model's own path) and the full Gaussian N(μ, C) by Cholesky.
        var rows: [(name: String, x: Matrix, latentDimension: Int, check: Check)] = []
        for (key, name, x, fit, model) in [("toy", "2-D example", inputs.cloud, cloudFit, cloudModel),
                                           ("main", inputs.dataName, inputs.data, dataFit, dataModel)] {
            let woodbury = try model.averageLogLikelihood(x)
            let cholesky = try GaussianModel(mean: model.mean, covariance: model.marginalCovariance).averageLogLikelihood(x)
            let record: JSONValue = ["woodbury": .number(woodbury), "cholesky": .number(cholesky),
                                     "abs_difference": .number(abs(woodbury - cholesky))]
            page.store(record, at: "likelihood_check.\(key)")
            let check = page.check("likelihood_check.\(key)",
                       method: "expected: ℓ by Woodbury and the determinant lemma (PPCA.averageLogLikelihood); computed: (1/N) Σ log N(xₙ; μ, WWᵀ + σ²I) through the Cholesky factor of the D × D matrix C; tolerance 4·D·κ(C)·ε·max(1, |ℓ|), κ(C) = λ₁/σ²",
                       expected: woodbury, computed: cholesky,
                       tolerance: Self.logLikelihoodRoundOff(model, of: fit, logLikelihood: woodbury))
            rows.append((name, x, model.latentDimension, check))
        }
        page.table("likelihood-check", PPCATables.likelihoodCheck(rows))
        page.label("likelihood_check.main.abs_difference", "|ℓ Woodbury − ℓ Cholesky| on the main data",
                   .naturalLogAveragedOverRows)
        let (cloudLogLikelihood, dataLogLikelihood) = (rows[0].check.expected, rows[1].check.expected)

        page.value("latent_dim", q, "latent dimension q of the main fit")
        page.value("sigma2", dataModel.noiseVariance, "σ²(ML) on the main data", .noiseVarianceIsMeanDiscardedEigenvalue)
        page.store(dataModel.loading, at: "W")
        page.value("log_likelihood_per_sample", dataLogLikelihood,
                   "average log-likelihood ℓ = (1/N) Σ log p(xₙ) at the ML fit", .naturalLogAveragedOverRows)
        page.store(Array(dataFit.eigenvalues.prefix(10)), at: "eigenvalues")
        page.label("eigenvalues.0", "λ₁", .eigenvaluesOfOneOverNCovariance)
        page.label("eigenvalues.1", "λ₂", .eigenvaluesOfOneOverNCovariance)
        page.group("data") { page in
            page.value("name", inputs.dataName, "the main data set")
            page.value("rows", inputs.data.rows, "N, rows of the main data")
            page.value("columns", inputs.dimension, "D, columns of the main data")
            page.value("preprocessing", inputs.standardization == nil ? "raw values (not standardised)"
                       : "standardised: each column centred and divided by its 1/N standard deviation (--standardize)",
                       "what was done to the values before fitting")
            page.store(inputs.labelColumn.map(JSONValue.string) ?? .null, at: "label_column")
            page.store(inputs.classNames.map { JSONValue.array($0.map(JSONValue.string)) } ?? .null, at: "classes")
        }

        // Why ℓ can be positive: a narrow Gaussian's peak 1/(s√(2π)) exceeds 1.
        let narrowSD = 0.01
        page.group("density_example") { page in
            page.value("sd", narrowSD, "standard deviation of the narrow example Gaussian")
            page.value("peak_density", 1 / (narrowSD * (2 * Double.pi).squareRoot()), "its density at the centre, 1/(s√(2π))")
        }
        // Rescaling x by 1/s multiplies densities by sᴰ, so ℓ shifts by exactly D log s.
        let scale = max(inputs.data.maxAbs, 1e-300)
        let rescaled = inputs.data.map { $0 / scale }                                 // (N, D)
        let rescaledLogLikelihood = try PPCA.fit(rescaled, latentDimension: q).averageLogLikelihood(rescaled)
        let expectedShift = Double(inputs.dimension) * log(scale)
        page.group("rescaled") { page in
            page.value("scale", scale, "s, the largest |value| in the data (the data are divided by s)")
            page.value("log_likelihood_per_sample", rescaledLogLikelihood, "ℓ of the ML fit to x/s", .naturalLogAveragedOverRows)
            page.value("shift", rescaledLogLikelihood - dataLogLikelihood, "ℓ(x/s) − ℓ(x), computed by refitting")
            page.value("expected_shift", expectedShift, "D log s, the change of variables predicts")
        }
        page.check("rescaling.shift",
                   method: "expected: D log s (change of variables x → x/s); computed: ℓ of the ML fit to x/s minus ℓ of the fit to x; tolerance: the round-off of both ℓ, of the size of the terms that cancel, |ℓ(x)| + |ℓ(x/s)| + D|log s|",
                   expected: expectedShift, computed: rescaledLogLikelihood - dataLogLikelihood,
                   tolerance: 2 * Self.logLikelihoodRoundOff(
                       dataModel, of: dataFit,
                       logLikelihood: abs(dataLogLikelihood) + abs(rescaledLogLikelihood) + abs(expectedShift)))

        // scikit-learn's PCA.score: the same model with the 1/(N−1) covariance (eigenvalues × N/(N−1)).
        let n = inputs.data.rows
        let bessel = Double(n) / Double(n - 1)
        let unbiased = try PPCA(mean: dataModel.mean, loading: sqrt(bessel) * dataModel.loading,
                                noiseVariance: bessel * dataModel.noiseVariance)
        let unbiasedLogLikelihood = try unbiased.averageLogLikelihood(inputs.data)
        page.group("conventions") { page in
            for (key, convention) in [("covariance", Convention.covarianceOneOverN), ("log", .naturalLogPerSample),
                                      ("W", .loadingRotationAndSigns), ("posterior", .posteriorFormula),
                                      ("sklearn", .scikitLearnCovariance)] {
                page.store(convention.text, at: key)
            }
            page.value("sklearn_score_difference", dataLogLikelihood - unbiasedLogLikelihood,
                       "ℓ(1/N fit) − ℓ(1/(N−1) fit, as in scikit-learn's PCA.score) on the main data",
                       .naturalLogAveragedOverRows)
            page.value("sklearn_sigma2", unbiased.noiseVariance, "σ² with the 1/(N−1) covariance (scikit-learn's noise_variance_)")
        }

        page.figure("marginal-density", PPCAFigures.marginalDensity(inputs.cloud, model: cloudModel, quick: inputs.quick))
        try sleeveExample(&page, streams)
        page.group("toy") { page in
            page.store(inputs.cloud.rows, at: "rows")
            page.value("sigma2", cloudModel.noiseVariance, "σ²(ML) of the 2-D example (q = 1) = λ₂",
                       .eigenvaluesOfOneOverNCovariance)
            page.store(cloudModel.loading.column(0), at: "W")
            page.store(cloudFit.eigenvalues, at: "eigenvalues")
            page.label("eigenvalues.0", "λ₁ of the 2-D example", .eigenvaluesOfOneOverNCovariance)
            page.label("eigenvalues.1", "λ₂ of the 2-D example", .eigenvaluesOfOneOverNCovariance)
            page.value("log_likelihood_per_sample", cloudLogLikelihood, "ℓ of the 2-D example at the ML fit",
                       .naturalLogAveragedOverRows)
            page.store(cloudModel.mean, at: "mu")
        }
        return MaximumLikelihoodFits(cloudFit: cloudFit, cloudModel: cloudModel, dataFit: dataFit, dataModel: dataModel,
                                     cloudLogLikelihood: cloudLogLikelihood, dataLogLikelihood: dataLogLikelihood)
    }

    /// Step 3, D = 3: PPCA with q = 1 against the full Gaussian N(x̄, S) on `SleeveCloud`. At both ML fits
    /// tr(C⁻¹S) = D, so ℓ(full) − ℓ(PPCA) = ½ log(|C|/|S|) = ½[(D − q) log σ² − Σ_{i>q} log λᵢ] ≥ 0: the log of the
    /// ratio of the arithmetic to the geometric mean of the discarded eigenvalues, times (D − q)/2.
    func sleeveExample(_ page: inout LessonRecorder, _ streams: PPCARandomStreams) throws {
        var random = streams.generator(.sleeveCloud)
        let x = SleeveCloud.sample(using: &random)                                  // (300, 3)
        let fit = try PPCAMaximumLikelihood(x)
        let model = try fit.model(latentDimension: 1)
        let gaussian = try GaussianModel.fit(x, sharing: fit)
        let ppcaLogLikelihood = try model.averageLogLikelihood(x)
        let gaussianLogLikelihood = try gaussian.averageLogLikelihood(x)
        let lambda = fit.eigenvalues
        let predicted = 0.5 * (2 * log(model.noiseVariance) - log(lambda[1]) - log(lambda[2]))
        page.check("sleeve.log_likelihood_gap",
                   method: "expected: ½[(D − q) log σ² − Σ_{i>q} log λᵢ] from the eigenvalues (tr(C⁻¹S) = D at both ML fits); computed: ℓ of N(x̄, S) by Cholesky minus ℓ of PPCA (q = 1) by Woodbury on the rows; tolerance: the round-off of both ℓ, 2·4·D·κ·ε·max(1, |ℓ|), κ = λ₁/λ₃",
                   expected: predicted, computed: gaussianLogLikelihood - ppcaLogLikelihood,
                   tolerance: 2 * Self.logLikelihoodRoundOff(dimension: 3, conditionNumber: lambda[0] / lambda[2],
                                                             logLikelihood: abs(gaussianLogLikelihood) + abs(ppcaLogLikelihood)))
        page.figure("ppca-vs-gaussian-3d", PPCAFigures.sleeve(x, model: model, gaussian: gaussian))
        page.group("sleeve") { page in
            page.value("rows", x.rows, "rows of the D = 3 example")
            page.store(SleeveCloud.standardDeviations, at: "standard_deviations")
            page.store(lambda, at: "eigenvalues")
            for i in 0..<3 { page.label("eigenvalues.\(i)", "λ\(["₁", "₂", "₃"][i]) of the D = 3 example", .eigenvaluesOfOneOverNCovariance) }
            page.value("sigma2", model.noiseVariance, "σ²(ML) of the D = 3 example, q = 1: (λ₂ + λ₃)/2",
                       .noiseVarianceIsMeanDiscardedEigenvalue)
            page.value("ppca_log_likelihood", ppcaLogLikelihood, "ℓ of PPCA (q = 1) on the D = 3 example", .naturalLogAveragedOverRows)
            page.value("gaussian_log_likelihood", gaussianLogLikelihood, "ℓ of the full Gaussian on the D = 3 example",
                       .naturalLogAveragedOverRows)
            page.value("log_likelihood_gap", gaussianLogLikelihood - ppcaLogLikelihood, "ℓ(full Gaussian) − ℓ(PPCA), D = 3 example",
                       .naturalLogAveragedOverRows)
        }
    }

    /// Step 4 — EM (Tipping & Bishop eqs. 29–30) on the cloud from a poor start and on the main data from a random
    /// small W₀, against the closed form: ℓ, WWᵀ (EM's W is the closed form's up to a rotation) and σ².
    func expectationMaximisation(_ inputs: PPCAInputs, _ fits: MaximumLikelihoodFits, _ page: inout LessonRecorder,
                                 _ streams: PPCARandomStreams) throws {
        // The cloud from a poor start: W₀ nearly along the minor axis (15° off it, since an exact eigenvector is a
        // fixed point), σ²₀ = λ₁ (far too large).
        let u1 = fits.cloudFit.eigenvectors.column(0)
        let u2 = fits.cloudFit.eigenvectors.column(1)
        let tiltDegrees = 15.0
        let tilt = tiltDegrees * Double.pi / 180
        let start = 0.5 * fits.cloudFit.eigenvalues[0].squareRoot()
        let cloudW0 = Matrix([[start * (sin(tilt) * u1[0] + cos(tilt) * u2[0])],     // (2, 1)
                              [start * (sin(tilt) * u1[1] + cos(tilt) * u2[1])]])
        let frameIterations = [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20, 25, 30, 40, 50, 70, 100, 150, 200, 300, 500]
        let cloudEM = try PPCA.fitEM(inputs.cloud, initialLoading: cloudW0, initialNoiseVariance: fits.cloudFit.eigenvalues[0],
                                     maxIterations: 500, tolerance: Self.emStopTolerance, snapshotIterations: frameIterations)
        // For print (PRML Fig. 12.12): iterations 0, 1, 2, 5, 20 and the last.
        let emFrames = PPCAFigures.emFrames(inputs.cloud, em: cloudEM, target: fits.cloudModel)
        var printed = cloudEM.snapshots.indices.filter { [0, 1, 2, 5, 20].contains(cloudEM.snapshots[$0].iteration) }
        if printed.last != emFrames.count - 1 { printed.append(emFrames.count - 1) }
        page.frames("em-iterations", emFrames, steps: printed, columns: printed.count % 3 == 0 ? 3 : 2,
                    title: "EM on the 2-D example at iterations 0, 1, 2, 5, 20 and the last", cellAspect: 0.9)

        // The main data from a random small W₀ and σ²₀ = tr(S)/D; EM needs only the mean and the 1/N scatter.
        let d = inputs.dimension
        let q = inputs.latentDimension
        let averageVariance = fits.dataFit.eigenvalues.reduce(0, +) / Double(d)
        let scale = 0.1 * averageVariance.squareRoot()
        var random = streams.generator(.emStart)
        let dataW0 = Matrix(rows: d, columns: q, elements: (0..<(d * q)).map { _ in scale * random.nextStandardNormal() })
        let dataEM = try PPCA.fitEM(mean: fits.dataFit.mean, scatter: fits.dataFit.covariance, initialLoading: dataW0,
                                    initialNoiseVariance: averageVariance, maxIterations: Self.emMaxIterations(quick: inputs.quick),
                                    tolerance: Self.emStopTolerance)
        // The same start, accelerated: SQUAREM (Varadhan & Roland 2008) extrapolates along two EM steps per cycle.
        let fastEM = try PPCA.fitSQUAREM(mean: fits.dataFit.mean, scatter: fits.dataFit.covariance, initialLoading: dataW0,
                                         initialNoiseVariance: averageVariance,
                                         maxIterations: Self.emMaxIterations(quick: inputs.quick), tolerance: Self.emStopTolerance)
        page.figure("em-log-likelihood", PPCAFigures.emLogLikelihood(
            data: dataEM, accelerated: fastEM, dataClosedForm: fits.dataLogLikelihood, cloud: cloudEM,
            cloudClosedForm: fits.cloudLogLikelihood, dataName: inputs.dataName, latentDimension: q))

        var rows: [PPCATables.EMRow] = []
        for (key, name, em, target, fit, closedForm, x) in [
            ("toy_em", "2-D example (q = 1)", cloudEM, fits.cloudModel, fits.cloudFit, fits.cloudLogLikelihood, inputs.cloud),
            ("em", "\(inputs.dataName) (q = \(q))", dataEM, fits.dataModel, fits.dataFit, fits.dataLogLikelihood, inputs.data),
            ("em_accelerated", "\(inputs.dataName) (q = \(q)), SQUAREM", fastEM, fits.dataModel, fits.dataFit,
             fits.dataLogLikelihood, inputs.data),
        ] {
            let emLogLikelihood = try em.model.averageLogLikelihood(x)
            let wwt = em.model.loading.timesTranspose(em.model.loading)                  // (D, D)
            let wwtML = target.loading.timesTranspose(target.loading)
            let wwtDifference = (wwt - wwtML).frobeniusNorm / wwtML.frobeniusNorm
            let sigmaDifference = abs(em.model.noiseVariance - target.noiseVariance) / target.noiseVariance
            let decreases = zip(em.logLikelihoods.dropFirst(), em.logLikelihoods).filter { $0.0 < $0.1 }.count
            rows.append(.init(name: name, iterations: em.iterations, converged: em.converged, emLogLikelihood: emLogLikelihood,
                              closedFormLogLikelihood: closedForm, wwtDifference: wwtDifference,
                              sigmaDifference: sigmaDifference, decreasingSteps: decreases))
            // EM stops at a gain t ≤ 10⁻¹⁴·max(1, |ℓ|) measured to ν, the round-off of ℓ; a linear tail with rate r
            // then leaves at most (t + 2ν)/(1 − r), and each reported ℓ carries its own ν.
            let roundOff = Self.logLikelihoodRoundOff(target, of: fit, logLikelihood: closedForm)
            let rate = Self.emContraction(em.logLikelihoods, noise: roundOff)
            if key == "em_accelerated" {
                page.check("\(key).log_likelihood",
                           method: "expected: ℓ of the closed-form ML fit; computed: ℓ after SQUAREM from plain EM's start, within plain EM's cap of EM updates (same Woodbury evaluation); tolerance: the target, \(Self.acceleratedEMTarget) nats per row",
                           expected: closedForm, computed: emLogLikelihood, tolerance: Self.acceleratedEMTarget)
            } else {
                page.check("\(key).log_likelihood",
                           method: "expected: ℓ of the closed-form ML fit; computed: ℓ after EM from its start (same Woodbury evaluation); tolerance (t + 2ν)/(1 − r) + 2ν: the stopping gain t = \(Self.emStopTolerance)·max(1, |ℓ|), ν the round-off of ℓ (4·D·κ(C)·ε·max(1, |ℓ|)), r EM's linear rate measured where the gains exceed 1000ν",
                           expected: closedForm, computed: emLogLikelihood,
                           tolerance: (Self.emStopTolerance * max(1, abs(closedForm)) + 2 * roundOff) / (1 - rate) + 2 * roundOff)
            }
            let trace: [JSONValue] = em.logLikelihoods.indices.map { k in
                ["iteration": .integer(em.updateCounts[k]), "log_likelihood_per_sample": .number(em.logLikelihoods[k]),
                 "sigma2": .number(em.noiseVariances[k])]
            }
            page.store([
                "iterations": .integer(em.iterations), "converged": .bool(em.converged),
                "log_likelihood_per_sample": .number(emLogLikelihood),
                "closed_form_log_likelihood_per_sample": .number(closedForm),
                "log_likelihood_gap": .number(closedForm - emLogLikelihood), "sigma2": .number(em.model.noiseVariance),
                "wwt_relative_difference": .number(wwtDifference),
                "sigma2_relative_difference": .number(sigmaDifference),
                "decreasing_steps": .integer(decreases), "trace": .array(trace),
            ] as JSONValue, at: key)
        }
        page.table("em-check", PPCATables.emCheck(rows))
        page.group("em") { page in
            page.store("W₀ with N(0, (0.1·√(tr S/D))²) entries, σ²₀ = tr S / D", at: "start")
            page.value("start_sigma2", averageVariance, "σ²₀ on the main data = tr S / D", .eigenvaluesOfOneOverNCovariance)
            page.value("max_iterations", Self.emMaxIterations(quick: inputs.quick), "the cap on EM updates (main data)")
            page.label("iterations", "EM iterations on the main data", .emStoppingRule)
            page.label("log_likelihood_per_sample", "ℓ after EM on the main data", .naturalLogAveragedOverRows)
            page.label("log_likelihood_gap", "ℓ closed form − ℓ EM (main data)", .naturalLogAveragedOverRows)
            page.label("wwt_relative_difference", "‖WWᵀ(EM) − WWᵀ(ML)‖(F) / ‖WWᵀ(ML)‖(F) (main data)")
            page.label("sigma2_relative_difference", "|σ²(EM) − σ²(ML)| / σ²(ML) (main data)")
            page.label("decreasing_steps", "iterations where ℓ decreased (main data)")
        }
        page.group("em_accelerated") { page in
            page.label("iterations", "EM updates SQUAREM used on the main data (three per cycle)", .emStoppingRule)
            page.label("log_likelihood_gap", "ℓ closed form − ℓ SQUAREM (main data)", .naturalLogAveragedOverRows)
            page.value("speed_up", Double(dataEM.iterations) / Double(max(fastEM.iterations, 1)),
                       "plain EM's updates / SQUAREM's updates (main data)")
        }
        page.group("toy_em") { page in
            page.store("W₀ = 0.5·√λ₁ times a unit vector 15° from the minor axis u₂ towards u₁; σ²₀ = λ₁ (the largest eigenvalue of the 1/N covariance)",
                       at: "start")
            page.value("start_sigma2", fits.cloudFit.eigenvalues[0], "σ²₀ of the 2-D EM run = λ₁", .eigenvaluesOfOneOverNCovariance)
            page.value("start_tilt_degrees", tiltDegrees, "angle between W₀ and the minor axis u₂ (degrees)")
            page.value("total_variance", fits.cloudFit.eigenvalues.reduce(0, +), "tr S = λ₁ + λ₂ of the 2-D example",
                       .eigenvaluesOfOneOverNCovariance)
            page.label("iterations", "EM iterations on the 2-D example")
            page.label("log_likelihood_gap", "ℓ closed form − ℓ EM (2-D example)", .naturalLogAveragedOverRows)
        }
    }
}
