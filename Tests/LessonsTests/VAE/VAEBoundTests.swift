import Foundation
import LessonKit
import LinearAlgebra
import Models
import Testing
@testable import Lessons

/// Steps 1–2 of the VAE lesson: the ELBO by three routes and its bound, the Gaussian KL by Monte Carlo, EM as
/// coordinate ascent on the ELBO; and the steps' checks recomputed by the tests' own code.
@Suite(.serialized) struct VAEBoundTests {
    static func run(seed: UInt64 = 1999, quick: Bool = true) throws -> LessonResult {
        try VAELesson().run(LessonContext(lesson: VAELesson.slug, seed: seed, quick: quick, data: sharedData))
    }

    /// At every probe A, B, C and for both q, the three routes agree to 10⁻⁷ nats (the quick rule for route 2 has h = 0.04
    /// in (z − m)/s; at C, the lesson's point, they agree to 10⁻⁹), ELBO < log p(x), the KL to the
    /// posterior is positive, and the Monte Carlo mean of log w is within 4 SE of the ELBO.
    @Test func threeRoutesAgreeAtEveryProbe() throws {
        let s = VAESettings.quick
        let streams = VAEStreams(seed: 1999)
        let arc = try ArcSetting(seed: 1999, quick: true, streams: streams)
        for probe in arc.probes {
            let (logPx, examples) = try VAELesson.boundELBOExamples(arc, probe, s, streams)
            #expect(examples.count == 2)
            for e in examples {
                let tolerance = probe.name == VAELesson.boundProbe ? 1e-9 : 1e-7
                #expect(abs(e.jensen - e.vae) <= tolerance, "\(probe.name) \(e.label): Jensen \(e.jensen) vs VAE \(e.vae)")
                #expect(abs(e.vae - (logPx - e.klToPosterior)) <= tolerance, "\(probe.name) \(e.label): identity")
                #expect(abs(e.jensen - (logPx - e.klToPosterior)) <= 1e-9, "\(probe.name) \(e.label): routes 1 and 3")
                #expect(e.vae < logPx && e.klToPosterior > 0 && e.klToPrior > 0)
                let (mc, se) = VAELesson.meanAndStandardError(e.logWeights)
                #expect(abs(mc - e.vae) <= 4 * se, "\(probe.name) \(e.label): Monte Carlo \(mc) ± \(se), ELBO \(e.vae)")
                #expect(e.logWeights.count == s.jensenSamples)
            }
            // the moment-matched q is the better one of the two
            #expect(examples[0].vae > examples[1].vae)
        }
    }

    /// The Monte Carlo KL is within 4 SE of the closed form for several seeds; the running standard error falls like
    /// 1/√n (within 20 % between n = 1000 and the last n); same seed, same numbers.
    @Test(arguments: [UInt64(1), 1999, 2024])
    func klMonteCarloAgreesWithTheClosedForm(seed: UInt64) throws {
        let s = VAESettings.quick
        let examples = try VAELesson.boundKLExamples(s, VAEStreams(seed: seed))
        #expect(examples.map(\.key) == ["diagonal", "general"])
        for e in examples {
            #expect(abs(e.estimate - e.closedForm) <= 4 * e.standardError, "\(e.key): \(e.estimate) ± \(e.standardError) vs \(e.closedForm)")
            let early = e.running.first { $0.samples >= 1000 }!, late = e.running.last!
            let ratio = early.standardError / late.standardError * (Double(early.samples) / Double(late.samples)).squareRoot()
            #expect(abs(ratio - 1) < 0.2, "\(e.key): SE ratio \(ratio)")
            #expect(e.running.last!.samples == s.klSamples && e.running.last!.mean == e.estimate)
        }
        let again = try VAELesson.boundKLExamples(s, VAEStreams(seed: seed))
        #expect(zip(examples, again).allSatisfy { $0.estimate == $1.estimate })
        // the pair's closed forms against the diagonal formula written out
        let m = [0.8, -1.2], sd = [0.5, 1.6]
        var diagonal = 0.0
        for j in 0..<2 { diagonal += 0.5 * (m[j] * m[j] + sd[j] * sd[j] - 1 - 2 * log(sd[j])) }
        #expect(abs(examples[0].closedForm - diagonal) <= 1e-14)
    }

    /// EM's half-steps: KL = 0 after every E-step and > 0 after every M-step; ELBO ≤ ℓ ≤ ℓ_ML; both never decrease. Along
    /// each frame's slice the bound is below ℓ, touches it at t = 0 and peaks at t = 1 (the M-step's maximiser).
    @Test(arguments: [UInt64(1999), 7])
    func emIsCoordinateAscent(seed: UInt64) throws {
        let s = VAESettings.quick
        let run = try VAELesson.boundEM(sharedDigits.values, s, VAEStreams(seed: seed))
        let steps = run.halfSteps
        #expect(steps.count == 2 * s.emIterations)
        for (k, h) in steps.enumerated() {
            #expect(h.kind == (k % 2 == 0 ? .expectation : .maximisation))
            if h.kind == .expectation { #expect(abs(h.kl) <= 1e-9, "E-step \(h.iteration): KL \(h.kl)") } else { #expect(h.kl > 1e-6) }
            #expect(h.elbo <= h.logLikelihood + 1e-9 && h.logLikelihood <= run.maximumLikelihood)
            if k > 0 {
                #expect(h.elbo >= steps[k - 1].elbo - 1e-9 && h.logLikelihood >= steps[k - 1].logLikelihood - 1e-9)
            }
        }
        for (k, slice) in run.slices.enumerated() {
            let zero = try #require(slice.t.firstIndex(of: 0)), one = try #require(slice.t.firstIndex(of: 1))
            #expect(zip(slice.elbo, slice.logLikelihood).allSatisfy { $0 <= $1 + 1e-9 }, "slice \(k + 1): bound above ℓ")
            #expect(abs(slice.elbo[zero] - slice.logLikelihood[zero]) <= 1e-9)
            #expect(slice.elbo.indices.max { slice.elbo[$0] < slice.elbo[$1] } == one, "slice \(k + 1): the bound's peak is not at t = 1")
            #expect(abs(slice.elbo[one] - steps[2 * k + 1].elbo) <= 1e-9 && abs(slice.logLikelihood[one] - steps[2 * k + 1].logLikelihood) <= 1e-9)
        }
    }

    /// The checks of steps 1–2, recomputed by VAEChecks+Bound (quick, and the default seed).
    @Test func checksAreRecomputedIndependently() throws {
        let result = try Self.run()
        let mine = result.checks.filter { $0.name.hasPrefix("elbo_two_ways.") || $0.name.hasPrefix("em.") }
        let iterations = VAESettings.quick.emIterations
        #expect(mine.count == 2 * 2 + 2 + 2 * iterations + 2)
        try expectChecksRecomputed(LessonResult(checks: mine), inputs: CheckInputs(seed: 1999, quick: true, digits: sharedDigits),
                                   recompute: VAEChecks.recompute)
        #expect(result.tables["em-half-steps"]?.rows.count == 2 * iterations)
        for name in ["jensen-log-weights", "kl-monte-carlo", "em-staircase", "em-half-steps", "em-half-steps-steps"] {
            #expect(result.figures[name] != nil, "figure \(name)")
        }
    }
}
