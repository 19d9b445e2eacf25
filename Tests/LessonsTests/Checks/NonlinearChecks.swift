import Datasets
import Foundation
import LessonKit
import LinearAlgebra
import Models
import Synchronization
import Testing
@testable import Lessons

/// The nonlinear lesson's checks, recomputed from the inputs alone (seed, quick, the digits) by code that is not the
/// lesson's: the models are fitted anew through `Models` from the settings and the lesson's step streams, the arc is
/// drawn by the test's own sampler, and every numerical side is a plain loop written here.
///
/// - `toy.ppca_is_the_data_gaussian`: expected −½(D(1 + log 2π) + log|S|) through `Statistics` and `Cholesky`;
///   computed: the Gaussian with the 1/N covariance, mean and 2 × 2 inverse by hand, averaged over the rows.
/// - `toy.training_rule`, `digits.training_rule`: expected the finer rule's (1/N) Σ log p(xₙ) through `Models`;
///   computed: the training rule by a loop over rows and nodes with its own log-sum-exp and direct ‖x − f‖²
///   (the toy's uniform nodes built here; the Gauss–Hermite nodes and weights taken from `LatentQuadrature`).
/// - `elbo.gap_is_kl.P.k`: expected log p(x) − ELBO(q) through `Models`; computed: KL(q ‖ p(z|x)) by a loop over
///   the check's own z-grid (spacing ≤ 0.0025 on ±max(8, |m| + 10s)), log q, log p(x|z) p(z) and the evidence by
///   hand. Where the identity is evaluated — the probes A, B, C and the Gaussian q — is taken from the lesson's
///   `PosteriorProbes` and `GriddedPosterior` on the refitted model: inputs of the check, not one of its sides.
///
/// - `variational.gap_is_kl.k`, `variational.stationary.k`: the ascent of step 8 rerun through `Models` from the
///   settings (B placed by `PosteriorProbes`, starts at the split ± 1, s = 1); expected log p(x) − ELBO(q) of its end,
///   computed KL by the loop above; stationarity by central differences (h = 10⁻⁴) of `NonlinearLVM.elbo`.
///
/// The numerical sides must agree with the lesson's to rounding (c·n·ε times the terms' scale), not merely within the
/// check's tolerance, so that a lesson storing one side in the place of the other fails.
enum NonlinearChecks {
    static let recompute: RecomputeChecks = { check, inputs in
        let fit = try NonlinearRefit.cached(inputs)
        switch check.name {
        case "toy.ppca_is_the_data_gaussian": return try fit.dataGaussian()
        case "toy.training_rule": return try fit.toyTrainingRule()
        case "digits.training_rule": return try fit.digitsTrainingRule()
        case let name where name.hasPrefix("elbo.gap_is_kl."): return try fit.gapIsKL(name)
        case let name where name.hasPrefix("variational."): return try fit.variational(name)
        default: return nil
        }
    }
}

/// The lesson's models refitted from its inputs: the toy arc and decoder (steps 1–4) and the digits decoder (step 8).
final class NonlinearRefit: Sendable {
    let settings: NonlinearSettings
    let arc: Matrix                          // (N, 2)
    let toy: NonlinearLVM                    // trained
    let trainingRule: LatentQuadrature
    let referenceRule: LatentQuadrature
    let digits: Matrix                       // (N, 64)
    let digitsModel: NonlinearLVM            // trained
    let digitsRule: LatentQuadrature         // Gauss–Hermite K × K
    let fineRule: LatentQuadrature           // the finer even grid

