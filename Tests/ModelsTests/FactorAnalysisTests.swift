import Foundation
import LinearAlgebra
import Testing
import _TestSupport
@testable import Models

/// A 2-factor model in D = 6 with very unequal uniquenesses (0.05 … 4), where PPCA's single σ² is a poor fit.
private let unequalNoiseTruth = try! FactorAnalysis(
    mean: [1, -2, 0.5, 3, 0, -1],
    loading: Matrix([[2.0, 0.3], [1.5, -1.0], [0.4, 1.2], [-1.0, 0.5], [0.2, 0.9], [1.0, 1.0]]),
    uniquenesses: [0.05, 0.3, 1.0, 2.0, 0.5, 4.0])

private func unequalNoiseData(rows: Int, seed: UInt64) -> Matrix {
    var g = Xoshiro256StarStar(seed: seed)
    return unequalNoiseTruth.sample(count: rows, using: &g).observed
}

/// Rows from N(0, Σ) with Σ = [[1, .8, .8], [.8, 1, .5], [.8, .5, 1]]: a one-factor fit needs λ₁² = σ₁₂σ₁₃/σ₂₃ = 1.28
/// > σ₁₁ = 1, i.e. ψ₁ < 0 — a Heywood case on column 0.
private func heywoodData(rows: Int, seed: UInt64) throws -> Matrix {
    let factor = try Cholesky(of: Matrix([[1, 0.8, 0.8], [0.8, 1, 0.5], [0.8, 0.5, 1]]))
    var g = Xoshiro256StarStar(seed: seed)
    let z = Matrix(rows: rows, columns: 3, elements: g.nextStandardNormals(count: rows * 3))
    return z.timesTranspose(factor.lower)
}

private func scatter(_ x: Matrix) -> (mean: [Double], s: Matrix) {
    let mean = Statistics.columnMeans(x)
    return (mean, Statistics.covariance(x, mean: mean, normalization: .maximumLikelihood))
}

@Suite struct FactorAnalysisLikelihoodTests {
    /// Woodbury + determinant lemma (O(NDq)) against GaussianModel's D × D Cholesky of ΛΛᵀ + Ψ, for arbitrary
    /// parameters; and the scatter form (Woodbury again) against the rows.
    @Test func woodburyMatchesTheFullCovarianceCholesky() throws {
        var g = Xoshiro256StarStar(seed: 11)
        let loading = Matrix(rows: 6, columns: 2, elements: g.nextStandardNormals(count: 12))
        let model = try FactorAnalysis(mean: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], loading: loading,
                                       uniquenesses: [0.01, 0.2, 1, 3, 0.5, 7])
        let x = unequalNoiseData(rows: 300, seed: 12)
        let gaussian = try GaussianModel(mean: model.mean, covariance: model.marginalCovariance)
        let fast = try model.logLikelihoods(x)
        let direct = try gaussian.logLikelihoods(x)
        for (a, b) in zip(fast, direct) { #expect(a.isApproximatelyEqual(to: b, relativeTolerance: 1e-10)) }
        let average = try model.averageLogLikelihood(x)
        #expect(average.isApproximatelyEqual(to: try gaussian.averageLogLikelihood(x), relativeTolerance: 1e-10))
        let s = Statistics.covariance(x, mean: model.mean, normalization: .maximumLikelihood)
        #expect(model.averageLogLikelihood(scatter: s).isApproximatelyEqual(to: average, relativeTolerance: 1e-12))
        // C⁻¹ by Woodbury against the Cholesky inverse.
        #expect(model.inverseMarginalCovariance.isApproximatelyEqual(to: try Cholesky(of: model.marginalCovariance).inverse(),
                                                                     relativeTolerance: 1e-10))
    }

    /// ∂ℓ/∂Λ = ΔΛ and ∂ℓ/∂ψᵢ = ½Δᵢᵢ against central differences of ℓ(S), at parameters away from the maximum.
    @Test func gradientMatchesCentralDifferences() throws {
        let x = unequalNoiseData(rows: 200, seed: 13)
        let (mean, s) = scatter(x)
        var g = Xoshiro256StarStar(seed: 14)
        let loading = Matrix(rows: 6, columns: 2, elements: g.nextStandardNormals(count: 12))
        let psi = [0.3, 0.5, 1.2, 1.5, 0.7, 2.5]
        let model = try FactorAnalysis(mean: mean, loading: loading, uniquenesses: psi)
        let analytic = model.gradient(scatter: s)
        func ell(_ l: Matrix, _ p: [Double]) throws -> Double {
            try FactorAnalysis(mean: mean, loading: l, uniquenesses: p).averageLogLikelihood(scatter: s)
        }
        for k in 0..<loading.elements.count {
            let h = 1e-5 * max(1, abs(loading.elements[k]))
            var plus = loading, minus = loading
            plus.elements[k] += h; minus.elements[k] -= h
            let numeric = (try ell(plus, psi) - ell(minus, psi)) / (2 * h)
            #expect(abs(numeric - analytic.loading.elements[k]) <= 1e-7 * max(1, abs(numeric)), "Λ entry \(k)")
        }
        for i in 0..<psi.count {
            let h = 1e-6 * psi[i]
            var plus = psi, minus = psi
            plus[i] += h; minus[i] -= h
            let numeric = (try ell(loading, plus) - ell(loading, minus)) / (2 * h)
            #expect(abs(numeric - analytic.uniquenesses[i]) <= 1e-6 * max(1, abs(numeric)), "ψ entry \(i)")
        }
    }

    @Test func invalidParametersAreTypedErrors() {
        #expect(throws: FactorAnalysisError.nonPositiveUniqueness(index: 1, value: 0)) {
            try FactorAnalysis(mean: [0, 0, 0], loading: Matrix([[1], [1], [1]]), uniquenesses: [1, 0, 1])
        }
        #expect(throws: FactorAnalysisError.invalidLatentDimension(q: 3, dimension: 3)) {
            try FactorAnalysis(mean: [0, 0, 0], loading: Matrix.zeros(3, 3), uniquenesses: [1, 1, 1])
        }
        #expect(FactorAnalysisError.nonPositiveUniqueness(index: 1, value: 0).description.contains("ψ[1]"))
    }
}

