import Foundation
import LessonKit
import LinearAlgebra
import Models

/// Steps 1–3: factor analysis beside PPCA, what each model ignores (units, rotations), and Heywood cases.
extension LinearFamilyLesson {
    /// FA's EM stops when an iteration gains less than this × max(1, |ℓ|) and so does the estimated remaining gap.
    static let faTolerance = 1e-13
    /// FA's ψᵢ may not fall below this × Sᵢᵢ (the column's 1/N variance); ending there flags a Heywood case. EM
    /// approaches ψᵢ = 0 only slowly (helper measurements: 2·10⁻⁴ Sᵢᵢ after 3,000 iterations), so a floor near 0 would
    /// not be reached in the lesson's budget: 10⁻³ flags a column the factors explain to more than 99.9 %.
    static let uniquenessFloor = 1e-3
    static func faMaxIterations(quick: Bool) -> Int { quick ? 20_000 : 50_000 }
    static func faStarts(quick: Bool) -> Int { quick ? 3 : 5 }
    /// The largest entry of the scale-free gradient (see `largestGradient`) allowed at the optimum. EM stops when the
    /// gap left in ℓ is ~10⁻¹³|ℓ|; near a maximum the gap is ½gᵀH⁻¹g, and in these coordinates the curvature H is
    /// of order 1 per row, so g ~ √(2·10⁻¹³|ℓ|) ≈ 10⁻⁵ for |ℓ| ~ 100: 10⁻⁴ leaves room for a slow direction.
    static let gradientTolerance = 1e-4

    /// Where a flagged ψᵢ is then held, × Sᵢᵢ: the boundary ψᵢ = 0 in all but name.
    static let heywoodFloor = 1e-10

    /// FA by EM from several starts (`faStarts`, the first from PPCA's closed form), then, when the best run ends with
    /// some ψᵢ at its floor (a Heywood case), EM again from that run with those ψᵢ held at `heywoodFloor`·Sᵢᵢ: EM only
    /// creeps towards ψᵢ = 0 (ψᵢ falls roughly like 1/k), and the refined run reaches the boundary maximum. The
    /// refined run is kept when its ℓ is at least the first's.
    static func fitFactorAnalysis(_ x: Matrix, latentDimension q: Int, quick: Bool, streams: LinearFamilyStreams) throws
        -> (starts: FactorAnalysisMultiStartResult, best: FactorAnalysisEMResult) {
        var random = streams.generator(LinearFamilyStreams.faStarts)
        let fits = try FactorAnalysis.fitEM(x, latentDimension: q, starts: faStarts(quick: quick), using: &random,
                                            maxIterations: faMaxIterations(quick: quick), tolerance: faTolerance,
                                            uniquenessFloor: uniquenessFloor)
        let best = fits.best
        guard !best.heywoodColumns.isEmpty else { return (fits, best) }
        let mean = Statistics.columnMeans(x)
        let s = Statistics.covariance(x, mean: mean, normalization: .maximumLikelihood)
        var floors = best.uniquenessFloors
        var psi = best.model.uniquenesses
        for i in best.heywoodColumns { floors[i] = heywoodFloor * s[i, i]; psi[i] = floors[i] }
        let refined = try FactorAnalysis.fitEM(mean: mean, scatter: s, latentDimension: q, initialLoading: best.model.loading,
                                               initialUniquenesses: psi, maxIterations: faMaxIterations(quick: quick),
                                               tolerance: faTolerance, columnFloors: floors)
        return (fits, refined.finalLogLikelihood >= best.finalLogLikelihood ? refined : best)
    }

