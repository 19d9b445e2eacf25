// VAELesson+ImportanceWeighted — step 7: the importance-weighted bounds L_K against K, beside the exact log p(x).
//
// Burda, Grosse & Salakhutdinov (2016): with wₖ = p(x, zₖ)/q(zₖ), z₁…z_K ~ q independently,
//   L_K = E[log (1/K) Σₖ wₖ],   ELBO(q) = L₁ ≤ L₂ ≤ … ≤ L_K ≤ log p(x),
// and for large K (Maddison et al. 2017, Prop. 1; Domke & Sheldon 2018) log p(x) − L_K ≈ Var_q(w)/(2K p(x)²).
// The proposal at each probe is step 3's q*. L_K is estimated by R replicates (`ImportanceWeightedBound`); because
// log p(x) is exact here, the gap itself is measured with the same draws as the mean of u − log(1 + u) ≥ 0,
// u = p̂/p(x) − 1 (`exactGap`), precise enough to see the 1/K law at A where the gap is 10⁻⁵ nats and below.
//
// The variance in the 1/K law: q*'s Gaussian tails are lighter than the posterior's far out (the prior's, once the
// decoder saturates), so ∫ p(x, z)²/q*(z) dz diverges and the asymptotic law formally fails; but the draws never go
// there. The law is taken with Var_q(w) over |z − m| ≤ c s (c = `iwaeWindow`), where all R ΣK draws of a probe stay
// (the expected number outside is recorded), relative to the mean of w there; then
//   log p(x) − L_K ≈ −log π_c + Var_c(w)/(2K (π_c p(x))²),   π_c = ∫_{|z − m| ≤ cs} p(z|x) dz.
// At A and C, π_c = 1 to many digits; at B, where q* covers one mode, π_c ≈ ½: the gap stays near log 2 until K is of
// the order of 1/q*(other mode), astronomically large.

import Foundation
import LessonKit
import LinearAlgebra
import Models

/// L_K from R replicates: their mean and standard error (what `ImportanceWeightedBound.estimate` returns, from
/// the same replicates).
struct IWAEBoundEstimate {
    let sampleCount: Int
    let value: Double
    let standardError: Double
}

/// Step 7 at one probe.
struct IWAEProbeRun {
    let probe: PosteriorProbe
    let logPx: Double
    let elbo: Double                                // ELBO(q*) by quadrature (step 3)
    let q: VariationalGaussian
    let bounds: [IWAEBoundEstimate]                 // per K
    let gaps: [ImportanceWeightedGap]               // per K, with the exact log p(x)
    let windowVariance: Double                      // Var_c(w)/(π_c p)² over |z − m| ≤ c s
    let windowThirdMoment: Double                   // E_c[(w/(π_c p) − 1)³]
    let windowMass: Double                          // π_c
    let variancesByWindow: [Double]                 // Var_c(w)/(π_c p)² for c in `iwaeWindows`
    /// log p(x) − L_K by the windowed 1/K law.
    func law(_ k: Double) -> Double { -log(windowMass) + windowVariance / (2 * k) }
}

extension VAELesson {
    /// The half-widths c (in sd of q*) at which the windowed variance is also reported, to show where it settles.
    static let iwaeWindows: [Double] = [4, 6, 8, 10]

    /// The trapezoid rule over |z − m| ≤ c s for q = N(m, s²), 2001 nodes, the prior density folded into the
    /// weights as `LatentQuadrature.trapezoid` does (so `relativeWeightVariance` can take it).
    static func windowRule(_ q: VariationalGaussian, halfWidth c: Double) throws -> LatentQuadrature {
        let (m, s) = (q.mean[0], q.covariance[0, 0].squareRoot())
        let n = 2001
        let h = 2 * c * s / Double(n - 1)
        let z = (0..<n).map { m - c * s + Double($0) * h }
        let logW = z.indices.map { i in log(h) + (i == 0 || i == n - 1 ? log(0.5) : 0) + StandardNormal.logDensity(z[i]) }
        return try LatentQuadrature(nodes: Matrix(rows: n, columns: 1, elements: z), logWeights: logW,
                                    name: "trapezoid \(n) on m ± \(c)s")
    }

