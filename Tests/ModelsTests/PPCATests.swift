import Foundation
import LinearAlgebra
import Testing
import _TestSupport
@testable import Models

/// Seeded synthetic data from a known PPCA: D = 5, q = 2, well-separated spectrum (so EM converges quickly).
private func syntheticData(rows: Int, seed: UInt64) -> Matrix {
    var g = Xoshiro256StarStar(seed: seed)
    let w = Matrix([[3.0, 0.5], [1.0, -2.0], [0.5, 1.5], [-1.0, 0.3], [0.2, 0.8]])
    let truth = try! PPCA(mean: [1, -2, 0.5, 3, 0], loading: w, noiseVariance: 0.25)
    return truth.sample(count: rows, using: &g).observed
}

/// Σₙ-wise log N(xₙ; μ, C) evaluated directly: C formed as a D × D matrix, factorised by Cholesky,
/// −½[D log 2π + log|C| + ‖L⁻¹(x − μ)‖²]. Independent of the Woodbury path of `PPCA.logLikelihoods`.
private func directLogDensities(_ x: Matrix, mean: [Double], covariance c: Matrix) throws -> [Double] {
    let factor = try Cholesky(of: c)
    return (0..<x.rows).map { n in
        let e = (0..<mean.count).map { x[n, $0] - mean[$0] }
        let v = factor.solveLower(e)
        return -0.5 * (Double(mean.count) * log(2 * Double.pi) + factor.logDeterminant + Vector.dot(v, v))
    }
}

@Suite struct PPCAEdgeCaseTests {
    @Test(arguments: [0, -1, 5, 6])
    func latentDimensionOutsideOneToDMinusOneIsATypedError(q: Int) {
        let x = syntheticData(rows: 50, seed: 1)
        #expect(throws: PPCAError.invalidLatentDimension(q: q, dimension: 5)) { try PPCA.fit(x, latentDimension: q) }
    }

    @Test func zeroNoiseVarianceIsATypedError() {
        #expect(throws: PPCAError.self) {
            try PPCA(mean: [0, 0, 0], loading: Matrix([[1], [0], [0]]), noiseVariance: 0)
        }
    }

    @Test func dataExactlyInASubspaceHaveNoMaximumLikelihoodModel() throws {
        // Points on a line in ℝ³: the discarded eigenvalues are (numerically) zero, so σ²_ML = 0.
        var g = Xoshiro256StarStar(seed: 2)
        let rows = (0..<40).map { _ in let t = g.nextStandardNormal(); return [t, 2 * t, -t] }
        let error = #expect(throws: PPCAError.self) { try PPCA.fit(Matrix(rows), latentDimension: 1) }
        guard case .zeroNoiseVariance = error else { Issue.record("expected zeroNoiseVariance, got \(String(describing: error))"); return }
    }

    @Test func errorMessagesStateTheValidRange() {
        let text = PPCAError.invalidLatentDimension(q: 9, dimension: 4).description
        #expect(text.contains("1 ≤ q ≤ 3"))
    }
}