    init(_ inputs: CheckInputs) throws {
        let s = inputs.quick ? NonlinearSettings.quick : NonlinearSettings.full
        settings = s
        func stream(_ step: String) -> Xoshiro256StarStar {
            StepRandom.generator(seed: inputs.seed, lesson: "nonlinear", step: step)
        }
        // the arc: angles uniform on [−3π/4, 3π/4], isotropic noise; u, g₁, g₂ per point
        var draws = stream("toy-arc")
        var points: [Double] = []
        for _ in 0..<s.toyRows {
            let t = -0.75 * Double.pi + 1.5 * Double.pi * draws.nextUniform()
            let (e1, e2) = (s.toyNoise * draws.nextStandardNormal(), s.toyNoise * draws.nextStandardNormal())
            points += [cos(t) + e1, sin(t) + e2]
        }
        arc = Matrix(rows: s.toyRows, columns: 2, elements: points)
        var initial = stream("toy-decoder-init"), training = stream("toy-training")
        var toy = try NonlinearLVM(
            decoder: MLPDecoder(latentDimension: 1, hiddenUnits: s.toyHidden, outputDimension: 2, output: .linear,
                                gain: s.toyDecoderScales.gain, biasScale: s.toyDecoderScales.bias,
                                outputScale: s.toyDecoderScales.output, using: &initial),
            noiseVariance: s.toyInitialNoiseVariance)
        trainingRule = try .trapezoid(halfWidth: s.toyRuleHalfWidth, pointsPerDimension: s.toyRulePoints, dimension: 1)
        referenceRule = try .trapezoid(halfWidth: s.referenceRule.halfWidth, pointsPerDimension: s.referenceRule.points, dimension: 1)
        try toy.train(arc, quadrature: trainingRule, schedule: TrainingSchedule(
            steps: s.toySteps, learningRate: s.toyLearningRate, finalLearningRate: s.toyFinalLearningRate), using: &training)
        self.toy = toy

        // The training two thirds of the digits (the lesson's split stream; the model never sees the rest).
        var splitRandom = stream("digits-split")
        digits = inputs.digits.values.rows(at: RandomSplit.twoThirds(RandomSplit.permutation(inputs.digits.values.rows,
                                                                                             using: &splitRandom)).training)
        let bias = Statistics.columnMeans(digits).map { m in
            let p = min(max(m / s.digitsPixelMax, 0.01), 0.99)
            return log(p / (1 - p))
        }
        var digitsInitial = stream("digits-decoder-init"), minibatches = stream("digits-minibatches")
        var model = try NonlinearLVM(
            decoder: MLPDecoder(latentDimension: 2, hiddenUnits: s.digitsHidden, outputDimension: digits.columns,
                                output: .scaledSigmoid(s.digitsPixelMax), gain: s.digitsDecoderScales.gain,
                                biasScale: s.digitsDecoderScales.bias, outputScale: s.digitsDecoderScales.output,
                                outputBias: bias, using: &digitsInitial),
            noiseVariance: s.digitsInitialNoiseVariance)
        digitsRule = try .gaussHermite(order: s.digitsOrder, dimension: 2)
        fineRule = try .trapezoid(halfWidth: s.digitsFineRule.halfWidth, pointsPerDimension: s.digitsFineRule.points, dimension: 2)
        try model.train(digits, quadrature: digitsRule, schedule: TrainingSchedule(
            steps: s.digitsSteps, learningRate: s.digitsLearningRate, finalLearningRate: s.digitsFinalLearningRate,
            batchSize: s.digitsBatch), using: &minibatches)
        digitsModel = model
    }

    // MARK: - The checks

    func dataGaussian() throws -> Recomputed {
        let (n, d) = (Double(arc.rows), Double(arc.columns))
        let closedForm = -0.5 * (d * (1 + log(2 * Double.pi))
            + (try Cholesky(of: Statistics.covariance(arc, normalization: .maximumLikelihood))).logDeterminant)
        // the Gaussian N(x̄, S) by hand: mean, 1/N covariance, its 2 × 2 inverse, averaged log-density
        var mean = [0.0, 0.0]
        for i in 0..<arc.rows { mean[0] += arc[i, 0] / n; mean[1] += arc[i, 1] / n }
        var (sxx, sxy, syy) = (0.0, 0.0, 0.0)
        for i in 0..<arc.rows {
            let (a, b) = (arc[i, 0] - mean[0], arc[i, 1] - mean[1])
            sxx += a * a / n; sxy += a * b / n; syy += b * b / n
        }
        let det = sxx * syy - sxy * sxy
        var total = 0.0
        for i in 0..<arc.rows {
            let (a, b) = (arc[i, 0] - mean[0], arc[i, 1] - mean[1])
            total += -0.5 * (d * log(2 * Double.pi) + log(det) + (syy * a * a - 2 * sxy * a * b + sxx * b * b) / det)
        }
        return Recomputed(expected: closedForm, computed: total / n, scale: abs(closedForm) + d)
    }