    /// Over a window rule: π_c = ∫_window p(x, z) dz / p(x), and the third central moment E_q[v³] of
    /// v = w/(π_c p(x)) − 1 there (for the next term of the 1/K law).
    static func windowMoments(_ model: NonlinearLVM, x: [Double], q: VariationalGaussian, rule: LatentQuadrature,
                              logPx: Double) throws -> (mass: Double, third: Double) {
        let joint = try model.logJoint(Matrix([x]), latent: rule.nodes).elements
        let logQ = q.logDensities(rule.nodes)
        let area = (0..<rule.count).map { rule.logWeights[$0] - StandardNormal.logDensity(rule.nodes[$0, 0]) }
        let logWindow = LatentQuadrature.logSumExp(zip(area, joint).map(+))
        var third = 0.0
        for i in 0..<rule.count {
            let v = exp(joint[i] - logQ[i] - logWindow) - 1
            third += exp(area[i] + logQ[i]) * v * v * v
        }
        return (exp(logWindow - logPx), third)
    }

    /// Step 7 — L₁ ≤ L_K ≤ log p(x), the gap against K with the 1/K law, and the bimodal point.
    func importanceWeightedBounds(_ arc: ArcSetting, _ perPoint: PerPointFits, _ s: VAESettings, _ streams: VAEStreams,
                                  _ page: inout LessonRecorder) throws {
        let model = arc.decoder
        let counts = s.iwaeSampleCounts, r = s.iwaeReplicates
        var runs: [IWAEProbeRun] = []
        var entries: [JSONValue] = []
        for (i, p) in arc.probes.enumerated() {
            let q = perPoint.optimal[i], logPx = perPoint.logMarginals[i], elbo = perPoint.optimalELBOs[i]
            var bounds: [IWAEBoundEstimate] = [], gaps: [ImportanceWeightedGap] = []
            for k in counts {
                var random = streams.generator(VAEStreams.iwae(probe: p.name, samples: k))
                let values = try ImportanceWeightedBound.replicates(model, x: p.x, proposal: q, samples: k, replicates: r, using: &random)
                let (mean, variance) = Self.meanAndVariance(values)
                bounds.append(IWAEBoundEstimate(sampleCount: k, value: mean, standardError: (variance / Double(r)).squareRoot()))
                gaps.append(try ImportanceWeightedBound.exactGap(replicates: values, sampleCount: k, logMarginal: logPx))
            }
            let window = try Self.windowRule(q, halfWidth: s.iwaeWindow)
            let variance = try ImportanceWeightedBound.relativeWeightVariance(model, x: p.x, proposal: q, grid: window)
            let moments = try Self.windowMoments(model, x: p.x, q: q, rule: window, logPx: logPx)
            let byWindow = try Self.iwaeWindows.map { c in
                try ImportanceWeightedBound.relativeWeightVariance(model, x: p.x, proposal: q, grid: try Self.windowRule(q, halfWidth: c))
            }
            let run = IWAEProbeRun(probe: p, logPx: logPx, elbo: elbo, q: q, bounds: bounds, gaps: gaps,
                                   windowVariance: variance, windowThirdMoment: moments.third, windowMass: moments.mass,
                                   variancesByWindow: byWindow)
            runs.append(run)
            page.check("iwae.elbo.\(p.name)",
                       method: "expected: ELBO(q*) at \(p.name) by the \(s.elboRulePoints)-node trapezoid rule in (z − m)/s (step 3); computed: L₁, the mean of \(r) one-sample log-weights log p(x, z) − log q*(z), z ~ q*; tolerance 4 standard errors",
                       expected: elbo, computed: bounds[0].value, tolerance: 4 * bounds[0].standardError)
            // The law is checked where it applies: the sample supports E[u] = 0 (q* reaches all of the posterior) and
            // the variance is the same over windows of 6 and 10 sd of q* (the tails the draws could reach add nothing).
            if p.name == "A", let last = gaps.last, last.premiseHolds, Self.varianceSettles(byWindow) {
                let k = Double(last.sampleCount)
                let next = abs(0.75 * variance * variance - moments.third / 3) / k
                page.check("iwae.one_over_k.A",
                           method: "expected: ½ Var_q(w)/p(x)² at A for w = p(x, z)/q*(z), by the trapezoid rule of 2001 nodes over |z − m| ≤ \(s.iwaeWindow)s (relativeWeightVariance; the region all draws stay in; recorded only when the values over 6s and 10s agree within 1 % and the sample mean of u is within 4 SE of 0); computed: k (log p(x) − L_k) at k = \(last.sampleCount), the gap measured with the exact log p(x) as the mean of u − log(1 + u) over \(r) replicates; tolerance 4 k·SE plus the next term of the expansion |¾μ₂² − μ₃/3|/k (μ₂, μ₃ the window's moments of w/p − 1)",
                           expected: 0.5 * variance, computed: k * last.value, tolerance: 4 * k * last.standardError + next)
            }
            entries.append(try iwaeEntry(run, arc: arc, counts: counts, replicates: r, s))
        }
        page.group("iwae") { page in
            page.value("points", JSONValue.array(entries),
                       "importance-weighted bounds L_k at A, B, C with proposal q*, beside the exact log p(x)",
                       .vaeIWAEBound(replicates: r))
            for (i, run) in runs.enumerated() {
                let path = "points.\(i)", n = run.probe.name
                page.label(path + ".log_px", "log p(x) at \(n)", .vaeExactLogMarginal)
                page.label(path + ".elbo", "ELBO(q*) at \(n), by quadrature", .vaeQuadratureELBO(points: s.elboRulePoints))
                for (k, b) in run.bounds.enumerated() {
                    page.label("\(path).bounds.\(k).value", "L_k at \(n) for k = \(b.sampleCount)", .vaeIWAEBound(replicates: r))
                    page.label("\(path).bounds.\(k).standard_error", "standard error of L_k at \(n) for k = \(b.sampleCount)")
                    page.label("\(path).bounds.\(k).gap", "gap log p(x) − L_k at \(n) for k = \(b.sampleCount), exact log p(x)",
                               .vaeExactGap(replicates: r))
                    page.label("\(path).bounds.\(k).gap_standard_error", "standard error of that gap at \(n), k = \(b.sampleCount)")
                    page.label("\(path).bounds.\(k).plain_gap", "log p(x) − L_k at \(n) for k = \(b.sampleCount), plain Monte Carlo")
                    page.label("\(path).bounds.\(k).ratio_deviation", "sample mean of p̂/p(x) − 1 at \(n) for k = \(b.sampleCount) (0 in expectation)")
                }
                page.label(path + ".relative_weight_variance", "Var_q(w)/p² at \(n) over the window", .vaeWindowVariance(window: s.iwaeWindow))
                page.label(path + ".half_relative_variance", "½ Var_q(w)/p² at \(n): the 1/k law's k × gap", .vaeOneOverKLaw)
                page.label(path + ".k_gap_at_largest", "k × gap at \(n) at the largest k", .vaeExactGap(replicates: r))
                page.label(path + ".largest.value", "L_k at \(n) at the largest k", .vaeIWAEBound(replicates: r))
                page.label(path + ".largest.standard_error", "standard error of L_k at \(n) at the largest k")
                page.label(path + ".largest.plain_gap", "log p(x) − L_k at \(n) at the largest k, plain Monte Carlo")
                page.label(path + ".largest.gap", "gap log p(x) − L_k at \(n) at the largest k, exact log p(x)", .vaeExactGap(replicates: r))
                page.label(path + ".largest.gap_standard_error", "standard error of that gap at \(n) at the largest k")
                page.label(path + ".largest.ratio_deviation", "sample mean of p̂/p(x) − 1 at \(n) at the largest k (0 in expectation)")
                page.label(path + ".q_mean", "mean of q* at \(n)")
                page.label(path + ".q_sd", "standard deviation of q* at \(n)")
                page.label(path + ".window_mass", "posterior mass in the window at \(n)")
                page.label(path + ".draws", "draws from q* at \(n), R Σk")
                page.label(path + ".expected_draws_outside", "expected draws beyond the window at \(n)", .vaeDrawsOutsideWindow)
                for (k, c) in Self.iwaeWindows.enumerated() {
                    page.label("\(path).variance_by_window.\(k).value", "Var_q(w)/p² at \(n) over |z − m| ≤ \(Int(c))s")
                }
                if n == "B" {
                    page.label(path + ".q_mass_other_side", "mass of q* on the other side of the split at B")
                    page.label(path + ".draws_per_other_side_draw", "draws from q* per draw on the other side at B, 1/Q")
                    page.label(path + ".variance_lower_bound", "lower bound (1 − π)²/Q − 1 on Var_q(w)/p² at B over the whole line")
                    page.label(path + ".missing_mode", "−log π_c at B: the log of the posterior mass q* never reaches")
                }
            }
            page.value("sample_counts", counts, "numbers of importance samples k")
            page.value("largest_k", counts.last!, "the largest k")
            page.value("replicates", r, "independent replicates R per k")
            page.value("window", s.iwaeWindow, "half-width c of the window |z − m| ≤ c s, in standard deviations of q*")
            page.value("log_two", log(2.0), "log 2")
        }
        page.figure("iwae-bounds", VAEFiguresImportanceWeighted.bounds(runs))
        page.figure("iwae-gap", VAEFiguresImportanceWeighted.gaps(runs))
    }