    /// The largest |entry| of ℓ's gradient in scale-free coordinates: Λᵢₖ = √ψᵢ·aᵢₖ (loadings in units of the
    /// column's noise s.d.) and ψᵢ = exp tᵢ, so ∂ℓ/∂aᵢₖ = √ψᵢ ∂ℓ/∂Λᵢₖ and ∂ℓ/∂tᵢ = ψᵢ ∂ℓ/∂ψᵢ; the ψᵢ held at their floor
    /// are left out (EM's constraint is active there and the gradient points below it). Both are dimensionless, so
    /// the same tolerance serves any units (a raw gradient in Λ grows like 1/ψᵢ near a Heywood case).
    static func largestGradient(_ model: FactorAnalysis, scatter s: Matrix, floors: [Double]) -> Double {
        let g = model.gradient(scatter: s)
        var largest = 0.0
        for i in 0..<model.dimension {
            let root = model.uniquenesses[i].squareRoot()
            for k in 0..<model.latentDimension { largest = max(largest, abs(root * g.loading[i, k])) }
            if model.uniquenesses[i] > floors[i] { largest = max(largest, abs(model.uniquenesses[i] * g.uniquenesses[i])) }
        }
        return largest
    }

    /// Step 1 — FA by EM from several starts beside PPCA's closed form, on the complete rows and kept columns.
    func factorAnalysis(_ inputs: LinearFamilyInputs, _ page: inout LessonRecorder, _ streams: LinearFamilyStreams) throws
        -> FactorAnalysisFits {
        let x = inputs.faData                                                  // (N_c, D')
        let q = inputs.latentDimension
        let (fits, best) = try Self.fitFactorAnalysis(x, latentDimension: q, quick: inputs.quick, streams: streams)
        let fa = best.model
        let mean = Statistics.columnMeans(x)
        let s = Statistics.covariance(x, mean: mean, normalization: .maximumLikelihood)     // (D', D') 1/N
        let ppcaFit = try PPCAMaximumLikelihood(x)
        let ppca = try ppcaFit.model(latentDimension: q)
        let ppcaLogLikelihood = try ppca.averageLogLikelihood(x)

        // ℓ two ways: Woodbury through the q × q matrix I + ΛᵀΨ⁻¹Λ (EM's own evaluation), and the D × D Cholesky of
        // ΛΛᵀ + Ψ, the value reported: Woodbury works with Ψ⁻¹, whose entries reach 1/ψᵢ, so near a Heywood case it
        // loses digits that the Cholesky route keeps.
        let woodbury = try fa.averageLogLikelihood(x)
        let covariance = fa.marginalCovariance
        let cholesky = try GaussianModel(mean: fa.mean, covariance: covariance).averageLogLikelihood(x)
        let eigenvalues = try SymmetricEigen(of: covariance).eigenvalues
        let condition = (eigenvalues.max() ?? 1) / max(eigenvalues.min() ?? 1, .leastNormalMagnitude)
            * (0..<fa.dimension).map { covariance[$0, $0] / fa.uniquenesses[$0] }.max()!
        let likelihoodCheck = page.check("fa.likelihood",
                   method: "expected: FA's ℓ = (1/N) Σ log N(xₙ; μ, ΛΛᵀ + Ψ) by Woodbury and the determinant lemma (q × q matrix I + ΛᵀΨ⁻¹Λ), EM's own evaluation; computed: the same through the Cholesky factor of the D × D matrix C = ΛΛᵀ + Ψ (the value reported); tolerance 4·D·κ·ε·max(1, |ℓ|), κ = κ(C)·maxᵢ Cᵢᵢ/ψᵢ (Woodbury works with Ψ⁻¹)",
                   expected: woodbury, computed: cholesky,
                   tolerance: 4 * Double(x.columns) * condition * .ulpOfOne * max(1, abs(woodbury)))

        // The optimum: a zero gradient (off the floor), against the gradient at PPCA's closed form (start 0).
        let floors = best.uniquenessFloors
        let startModel = try FactorAnalysis(mean: mean, loading: ppca.loading,
                                            uniquenesses: floors.map { max($0, ppca.noiseVariance) })
        let gradientScale = Self.largestGradient(startModel, scatter: s, floors: floors)
        let gradient = Self.largestGradient(fa, scatter: s, floors: floors)
        let gradientCheck = page.check("fa.zero_gradient",
                   method: "expected: 0, the gradient of ℓ at a maximum; computed: the largest |entry| of √ψᵢ ∂ℓ/∂Λᵢₖ and ψᵢ ∂ℓ/∂ψᵢ (the gradient in the scale-free coordinates Λᵢₖ/√ψᵢ and log ψᵢ), from ∂ℓ/∂Λ = ΔΛ and ∂ℓ/∂ψᵢ = ½Δᵢᵢ with Δ = C⁻¹SC⁻¹ − C⁻¹, C = ΛΛᵀ + Ψ, over Λ and the ψᵢ above their floor; tolerance \(Self.gradientTolerance)",
                   expected: 0, computed: gradient, tolerance: Self.gradientTolerance)

        // Starts: every run's final ℓ, and the spread among them (FA's likelihood can have several local maxima: the
        // page says how many distinct ones the starts found, 10⁻⁶ nats apart or more).
        let finals = fits.runs.map(\.finalLogLikelihood)
        let spread = (finals.max() ?? 0) - (finals.min() ?? 0)
        var maxima: [Double] = []
        for value in finals.sorted(by: >) where !maxima.contains(where: { abs($0 - value) < 1e-6 }) { maxima.append(value) }

        let variances = s.diagonal
        let left = inputs.dimension - inputs.faColumns.count
        // Heywood columns: ψᵢ at or below the first floor, 10⁻³ Sᵢᵢ (the refinement holds them lower still).
        let heywood = (0..<fa.dimension).filter { fa.uniquenesses[$0] <= Self.uniquenessFloor * variances[$0] }
        page.group("fa") { page in
            page.value("columns", x.columns, "D, the columns factor analysis is fitted to")
            page.value("rows", x.rows, "rows factor analysis is fitted to (rows without a missing cell)")
            page.value("smallest_variance", variances.min() ?? 0, "the smallest column variance Sᵢᵢ", .covarianceOneOverN)
            page.value("largest_variance", variances.max() ?? 0, "the largest column variance Sᵢᵢ", .covarianceOneOverN)
            page.value("starts", finals.count, "EM starts (the first from PPCA's closed form)")
            page.value("tolerance", Self.faTolerance, "EM stops when a gain and the estimated remaining gap are below this × |ℓ|")
            page.value("start_spread", spread, "largest minus smallest final ℓ over the starts", .naturalLogPerRow)
            page.value("distinct_maxima", maxima.count, "distinct final ℓ among the starts (10⁻⁶ nats apart or more)")
            page.value("starts_sentence", maxima.count == 1
                       ? "All \(finals.count) starts end within \(String(format: "%.1e", spread)) nats per row of each other: one maximum."
                       : "The starts end at \(maxima.count) different maxima, up to \(String(format: "%.4f", spread)) nats per row apart: FA's likelihood has several local maxima here, and the best is kept.",
                       "whether the starts agree")
            page.store(finals, at: "start_log_likelihoods")
            page.store(fits.runs.map(\.iterations), at: "start_iterations")
            page.store(fits.runs.map(\.converged), at: "start_converged")
            page.value("latent_dim", inputs.latentDimension, "q, the number of factors (and of PPCA's latent dimensions)")
            page.value("ppca_log_likelihood", ppcaLogLikelihood, "ℓ of PPCA (closed form) on the same rows and columns", .naturalLogAveragedOverRows)
            page.value("gain", cholesky - ppcaLogLikelihood, "ℓ(FA) − ℓ(PPCA), same q", .naturalLogAveragedOverRows)
            page.value("extra_parameters", x.columns - 1, "parameters FA has beyond PPCA (D noise variances instead of one)")
            page.value("ppca_sigma2", ppca.noiseVariance, "PPCA's σ²", .noiseVarianceIsMeanDiscardedEigenvalue)
            page.value("gradient_max", gradientCheck.computed, "largest |∂ℓ| at FA's optimum, scale-free coordinates")
            page.value("gradient_scale", gradientScale, "largest |∂ℓ| at PPCA's closed form (the start), scale-free coordinates")
            page.store(heywood.map { inputs.faColumns[$0] + 1 }, at: "heywood_columns")
            page.label("heywood_columns", "columns (1-based) whose ψᵢ ended at or below 10⁻³ Sᵢᵢ: Heywood cases")
            page.store(inputs.faColumns.count == inputs.dimension ? [] : (0..<inputs.dimension).filter { !inputs.faColumns.contains($0) }.map { $0 + 1 },
                       at: "left_out_columns")
            page.value("left_out_sentence", Self.leftOutSentence(inputs, left: left, heywood: heywood.count),
                       "what was left out of the fit, and why")
        }
        page.group("data") { page in
            page.value("name", inputs.dataName, "the main data set")
            page.value("rows", inputs.data.rows, "N, rows of the main data")
            page.value("columns", inputs.dimension, "D, columns of the main data")
            page.value("preprocessing", inputs.standardized
                       ? "standardised: each column centred and divided by its 1/N standard deviation (--standardize)"
                       : "raw values (not standardised)", "what was done to the values before fitting")
        }
        page.group("factor_analysis") { page in
            page.value("log_likelihood_per_sample", cholesky, "ℓ of factor analysis at its maximum-likelihood fit",
                       .naturalLogAveragedOverRows)
            // One ψᵢ per column of the data; a constant column gets 0, the limit its ψᵢ tends to (it is left out of the fit).
            var noise = [Double](repeating: 0, count: inputs.dimension)
            for (k, j) in inputs.faColumns.enumerated() { noise[j] = fa.uniquenesses[k] }
            page.store(noise, at: "noise_variances")
            page.label("noise_variances", "FA's noise variances ψᵢ, one per column (0 for a constant column, left out of the fit)",
                       .covarianceOneOverN)
            page.store(inputs.columnNames.count == inputs.dimension ? inputs.columnNames : (0..<inputs.dimension).map { inputs.columnName($0) },
                       at: "columns")
            page.value("latent_dim", q, "number of factors q")
            page.store(fa.loading, at: "loading")
        }
        page.table("fa-check", LinearFamilyTables.faCheck(likelihood: likelihoodCheck, gradient: gradientCheck,
                                                          gradientScale: gradientScale, starts: fits.runs))
        page.figure("noise-variances", LinearFamilyFigures.noiseVariances(
            sigma2: ppca.noiseVariance, uniquenesses: fa.uniquenesses, variances: variances, columns: inputs.faColumns,
            dimension: inputs.dimension, imageShape: inputs.imageShape, names: inputs.faColumns.map { inputs.columnName($0) }))
        page.figure("fa-em", LinearFamilyFigures.factorAnalysisEM(runs: fits.runs.map(\.logLikelihoods),
                                                                   ppca: ppcaLogLikelihood, bestIndex: fits.bestIndex))
        return FactorAnalysisFits(x: x, fa: fa, faLogLikelihood: cholesky, ppca: ppca, ppcaLogLikelihood: ppcaLogLikelihood,
                                  floors: floors)
    }