    func toyTrainingRule() throws -> Recomputed {
        // the uniform rule built here: zᵢ = −a + i·h, weights h·φ(zᵢ), halved at the ends
        let (a, k) = (settings.toyRuleHalfWidth, settings.toyRulePoints)
        let h = 2 * a / Double(k - 1)
        let z = (0..<k).map { -a + Double($0) * h }
        let logWeights = z.indices.map { i in log(h) + (i == 0 || i == k - 1 ? log(0.5) : 0) - 0.5 * z[i] * z[i] - 0.5 * log(2 * Double.pi) }
        let (value, agreement) = Self.meanLogMarginal(toy, arc, nodes: Matrix(rows: k, columns: 1, elements: z), logWeights: logWeights)
        let reference = try toy.quadratureMarginal(arc, quadrature: referenceRule).meanLogMarginal
        return Recomputed(expected: reference, computed: value, scale: abs(reference), computedAgreement: agreement)
    }

    func digitsTrainingRule() throws -> Recomputed {
        let (value, agreement) = Self.meanLogMarginal(digitsModel, digits, nodes: digitsRule.nodes, logWeights: digitsRule.logWeights)
        let fine = try digitsModel.quadratureMarginal(digits, quadrature: fineRule).meanLogMarginal
        return Recomputed(expected: fine, computed: value, scale: abs(fine), computedAgreement: agreement)
    }

    /// `elbo.gap_is_kl.P.k`: probe P, the k-th Gaussian q (1-based, in the lesson's order).
    func gapIsKL(_ name: String) throws -> Recomputed? {
        let parts = name.split(separator: ".")
        guard parts.count == 4, let k = Int(parts[3]) else { return nil }
        let (probes, split) = try PosteriorProbes.place(model: toy, data: arc, rule: trainingRule)
        guard let i = probes.firstIndex(where: { $0.name == parts[2] }) else { return nil }
        let x = probes[i].x
        let gaussians = try self.gaussians(at: x, isB: probes[i].name == "B", split: split)
        guard gaussians.indices.contains(k - 1) else { return nil }
        let q = gaussians[k - 1]
        let row = Matrix([x])
        let logPx = try toy.logMarginals(row, quadrature: referenceRule)[0]
        let elbo = try toy.elbo(x, q: q, standardRule: try .trapezoid(halfWidth: 8, pointsPerDimension: 801, dimension: 1)).value
        let (kl, agreement) = klByHand(x, mean: q.mean[0], sd: q.covariance[0, 0].squareRoot())
        return Recomputed(expected: logPx - elbo, computed: kl, scale: abs(logPx) + abs(elbo), computedAgreement: agreement)
    }

    /// `variational.gap_is_kl.k` and `variational.stationary.k` for ascent k (1-based) at B.
    func variational(_ name: String) throws -> Recomputed? {
        let parts = name.split(separator: ".")
        guard parts.count == 3, let k = Int(parts[2]), (1...2).contains(k) else { return nil }
        let (probes, split) = try PosteriorProbes.place(model: toy, data: arc, rule: trainingRule)
        guard let b = probes.first(where: { $0.name == "B" }) else { return nil }
        let rule = try LatentQuadrature.trapezoid(halfWidth: 8, pointsPerDimension: settings.variationalRulePoints, dimension: 1)
        let path = try toy.fitGaussianVariational(b.x, mean: [split + (k == 1 ? -1 : 1)], logStandardDeviations: [0],
                                                  steps: settings.variationalSteps,
                                                  learningRate: settings.variationalLearningRate, standardRule: rule)
        guard let end = path.last else { return nil }
        let (m, logS) = (end.mean[0], end.logStandardDeviations[0])
        switch parts[1] {
        case "gap_is_kl":
            let logPx = try toy.logMarginals(Matrix([b.x]), quadrature: referenceRule)[0]
            let (kl, agreement) = klByHand(b.x, mean: m, sd: exp(logS))
            return Recomputed(expected: logPx - end.elbo, computed: kl, scale: abs(logPx) + abs(end.elbo), computedAgreement: agreement)
        case "stationary":
            let h = 1e-4
            func elbo(_ m: Double, _ logS: Double) throws -> Double {
                try toy.elbo(b.x, q: try VariationalGaussian(mean: [m], standardDeviations: [exp(logS)]), standardRule: rule).value
            }
            let dm = (try elbo(m + h, logS) - elbo(m - h, logS)) / (2 * h)
            let ds = (try elbo(m, logS + h) - elbo(m, logS - h)) / (2 * h)
            return Recomputed(expected: 0, computed: max(abs(dm), abs(ds)))
        default: return nil
        }
    }

