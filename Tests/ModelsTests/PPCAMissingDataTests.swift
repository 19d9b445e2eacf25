import Foundation
import LinearAlgebra
import Testing
import _TestSupport
@testable import Models

/// Seeded low-rank data from a known PPCA (D = 8, q = 2, noise variance 0.5 against signal variances 1–8) and a copy with entries removed at random.
private struct MissingDataCase {
    let complete: Matrix
    let observed: Matrix
    let missing: [(row: Int, column: Int)]

    init(rows: Int, fraction: Double, seed: UInt64, noiseVariance: Double = 0.5) {
        var g = Xoshiro256StarStar(seed: seed)
        let w = Matrix([[3.0, 0.5], [1.0, -2.0], [0.5, 1.5], [-1.0, 0.3], [0.2, 0.8], [2.0, 2.0], [-1.5, 1.0], [0.7, -0.4]])
        let truth = try! PPCA(mean: [1, -2, 0.5, 3, 0, 4, -1, 2], loading: w, noiseVariance: noiseVariance)
        complete = truth.sample(count: rows, using: &g).observed
        var x = complete
        var missing: [(row: Int, column: Int)] = []
        for r in 0..<rows {
            for j in 0..<8 where g.nextUniform() < fraction { x[r, j] = .nan; missing.append((r, j)) }
            if (0..<8).allSatisfy({ x[r, $0].isNaN }) { x[r, 0] = complete[r, 0]; missing.removeAll { $0 == (r, 0) } }
        }
        observed = x
        self.missing = missing
    }
}

@Suite struct PPCAMissingDataTests {
    /// Exact EM: the observed-data ℓ never decreases (beyond 10⁻¹²·|ℓ|), with 20 % missing at random; μ moves.
    @Test func observedLogLikelihoodNeverDecreases() throws {
        let data = MissingDataCase(rows: 400, fraction: 0.2, seed: 1)
        let fit = try PPCA.fitEMWithMissingValues(data.observed, latentDimension: 2, maxIterations: 500)
        let converged = fit.converged
        #expect(converged)
        #expect(fit.missingCount == data.missing.count)
        #expect(fit.logLikelihoods.count == fit.iterations + 1)
        for (before, after) in zip(fit.logLikelihoods, fit.logLikelihoods.dropFirst()) {
            #expect(after - before >= -1e-12 * abs(after))
        }
        #expect(fit.logLikelihoods.last! - fit.logLikelihoods[0] > 0.1)
        // The reported ℓ is the observed-data ℓ of the final model.
        let final = try fit.model.observedLogLikelihoods(data.observed)
        #expect((final.reduce(0, +) / 400).isApproximatelyEqual(to: fit.logLikelihoods.last!, relativeTolerance: 1e-12))
    }

