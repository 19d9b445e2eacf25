import Datasets
import Foundation
import LessonKit
import Lessons
import Testing

/// What a test needs to recompute a lesson's checks: the lesson's inputs, never its outputs.
struct CheckInputs: Sendable {
    var seed: UInt64
    var quick: Bool
    /// The shipped digits (1797 × 64).
    var digits: Dataset
    /// `--data`, when the run used it.
    var userData: Dataset?
    /// `--latent-dim`, when the run used it.
    var latentDimension: Int?
}

/// Both sides of a check as a test recomputes them, and how closely each must agree with the lesson's side.
///
/// The closed-form side is recomputed the way the lesson's `method` says (usually through `Models`, fitted anew in
/// the test) and must agree *tightly* (`expectedAgreement`, a few ulps of the value's scale by default): tight
/// enough that a lesson which put the numerical side in its place — comparing a number with itself — fails. The
/// numerical side is recomputed by code written in the test (a plain loop over rows, a direct Cholesky, a
/// quadrature of its own) and must agree within `computedAgreement`. Finally the test's own difference must be
/// within the lesson's tolerance.
struct Recomputed: Sendable {
    var expected: Double
    var computed: Double
    var expectedAgreement: Double
    var computedAgreement: Double

    /// `expectedAgreement` defaults to 8 ulps of max(|expected|, `scale`); `computedAgreement` to the check's tolerance
    /// (applied by the contract suite when nil).
    init(expected: Double, computed: Double, scale: Double = 0, expectedAgreement: Double? = nil,
         computedAgreement: Double? = nil) {
        self.expected = expected
        self.computed = computed
        self.expectedAgreement = expectedAgreement ?? 8 * Double.ulpOfOne * max(abs(expected), scale)
        self.computedAgreement = computedAgreement ?? .nan
    }
}

/// A lesson's independent recomputation of its checks: nil for a check name it does not know (the contract suite
/// then fails: every check a lesson records must be recomputed by a test).
typealias RecomputeChecks = @Sendable (_ check: Check, _ inputs: CheckInputs) throws -> Recomputed?

/// The contract on a lesson's checks, applied to one run: every check is known to `recompute`; both of its sides
/// agree with the test's own recomputation; the test's difference is within the lesson's tolerance; and the stored
/// difference is |expected − computed| of the stored sides (relative when the check says so).
func expectChecksRecomputed(_ result: LessonResult, inputs: CheckInputs, recompute: RecomputeChecks,
                            sourceLocation: SourceLocation = #_sourceLocation) throws {
    #expect(!result.checks.isEmpty, "the lesson records no check", sourceLocation: sourceLocation)
    #expect(result.checks.map(\.name) == result.checks.map(\.name).sorted(), "checks are sorted by name", sourceLocation: sourceLocation)
    for check in result.checks {
        guard let mine = try recompute(check, inputs) else {
            Issue.record("check `\(check.name)` has no independent recomputation in the tests", sourceLocation: sourceLocation)
            continue
        }
        let computedAgreement = mine.computedAgreement.isNaN ? check.tolerance : mine.computedAgreement
        #expect(abs(mine.expected - check.expected) <= mine.expectedAgreement,
                "\(check.name): the lesson's expected side \(check.expected) is not the closed form \(mine.expected) (agreement \(mine.expectedAgreement))",
                sourceLocation: sourceLocation)
        #expect(abs(mine.computed - check.computed) <= computedAgreement,
                "\(check.name): the lesson's computed side \(check.computed) differs from the test's \(mine.computed) by more than \(computedAgreement)",
                sourceLocation: sourceLocation)
        let absolute = abs(mine.expected - mine.computed)
        let difference = check.relative ? absolute / abs(mine.expected) : absolute
        #expect(difference <= check.tolerance,
                "\(check.name): recomputed difference \(difference) exceeds the tolerance \(check.tolerance)", sourceLocation: sourceLocation)
        let stored = abs(check.expected - check.computed) / (check.relative ? abs(check.expected) : 1)
        #expect(check.difference == stored, "\(check.name): stored difference is not |expected − computed|", sourceLocation: sourceLocation)
    }
}