    /// The q of the lesson's step 7 at x: the Laplace approximation N(ẑ, s²) (best of 321 even candidates on ±8),
    /// N(ẑ, (2s)²), N(ẑ + 2s, s²), the moment-matched Gaussian of the posterior gridded on 3201 even z in ±8; at B also
    /// the Laplace q from the other side of the split, second.
    func gaussians(at x: [Double], isB: Bool, split: Double) throws -> [VariationalGaussian] {
        let laplace = try toy.laplaceApproximation(x, candidates: EvenGrid.column(-8...8, count: 321))
        let s = laplace.covariance[0, 0].squareRoot()
        let z = EvenGrid.values(-8...8, count: 3201)
        let posterior = GriddedPosterior(logJoint: try toy.logJoint(Matrix([x]), latent: Matrix(rows: z.count, columns: 1, elements: z)).elements,
                                         grid: z)
        var list = [laplace, try VariationalGaussian(mean: laplace.mean, standardDeviations: [2 * s]),
                    try VariationalGaussian(mean: [laplace.mean[0] + 2 * s], standardDeviations: [s]),
                    try VariationalGaussian(mean: [posterior.mean], standardDeviations: [posterior.sd])]
        if isB {
            let side = laplace.mean[0] > split ? -8...split : split...8
            list.insert(try toy.laplaceApproximation(x, candidates: EvenGrid.column(side, count: 161)), at: 1)
        }
        return list
    }

    /// KL(q ‖ p(z|x)) = Σᵢ wᵢ q(zᵢ) (log q(zᵢ) − log p(x, zᵢ) + log p̂(x)) on a trapezoid grid over ±max(8, |m| + 10s)
    /// with spacing ≤ 0.0025, p̂(x) = Σᵢ wᵢ p(x, zᵢ) on the same grid; and how closely another summation of the same
    /// terms can agree: 64·n·ε times the sum of the terms' magnitudes (plus the rounding of ‖x − f‖²/(2σ²)).
    func klByHand(_ x: [Double], mean m: Double, sd s: Double) -> (kl: Double, agreement: Double) {
        let half = max(8, abs(m) + 10 * s)
        let n = Int((2 * half / 0.0025).rounded(.up)) + 1
        let h = 2 * half / Double(n - 1)
        let z = (0..<n).map { -half + Double($0) * h }
        let f = toy.decoder(Matrix(rows: n, columns: 1, elements: z))              // (n, 2)
        let (sigma2, d) = (toy.noiseVariance, Double(x.count))
        var logJoint = [Double](repeating: 0, count: n), logQ = [Double](repeating: 0, count: n)
        var largestSquare = 0.0
        for i in 0..<n {
            let (e1, e2) = (x[0] - f[i, 0], x[1] - f[i, 1])
            largestSquare = max(largestSquare, f[i, 0] * f[i, 0] + f[i, 1] * f[i, 1])
            logJoint[i] = -0.5 * d * log(2 * Double.pi * sigma2) - (e1 * e1 + e2 * e2) / (2 * sigma2)
                - 0.5 * z[i] * z[i] - 0.5 * log(2 * Double.pi)
            logQ[i] = -0.5 * ((z[i] - m) / s) * ((z[i] - m) / s) - log(s) - 0.5 * log(2 * Double.pi)
        }
        let weight = { (i: Int) in h * (i == 0 || i == n - 1 ? 0.5 : 1) }
        let peak = logJoint.max()!
        var evidence = 0.0
        for i in 0..<n { evidence += weight(i) * exp(logJoint[i] - peak) }
        let logEvidence = peak + log(evidence)
        var kl = 0.0, magnitude = abs(logEvidence)
        for i in 0..<n {
            let w = weight(i) * exp(logQ[i])
            kl += w * (logQ[i] - logJoint[i] + logEvidence)
            magnitude += w * (abs(logQ[i]) + abs(logJoint[i]))
        }
        let squares = (x[0] * x[0] + x[1] * x[1] + largestSquare) / (2 * sigma2)
        return (kl, 64 * Double(n) * .ulpOfOne * (magnitude + squares))
    }

