import Foundation
import LessonKit
import LinearAlgebra
import Models
import Plotting

/// Steps 5–7: the posterior p(z | x), the limit σ² → 0, and the rotational ambiguity W → WR.
extension PPCALesson {
    /// The ML model of the latent-plane figures (q = `figureLatentDimension`, σ² = σ²_ML), its posterior over every
    /// row of the main data, and the rows the figures single out: the same for steps 5, 6 (its first frame) and 7.
    struct LatentPlane {
        var model: PPCA
        var posterior: LatentPosterior
        var chosen: [Int]
    }

    /// The digits whose rows the latent-plane figures single out (they spread around the plane).
    static let highlightedDigits = [0, 1, 3, 4, 6]

    /// The grid of step 5 spans the closed-form mean ± this many posterior standard deviations on each axis.
    static let gridHalfWidth = 7.0

    static func gridPointsPerAxis(quick: Bool) -> Int { quick ? 81 : 201 }

    /// The factors f of σ² = f·σ²_ML that step 6 follows.
    static let sigmaFactors: [Double] = [1, 0.5, 0.25, 0.1, 0.05, 0.02, 0.01, 0.001]

    /// Step 5 — the posterior p(z | x) = N(M⁻¹Wᵀ(x − μ), σ²M⁻¹), M = WᵀW + σ²I (PRML 12.42), for every row; Bayes'
    /// rule p(x|z)p(z)/p(x) on a grid for one row; and the shrinkage of W E[z|x] + μ towards μ on the cloud.
    func posterior(_ inputs: PPCAInputs, _ fits: MaximumLikelihoodFits, _ page: inout LessonRecorder) throws -> LatentPlane {
        let q = inputs.figureLatentDimension
        let model = try fits.dataFit.model(latentDimension: q)
        let posterior = try model.posterior(inputs.data)                              // means (N, q), covariance (q, q)
        let chosen = RowSelection.wellSeparated(means: posterior.means, labels: inputs.labels,
                                                classes: Self.highlightedDigits, count: Self.highlightedDigits.count)
        page.figure("posterior-digits", PPCAFigures.posteriorScatter(inputs, model: model, posterior: posterior, chosen: chosen))

        // Bayes' rule on a grid for the first chosen row against the closed form.
        let row = chosen[0]
        let mean = posterior.means.row(row)                                           // (q,)
        let sd = (0..<q).map { posterior.covariance[$0, $0].squareRoot() }
        let count = Self.gridPointsPerAxis(quick: inputs.quick)
        let grid = model.gridPosterior(x: inputs.data.row(row), centre: mean, halfWidth: sd.map { Self.gridHalfWidth * $0 },
                                       pointsPerAxis: count)
        page.figure("posterior-grid-check", PPCAFigures.posteriorGridCheck(
            grid: grid, mean: mean, covariance: posterior.covariance, row: row,
            likelihood: try PPCAFigures.likelihoodInZ(model, x: inputs.data.row(row))))
        // Tolerances: the sums run over n = count^q grid points (round-off ≤ n·ε of the largest |z| on the grid);
        // the box ±a s.d. (a = 7) is centred on the mean, so truncation leaves the mean alone and removes a share
        // 2aφ(a) ≈ 1.3·10⁻¹⁰ of each variance. The grid's spacing (≤ s.d./5) makes the discretisation error of a
        // Gaussian's moments negligible (below e^{−2π²·25}).
        let n = Double(count) * (q == 2 ? Double(count) : 1)
        let a = Self.gridHalfWidth
        let truncation = 2 * a * exp(StandardNormal.logDensity(a))
        let reach = (0..<q).map { abs(mean[$0]) + a * sd[$0] }
        let z = ["z₁", "z₂"]        // the latent plane of the figures has q = 1 or 2
        // E[zₖ | x] (k = 1 … q), then the upper triangle of the covariance.
        var moments: [(name: String, check: Check)] = (0..<q).map { k in
            ("E[\(z[k]) | x]", page.check("posterior_grid.mean.\(k)",
                       method: "expected: M⁻¹Wᵀ(x − μ) in closed form; computed: the mean of p(x|z)p(z) normalised on a \(count)^\(q) grid over ±7 s.d.; tolerance 4·n·ε·(|mean| + 7 s.d.), n grid points",
                       expected: mean[k], computed: grid.mean[k], tolerance: 4 * n * .ulpOfOne * reach[k]))
        }
        for k in 0..<q { for l in k..<q {
            let name = k == l ? "var[\(z[k]) | x]" : "cov[\(z[k]), \(z[l]) | x]"
            moments.append((name, page.check("posterior_grid.covariance.\(k).\(l)",
                       method: "expected: σ²M⁻¹ in closed form; computed: the covariance of the grid posterior; tolerance 2·(2aφ(a))·s.d.ₖ·s.d.ₗ for the tails beyond a = 7 s.d. plus 4·n·ε·(|meanₖ| + 7 s.d.ₖ)(|meanₗ| + 7 s.d.ₗ)",
                       expected: posterior.covariance[k, l], computed: grid.covariance[k, l],
                       tolerance: 2 * truncation * sd[k] * sd[l] + 4 * n * .ulpOfOne * reach[k] * reach[l])))
        } }
        page.table("posterior-check", PPCATables.posteriorCheck(moments, q: q, row: row, pointsPerAxis: count,
                                                                dataName: inputs.dataName))

        // Shrinkage on the cloud: W E[z|x] + μ lies on the PCA projection's line, shortened by (λ₁ − σ²)/λ₁.
        let cloudPosterior = try fits.cloudModel.posterior(inputs.cloud)
        let shrinkage = (fits.cloudFit.eigenvalues[0] - fits.cloudModel.noiseVariance) / fits.cloudFit.eigenvalues[0]
        // The lower panel's second case exaggerates the noise (σ² = λ₁/2, W = u₁(λ₁ − σ²)^½) so the pull is plain.
        let half = try fits.cloudFit.model(latentDimension: 1, noiseVariance: fits.cloudFit.eigenvalues[0] / 2)
        page.figure("posterior-shrinkage", try PPCAFigures.posteriorShrinkage(
            inputs.cloud, fit: fits.cloudFit, model: fits.cloudModel, posterior: cloudPosterior,
            cases: [("σ² = σ²(ML)", fits.cloudModel), ("σ² = λ₁/2", half)]))
        page.group("posterior") { page in
            page.value("latent_dim", q, "q of the posterior figures")
            page.value("row", row, "the row whose posterior is checked on a grid", .rowsCountedFromZero)
            page.store(posterior.covariance, at: "covariance")
            page.store(sd, at: "sd")
            page.label("sd.0", "posterior s.d. of z₁ (shared by every x)", .posteriorStandardDeviation)
            page.store(count, at: "grid_points_per_axis")
            page.value("grid_max_mean_difference", moments[..<q].map(\.check.difference).max() ?? 0,
                       "max |grid mean − closed-form mean|")
            page.value("grid_max_covariance_difference", moments[q...].map(\.check.difference).max() ?? 0,
                       "max |grid covariance − σ²M⁻¹|")
            page.value("toy_shrinkage_factor", shrinkage,
                       "(λ₁ − σ²)/λ₁: length of W E[z|x] relative to the projection (2-D example)")
            page.store((0..<q).map { fits.dataFit.eigenvalues[$0].squareRoot() }, at: "whitening_scale")
            page.label("whitening_scale.0", "√λ₁: raw PCA score ÷ whitened score along u₁", .eigenvaluesOfOneOverNCovariance)
        }
        return LatentPlane(model: model, posterior: posterior, chosen: chosen)
    }