    static func leftOutSentence(_ inputs: LinearFamilyInputs, left: Int, heywood: Int) -> String {
        var parts: [String] = []
        if left > 0 {
            parts.append("\(left) of the \(inputs.dimension) columns never vary on these rows (variance 0) and are left out of both models: for such a column FA's likelihood has no maximum, because it grows without bound as ψᵢ → 0 (the limit of a Heywood case, step 3).")
        }
        if let missing = inputs.missing {
            parts.append("The \(missing.rows) rows with a missing cell are left out here; step 4 uses them.")
        }
        if heywood > 0 {
            parts.append("\(heywood) noise variance\(heywood == 1 ? " ends" : "s end") at the floor: a Heywood case (step 3).")
        }
        return parts.isEmpty ? "Every column and every row is used." : parts.joined(separator: " ")
    }

    /// Step 2 — one column ×c and a random rotation of all columns: Δℓ of FA and of PPCA, each refitted.
    func unitsAndRotations(_ inputs: LinearFamilyInputs, _ fits: FactorAnalysisFits, _ page: inout LessonRecorder,
                           _ streams: LinearFamilyStreams) throws {
        let x = fits.x
        let (n, d) = (x.rows, x.columns)
        let q = inputs.latentDimension
        let variances = Statistics.covariance(x, normalization: .maximumLikelihood).diagonal
        let column = variances.indices.max { variances[$0] < variances[$1] }!                 // the widest column
        let c = 10.0
        var rescaled = x
        for i in 0..<n { rescaled[i, column] *= c }
        // A rotation: Q of the QR factorisation of a Gaussian D × D matrix, columns' signs fixed by R's diagonal.
        var random = streams.generator(LinearFamilyStreams.rotation)
        let r = Self.randomRotation(dimension: d, using: &random)
        let rotated = x * r                                                                       // (N, D)
        func faFit(_ y: Matrix) throws -> FactorAnalysisEMResult {
            try Self.fitFactorAnalysis(y, latentDimension: q, quick: inputs.quick, streams: streams).best
        }
        let rescaledFit = try Self.rescaledFit(rescaled, column: column, scale: c, original: fits, quick: inputs.quick, streams: streams)
        let faRescaled = try Self.choleskyLogLikelihood(rescaledFit.model, rescaled) - fits.faLogLikelihood
        let faRotated = try Self.choleskyLogLikelihood(faFit(rotated).model, rotated) - fits.faLogLikelihood
        // (ΛΛᵀ)ᵢᵢ and ψᵢ of the rescaled column, refitted over original: both c² for a model that follows the unit.
        func communality(_ model: FactorAnalysis) -> Double { model.loading.row(column).reduce(0) { $0 + $1 * $1 } }
        let psiRatio = rescaledFit.model.uniquenesses[column] / fits.fa.uniquenesses[column]
        let loadingRatio = communality(rescaledFit.model) / communality(fits.fa)
        let ppcaRescaled = try PPCA.fit(rescaled, latentDimension: q).averageLogLikelihood(rescaled) - fits.ppcaLogLikelihood
        let ppcaRotated = try PPCA.fit(rotated, latentDimension: q).averageLogLikelihood(rotated) - fits.ppcaLogLikelihood
        let faRescaleCheck = page.check("units.fa_rescale",
                   method: "expected: −log c (×c on one column divides every density by c); computed: ℓ (Cholesky of ΛΛᵀ + Ψ, on the rows) of FA refitted by EM to the rescaled data (the best of the starts and of a start from the original optimum carried over) minus ℓ of the original fit; tolerance 10⁻⁶ nats per row (both EM runs stop within ~10⁻¹³|ℓ| of their maximum)",
                   expected: -log(c), computed: faRescaled, tolerance: 1e-6)
        let ppcaRotateCheck = page.check("units.ppca_rotate",
                   method: "expected: 0 (a rotation keeps every density); computed: ℓ of PPCA fitted in closed form to XR minus ℓ of the fit to X; tolerance 2·4·D·κ·ε·max(1, |ℓ|), κ = λ₁/σ²",
                   expected: 0, computed: ppcaRotated,
                   tolerance: 8 * Double(d) * (variances.max() ?? 1) / fits.ppca.noiseVariance * .ulpOfOne * max(1, abs(fits.ppcaLogLikelihood)))
        page.group("units") { page in
            page.value("column", inputs.faColumns[column] + 1, "the rescaled column (1-based), the one of largest variance")
            page.value("column_name", inputs.columnName(inputs.faColumns[column]), "its name")
            page.value("scale", c, "c, the factor the column is multiplied by")
            page.value("log_scale", log(c), "log c", .naturalLog)
            page.value("scale_squared", c * c, "c²")
            page.value("fa_psi_ratio", psiRatio, "ψᵢ of the rescaled column, refitted, over ψᵢ before")
            page.value("fa_loading_ratio", loadingRatio, "(ΛΛᵀ)ᵢᵢ of the rescaled column, refitted, over (ΛΛᵀ)ᵢᵢ before")
            page.value("fa_rescale_change", faRescaled, "ℓ(FA, column ×c) − ℓ(FA)", .naturalLogAveragedOverRows)
            page.value("fa_rescale_error", faRescaleCheck.difference, "|ℓ(FA, column ×c) − ℓ(FA) + log c|")
            page.value("ppca_rescale_change", ppcaRescaled, "ℓ(PPCA, column ×c) − ℓ(PPCA)", .naturalLogAveragedOverRows)
            page.value("fa_rotate_change", faRotated, "ℓ(FA, rotated) − ℓ(FA)", .naturalLogAveragedOverRows)
            page.value("ppca_rotate_change", ppcaRotated, "ℓ(PPCA, rotated) − ℓ(PPCA)", .naturalLogAveragedOverRows)
            page.value("ppca_rotate_error", ppcaRotateCheck.difference, "|ℓ(PPCA, rotated) − ℓ(PPCA)|")
        }
        page.table("units-rotations", LinearFamilyTables.unitsAndRotations(
            logScale: log(c), faRescaled: faRescaled, ppcaRescaled: ppcaRescaled, faRotated: faRotated, ppcaRotated: ppcaRotated,
            column: inputs.columnName(inputs.faColumns[column]), scale: c))
    }

