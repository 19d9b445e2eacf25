import Foundation
import LessonKit
import LinearAlgebra
import Models
import Testing
@testable import Lessons

/// Steps 5 and 6 of the VAE lesson (amortised inference; the gap decomposition), on the quick run and on the default
/// report's full run (seed 1999): every check of the steps recomputed by the tests' own code, the bounds ordered at
/// every point the lesson evaluates, and the trainings doing what the text says they do.
@Suite(.serialized) struct VAEAmortisedTests {
    static func run(seed: UInt64 = 1999, quick: Bool) throws -> LessonResult {
        try VAELesson().run(LessonContext(lesson: VAELesson.slug, seed: seed, quick: quick, data: sharedData))
    }

    static let quickRun = Result { try run(quick: true) }
    /// The default report's run (full settings), computed once.
    static let standard = Result { try run(quick: false) }
    static func result(quick: Bool) throws -> LessonResult { try (quick ? quickRun : standard).get() }

    static func number(_ r: LessonResult, _ path: String) -> Double { NonlinearLessonTests.number(r, path) }
    static func numbers(_ r: LessonResult, _ path: String) -> [Double] { NonlinearLessonTests.numbers(r, path) }

    static let prefixes = ["amortised.", "gaps.", "comparison."]

    /// The checks of steps 5, 6 and 9, recomputed by VAEChecks+Amortised and +Comparison; their names as expected.
    @Test(arguments: [true, false])
    func everyCheckOfTheseStepsIsRecomputed(quick: Bool) throws {
        let result = try Self.result(quick: quick)
        let mine = result.checks.filter { check in Self.prefixes.contains { check.name.hasPrefix($0) } }
        let names = Set(mine.map(\.name))
        var expected: Set<String> = ["amortised.arc.pruned_reference_rule"]
        for model in ["arc", "digits"] { for part in ["encoder", "decoder"] { for k in 1...4 { expected.insert("amortised.gradient.\(model).\(part).\(k)") } } }
        for k in 1...(quick ? VAESettings.quick : .full).digitsCheckRows { expected.insert("amortised.digits_grid.\(k)") }
        for p in ["A", "B", "C"] { for kind in ["sum", "inference_is_kl", "approximation_is_kl"] { expected.insert("gaps.\(kind).\(p)") } }
        for key in ["elbo_trained", "likelihood_trained"] { expected.insert("comparison.held_out.\(key)"); expected.insert("comparison.gap_is_kl.\(key)") }
        #expect(names == expected, "missing: \(expected.subtracting(names).sorted()), unexpected: \(names.subtracting(expected).sorted())")
        for check in mine { #expect(check.holds, "\(check.name): \(check.difference) > \(check.tolerance)") }
        let subset = LessonResult(results: result.results, quantities: result.quantities, figures: result.figures,
                                  tables: result.tables, checks: mine)
        try expectChecksRecomputed(subset, inputs: CheckInputs(seed: 1999, quick: quick, digits: sharedDigits), recompute: VAEChecks.recompute)
    }

    /// ELBO(q_φ) ≤ ELBO(q*) ≤ log p(x) at A, B, C and at every point of the maps; the gaps are the differences.
    @Test(arguments: [true, false])
    func theBoundsAreOrderedAtEveryPoint(quick: Bool) throws {
        let result = try Self.result(quick: quick)
        guard case .array(let points)? = JSONValue.object(result.results).value(at: "gaps.points") else {
            Issue.record("no gaps.points"); return
        }
        #expect(points.count == 3)
        for k in points.indices {
            let at = { (key: String) in Self.number(result, "gaps.points.\(k).\(key)") }
            #expect(at("elbo_amortized") <= at("elbo_optimal") && at("elbo_optimal") <= at("log_px"), "probe \(k)")
            #expect(abs(at("approximation_gap") - (at("log_px") - at("elbo_optimal"))) <= 1e-12 * max(1, abs(at("log_px"))))
            #expect(abs(at("amortization_gap") - (at("elbo_optimal") - at("elbo_amortized"))) <= 1e-12 * max(1, abs(at("elbo_amortized"))))
        }
        let logPx = Self.numbers(result, "gaps.map.log_px"), best = Self.numbers(result, "gaps.map.elbo_optimal"),
            amortised = Self.numbers(result, "gaps.map.elbo_amortized")
        let side = (quick ? VAESettings.quick : .full).gapMap
        #expect(logPx.count == side * side && best.count == logPx.count && amortised.count == logPx.count)
        for i in logPx.indices {
            #expect(amortised[i] <= best[i] && best[i] <= logPx[i], "map point \(i): \(amortised[i]), \(best[i]), \(logPx[i])")
        }
    }

    /// What the text of step 5 says: each ELBO below its exact log p(x); the arc VAE's bound within a tenth of a nat of
    /// log p(x) and its σ near the data's noise; the digits VAE well above PPCA d = 2 on held-out digits, with a larger
    /// gap there than on the training digits; the gradient checks tight.
    @Test func theTrainingsDoWhatTheTextSays() throws {
        let r = try Self.result(quick: false)
        for (elbo, exact) in [("training.final.elbo_per_sample", "training.final.log_likelihood_per_sample"),
                              ("training.held_out.elbo_per_sample", "training.held_out.log_likelihood_per_sample"),
                              ("training.arc.elbo_per_sample", "training.arc.log_likelihood_per_sample"),
                              ("training.arc.held_out_elbo_per_sample", "training.arc.held_out_log_likelihood_per_sample")] {
            #expect(Self.number(r, elbo) < Self.number(r, exact), "\(elbo) should be below \(exact)")
        }
        #expect(Self.number(r, "training.arc.gap") < 0.1)
        #expect(abs(Self.number(r, "training.arc.noise_sd") - Self.number(r, "training.arc.data_noise_sd")) < 0.02)
        #expect(Self.number(r, "training.arc.log_likelihood_per_sample") > Self.number(r, "training.arc.ppca_log_likelihood_per_sample") + 1)
        #expect(Self.number(r, "training.held_out.log_likelihood_per_sample") > Self.number(r, "training.ppca.held_out_log_likelihood_per_sample") + 5)
        #expect(Self.number(r, "training.held_out.gap") > Self.number(r, "training.final.gap"))
        #expect(Self.number(r, "training.gradient_check.max_error") < 1e-6)
        // the exact rule is the even grid: the adaptive rule under q_φ can only miss mass, never add much
        #expect(Self.number(r, "training.adaptive.worst_error") < 0)
        #expect(Self.number(r, "training.digits.grid_check_error") < 0.02)
    }

    /// The traces behind the training figure: recomputed from the same streams, the ELBO is below the exact log p(x) at
    /// every evaluation, and the last exact value is the one the page quotes (arc).
    @Test func theTracesKeepTheELBOBelowLogP() throws {
        let s = VAESettings.quick
        let streams = VAEStreams(seed: 1999)
        let arc = try ArcSetting(seed: 1999, quick: true, streams: streams)
        let arcFit = try VAELesson.trainArcVAE(arc, s, streams)
        let digitsFit = try VAELesson.trainDigitsVAE(sharedDigits.values, s, streams)
        for (elbo, exact) in [(arcFit.elbo, arcFit.logLikelihood), (digitsFit.elbo, digitsFit.logLikelihood)] {
            #expect(elbo.count == exact.count && !elbo.isEmpty)
            for k in elbo.indices { #expect(elbo[k] < exact[k], "evaluation \(k): ELBO \(elbo[k]) ≥ log p(x) \(exact[k])") }
        }
        #expect(arcFit.evaluationSteps.first == 0 && arcFit.evaluationSteps.last == s.arcSteps)
        #expect(digitsFit.evaluationSteps.first == 0 && digitsFit.evaluationSteps.last == s.digitsSteps)
        let quoted = Self.number(try Self.result(quick: true), "training.arc.log_likelihood_per_sample")
        #expect(abs(arcFit.logLikelihood.last! - quoted) <= 1e-12 * max(1, abs(quoted)))
        #expect(arcFit.frames.count == s.arcFrames)
    }

    /// The figures the text places, and the frame sequence with its print version.
    @Test func theFiguresAreThere() throws {
        let r = try Self.result(quick: true)
        for name in ["vae-arc-training", "vae-arc-training-steps", "vae-training-curves", "vae-digits-latent",
                     "vae-digits-reconstructions", "vae-gap-probes", "vae-gap-maps", "vae-comparison-posteriors"] {
            #expect(r.figures[name] != nil, "no figure \(name)")
        }
        if case .frames(let frames, let labels)? = r.figures["vae-arc-training"] {
            #expect(frames.count == VAESettings.quick.arcFrames && labels.first == "step 0")
        } else { Issue.record("vae-arc-training is not a frame sequence") }
        #expect(r.tables["vae-gradient-check"]?.rows.count == 16)
    }
}
