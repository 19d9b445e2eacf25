import Foundation
import LessonKit
import Testing
@testable import Lessons

/// Step 7's bounds against the exact log p(x) (the run of `VAEPerPointRun`): every L_k ≤ log p(x) within its Monte
/// Carlo error and rising with k, the results keys of issue 14, and the behaviour the text describes at A, B and C.
@Suite(.serialized) struct VAEImportanceTests {
    @Test(arguments: [false, true])
    func everyBoundIsBelowTheLogMarginalAndRisesWithK(quick: Bool) throws {
        let r = try VAEPerPointRun.result(quick: quick)
        let n = { (path: String) in VAEPerPointRun.number(r, path) }
        let s = quick ? VAESettings.quick : .full
        #expect(VAEPerPointRun.count(r, "iwae.points") == 3)
        for i in 0..<3 {
            let p = "iwae.points.\(i)"
            let logPx = n(p + ".log_px")
            #expect(logPx.isFinite)
            #expect(VAEPerPointRun.count(r, p + ".bounds") == s.iwaeSampleCounts.count)
            var previous: (value: Double, se: Double)?
            for (j, k) in s.iwaeSampleCounts.enumerated() {
                let b = "\(p).bounds.\(j)"
                let (value, se) = (n(b + ".value"), n(b + ".standard_error"))
                #expect(n(b + ".k") == Double(k) && se > 0)
                #expect(value <= logPx + 3 * se, "probe \(i), k = \(k): L_k = \(value) ± \(se) above log p(x) = \(logPx)")
                if let previous {
                    let combined = (previous.se * previous.se + se * se).squareRoot()
                    #expect(value >= previous.value - 3 * combined, "probe \(i): L_\(k) = \(value) below the previous \(previous.value)")
                }
                previous = (value, se)
                #expect(n(b + ".gap") >= 0, "the exact-p(x) gap estimate is a mean of terms ≥ 0")
            }
        }
    }

    @Test func theTextsClaimsHold() throws {
        let r = try VAEPerPointRun.result(quick: false)
        let n = { (path: String) in VAEPerPointRun.number(r, path) }
        let s = VAESettings.full
        let last = s.iwaeSampleCounts.count - 1
        #expect(s.iwaeSampleCounts.last! >= 1_000)
        // L₁ is the ELBO of step 3
        for i in 0..<3 { #expect(n("iwae.points.\(i).elbo") == n("per_point.points.\(i).elbo")) }
        // A and C: the premise E[u] = 0 holds in the sample at every k, and the gap falls by orders of magnitude
        for i in [0, 2] {
            for j in 0...last { #expect(VAEPerPointRun.value(r, "iwae.points.\(i).bounds.\(j).premise_holds") == .bool(true)) }
            #expect(n("iwae.points.\(i).bounds.\(last).gap") < 1e-2 * n("iwae.points.\(i).bounds.0.gap"))
        }
        // A: the 1/k law with the window's variance; it does not depend on the window (6s, 8s, 10s within 1 %)
        let half = n("iwae.points.0.half_relative_variance")
        #expect(abs(n("iwae.points.0.k_gap_at_largest") / half - 1) < 0.5)
        for j in [1, 3] { #expect(abs(n("iwae.points.0.variance_by_window.\(j).value") / n("iwae.points.0.relative_weight_variance") - 1) < 0.01) }
        // C: the variance grows with the window (a heavier tail than q*'s)
        #expect(n("iwae.points.2.variance_by_window.3.value") > 2 * n("iwae.points.2.variance_by_window.1.value"))
        // B: stuck near log 2 for every k, the premise fails (ū ≈ −½), and q* almost never reaches the other mode
        for j in 0...last {
            #expect(abs(n("iwae.points.1.bounds.\(j).plain_gap") - log(2.0)) < 0.05)
            #expect(VAEPerPointRun.value(r, "iwae.points.1.bounds.\(j).premise_holds") == .bool(false))
        }
        #expect(abs(n("iwae.points.1.largest.ratio_deviation") + 0.5) < 0.01)
        #expect(n("iwae.points.1.draws_per_other_side_draw") > 1e12 && n("iwae.points.1.variance_lower_bound") > 1e12)
        #expect(abs(n("iwae.points.1.missing_mode") - log(2.0)) < 1e-3)
        // every draw stays in the window
        for i in 0..<3 { #expect(n("iwae.points.\(i).expected_draws_outside") < 1e-3) }
    }
}