    /// (1/N) Σ log N(xₙ; μ, ΛΛᵀ + Ψ) through the Cholesky factor of the D × D covariance: the value the page reports
    /// (accurate near a Heywood case, where Woodbury's Ψ⁻¹ loses digits).
    static func choleskyLogLikelihood(_ fa: FactorAnalysis, _ x: Matrix) throws -> Double {
        try GaussianModel(mean: fa.mean, covariance: fa.marginalCovariance).averageLogLikelihood(x)
    }

    /// FA on the data with column `column` × c: the best of the usual starts (`fitFactorAnalysis`) and of a start from
    /// the original optimum carried over (row of Λ × c, ψ × c², floors × c²) — FA can have several maxima, and the
    /// starts on the rescaled data might find another one.
    static func rescaledFit(_ rescaled: Matrix, column: Int, scale c: Double, original fits: FactorAnalysisFits, quick: Bool,
                            streams: LinearFamilyStreams) throws -> FactorAnalysisEMResult {
        let q = fits.fa.latentDimension
        let fromStarts = try fitFactorAnalysis(rescaled, latentDimension: q, quick: quick, streams: streams).best
        var loading = fits.fa.loading, psi = fits.fa.uniquenesses, floors = fits.floors
        for k in 0..<q { loading[column, k] *= c }
        psi[column] *= c * c
        floors[column] *= c * c
        let mean = Statistics.columnMeans(rescaled)
        let carried = try FactorAnalysis.fitEM(
            mean: mean, scatter: Statistics.covariance(rescaled, mean: mean, normalization: .maximumLikelihood),
            latentDimension: q, initialLoading: loading, initialUniquenesses: psi, maxIterations: faMaxIterations(quick: quick),
            tolerance: faTolerance, columnFloors: floors)
        return carried.finalLogLikelihood > fromStarts.finalLogLikelihood ? carried : fromStarts
    }