    /// Step 6 — σ² → 0: with W = U_q(Λ_q − σ²I)^{1/2} for σ² = f·σ²_ML, E[z|x] tends to the whitened PCA score
    /// Λ_q^{−1/2}U_qᵀ(x − μ) and W E[z|x] + μ to the orthogonal projection; σ²M⁻¹ → 0.
    func sigmaToZero(_ inputs: PPCAInputs, _ fits: MaximumLikelihoodFits, _ plane: LatentPlane,
                     _ page: inout LessonRecorder) throws {
        let q = inputs.figureLatentDimension
        let cloudSigma2 = fits.cloudModel.noiseVariance
        let dataSigma2 = try fits.dataFit.noiseVariance(latentDimension: q)
        let chosenData = inputs.data.rows(at: plane.chosen)                            // (5, D)
        let cloudRows = Array(stride(from: 0, to: inputs.cloud.rows, by: 20))
        let mu = fits.cloudModel.mean
        // The PCA projection μ + u₁u₁ᵀ(x − μ) of every 20th row of the cloud, the same for every σ².
        let projections = PPCAFigures.projections(inputs.cloud, rows: cloudRows, mean: mu,
                                                  direction: fits.cloudFit.eigenvectors.column(0))
        // The σ² → 0 limit of E[z|x] in the latent plane: Λ_q^{-1/2} U_qᵀ(x − μ) (whitened PCA scores), (5, q).
        let centredChosen = Statistics.centred(chosenData, mean: fits.dataFit.mean)
        let limit: [[Double]] = (0..<plane.chosen.count).map { i in
            (0..<q).map { k in
                let uk = fits.dataFit.eigenvectors.column(k)
                return Vector.dot(centredChosen.row(i), uk) / fits.dataFit.eigenvalues[k].squareRoot()
            }
        }
        // One frame per factor, then an overview of σ²_ML, 0.1 σ²_ML and 0.001 σ²_ML (also the download still).
        let frameFactors: [[Double]] = Self.sigmaFactors.map { [$0] } + [[1, 0.1, 0.001]]
        let frames = try frameFactors.map { factors in
            let cloudModel = try fits.cloudFit.model(latentDimension: 1, noiseVariance: factors[0] * cloudSigma2)
            let cloudPosterior = try cloudModel.posterior(inputs.cloud)
            let reconstructions = PPCAFigures.reconstructions(cloudPosterior, rows: cloudRows, mean: mu,
                                                              loading: cloudModel.loading.column(0))
            let gap = zip(reconstructions, projections).map { r, p in
                ((r.0 - p.0) * (r.0 - p.0) + (r.1 - p.1) * (r.1 - p.1)).squareRoot()
            }.reduce(0, max)
            let dataPosteriors = try factors.map {
                try fits.dataFit.model(latentDimension: q, noiseVariance: $0 * dataSigma2).posterior(chosenData)
            }
            return PPCAFigures.SigmaFrame(factors: factors, cloudModel: cloudModel, cloudPosterior: cloudPosterior,
                                          reconstructions: reconstructions, gap: gap, dataPosteriors: dataPosteriors)
        }
        // For print: σ²(ML), 0.1 σ²(ML) and 0.001 σ²(ML) side by side, both panels each.
        let printed = [1, 0.1, 0.001].compactMap { f in frameFactors.firstIndex(of: [f]) }
        page.frames("sigma-to-zero", PPCAFigures.sigmaToZero(
            frames, cloud: inputs.cloud, cloudRows: cloudRows, projections: projections, mean: mu, limit: limit,
            first: plane, dataName: inputs.dataName), steps: printed, columns: printed.count,
            title: "σ² → 0: PPCA's reconstruction and posterior at σ²(ML), 0.1 σ²(ML) and 0.001 σ²(ML)", cellAspect: 1.5)
        let single = frames.filter { $0.factors.count == 1 }
        let last = Self.sigmaFactors.count - 1
        page.group("sigma_to_zero") { page in
            page.store(Self.sigmaFactors, at: "factors")
            page.label("factors.\(last)", "smallest σ² / σ²(ML) shown")
            page.store(single.map(\.gap), at: "toy_max_gap")
            page.store(single.map { $0.cloudPosterior.covariance[0, 0].squareRoot() }, at: "toy_posterior_sd")
            page.store(single.map { $0.dataPosteriors[0].covariance[0, 0].squareRoot() }, at: "main_posterior_sd")
            for (i, f) in [(0, "σ² = σ²_ML"), (last, "σ² = 0.001 σ²_ML")] {
                page.label("toy_max_gap.\(i)", "largest distance between W E[z|x] + μ and the projection, \(f) (2-D example)")
                page.label("toy_posterior_sd.\(i)", "posterior s.d. of z, \(f) (2-D example)")
                page.label("main_posterior_sd.\(i)", "posterior s.d. of z₁, \(f) (\(inputs.dataName))")
            }
        }
    }