@Suite struct PPCAClosedFormTests {
    /// Woodbury + determinant lemma against the D × D Cholesky evaluation, for the ML fit and for arbitrary
    /// parameters. Tolerance: 100·D·ε relative to max(1, |log p|) (both paths sum O(D) terms of that size).
    @Test(arguments: [1, 2, 3, 4])
    func logLikelihoodMatchesDirectCholesky(q: Int) throws {
        let x = syntheticData(rows: 300, seed: 3)
        let model = try PPCA.fit(x, latentDimension: q)
        let fast = try model.logLikelihoods(x)
        let direct = try directLogDensities(x, mean: model.mean, covariance: model.marginalCovariance)
        let tolerance = 100 * 5 * Double.ulpOfOne
        for (a, b) in zip(fast, direct) { #expect(abs(a - b) <= tolerance * max(1, abs(b))) }
        let average = try model.averageLogLikelihood(x)
        #expect(abs(average - direct.reduce(0, +) / 300) <= tolerance * max(1, abs(average)))
        // The scatter form (Tipping & Bishop eq. 4) is the same number.
        let s = Statistics.covariance(x, normalization: .maximumLikelihood)
        #expect(abs(model.averageLogLikelihood(scatter: s) - average) <= 1e3 * Double.ulpOfOne * max(1, abs(average)))
    }

    @Test func woodburyHoldsForArbitraryParameters() throws {
        var g = Xoshiro256StarStar(seed: 4)
        let w = Matrix(rows: 5, columns: 2, elements: (0..<10).map { _ in g.nextStandardNormal() })
        let model = try PPCA(mean: [0.1, 0.2, 0.3, 0.4, 0.5], loading: w, noiseVariance: 0.07)
        let x = syntheticData(rows: 100, seed: 5)
        let fast = try model.logLikelihoods(x)
        let direct = try directLogDensities(x, mean: model.mean, covariance: model.marginalCovariance)
        for (a, b) in zip(fast, direct) { #expect(abs(a - b) <= 1e3 * Double.ulpOfOne * max(1, abs(b))) }
    }

    @Test func sigma2IsTheMeanOfTheDiscardedEigenvaluesAndWMatchesTheConvention() throws {
        let x = syntheticData(rows: 400, seed: 6)
        let fit = try PPCAMaximumLikelihood(x)
        let model = try fit.model(latentDimension: 2)
        let expected = (fit.eigenvalues[2] + fit.eigenvalues[3] + fit.eigenvalues[4]) / 3
        #expect(abs(model.noiseVariance - expected) <= 10 * Double.ulpOfOne * expected)
        // WᵀW = Λ_q − σ²I (columns orthogonal), and each column points like the PCA eigenvector (positive multiple).
        let wtw = model.loading.transposeTimes(model.loading)
        for k in 0..<2 {
            #expect(abs(wtw[k, k] - (fit.eigenvalues[k] - expected)) <= 1e-12 * fit.eigenvalues[0])
            #expect(Vector.dot(model.loading.column(k), fit.eigenvectors.column(k)) > 0)
        }
        #expect(abs(wtw[0, 1]) <= 1e-12 * fit.eigenvalues[0])
    }

    /// With q = D − 1, WWᵀ + σ²I = S exactly, so PPCA is the full-covariance Gaussian.
    @Test func qEqualsDMinusOneIsTheFullCovarianceGaussian() throws {
        let x = syntheticData(rows: 200, seed: 7)
        let ppca = try PPCA.fit(x, latentDimension: 4)
        let gaussian = try GaussianModel.fit(x)
        let c = ppca.marginalCovariance
        #expect((c - gaussian.covariance).frobeniusNorm <= 1e-12 * gaussian.covariance.frobeniusNorm)
        let a = try ppca.logLikelihoods(x)
        let b = try gaussian.logLikelihoods(x)
        for (u, v) in zip(a, b) { #expect(abs(u - v) <= 1e-10 * max(1, abs(v))) }
    }

    @Test func rotatingWLeavesTheDensityUnchanged() throws {
        let x = syntheticData(rows: 100, seed: 8)
        let model = try PPCA.fit(x, latentDimension: 2)
        let angle = 0.7
        let r = Matrix([[cos(angle), -sin(angle)], [sin(angle), cos(angle)]])
        let rotated = try model.rotated(by: r)
        #expect((rotated.loading - model.loading).frobeniusNorm > 0.1 * model.loading.frobeniusNorm)
        let a = try model.logLikelihoods(x)
        let b = try rotated.logLikelihoods(x)
        for (u, v) in zip(a, b) { #expect(abs(u - v) <= 1e3 * Double.ulpOfOne * max(1, abs(v))) }
    }
}

@Suite struct PPCAFullCovarianceGaussianTests {
    @Test func constantColumnsAreReportedNotCrashed() {
        let x = Matrix([[0, 1, 2], [0, 3, 1], [0, 2, 5], [0, 4, 4]])
        #expect(throws: GaussianModelError.constantColumns([0])) { try GaussianModel.fit(x) }
    }

    @Test func tooFewRowsForTheDimensionIsSingular() {
        // N = 3 ≤ D = 4: the 1/N covariance has rank ≤ 2.
        let x = Matrix([[1, 2, 3, 4.5], [2, 1, 0, 1], [0.5, 3, 1, 2]])
        #expect(throws: GaussianModelError.self) { try GaussianModel.fit(x) }
    }
}

@Suite struct PPCAEMTests {
    /// EM never decreases the likelihood (up to rounding, 100·ε·|ℓ|) and reaches the closed form within 1e-8 in the
    /// average log-likelihood; WWᵀ and σ² agree too (W itself only up to a rotation).
    @Test(arguments: [1, 2, 3])
    func emIncreasesAndConvergesToTheClosedForm(q: Int) throws {
        let x = syntheticData(rows: 500, seed: 9)
        var g = Xoshiro256StarStar(seed: 10)
        let w0 = Matrix(rows: 5, columns: q, elements: (0..<(5 * q)).map { _ in 0.1 * g.nextStandardNormal() })
        let em = try PPCA.fitEM(x, initialLoading: w0, initialNoiseVariance: 5, maxIterations: 5000, tolerance: 1e-14)
        #expect(em.converged)
        for k in 1..<em.logLikelihoods.count {
            let previous = em.logLikelihoods[k - 1]
            #expect(em.logLikelihoods[k] >= previous - 100 * Double.ulpOfOne * abs(previous))
        }
        let closed = try PPCA.fit(x, latentDimension: q)
        let closedLL = try closed.averageLogLikelihood(x)
        let emLL = try em.model.averageLogLikelihood(x)
        #expect(abs(emLL - closedLL) <= 1e-8)
        #expect(emLL <= closedLL + 1e-10)   // the closed form is the global maximum
        let wwt = em.model.loading.timesTranspose(em.model.loading)
        let wwtML = closed.loading.timesTranspose(closed.loading)
        #expect((wwt - wwtML).frobeniusNorm <= 1e-4 * wwtML.frobeniusNorm)
        #expect(abs(em.model.noiseVariance - closed.noiseVariance) <= 1e-4 * closed.noiseVariance)
    }

    /// With a strongly dominant first eigenvalue and small noise EM contracts slowly (thousands of iterations; the
    /// lesson's first iteration cap of 1000 stopped ~1e-7 short on such data). Given enough iterations it must still
    /// report convergence and reach the closed form within 1e-8.
    @Test func slowContractionStillReachesTheMaximum() throws {
        var g = Xoshiro256StarStar(seed: 3)
        var rows: [[Double]] = []
        for _ in 0..<150 {
            let a = g.nextStandardNormal()
            let b = g.nextStandardNormal()
            rows.append((0..<4).map { j in Double(j + 1) * a + (j % 2 == 0 ? b : -b) + 0.3 * g.nextStandardNormal() })
        }
        let x = Matrix(rows)
        let w0 = Matrix(rows: 4, columns: 2, elements: (0..<8).map { _ in 0.3 * g.nextStandardNormal() })
        let em = try PPCA.fitEM(x, initialLoading: w0, initialNoiseVariance: 5, maxIterations: 50_000, tolerance: 1e-14)
        let closed = try PPCA.fit(x, latentDimension: 2).averageLogLikelihood(x)
        #expect(em.converged)
        #expect(abs(try em.model.averageLogLikelihood(x) - closed) <= 1e-8)
    }

    @Test func snapshotsAreKeptAtTheRequestedIterations() throws {
        let x = syntheticData(rows: 100, seed: 11)
        let w0 = Matrix([[0.0], [0.0], [0.0], [0.0], [1.0]])
        let em = try PPCA.fitEM(x, initialLoading: w0, initialNoiseVariance: 1, maxIterations: 10, tolerance: 0,
                                snapshotIterations: [0, 1, 5, 10])
        #expect(em.snapshots.map(\.iteration) == [0, 1, 5, 10])
        #expect(em.iterations == 10)
        #expect(em.logLikelihoods.count == 11)
    }
}

@Suite struct PPCAMarginalTests {
    /// (1/S) Σ N(x; Wzₛ + μ, σ²I) with zₛ ~ N(0, I) lands within 3 standard errors of N(x; μ, C).
    @Test func monteCarloMarginalIsWithinThreeStandardErrors() throws {
        let w = Matrix([[1.5], [0.8]])
        let model = try PPCA(mean: [0.5, -0.2], loading: w, noiseVariance: 0.3)
        var g = Xoshiro256StarStar(seed: 12)
        for point in [[0.5, -0.2], [2.0, 0.9], [-1.0, 0.5]] {
            let exact = exp(try model.logLikelihoods(Matrix([point]))[0])
            let estimates = model.monteCarloMarginal(at: point, checkpoints: [100, 20_000], using: &g)
            let final = try #require(estimates.last)
            #expect(final.sampleCount == 20_000)
            #expect(abs(final.estimate - exact) <= 3 * final.standardError)
            #expect(final.standardError < 0.05 * exact)   // the check is not vacuous
        }
    }

    /// Sample covariance of many draws against C = WWᵀ + σ²I: each entry within 5 of its standard errors
    /// (SE of a covariance entry ≈ √((CᵢᵢCⱼⱼ + Cᵢⱼ²)/S) for Gaussian data).
    @Test func samplesHaveTheMarginalCovariance() throws {
        let w = Matrix([[1.5, 0.2], [0.8, -1.0], [0.1, 0.4]])
        let model = try PPCA(mean: [1, 2, 3], loading: w, noiseVariance: 0.2)
        var g = Xoshiro256StarStar(seed: 13)
        let count = 40_000
        let draws = model.sample(count: count, using: &g).observed
        let s = Statistics.covariance(draws, normalization: .unbiased)
        let c = model.marginalCovariance
        for i in 0..<3 { for j in 0..<3 {
            let se = ((c[i, i] * c[j, j] + c[i, j] * c[i, j]) / Double(count)).squareRoot()
            #expect(abs(s[i, j] - c[i, j]) <= 5 * se)
        } }
    }
}

@Suite struct PPCAPosteriorTests {
    /// p(z|x) ∝ p(x|z)p(z) normalised on a 2-D grid (evaluated here, independently of the model's own grid helper),
    /// against N(M⁻¹Wᵀ(x−μ), σ²M⁻¹). Grid: 241² points over ±8 posterior s.d.; a Riemann sum of a Gaussian on such a
    /// grid is accurate far below the stated tolerance (1e-6 of a posterior s.d. for means, 1e-6 relative for
    /// covariances).
    @Test func bayesRuleOnAGridMatchesTheClosedForm() throws {
        let x = syntheticData(rows: 200, seed: 14)
        let model = try PPCA.fit(x, latentDimension: 2)
        let posterior = try model.posterior(x)
        for n in [0, 17, 123] {
            let point = x.row(n)
            let mean = posterior.means.row(n)
            let sd = [posterior.covariance[0, 0].squareRoot(), posterior.covariance[1, 1].squareRoot()]
            let count = 241
            let axes: [[Double]] = (0..<2).map { k in
                let start = mean[k] - 8 * sd[k]
                let step = 16 * sd[k] / Double(count - 1)
                return (0..<count).map { start + step * Double($0) }
            }
            var logJoint: [Double] = []
            var points: [(Double, Double)] = []
            for z2 in axes[1] { for z1 in axes[0] {
                let wz = model.loading.times([z1, z2])
                var sq = 0.0
                for j in 0..<5 { let e = point[j] - wz[j] - model.mean[j]; sq += e * e }
                let logLikelihood: Double = -0.5 * sq / model.noiseVariance
                let logPrior: Double = -0.5 * (z1 * z1 + z2 * z2)
                logJoint.append(logLikelihood + logPrior)
                points.append((z1, z2))
            } }
            let peak = logJoint.max()!
            let weights = logJoint.map { exp($0 - peak) }
            let total = weights.reduce(0, +)
            var m = [0.0, 0.0]
            for (w, p) in zip(weights, points) { m[0] += w * p.0 / total; m[1] += w * p.1 / total }
            var c = [[0.0, 0.0], [0.0, 0.0]]
            for (w, p) in zip(weights, points) {
                let d = [p.0 - m[0], p.1 - m[1]]
                for a in 0..<2 { for b in 0..<2 { c[a][b] += w * d[a] * d[b] / total } }
            }
            for k in 0..<2 { #expect(abs(m[k] - mean[k]) <= 1e-6 * sd[k]) }
            for a in 0..<2 { for b in 0..<2 {
                let exact: Double = posterior.covariance[a, b]
                let tolerance: Double = 1e-6 * sd[0] * sd[1] + 1e-6 * abs(exact)
                #expect(abs(c[a][b] - exact) <= tolerance)
            } }
            // The model's own grid helper agrees with the same check.
            let halfWidth: [Double] = [8 * sd[0], 8 * sd[1]]
            let helper = model.gridPosterior(x: point, centre: mean, halfWidth: halfWidth, pointsPerAxis: 161)
            for k in 0..<2 { #expect(abs(helper.mean[k] - mean[k]) <= 1e-6 * sd[k]) }
        }
    }

    @Test func posteriorMeansAreShrunkComparedWithTheProjection() throws {
        let x = syntheticData(rows: 200, seed: 15)
        let model = try PPCA.fit(x, latentDimension: 2)
        let reconstruction = try model.posteriorReconstruction(x)
        let fit = try PPCAMaximumLikelihood(x)
        let u = fit.eigenvectors.columns(0..<2)
        let centred = Statistics.centred(x, mean: model.mean)
        let projection = (centred * u).timesTranspose(u)
        var shrunk = 0.0, projected = 0.0
        for n in 0..<x.rows { for j in 0..<5 {
            shrunk += pow(reconstruction[n, j] - model.mean[j], 2)
            projected += pow(projection[n, j], 2)
        } }
        #expect(shrunk < projected)
    }
}

/// The block-by-block evaluations (`RowBlocks`: one product per block of rows with a triangular inverse or W M⁻ᵀ)
/// against the straightforward row-by-row substitutions they replaced, on enough rows to be split over the cores
/// (40 000 × 5 × 5 multiply–adds ≥ `RowParallel.minimumWork`), and the shortcuts that reuse a fit's statistics
/// against the routes that compute them from the rows.
@Suite struct PPCARowBlockTests {
    static let x = syntheticData(rows: 40_000, seed: 16)

    /// Per-row ‖L⁻¹(x − μ)‖² through the explicit inverse against forward substitution: the two differ by a few
    /// n ε κ(L) relative; tolerance 1e3·ε·max(1, |log p|) on log p (κ(L) ≈ 10 here).
    @Test func gaussianLogLikelihoodsMatchRowByRowSubstitution() throws {
        let gaussian = try GaussianModel.fit(Self.x)
        let fast = try gaussian.logLikelihoods(Self.x)
        let direct = try directLogDensities(Self.x, mean: gaussian.mean, covariance: gaussian.covariance)
        #expect(fast.count == direct.count)
        for (a, b) in zip(fast, direct) { #expect(abs(a - b) <= 1e3 * Double.ulpOfOne * max(1, abs(b))) }
        let model = try PPCA.fit(Self.x, latentDimension: 2)
        let woodbury = try model.logLikelihoods(Self.x)
        let directPPCA = try directLogDensities(Self.x, mean: model.mean, covariance: model.marginalCovariance)
        for (a, b) in zip(woodbury, directPPCA) { #expect(abs(a - b) <= 1e3 * Double.ulpOfOne * max(1, abs(b))) }
    }

    /// E[z|xₙ] = M⁻¹Wᵀ(xₙ − μ) by one product with W M⁻ᵀ against solving M m = Wᵀ(xₙ − μ) row by row; tolerance
    /// 1e3·ε relative to the size of the means.
    @Test func posteriorMeansMatchRowByRowSolves() throws {
        let model = try PPCA.fit(Self.x, latentDimension: 2)
        let posterior = try model.posterior(Self.x)
        let m = try Cholesky(of: model.mMatrix)
        let scale = posterior.means.maxAbs
        for n in stride(from: 0, to: Self.x.rows, by: 97) {
            let e = (0..<5).map { Self.x[n, $0] - model.mean[$0] }
            let solved = m.solve(model.loading.transposeTimes(e))
            for k in 0..<2 { #expect(abs(posterior.means[n, k] - solved[k]) <= 1e3 * Double.ulpOfOne * scale) }
        }
        #expect(posterior.covariance.isApproximatelyEqual(to: model.noiseVariance * m.inverse(), relativeTolerance: 1e-13))
    }

    /// EM from (mean, scatter) is EM from the rows, bit for bit, when they are the rows' column means and 1/N
    /// covariance; the Gaussian fitted from a shared ML fit is the Gaussian fitted from the rows, errors included.
    @Test func sharedStatisticsGiveTheSameFits() throws {
        let x = syntheticData(rows: 300, seed: 17)
        let w0 = Matrix(rows: 5, columns: 2, elements: (0..<10).map { 0.1 * Double($0 % 3) - 0.05 })
        let fromRows = try PPCA.fitEM(x, initialLoading: w0, initialNoiseVariance: 2, maxIterations: 200)
        let fit = try PPCAMaximumLikelihood(x)
        let fromStatistics = try PPCA.fitEM(mean: fit.mean, scatter: fit.covariance, initialLoading: w0,
                                            initialNoiseVariance: 2, maxIterations: 200)
        #expect(fromStatistics.model == fromRows.model)
        #expect(fromStatistics.logLikelihoods == fromRows.logLikelihoods)
        let shared = try GaussianModel.fit(x, sharing: fit)
        let own = try GaussianModel.fit(x)
        #expect(shared.mean == own.mean && shared.covariance == own.covariance)
        let constant = Matrix([[0, 1, 2], [0, 3, 1], [0, 2, 5], [0, 4, 4]])
        let constantFit = try PPCAMaximumLikelihood(constant)
        #expect(throws: GaussianModelError.constantColumns([0])) { try GaussianModel.fit(constant, sharing: constantFit) }
    }
}