    /// The windowed variance does not depend on the window: over 6 and 10 sd of q* within 1 %.
    static func varianceSettles(_ byWindow: [Double]) -> Bool {
        guard let six = iwaeWindows.firstIndex(of: 6), let ten = iwaeWindows.firstIndex(of: 10) else { return false }
        return abs(byWindow[ten] - byWindow[six]) <= 0.01 * abs(byWindow[six])
    }

    /// One probe's entry of `iwae.points`.
    private func iwaeEntry(_ run: IWAEProbeRun, arc: ArcSetting, counts: [Int], replicates r: Int, _ s: VAESettings) throws -> JSONValue {
        let model = arc.decoder
        let (p, q) = (run.probe, run.q)
        let bounds: [JSONValue] = zip(run.bounds, run.gaps).map { b, g in
            ["k": .integer(b.sampleCount), "value": .number(b.value), "standard_error": .number(b.standardError),
             "plain_gap": .number(run.logPx - b.value),
             "gap": .number(g.value), "gap_standard_error": .number(g.standardError),
             "ratio_deviation": .number(g.ratioDeviation), "ratio_deviation_standard_error": .number(g.ratioDeviationStandardError),
             "premise_holds": .bool(g.premiseHolds)]
        }
        let byWindow: [JSONValue] = zip(Self.iwaeWindows, run.variancesByWindow).map { c, v in
            ["half_width": .number(c), "value": .number(v)]
        }
        let (m, sd) = (q.mean[0], q.covariance[0, 0].squareRoot())
        let draws = r * counts.reduce(0, +)
        var entry: [String: JSONValue] = [
            "name": .string(p.name), "x": .numbers(p.x), "log_px": .number(run.logPx), "elbo": .number(run.elbo),
            "q_mean": .number(m), "q_sd": .number(sd), "bounds": .array(bounds),
            "relative_weight_variance": .number(run.windowVariance), "half_relative_variance": .number(0.5 * run.windowVariance),
            "window_mass": .number(run.windowMass), "variance_by_window": .array(byWindow),
            "k_gap_at_largest": .number(Double(counts.last!) * (run.gaps.last?.value ?? .nan)),
            "largest": bounds.last ?? .null,
            "draws": .integer(draws), "expected_draws_outside": .number(Double(draws) * erfc(s.iwaeWindow / 2.0.squareRoot())),
        ]
        if p.name == "B" {
            // q*'s mass across the split, Q, and the posterior's there, 1 − π: E_q[w² 1_other] ≥ ((1 − π) p)²/Q.
            let left = m < arc.split
            let grid = try Self.klGrid(mean: m, sd: sd)
            let joint = try model.logJoint(Matrix([p.x]), latent: grid.nodes).elements
            let split = Self.splitKL(q: q, grid: grid, logJoint: joint, split: arc.split, left: left)
            let other = 0.5 * erfc(abs(m - arc.split) / (sd * 2.0.squareRoot()))
            entry["q_mass_other_side"] = .number(other)
            entry["draws_per_other_side_draw"] = .number(1 / other)
            entry["variance_lower_bound"] = .number(pow(1 - split.sideMass, 2) / other - 1)
            entry["missing_mode"] = .number(-log(run.windowMass))
        }
        return .object(entry)
    }
}

extension ImportanceWeightedGap {
    /// The sample supports the estimate's premise E[u] = 0: |ū| ≤ 4 standard errors.
    var premiseHolds: Bool { abs(ratioDeviation) <= 4 * ratioDeviationStandardError }
}

extension VAEStreams {
    /// Step 7's stream for probe P and K importance samples (each (P, K) its own, so any one can be replayed).
    static func iwae(probe: String, samples k: Int) -> String { "\(iwae)/\(probe)/K=\(k)" }
}
