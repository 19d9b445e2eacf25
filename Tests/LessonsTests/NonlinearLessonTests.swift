import Foundation
import LinearAlgebra
import Testing
@testable import Lessons

/// The nonlinear lesson end to end in --quick mode, on the shipped digits: the page's references resolve, the numbers
/// obey the inequalities the text states, and the same seed gives the same results.
@Suite(.serialized) struct NonlinearLessonTests {
    static let lessonsDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Lessons")

    static func run(seed: UInt64 = 1999) throws -> LessonResult {
        let digits = try Dataset.digits(in: lessonsDirectory)
        return try NonlinearLesson().run(LessonContext(seed: seed, quick: true, lessonsDirectory: lessonsDirectory, digits: digits))
    }

    static func number(_ r: LessonResult, _ path: String) -> Double? {
        let top = String(path.split(separator: ".").first!)
        let rest = path.dropFirst(top.count + 1)
        guard let root = r.results[top] else { return nil }
        let v = rest.isEmpty ? root : root.value(at: String(rest))
        switch v {
        case .number(let d)?: return d
        case .integer(let i)?: return Double(i)
        default: return nil
        }
    }

    @Test func everyReferenceOfTheLessonTextResolvesAndEveryFigureExists() throws {
        let r = try Self.run()
        let text = try String(contentsOf: Self.lessonsDirectory.appendingPathComponent("03-nonlinear-lvm.md"), encoding: .utf8)
        // {{path}} and {{path|fmt}}
        let values = try Regex(#"\{\{([^}|]+)(\|[^}]*)?\}\}"#)
        var count = 0
        for match in text.matches(of: values) {
            let path = String(match.output[1].substring!).trimmingCharacters(in: .whitespaces)
            let top = String(path.split(separator: ".").first!)
            let rest = String(path.dropFirst(top.count + 1))
            let root = r.results[top]
            #expect(root != nil, "unknown top-level value \(top)")
            if let root, !rest.isEmpty { #expect(root.value(at: rest) != nil, "unknown value {{\(path)}}") }
            count += 1
        }
        #expect(count > 40)
        let figures = try Regex(#"\(figure:([a-z0-9-]+)\)"#)
        var names: Set<String> = []
        for match in text.matches(of: figures) { names.insert(String(match.output[1].substring!)) }
        #expect(names.count >= 14)
        for name in names { #expect(r.figures[name] != nil, "figure \(name) referenced but not produced") }
        #expect(text.components(separatedBy: "\n## ").count - 1 == 8, "eight steps")
    }

    @Test func theNumbersObeyTheInequalitiesTheTextStates() throws {
        let r = try Self.run()
        let n = { (p: String) -> Double in Self.number(r, p) ?? .nan }
        // the nonlinear model beats PPCA on both data sets
        #expect(n("toy.log_likelihood_per_sample") > n("toy.ppca_log_likelihood_per_sample") + 0.5)
        #expect(n("digits.log_likelihood_per_sample") > n("digits.ppca_log_likelihood_per_sample"))
        // training increased the log-likelihood
        #expect(n("toy.log_likelihood_per_sample_training_rule") > n("toy.initial_log_likelihood_per_sample") + 1)
        // the training rule is accurate
        #expect(n("toy.training_rule_error") < 1e-2)
        // importance sampling removes variance
        #expect(n("importance.variance_ratio") > 10)
        // ELBO ≤ log p(x) and the gap is the KL, for every example
        guard case .array(let examples)? = r.results["elbo_gap_examples"] else {
            Issue.record("elbo_gap_examples missing")
            return
        }
        #expect(examples.count >= 12)
        for e in examples {
            guard case .number(let lp)? = e.value(at: "log_px"), case .number(let elbo)? = e.value(at: "elbo"),
                  case .number(let kl)? = e.value(at: "kl") else {
                Issue.record("example without log_px, elbo, kl")
                continue
            }
            #expect(elbo <= lp + 1e-9)
            #expect(kl >= -1e-9)
            #expect(abs(lp - elbo - kl) < 1e-4, "gap \(lp - elbo) vs KL \(kl)")
        }
        // the bimodal probe really has two modes
        #expect(n("posterior.points.1.modes") == 2)
        // the results.json keys the issue lists
        for path in ["toy.log_likelihood_per_sample", "toy.ppca_log_likelihood_per_sample", "toy.quadrature_points"] {
            #expect(Self.number(r, path) != nil, "\(path)")
        }
        if case .array(let trace)? = r.results["toy"]?.value(at: "training_trace") { #expect(trace.count == 200) } else {
            Issue.record("toy.training_trace missing")
        }
        #expect(r.results["conventions"] != nil)
        #expect(r.results["digits"] != nil)
        // the digits quadrature check: one value per even grid, the quoted value is the middle grid's, and the
        // reported spread and difference are what the values say
        guard case .array(let checks)? = r.results["digits"]?.value(at: "fine_rules") else {
            Issue.record("digits.fine_rules missing")
            return
        }
        #expect(checks.count == 3)
        let checkValues = checks.compactMap { c -> Double? in if case .number(let v)? = c.value(at: "log_likelihood_per_sample") { v } else { nil } }
        #expect(checkValues.count == 3)
        #expect(checkValues[1] == n("digits.log_likelihood_per_sample"))
        #expect(abs((checkValues.max()! - checkValues.min()!) - n("digits.fine_rule_spread")) < 1e-12)
        #expect(abs(n("digits.rule_difference_abs") - abs(n("digits.log_likelihood_per_sample") - n("digits.log_likelihood_per_sample_training_rule"))) < 1e-12)
        // B's outer mode is inside the plotted range (±8); the mass beyond the training nodes is a share, and it is
        // not small when the outer mode itself lies beyond them
        #expect(n("posterior.b_outer_mode") < 8)
        let outside = n("posterior.b_mass_outside_training_nodes")
        #expect(outside >= 0 && outside < 1)
        if n("posterior.b_outer_mode") > n("toy.rule_half_width") { #expect(outside > 0.1) }
    }

    @Test func theLessonTextMakesNoClaimItsNumbersContradict() throws {
        let text = try String(contentsOf: Self.lessonsDirectory.appendingPathComponent("03-nonlinear-lvm.md"), encoding: .utf8)
        // no sign claim about the log-likelihood, no promise of a lesson that does not exist
        #expect(!text.contains("log-likelihood is positive"))
        #expect(!text.contains("next lesson"))
    }

    @Test func theDistanceGridIsTheDistanceToThePolyline() {
        // a horizontal segment from (−1, 0) to (1, 0): inside its span the distance is |y|, beyond an end it is the
        // distance to that end
        let (xs, ys) = EvenGrid.plane(x: -2...2, y: -1...1, count: 9)
        let d = NonlinearFigures.distanceGrid(to: PlaneCurve(x: [-1, 0, 1], y: [0, 0, 0]), xs: xs, ys: ys)
        for (j, y) in ys.enumerated() {
            for (i, x) in xs.enumerated() {
                let expected = abs(x) <= 1 ? abs(y) : hypot(abs(x) - 1, y)
                #expect(abs(d.values[j * xs.count + i] - expected) < 1e-12, "(\(x), \(y))")
            }
        }
    }

    @Test func theSameSeedGivesTheSameResultsAndAnotherSeedDoesNot() throws {
        let a = try Self.run(seed: 7), b = try Self.run(seed: 7), c = try Self.run(seed: 8)
        #expect(a.results == b.results)
        #expect(a.results["toy"] != c.results["toy"])
    }
}