    /// (1/N) Σₙ log Σₘ exp(log wₘ + log N(xₙ; f(zₘ), σ²I)) row by row, with ‖xₙ − f(zₘ)‖² summed directly; and how
    /// closely another evaluation can agree: the lesson's ‖x‖² − 2x·f + ‖f‖² loses up to ε(‖x‖² + ‖f‖²) per square,
    /// so 64·D·ε·(max ‖x‖² + max ‖f‖²)/(2σ²), plus 64·M·ε·|value| for the sums.
    static func meanLogMarginal(_ model: NonlinearLVM, _ x: Matrix, nodes: Matrix, logWeights: [Double]) -> (value: Double, agreement: Double) {
        let f = model.decoder(nodes)                                                // (M, D)
        let (rows, m, d) = (x.rows, f.rows, x.columns)
        let sigma2 = model.noiseVariance
        let constant = -0.5 * Double(d) * log(2 * Double.pi * sigma2)
        var total = 0.0, largestX = 0.0, largestF = 0.0
        for j in 0..<m { largestF = max(largestF, (0..<d).reduce(0) { $0 + f[j, $1] * f[j, $1] }) }
        var terms = [Double](repeating: 0, count: m)
        for i in 0..<rows {
            largestX = max(largestX, (0..<d).reduce(0) { $0 + x[i, $1] * x[i, $1] })
            for j in 0..<m {
                var square = 0.0
                for c in 0..<d { let e = x[i, c] - f[j, c]; square += e * e }
                terms[j] = logWeights[j] + constant - square / (2 * sigma2)
            }
            let peak = terms.max()!
            total += peak + log(terms.reduce(0) { $0 + exp($1 - peak) })
        }
        let value = total / Double(rows)
        let agreement = 64 * .ulpOfOne * (Double(d) * (largestX + largestF) / (2 * sigma2) + Double(m) * abs(value))
        return (value, agreement)
    }

    // MARK: - One refit per inputs

    private static let refits = Mutex<[String: NonlinearRefit]>([:])

    /// The refit for these inputs, made once (the checks of one run share it).
    static func cached(_ inputs: CheckInputs) throws -> NonlinearRefit {
        let key = "\(inputs.seed)/\(inputs.quick)"
        if let refit = refits.withLock({ $0[key] }) { return refit }
        let refit = try NonlinearRefit(inputs)
        refits.withLock { $0[key] = refit }
        return refit
    }
}

/// Runs the nonlinear lesson (--quick, and the default report's full run) and recomputes every check it records.
@Suite(.serialized) struct NonlinearCheckTests {
    @Test(arguments: [true, false])
    func everyCheckIsRecomputedIndependently(quick: Bool) throws {
        let digits = sharedDigits
        let result = quick ? try NonlinearLessonTests.run(quick: true) : try NonlinearLessonTests.standard.get()
        // one ELBO check per example on the page, and the three others
        guard case .array(let examples)? = result.results["elbo_gap_examples"] else { Issue.record("no ELBO examples"); return }
        let names = result.checks.map(\.name)
        #expect(names.filter { $0.hasPrefix("elbo.gap_is_kl.") }.count == examples.count)
        #expect(Set(names.filter { !$0.hasPrefix("elbo.") }) == ["toy.ppca_is_the_data_gaussian", "toy.training_rule", "digits.training_rule",
                                                                 "variational.gap_is_kl.1", "variational.gap_is_kl.2",
                                                                 "variational.stationary.1", "variational.stationary.2"])
        try expectChecksRecomputed(result, inputs: CheckInputs(seed: 1999, quick: quick, digits: digits), recompute: NonlinearChecks.recompute)
    }
}