    /// Step 7 — rotational ambiguity: for orthogonal R, WR gives the same C = WWᵀ + σ²I, hence the same density;
    /// only the latent coordinates turn, E_{WR}[z|x] = Rᵀ E_W[z|x].
    func rotationalAmbiguity(_ inputs: PPCAInputs, _ fits: MaximumLikelihoodFits, _ plane: LatentPlane,
                             _ page: inout LessonRecorder) throws {
        let q = inputs.figureLatentDimension
        let model = plane.model
        let degrees = 40.0
        let angle = degrees * Double.pi / 180
        let r = q == 2 ? Matrix([[cos(angle), -sin(angle)], [sin(angle), cos(angle)]]) : Matrix([[-1.0]])   // (q, q)
        let rotated = try model.rotated(by: r)
        let wDifference = (rotated.loading - model.loading).frobeniusNorm / model.loading.frobeniusNorm
        let c = model.marginalCovariance
        let cDifference = (rotated.marginalCovariance - c).frobeniusNorm / c.frobeniusNorm
        let logLikelihoods = try model.logLikelihoods(inputs.data)                    // (N,)
        let rotatedLogLikelihoods = try rotated.logLikelihoods(inputs.data)
        let logLikelihoodDifference = zip(logLikelihoods, rotatedLogLikelihoods).map { abs($0 - $1) }.max() ?? .nan
        let meansRotated = try rotated.posterior(inputs.data).means                   // (N, q)
        let meansDifference = ((plane.posterior.means * r) - meansRotated).elements.map(abs).max() ?? .nan
        let description = q == 2 ? "R = rotation by " + NumberFormat.significant(degrees) + "°" : "R = −1"
        page.table("rotation-check", PPCATables.rotationCheck(
            wDifference: wDifference, covarianceDifference: cDifference, logLikelihoodDifference: logLikelihoodDifference,
            posteriorMeanDifference: meansDifference,
            caption: "\(inputs.dataName), q = \(q), \(description): a different W, the same density; only the latent coordinates turn."))
        let n = Double(logLikelihoods.count)
        let average = logLikelihoods.reduce(0, +) / n
        page.check("rotation.log_likelihood",
                   method: "expected: ℓ under W (Woodbury); computed: ℓ under WR, R orthogonal; tolerance: the round-off of both ℓ, 2·4·D·κ(C)·ε·max(1, |ℓ|)",
                   expected: average, computed: rotatedLogLikelihoods.reduce(0, +) / n,
                   tolerance: 2 * Self.logLikelihoodRoundOff(model, of: fits.dataFit, logLikelihood: average))
        page.group("rotation") { page in
            page.store(r, at: "R")
            page.value("angle_degrees", q == 2 ? degrees : 180, "rotation angle of R (degrees)", .rowVectorsTurnClockwise)
            page.value("w_relative_difference", wDifference, "‖WR − W‖(F) / ‖W‖(F)")
            page.value("c_relative_difference", cDifference, "‖C(WR) − C(W)‖(F) / ‖C‖(F)")
            page.value("max_log_likelihood_difference", logLikelihoodDifference, "max over rows |log p(x) under WR − under W|",
                       .naturalLog)
            page.store(meansDifference, at: "max_posterior_mean_difference")
        }
        page.figure("rotational-ambiguity", PPCAFigures.rotationalAmbiguity(
            model: model, rotated: rotated, description: description, logLikelihoodDifference: logLikelihoodDifference))
        page.figure("rotated-columns", PPCAFigures.rotatedColumns(
            model: model, rotated: rotated, shape: inputs.imageShape, description: description,
            logLikelihoodDifference: logLikelihoodDifference))
    }
}
