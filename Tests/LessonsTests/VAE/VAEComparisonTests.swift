import Foundation
import LessonKit
import LinearAlgebra
import Models
import Testing
@testable import Lessons

/// Step 9 of the VAE lesson: the ELBO-trained decoder of the arc VAE against the nonlinear lesson's likelihood-trained
/// decoder, on the default report's run (seed 1999, full settings) and the quick one.
@Suite(.serialized) struct VAEComparisonTests {
    static let keys = ["elbo_trained", "likelihood_trained"]

    /// ELBO(q*) ≤ log p(x) at every compared held-out point for both decoders (the approximation gap ≥ 0), and the
    /// recorded mean gap is the mean of those differences.
    @Test(arguments: [true, false])
    func theBestGaussianStaysBelowLogPForBothDecoders(quick: Bool) throws {
        let r = try VAEAmortisedTests.result(quick: quick)
        let points = (quick ? VAESettings.quick : .full).comparisonPoints
        for key in Self.keys {
            let logPx = VAEAmortisedTests.numbers(r, "comparison.\(key).held_out_log_px")
            let best = VAEAmortisedTests.numbers(r, "comparison.\(key).held_out_elbo_optimal")
            #expect(logPx.count == points && best.count == points)
            let gaps = zip(logPx, best).map { $0 - $1 }
            for (k, g) in gaps.enumerated() { #expect(g >= 0, "\(key), point \(k): log p(x) − ELBO(q*) = \(g)") }
            let mean = gaps.reduce(0, +) / Double(gaps.count)
            #expect(abs(mean - VAEAmortisedTests.number(r, "comparison.\(key).mean_approximation_gap")) <= 1e-12)
            #expect(VAEAmortisedTests.number(r, "comparison.\(key).held_out_log_likelihood_per_sample").isFinite)
        }
    }

    /// The step's finding on the full run: the ELBO-trained decoder's posteriors are closer to Gaussian on average, and
    /// at B, where the likelihood-trained decoder has two equal modes, its best Gaussian misses about log 2.
    @Test func elboTrainingMakesThePosteriorsMoreGaussian() throws {
        let r = try VAEAmortisedTests.result(quick: false)
        let mean = { (key: String) in VAEAmortisedTests.number(r, "comparison.\(key).mean_approximation_gap") }
        #expect(mean("elbo_trained") < mean("likelihood_trained"))
        #expect(VAEAmortisedTests.number(r, "comparison.gap_ratio") > 1)
        let atB = VAEAmortisedTests.number(r, "comparison.likelihood_trained.probes.1.approximation_gap")
        #expect(abs(atB - log(2)) < 0.1, "likelihood-trained decoder at B: \(atB)")
        #expect(VAEAmortisedTests.number(r, "comparison.elbo_trained.probes.1.approximation_gap") < atB)
    }

    /// The held-out values recomputed by a plain loop over the full reference rule for every held-out point, for both
    /// decoders (the page's numbers are the pruned rule's).
    @Test func theHeldOutValuesAreTheReferenceRules() throws {
        let r = try VAEAmortisedTests.result(quick: true)
        let streams = VAEStreams(seed: 1999)
        let arc = try ArcSetting(seed: 1999, quick: true, streams: streams)
        let vae = try VAELesson.trainArcVAE(arc, .quick, streams).trained
        for (key, model) in zip(Self.keys, [vae.model, arc.decoder]) {
            let own = NonlinearRefit.meanLogMarginal(model, arc.heldOut, nodes: arc.referenceRule.nodes, logWeights: arc.referenceRule.logWeights)
            let quoted = VAEAmortisedTests.number(r, "comparison.\(key).held_out_log_likelihood_per_sample")
            #expect(abs(own.value - quoted) <= max(own.agreement, 1e-10), "\(key): \(own.value) vs \(quoted)")
        }
        #expect(abs(VAEAmortisedTests.number(r, "comparison.held_out_difference")
                    - (VAEAmortisedTests.number(r, "comparison.elbo_trained.held_out_log_likelihood_per_sample")
                       - VAEAmortisedTests.number(r, "comparison.likelihood_trained.held_out_log_likelihood_per_sample"))) <= 1e-12)
    }
}
