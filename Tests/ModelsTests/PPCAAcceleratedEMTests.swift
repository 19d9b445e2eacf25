import Foundation
import LinearAlgebra
import Testing

@testable import Models

/// SQUAREM (`PPCA.fitSQUAREM`) against the closed form on every example data set, from the PPCA lesson's start
/// (W₀ with N(0, (0.1·√(tr S/D))²) entries, σ²₀ = tr S / D) and within its cap of 20,000 EM updates, where plain EM
/// stops 0.18 nats short on the raw wine data (q = 2).
@Suite struct PPCAAcceleratedEMTests {
    static let cap = 20_000

    @Test(arguments: ExampleDataSets.all.map(\.name))
    func squaremReachesTheClosedFormWithinTheCap(_ name: String) throws {
        let set = ExampleDataSets.all.first { $0.name == name }!
        let x = try ExampleDataSets.matrix(set.path, standardised: set.standardised)
        let fit = try PPCAMaximumLikelihood(x)
        let d = x.columns, q = 2
        let sigma2 = fit.eigenvalues.reduce(0, +) / Double(d)
        var random = Xoshiro256StarStar(seed: 11)
        let w0 = Matrix(rows: d, columns: q, elements: (0..<(d * q)).map { _ in 0.1 * sigma2.squareRoot() * random.nextStandardNormal() })
        let closedForm = try fit.model(latentDimension: q).averageLogLikelihood(x)
        let fast = try PPCA.fitSQUAREM(mean: fit.mean, scatter: fit.covariance, initialLoading: w0, initialNoiseVariance: sigma2,
                                       maxIterations: Self.cap)
        let gap = closedForm - (try fast.model.averageLogLikelihood(x))
        #expect(gap >= -1e-9 && gap <= 1e-6, "\(name): SQUAREM stops \(gap) nats short after \(fast.iterations) updates")
        #expect(fast.iterations <= Self.cap)
        // ℓ never decreases beyond its round-off, 4·D·κ(C)·ε·max(1, |ℓ|) with κ(C) = λ₁/σ² at the ML fit.
        let roundOff = 4 * Double(d) * fit.eigenvalues[0] / (try fit.noiseVariance(latentDimension: q)) * .ulpOfOne * max(1, abs(closedForm))
        let worst = zip(fast.logLikelihoods.dropFirst(), fast.logLikelihoods).map { $1 - $0 }.max() ?? 0
        #expect(worst <= roundOff, "\(name): ℓ decreased by \(worst) in a cycle; gap \(gap), \(fast.iterations) updates")
        #expect(fast.updateCounts.last == fast.iterations && fast.updateCounts.count == fast.logLikelihoods.count)
    }

    /// The wine data's slow plain EM, for contrast: the same start and cap leave a gap above 10⁻³ nats.
    @Test func plainEMStopsShortOnTheRawWineData() throws {
        let x = try ExampleDataSets.matrix("Lessons/data/examples/wine.csv")
        let fit = try PPCAMaximumLikelihood(x)
        let d = x.columns
        let sigma2 = fit.eigenvalues.reduce(0, +) / Double(d)
        var random = Xoshiro256StarStar(seed: 11)
        let w0 = Matrix(rows: d, columns: 2, elements: (0..<(d * 2)).map { _ in 0.1 * sigma2.squareRoot() * random.nextStandardNormal() })
        let plain = try PPCA.fitEM(mean: fit.mean, scatter: fit.covariance, initialLoading: w0, initialNoiseVariance: sigma2,
                                   maxIterations: Self.cap, tolerance: 1e-14)
        let gap = (try fit.model(latentDimension: 2).averageLogLikelihood(x)) - (try plain.model.averageLogLikelihood(x))
        #expect(gap > 1e-3, "plain EM's gap on wine: \(gap)")
    }
}