@Suite struct FactorAnalysisEMTests {
    /// Every EM update keeps ℓ from decreasing (beyond round-off 10⁻¹²·|ℓ|), from PPCA's start and from random
    /// starts, on the unequal-noise data and on the Heywood data (where the floor is active).
    @Test func logLikelihoodNeverDecreases() throws {
        var g = Xoshiro256StarStar(seed: 21)
        for x in [unequalNoiseData(rows: 400, seed: 22), try heywoodData(rows: 2000, seed: 23)] {
            let q = x.columns == 3 ? 1 : 2
            // EM approaches a Heywood boundary only sublinearly; a floor of 10⁻³·Sᵢᵢ lets it arrive.
            let fits = try FactorAnalysis.fitEM(x, latentDimension: q, starts: 3, using: &g, maxIterations: 5000,
                                                uniquenessFloor: 1e-3)
            for run in fits.runs {
                for (before, after) in zip(run.logLikelihoods, run.logLikelihoods.dropFirst()) {
                    #expect(after - before >= -1e-12 * abs(after))
                }
            }
        }
    }

    /// At the maximum the gradient vanishes: in scale-free units (∂ℓ/∂Λᵢₖ·√Sᵢᵢ and ∂ℓ/∂ψᵢ·ψᵢ) below 10⁻⁵; the starts
    /// reach the same ℓ to 10⁻⁶ nats and the same ΛΛᵀ.
    @Test func startsAgreeAtAStationaryPoint() throws {
        let x = unequalNoiseData(rows: 500, seed: 24)
        let (_, s) = scatter(x)
        var g = Xoshiro256StarStar(seed: 25)
        let fits = try FactorAnalysis.fitEM(x, latentDimension: 2, starts: 4, using: &g, maxIterations: 5000)
        let best = fits.best
        #expect(best.heywoodColumns.isEmpty)
        for run in fits.runs {
            let converged = run.converged
            #expect(converged)
            #expect(abs(run.finalLogLikelihood - best.finalLogLikelihood) <= 1e-6)
            let llt = run.model.loading.timesTranspose(run.model.loading)
            #expect(llt.isApproximatelyEqual(to: best.model.loading.timesTranspose(best.model.loading), relativeTolerance: 1e-3))
            let gradient = run.model.gradient(scatter: s)
            for i in 0..<6 {
                for k in 0..<2 { #expect(abs(gradient.loading[i, k]) * s[i, i].squareRoot() <= 1e-5) }
                #expect(abs(gradient.uniquenesses[i]) * run.model.uniquenesses[i] <= 1e-5)
            }
        }
        // ℓ(scatter) at the fit equals ℓ of the rows.
        #expect(try best.model.averageLogLikelihood(x).isApproximatelyEqual(to: best.finalLogLikelihood, relativeTolerance: 1e-12))
    }

    /// With unequal noise per column, FA's diagonal Ψ beats PPCA's σ²I (a special case of it) for the same q.
    @Test func beatsPPCAOnUnequalNoise() throws {
        let x = unequalNoiseData(rows: 500, seed: 26)
        var g = Xoshiro256StarStar(seed: 27)
        let fa = try FactorAnalysis.fitEM(x, latentDimension: 2, starts: 2, using: &g, maxIterations: 5000).best
        let ppca = try PPCA.fit(x, latentDimension: 2).averageLogLikelihood(x)
        #expect(fa.finalLogLikelihood >= ppca)
        #expect(fa.finalLogLikelihood - ppca > 0.1)   // here by a wide margin
    }

    /// Rescaling column j by c: FA's fit is equivariant (ℓ shifts by exactly −log|c|, row j of Λ scales by c so row
    /// and column j of ΛΛᵀ do, ψⱼ scales by c²); PPCA's is not.
    @Test func scaleEquivarianceUnlikePPCA() throws {
        let x = unequalNoiseData(rows: 500, seed: 28)
        let (j, c) = (3, -3.5)
        var scaled = x
        for n in 0..<x.rows { scaled[n, j] *= c }
        var g = Xoshiro256StarStar(seed: 29)
        let fa = try FactorAnalysis.fitEM(x, latentDimension: 2, starts: 2, using: &g, maxIterations: 5000).best
        let faScaled = try FactorAnalysis.fitEM(scaled, latentDimension: 2, starts: 2, using: &g, maxIterations: 5000).best
        #expect(abs(faScaled.finalLogLikelihood - (fa.finalLogLikelihood - log(abs(c)))) <= 1e-7)
        let scale = (0..<6).map { $0 == j ? c : 1 }
        var expectedLLT = fa.model.loading.timesTranspose(fa.model.loading)
        for a in 0..<6 { for b in 0..<6 { expectedLLT[a, b] *= scale[a] * scale[b] } }
        #expect(faScaled.model.loading.timesTranspose(faScaled.model.loading).isApproximatelyEqual(to: expectedLLT, relativeTolerance: 1e-4))
        for i in 0..<6 {
            #expect(faScaled.model.uniquenesses[i].isApproximatelyEqual(to: fa.model.uniquenesses[i] * scale[i] * scale[i],
                                                                         relativeTolerance: 1e-4))
        }
        // The same model, transformed, is exactly −log|c| lower on the transformed rows.
        var rows = fa.model.loading
        for k in 0..<2 { rows[j, k] *= c }
        var mean = fa.model.mean, psi = fa.model.uniquenesses
        mean[j] *= c; psi[j] *= c * c
        let transformed = try FactorAnalysis(mean: mean, loading: rows, uniquenesses: psi)
        #expect(abs(try transformed.averageLogLikelihood(scaled) - (try fa.model.averageLogLikelihood(x) - log(abs(c)))) <= 1e-10)
        // PPCA's isotropic σ² is not scale-equivariant: its ML ℓ moves by much more than −log|c|.
        let ppca = try PPCA.fit(x, latentDimension: 2).averageLogLikelihood(x)
        let ppcaScaled = try PPCA.fit(scaled, latentDimension: 2).averageLogLikelihood(scaled)
        #expect(abs(ppcaScaled - (ppca - log(abs(c)))) > 0.05)
    }

    /// A one-factor fit of the Heywood data drives ψ₀ to its floor f·S₀₀; the remaining gradient is zero except
    /// ∂ℓ/∂ψ₀ < 0 (ℓ would still rise below the floor). EM approaches the boundary only sublinearly (ψ₀ ≈ 2·10⁻⁴·S₀₀
    /// after 3000 updates), so the test uses f = 10⁻³, which it reaches in a few hundred.
    @Test func heywoodCaseIsDetected() throws {
        let x = try heywoodData(rows: 2000, seed: 30)
        let (_, s) = scatter(x)
        var g = Xoshiro256StarStar(seed: 31)
        let fits = try FactorAnalysis.fitEM(x, latentDimension: 1, starts: 3, using: &g, maxIterations: 5000,
                                            uniquenessFloor: 1e-3)
        for run in fits.runs {
            let converged = run.converged
            #expect(converged)
            #expect(run.heywoodColumns == [0])
            #expect(run.model.uniquenesses[0] == run.uniquenessFloors[0])
            #expect(run.uniquenessFloors[0] == 1e-3 * s[0, 0])
            let gradient = run.model.gradient(scatter: s)
            #expect(gradient.uniquenesses[0] < -0.1)
            // ℓ's curvature along Λ's row 0 grows like 1/ψ₀, so the same ℓ tolerance leaves a larger gradient there.
            for i in 1..<3 { #expect(abs(gradient.uniquenesses[i]) * run.model.uniquenesses[i] <= 1e-5) }
            for i in 0..<3 { #expect(abs(gradient.loading[i, 0]) * s[i, i].squareRoot() <= 2e-4) }
        }
        // The unequal-noise data have none.
        let ok = try FactorAnalysis.fitEM(unequalNoiseData(rows: 300, seed: 32), latentDimension: 2, starts: 1, using: &g, maxIterations: 5000)
        #expect(ok.best.heywoodColumns.isEmpty)
    }

    @Test func constantColumnAndBadStartsAreTypedErrors() {
        var g = Xoshiro256StarStar(seed: 33)
        var x = unequalNoiseData(rows: 50, seed: 34)
        #expect(throws: FactorAnalysisError.invalidStartCount(0)) {
            try FactorAnalysis.fitEM(x, latentDimension: 2, starts: 0, using: &g, maxIterations: 10)
        }
        for n in 0..<x.rows { x[n, 4] = 2 }
        #expect(throws: FactorAnalysisError.constantColumn(index: 4)) {
            try FactorAnalysis.fitEM(x, latentDimension: 2, starts: 1, using: &g, maxIterations: 10)
        }
    }

    /// Against scikit-learn's FactorAnalysis (Fixtures/make_factor_analysis.py): the same average and per-row
    /// log-likelihoods and uniquenesses at the maximum (scikit-learn also uses the 1/N scatter).
    @Test func matchesScikitLearn() throws {
        struct Fixture: Decodable {
            let latentDimension: Int
            let rows: [[Double]]
            let averageLogLikelihood: Double
            let logLikelihoods: [Double]
            let uniquenesses: [Double]
        }
        let url = try #require(Bundle.module.url(forResource: "factor_analysis", withExtension: "json", subdirectory: "Fixtures"))
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        let x = Matrix(fixture.rows)
        var g = Xoshiro256StarStar(seed: 35)
        // A tight tolerance: ℓ is flat at the maximum, so ℓ to 10⁻¹¹ leaves the parameters only to ~10⁻⁵.
        let fit = try FactorAnalysis.fitEM(x, latentDimension: fixture.latentDimension, starts: 2, using: &g,
                                           maxIterations: 20000, tolerance: 1e-15).best
        #expect(abs(fit.finalLogLikelihood - fixture.averageLogLikelihood) <= 1e-9)
        for (a, b) in zip(try fit.model.logLikelihoods(x), fixture.logLikelihoods) { #expect(abs(a - b) <= 1e-6) }
        for (a, b) in zip(fit.model.uniquenesses, fixture.uniquenesses) { #expect(a.isApproximatelyEqual(to: b, relativeTolerance: 1e-5)) }
    }
}