    /// With nothing missing, EM (μ updated too) converges to the closed-form ML fit.
    @Test func nothingMissingReachesTheClosedForm() throws {
        let data = MissingDataCase(rows: 300, fraction: 0, seed: 2)
        let fit = try PPCA.fitEMWithMissingValues(data.observed, latentDimension: 2, maxIterations: 2000, tolerance: 1e-13)
        let closedForm = try PPCA.fit(data.complete, latentDimension: 2)
        #expect(fit.converged)
        #expect(fit.missingCount == 0)
        #expect(abs(fit.logLikelihoods.last! - (try closedForm.averageLogLikelihood(data.complete))) <= 1e-8)
        #expect(fit.model.noiseVariance.isApproximatelyEqual(to: closedForm.noiseVariance, relativeTolerance: 1e-6))
        for j in 0..<8 { #expect(abs(fit.model.mean[j] - closedForm.mean[j]) <= 1e-9 * max(1, abs(closedForm.mean[j]))) }
        #expect(fit.imputed == data.complete)
        // And observedLogLikelihoods is logLikelihoods when nothing is missing.
        for (a, b) in zip(try closedForm.observedLogLikelihoods(data.complete), try closedForm.logLikelihoods(data.complete)) {
            #expect(a.isApproximatelyEqual(to: b, relativeTolerance: 1e-12))
        }
    }

    /// Row by row against GaussianModel on the observed sub-vector: Cholesky of the observed block of WWᵀ + σ²I.
    @Test func observedLogLikelihoodsMatchTheObservedBlockCholesky() throws {
        let data = MissingDataCase(rows: 60, fraction: 0.4, seed: 3)
        var g = Xoshiro256StarStar(seed: 4)
        let model = try PPCA(mean: (0..<8).map { Double($0) * 0.1 },
                             loading: Matrix(rows: 8, columns: 2, elements: g.nextStandardNormals(count: 16)),
                             noiseVariance: 0.3)
        let fast = try model.observedLogLikelihoods(data.observed)
        let c = model.marginalCovariance
        for r in 0..<60 {
            let o = (0..<8).filter { !data.observed[r, $0].isNaN }
            let block = Matrix(rows: o.count, columns: o.count, elements: o.flatMap { i in o.map { c[i, $0] } })
            let gaussian = try GaussianModel(mean: o.map { model.mean[$0] }, covariance: block)
            let direct = try gaussian.logLikelihoods(Matrix([o.map { data.observed[r, $0] }]))[0]
            #expect(fast[r].isApproximatelyEqual(to: direct, relativeTolerance: 1e-11))
        }
    }

    /// The fixed point is a stationary point of the observed-data ℓ: its central differences with respect to W, μ
    /// and σ² vanish (to the convergence tolerance), so the M-step's μ and σ² updates are the right ones.
    @Test func convergedModelIsStationary() throws {
        let data = MissingDataCase(rows: 400, fraction: 0.2, seed: 9)
        let fit = try PPCA.fitEMWithMissingValues(data.observed, latentDimension: 2, maxIterations: 2000, tolerance: 1e-13)
        let converged = fit.converged
        #expect(converged)
        let model = fit.model
        func ell(_ w: Matrix, _ mu: [Double], _ s2: Double) throws -> Double {
            try PPCA(mean: mu, loading: w, noiseVariance: s2).observedLogLikelihoods(data.observed).reduce(0, +) / 400
        }
        let h = 1e-5
        for k in 0..<16 {
            var plus = model.loading, minus = model.loading
            plus.elements[k] += h; minus.elements[k] -= h
            let slope = (try ell(plus, model.mean, model.noiseVariance) - ell(minus, model.mean, model.noiseVariance)) / (2 * h)
            #expect(abs(slope) <= 1e-5, "∂ℓ/∂W entry \(k)")
        }
        for j in 0..<8 {
            var plus = model.mean, minus = model.mean
            plus[j] += h; minus[j] -= h
            let slope = (try ell(model.loading, plus, model.noiseVariance) - ell(model.loading, minus, model.noiseVariance)) / (2 * h)
            #expect(abs(slope) <= 1e-5, "∂ℓ/∂μ entry \(j)")
        }
        let s2 = model.noiseVariance
        let slope = (try ell(model.loading, model.mean, s2 + h) - ell(model.loading, model.mean, s2 - h)) / (2 * h)
        #expect(abs(slope) <= 1e-5)
    }

    /// On low-rank data the conditional means E[x_M | x_O] are far closer to the removed values than column means.
    @Test func imputationBeatsColumnMeans() throws {
        let data = MissingDataCase(rows: 500, fraction: 0.3, seed: 5)
        let fit = try PPCA.fitEMWithMissingValues(data.observed, latentDimension: 2, maxIterations: 500)
        var columnMeans = [Double](repeating: 0, count: 8)
        for j in 0..<8 {
            let values = (0..<500).map { data.observed[$0, j] }.filter { !$0.isNaN }
            columnMeans[j] = values.reduce(0, +) / Double(values.count)
        }
        var ppcaError = 0.0, meanError = 0.0
        for (r, j) in data.missing {
            ppcaError += pow(fit.imputed[r, j] - data.complete[r, j], 2)
            meanError += pow(columnMeans[j] - data.complete[r, j], 2)
        }
        #expect(ppcaError < 0.2 * meanError)
        // Observed entries are kept as they are; nothing is left missing.
        for r in 0..<500 {
            for j in 0..<8 where !data.observed[r, j].isNaN { #expect(fit.imputed[r, j] == data.observed[r, j]) }
        }
        #expect(fit.imputed.isFinite)
    }

    @Test func unobservedRowsAndColumnsAreTypedErrors() {
        var x = MissingDataCase(rows: 20, fraction: 0, seed: 6).observed
        for r in 0..<20 { x[r, 5] = .nan }
        #expect(throws: PPCAError.unobservedColumn(index: 5)) {
            try PPCA.fitEMWithMissingValues(x, latentDimension: 2, maxIterations: 10)
        }
        var y = MissingDataCase(rows: 20, fraction: 0, seed: 7).observed
        for j in 0..<8 { y[13, j] = .nan }
        #expect(throws: PPCAError.unobservedRow(index: 13)) {
            try PPCA.fitEMWithMissingValues(y, latentDimension: 2, maxIterations: 10)
        }
        #expect(throws: PPCAError.tooFewSamples(count: 1)) {
            try PPCA.fitEMWithMissingValues(Matrix([[1, 2, 3]]), latentDimension: 1, maxIterations: 10)
        }
        #expect(PPCAError.unobservedColumn(index: 5).description.contains("column 5"))
        #expect(PPCAError.unobservedRow(index: 13).description.contains("row 13"))
    }

    /// The lesson's size: 1797 × 64, q = 2, 30 % missing; 200 iterations must take well under a second.
    @Test func digitsSizedProblemIsFast() throws {
        var g = Xoshiro256StarStar(seed: 8)
        let w = Matrix(rows: 64, columns: 2, elements: g.nextStandardNormals(count: 128))
        let truth = try PPCA(mean: [Double](repeating: 5, count: 64), loading: w, noiseVariance: 1)
        var x = truth.sample(count: 1797, using: &g).observed
        for k in 0..<x.elements.count where g.nextUniform() < 0.3 { x.elements[k] = .nan }
        let clock = ContinuousClock()
        let start = clock.now
        let fit = try PPCA.fitEMWithMissingValues(x, latentDimension: 2, maxIterations: 200, tolerance: 0)
        let elapsed = clock.now - start
        #expect(fit.iterations == 200)
        #expect(elapsed < .seconds(1.5), "200 iterations took \(elapsed)")
    }
}