    /// A random D × D rotation: Q of the QR factorisation of a matrix of standard normals, each column's sign chosen
    /// so that R's diagonal is positive (Haar-distributed; Mezzadri 2007).
    static func randomRotation(dimension d: Int, using random: inout some RandomNumberGenerator) -> Matrix {
        var columns: [[Double]] = []
        // Gram–Schmidt (twice, for orthogonality to round-off) on Gaussian columns: the same Q with R's diagonal > 0.
        while columns.count < d {
            var v = (0..<d).map { _ in random.nextStandardNormal() }
            for _ in 0..<2 {
                for u in columns {
                    let dot = zip(u, v).reduce(0) { $0 + $1.0 * $1.1 }
                    for i in 0..<d { v[i] -= dot * u[i] }
                }
            }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            columns.append(v.map { $0 / norm })
        }
        return Matrix(rows: d, columns: d, elements: (0..<(d * d)).map { columns[$0 % d][$0 / d] })
    }

    /// Step 3 — a Heywood case: three columns with correlations r₁₂ = 0.9, r₁₃ = 0.8, r₂₃ = 0.6. One factor must
    /// give Λ₁² = r₁₂r₁₃/r₂₃ = 1.2 > 1 = S₁₁, so ψ₁ would be negative: EM drives it to its floor.
    func heywoodCases(_ page: inout LessonRecorder, _ streams: LinearFamilyStreams) throws {
        let correlation = Matrix([[1, 0.9, 0.8], [0.9, 1, 0.6], [0.8, 0.6, 1]])
        let rows = 500
        var random = streams.generator(LinearFamilyStreams.heywood)
        let factor = try Cholesky(of: correlation).lower
        var elements: [Double] = []
        for _ in 0..<rows {
            let g = (0..<3).map { _ in random.nextStandardNormal() }
            elements += factor.times(g)
        }
        let x = Matrix(rows: rows, columns: 3, elements: elements)
        let mean = Statistics.columnMeans(x)
        let s = Statistics.covariance(x, mean: mean, normalization: .maximumLikelihood)
        let fit = try PPCAMaximumLikelihood(x)
        let start = try fit.model(latentDimension: 1)
        let snapshots = Array(Set((0...300).map { Int(pow(1.03, Double($0)).rounded()) } + [0])).sorted()
        let run = try FactorAnalysis.fitEM(mean: mean, scatter: s, latentDimension: 1, initialLoading: start.loading,
                                           initialUniquenesses: [Double](repeating: start.noiseVariance, count: 3),
                                           maxIterations: 20_000, tolerance: Self.faTolerance,
                                           uniquenessFloor: Self.uniquenessFloor, snapshotIterations: snapshots)
        let justIdentified = s[0, 1] * s[0, 2] / s[1, 2]
        let trace = run.snapshots.map { (iteration: $0.iteration, psi: $0.model.uniquenesses) }
        let first = trace.first?.psi[0] ?? 1, last = run.model.uniquenesses[0]
        page.group("heywood") { page in
            page.value("rows", rows, "rows of the D = 3 example")
            page.value("floor_rule", "10⁻³ × the column's variance Sᵢᵢ (a column whose factors explain more than 99.9 % of its variance)", "the floor of each ψᵢ")
            page.value("lambda1_squared", justIdentified, "S₁₂S₁₃/S₂₃, the Λ₁² one factor needs", .covarianceOneOverN)
            page.value("s11", s[0, 0], "S₁₁, the variance of column 1", .covarianceOneOverN)
            page.value("decades", log10(first / last), "orders of magnitude ψ₁ falls over the EM run")
            page.value("iterations", run.iterations, "EM iterations of the example")
            page.store(run.model.uniquenesses, at: "noise_variances")
            page.store(run.heywoodColumns.map { $0 + 1 }, at: "flagged")
            page.value("flagged_list", run.heywoodColumns.isEmpty ? "none" : run.heywoodColumns.map { String($0 + 1) }.joined(separator: ", "),
                       "columns whose ψᵢ ends at its floor (1-based)")
        }
        page.figure("heywood", LinearFamilyFigures.heywood(trace: trace, floors: run.uniquenessFloors))
    }
}
