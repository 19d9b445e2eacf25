import Foundation
import LessonKit
import LinearAlgebra
import Models
import Testing
@testable import Lessons

/// Every check of the PPCA lesson, recomputed from the lesson's inputs by code that does not call the lesson.
///
/// For each check, both sides are recomputed through `Models`, fitted anew the way the check's `method` says, and
/// must equal the lesson's sides **exactly**: the two sides of these checks agree to a few ulps (Woodbury against
/// Cholesky differs by 2·10⁻¹⁴ on ℓ ≈ −177), so any looser agreement could not tell a lesson that compares a number
/// with itself from one that computes both. The same computation on the same inputs gives the same bits (rows are
/// evaluated one by one whatever the number of cores; random draws come from the step's own stream).
///
/// Then the computed side is recomputed a second time by the test's own code — a plain-loop Cholesky, a grid
/// quadrature, a Monte Carlo loop, an EM loop written here — and must agree with it within the check's tolerance,
/// so that the route the lesson names is itself verified.
enum PPCAChecks {
    static let recompute: RecomputeChecks = { check, inputs in
        let setting = Setting(inputs)
        let parts = check.name.split(separator: ".").map(String.init)
        switch (parts.first ?? "", parts.dropFirst().first ?? "") {
        case ("likelihood_check", let key):
            let (x, q) = key == "toy" ? (setting.cloud, 1) : (setting.data, setting.q)
            let model = try PPCAMaximumLikelihood(x).model(latentDimension: q)
            return recomputed(check, expected: try model.averageLogLikelihood(x),
                              computedByModels: try GaussianModel(mean: model.mean, covariance: model.marginalCovariance)
                                  .averageLogLikelihood(x),
                              computedByTest: directAverageLogLikelihood(x, mean: model.mean, covariance: marginalCovariance(model)))
        case ("rescaling", _):
            let scale = max(maxAbs(setting.data), 1e-300)
            let rescaled = setting.data.map { $0 / scale }
            let model = try PPCA.fit(setting.data, latentDimension: setting.q)
            let rescaledModel = try PPCA.fit(rescaled, latentDimension: setting.q)
            let byTest = directAverageLogLikelihood(rescaled, mean: rescaledModel.mean, covariance: marginalCovariance(rescaledModel))
                - directAverageLogLikelihood(setting.data, mean: model.mean, covariance: marginalCovariance(model))
            return recomputed(check, expected: Double(setting.data.columns) * log(scale),
                              computedByModels: try rescaledModel.averageLogLikelihood(rescaled) - model.averageLogLikelihood(setting.data),
                              computedByTest: byTest)
        case ("toy_em", _), ("em", _):
            return try recomputeEM(check, setting, onCloud: parts[0] == "toy_em")
        case ("sleeve", _):
            var random = setting.stream(.sleeveCloud)
            let x = SleeveCloud.sample(using: &random)
            let fit = try PPCAMaximumLikelihood(x)
            let model = try fit.model(latentDimension: 1)
            let lambda = fit.eigenvalues
            let (mean, covariance) = meanAndCovariance(x)
            return recomputed(check, expected: 0.5 * (2 * log(model.noiseVariance) - log(lambda[1]) - log(lambda[2])),
                              computedByModels: try GaussianModel.fit(x, sharing: fit).averageLogLikelihood(x)
                                  - model.averageLogLikelihood(x),
                              computedByTest: directAverageLogLikelihood(x, mean: mean, covariance: covariance)
                                  - directAverageLogLikelihood(x, mean: model.mean, covariance: marginalCovariance(model)))
        case ("em_accelerated", _):
            // SQUAREM from plain EM's start (W₀ from the EM step's stream, σ²₀ = tr S / D) within plain EM's cap; the
            // test evaluates the model it reaches through its own Cholesky.
            let fit = try PPCAMaximumLikelihood(setting.data)
            let d = setting.data.columns
            let sigma2 = fit.eigenvalues.reduce(0, +) / Double(d)
            var random = setting.stream(.emStart)
            let w0 = Matrix(rows: d, columns: setting.q,
                            elements: (0..<(d * setting.q)).map { _ in 0.1 * sigma2.squareRoot() * random.nextStandardNormal() })
            let fast = try PPCA.fitSQUAREM(mean: fit.mean, scatter: fit.covariance, initialLoading: w0, initialNoiseVariance: sigma2,
                                           maxIterations: PPCALesson.emMaxIterations(quick: setting.quick),
                                           tolerance: PPCALesson.emStopTolerance)
            return recomputed(check, expected: try fit.model(latentDimension: setting.q).averageLogLikelihood(setting.data),
                              computedByModels: try fast.model.averageLogLikelihood(setting.data),
                              computedByTest: directAverageLogLikelihood(setting.data, mean: fast.model.mean,
                                                                          covariance: marginalCovariance(fast.model)))
        case ("marginal_mc", let key):
            return try recomputeMonteCarlo(check, setting, point: key)
        case ("posterior_grid", let kind):
            return try recomputeGrid(check, setting, moment: kind, indices: parts.dropFirst(2).compactMap { Int($0) })
        case ("rotation", _):
            let model = try PPCAMaximumLikelihood(setting.data).model(latentDimension: setting.figureQ)
            let angle = 40.0 * Double.pi / 180
            let r = setting.figureQ == 2 ? Matrix([[cos(angle), -sin(angle)], [sin(angle), cos(angle)]]) : Matrix([[-1.0]])
            let rotated = try model.rotated(by: r)
            // WR by a loop of our own, then C(WR) = (WR)(WR)ᵀ + σ²I.
            let w = model.loading
            let wr = (0..<w.rows).map { i in (0..<r.columns).map { j in (0..<w.columns).reduce(0.0) { $0 + w[i, $1] * r[$1, j] } } }
            return recomputed(check, expected: try model.averageLogLikelihood(setting.data),
                              computedByModels: try rotated.averageLogLikelihood(setting.data),
                              computedByTest: directAverageLogLikelihood(setting.data, mean: model.mean,
                                                                          covariance: outerPlusNoise(wr, model.noiseVariance)))
        case ("q_equals_d_minus_1", let key):
            var x = setting.cloud
            if key == "main" {
                let constant = (0..<setting.data.columns).filter { j in
                    (0..<setting.data.rows).allSatisfy { setting.data[$0, j] == setting.data[0, j] }
                }
                x = setting.data.columns(at: (0..<setting.data.columns).filter { !constant.contains($0) })
            }
            let fit = try PPCAMaximumLikelihood(x)
            let (mean, covariance) = meanAndCovariance(x)
            return recomputed(check, expected: try fit.model(latentDimension: x.columns - 1).averageLogLikelihood(x),
                              computedByModels: try GaussianModel.fit(x, sharing: fit).averageLogLikelihood(x),
                              computedByTest: directAverageLogLikelihood(x, mean: mean, covariance: covariance))
        default:
            return nil
        }
    }

    /// What the lesson's inputs fix: the main data, q, and the 2-D cloud the PCA and PPCA lessons share.
    struct Setting {
        var data: Matrix
        var labels: [Int]?
        var q: Int
        var figureQ: Int
        var cloud: Matrix
        var quick: Bool
        var seed: UInt64

        init(_ inputs: CheckInputs) {
            let main = inputs.userData ?? inputs.digits
            data = main.values
            labels = main.labels
            q = inputs.latentDimension ?? 2
            figureQ = data.columns >= 3 ? 2 : 1
            cloud = Toy2D.standardCloud(seed: inputs.seed)
            quick = inputs.quick
            seed = inputs.seed
        }

        func stream(_ stream: PPCARandomStream) -> Xoshiro256StarStar {
            StepRandom.generator(seed: seed, lesson: "ppca", step: stream.rawValue)
        }
    }

    /// Both sides through Models must be the lesson's to the bit; the test's own computation of the computed side
    /// must agree with them within the check's tolerance.
    static func recomputed(_ check: Check, expected: Double, computedByModels: Double, computedByTest: Double) -> Recomputed {
        #expect(abs(computedByTest - computedByModels) <= check.tolerance,
                "\(check.name): the test's own computation \(computedByTest) differs from \(computedByModels) by more than the tolerance \(check.tolerance)")
        return Recomputed(expected: expected, computed: computedByModels, expectedAgreement: 0, computedAgreement: 0)
    }

    // MARK: - EM

    static func recomputeEM(_ check: Check, _ setting: Setting, onCloud: Bool) throws -> Recomputed {
        let x = onCloud ? setting.cloud : setting.data
        let q = onCloud ? 1 : setting.q
        let fit = try PPCAMaximumLikelihood(x)
        let d = x.columns
        let w0: Matrix
        let sigma2: Double
        let models: PPCAEMResult
        if onCloud {
            // W₀ = 0.5·√λ₁ times the unit vector 15° from u₂ towards u₁; σ²₀ = λ₁ (results.json, toy_em.start).
            let (u1, u2) = (fit.eigenvectors.column(0), fit.eigenvectors.column(1))
            let (tilt, start) = (15.0 * Double.pi / 180, 0.5 * fit.eigenvalues[0].squareRoot())
            w0 = Matrix([[start * (sin(tilt) * u1[0] + cos(tilt) * u2[0])], [start * (sin(tilt) * u1[1] + cos(tilt) * u2[1])]])
            sigma2 = fit.eigenvalues[0]
            models = try PPCA.fitEM(x, initialLoading: w0, initialNoiseVariance: sigma2, maxIterations: 500,
                                    tolerance: PPCALesson.emStopTolerance)
        } else {
            // W₀ with N(0, (0.1·√(tr S/D))²) entries from the EM step's stream; σ²₀ = tr S / D (results.json, em.start).
            sigma2 = fit.eigenvalues.reduce(0, +) / Double(d)
            let scale = 0.1 * sigma2.squareRoot()
            var random = setting.stream(.emStart)
            w0 = Matrix(rows: d, columns: q, elements: (0..<(d * q)).map { _ in scale * random.nextStandardNormal() })
            models = try PPCA.fitEM(mean: fit.mean, scatter: fit.covariance, initialLoading: w0, initialNoiseVariance: sigma2,
                                    maxIterations: PPCALesson.emMaxIterations(quick: setting.quick),
                                    tolerance: PPCALesson.emStopTolerance)
        }
        let (_, s) = meanAndCovariance(x)
        let byTest = expectationMaximisation(scatter: s, start: w0.rowArrays, noiseVariance: sigma2)
        return recomputed(check, expected: try fit.model(latentDimension: q).averageLogLikelihood(x),
                          computedByModels: try models.model.averageLogLikelihood(x), computedByTest: byTest)
    }

    /// EM written out from Tipping & Bishop (1999), eqs. 29–30, on the 1/N scatter S: M = WᵀW + σ²I,
    /// W ← SW(σ²I + M⁻¹WᵀSW)⁻¹, σ² ← (1/D) tr(S − SWM⁻¹W_newᵀ), until an iteration moves σ² and every entry of W by
    /// less than 10⁻¹³ of their size (the parameters converge linearly, ℓ's gap only as their square, and ℓ's gains
    /// drown in its round-off long before); returns ℓ = −½[D log 2π + (D − q) log σ² + log|M| + (tr S − tr(M⁻¹WᵀSW))/σ²].
    static func expectationMaximisation(scatter s: [[Double]], start: [[Double]], noiseVariance: Double) -> Double {
        let d = s.count, q = start[0].count
        var w = start, sigma2 = noiseVariance
        func product(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
            a.map { row in (0..<b[0].count).map { j in (0..<b.count).reduce(0.0) { $0 + row[$1] * b[$1][j] } } }
        }
        func transpose(_ a: [[Double]]) -> [[Double]] { (0..<a[0].count).map { j in a.map { $0[j] } } }
        func m(_ w: [[Double]], _ sigma2: Double) -> [[Double]] {
            var m = product(transpose(w), w)
            for i in 0..<q { m[i][i] += sigma2 }
            return m
        }
        let traceS = (0..<d).reduce(0.0) { $0 + s[$1][$1] }
        for _ in 0..<200_000 {
            let mInverse = inverseAndLogDeterminant(m(w, sigma2)).inverse
            let sw = product(s, w)                                          // (D, q)
            var inner = product(mInverse, product(transpose(w), sw))        // M⁻¹WᵀSW + σ²I
            for i in 0..<q { inner[i][i] += sigma2 }
            let newW = product(sw, inverseAndLogDeterminant(inner).inverse)
            let swM = product(sw, mInverse)
            var traceTerm = 0.0
            for i in 0..<d { for k in 0..<q { traceTerm += swM[i][k] * newW[i][k] } }
            let newSigma2 = (traceS - traceTerm) / Double(d)
            let size = newW.joined().reduce(0.0) { max($0, abs($1)) }
            let step = zip(newW.joined(), w.joined()).reduce(0.0) { max($0, abs($1.0 - $1.1)) }
            let done = step <= 1e-13 * size && abs(newSigma2 - sigma2) <= 1e-13 * sigma2
            (w, sigma2) = (newW, newSigma2)
            if done { break }
        }
        let (mInverse, logDetM) = inverseAndLogDeterminant(m(w, sigma2))
        let wsw = product(transpose(w), product(s, w))
        var trace = 0.0
        for i in 0..<q { for k in 0..<q { trace += mInverse[i][k] * wsw[k][i] } }
        return -0.5 * (Double(d) * log(2 * Double.pi) + Double(d - q) * log(sigma2) + logDetM + (traceS - trace) / sigma2)
    }

    /// A⁻¹ and log|A| by Gauss–Jordan elimination with partial pivoting (A small and positive definite).
    static func inverseAndLogDeterminant(_ a: [[Double]]) -> (inverse: [[Double]], logDeterminant: Double) {
        let n = a.count
        var m = a, inverse = (0..<n).map { i in (0..<n).map { $0 == i ? 1.0 : 0.0 } }
        var logDeterminant = 0.0
        for col in 0..<n {
            let pivot = (col..<n).max { abs(m[$0][col]) < abs(m[$1][col]) }!
            m.swapAt(col, pivot)
            inverse.swapAt(col, pivot)
            let p = m[col][col]
            logDeterminant += log(abs(p))
            for j in 0..<n { m[col][j] /= p; inverse[col][j] /= p }
            for i in 0..<n where i != col {
                let f = m[i][col]
                for j in 0..<n { m[i][j] -= f * m[col][j]; inverse[i][j] -= f * inverse[col][j] }
            }
        }
        return (inverse, logDeterminant)
    }

    // MARK: - Monte Carlo

    static func recomputeMonteCarlo(_ check: Check, _ setting: Setting, point key: String) throws -> Recomputed? {
        let model = try PPCALesson.storyModel()
        let w = model.loading.column(0), mu = model.mean
        let norm = Vector.norm(w)
        let normal = [-w[1] / norm, w[0] / norm]
        let points = [("centre", mu), ("along_line", [mu[0] + 2 * w[0], mu[1] + 2 * w[1]]),
                      ("off_line", [mu[0] + 1.5 * normal[0], mu[1] + 1.5 * normal[1]])]
        guard let index = points.firstIndex(where: { $0.0 == key }) else { return nil }
        let draws = PPCALesson.monteCarloDraws(quick: setting.quick)
        // The points share one stream, in order: the earlier points' draws come first.
        var byModels = setting.stream(.monteCarlo)
        var byTest = setting.stream(.monteCarlo)
        var estimate = Double.nan, mine = Double.nan
        for (_, x) in points[...index] {
            estimate = model.monteCarloMarginal(at: x, checkpoints: [draws], using: &byModels)[0].estimate
            // (1/L) Σ N(x; wz + μ, σ²I) in D = 2, z ~ N(0, 1).
            var sum = 0.0
            for _ in 0..<draws {
                let z = byTest.nextStandardNormal()
                let (e0, e1) = (x[0] - w[0] * z - mu[0], x[1] - w[1] * z - mu[1])
                sum += exp(-(e0 * e0 + e1 * e1) / (2 * model.noiseVariance)) / (2 * Double.pi * model.noiseVariance)
            }
            mine = sum / Double(draws)
        }
        return recomputed(check, expected: exp(try model.logLikelihoods(Matrix([points[index].1]))[0]),
                          computedByModels: estimate, computedByTest: mine)
    }

    // MARK: - Posterior grid

    static func recomputeGrid(_ check: Check, _ setting: Setting, moment: String, indices: [Int]) throws -> Recomputed? {
        let model = try PPCAMaximumLikelihood(setting.data).model(latentDimension: setting.figureQ)
        let posterior = try model.posterior(setting.data)
        let classes = PPCALesson.highlightedDigits
        let row = RowSelectionTests.straightforwardSelection(means: posterior.means, labels: setting.labels,
                                                              classes: classes, count: classes.count)[0]
        let q = setting.figureQ
        let mean = posterior.means.row(row)
        let halfWidth = (0..<q).map { PPCALesson.gridHalfWidth * posterior.covariance[$0, $0].squareRoot() }
        let count = PPCALesson.gridPointsPerAxis(quick: setting.quick)
        let grid = model.gridPosterior(x: setting.data.row(row), centre: mean, halfWidth: halfWidth, pointsPerAxis: count)
        let mine = gridMoments(model, x: setting.data.row(row), centre: mean, halfWidth: halfWidth, pointsPerAxis: count)
        switch (moment, indices.count) {
        case ("mean", 1):
            let k = indices[0]
            return recomputed(check, expected: mean[k], computedByModels: grid.mean[k], computedByTest: mine.mean[k])
        case ("covariance", 2):
            let (k, l) = (indices[0], indices[1])
            return recomputed(check, expected: posterior.covariance[k, l], computedByModels: grid.covariance[k, l],
                              computedByTest: mine.covariance[k][l])
        default:
            return nil
        }
    }

    /// The moments of p(z | x) ∝ exp(−‖x − Wz − μ‖²/(2σ²) − ‖z‖²/2) on the grid centre ± halfWidth, normalised by the
    /// grid sum; the covariance in two passes, about the grid mean.
    static func gridMoments(_ model: PPCA, x: [Double], centre: [Double], halfWidth: [Double], pointsPerAxis: Int)
        -> (mean: [Double], covariance: [[Double]]) {
        let q = centre.count, d = x.count
        let axes: [[Double]] = (0..<q).map { k in
            let step = 2 * halfWidth[k] / Double(pointsPerAxis - 1)
            return (0..<pointsPerAxis).map { (i: Int) -> Double in centre[k] - halfWidth[k] + step * Double(i) }
        }
        let total = (0..<q).reduce(1) { n, _ in n * pointsPerAxis }
        func point(_ index: Int) -> [Double] {
            var rest = index
            return (0..<q).map { k in defer { rest /= pointsPerAxis }; return axes[k][rest % pointsPerAxis] }
        }
        let logJoint = (0..<total).map { index -> Double in
            let z = point(index)
            var squared = 0.0
            for j in 0..<d {
                let e = x[j] - model.mean[j] - (0..<q).reduce(0.0) { $0 + model.loading[j, $1] * z[$1] }
                squared += e * e
            }
            return -squared / (2 * model.noiseVariance) - z.reduce(0.0) { $0 + $1 * $1 } / 2
        }
        let peak = logJoint.max()!
        let weights = logJoint.map { exp($0 - peak) }
        let sum = weights.reduce(0, +)
        var mean = [Double](repeating: 0, count: q)
        for index in 0..<total { let z = point(index); for k in 0..<q { mean[k] += weights[index] * z[k] / sum } }
        var covariance = [[Double]](repeating: [Double](repeating: 0, count: q), count: q)
        for index in 0..<total {
            let z = point(index)
            for k in 0..<q { for l in 0..<q { covariance[k][l] += weights[index] * (z[k] - mean[k]) * (z[l] - mean[l]) / sum } }
        }
        return (mean, covariance)
    }

    // MARK: - Gaussians by plain loops

    /// (1/N) Σ log N(xₙ; μ, C): C = LLᵀ by a plain-loop Cholesky, each row by forward substitution L y = xₙ − μ,
    /// log N = −½[D log 2π + 2 Σ log Lᵢᵢ + ‖y‖²].
    static func directAverageLogLikelihood(_ x: Matrix, mean: [Double], covariance c: [[Double]]) -> Double {
        let d = mean.count
        var l = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
        for i in 0..<d { for j in 0...i {
            var s = c[i][j]
            for k in 0..<j { s -= l[i][k] * l[j][k] }
            l[i][j] = i == j ? s.squareRoot() : s / l[j][j]
        } }
        let logDeterminant = (0..<d).reduce(0.0) { $0 + 2 * log(l[$1][$1]) }
        var total = 0.0
        var y = [Double](repeating: 0, count: d)
        for n in 0..<x.rows {
            var squared = 0.0
            for i in 0..<d {
                var s = x[n, i] - mean[i]
                for k in 0..<i { s -= l[i][k] * y[k] }
                y[i] = s / l[i][i]
                squared += y[i] * y[i]
            }
            total += -0.5 * (Double(d) * log(2 * Double.pi) + logDeterminant + squared)
        }
        return total / Double(x.rows)
    }

    /// C = WWᵀ + σ²I by loops.
    static func marginalCovariance(_ model: PPCA) -> [[Double]] {
        outerPlusNoise(model.loading.rowArrays, model.noiseVariance)
    }

    /// WWᵀ + σ²I by loops.
    static func outerPlusNoise(_ w: [[Double]], _ sigma2: Double) -> [[Double]] {
        let d = w.count
        var c = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
        for i in 0..<d { for j in 0..<d {
            var s = i == j ? sigma2 : 0
            for k in 0..<w[i].count { s += w[i][k] * w[j][k] }
            c[i][j] = s
        } }
        return c
    }

    /// x̄ and S = (1/N) Σ (xₙ − x̄)(xₙ − x̄)ᵀ by loops.
    static func meanAndCovariance(_ x: Matrix) -> (mean: [Double], covariance: [[Double]]) {
        let n = Double(x.rows), d = x.columns
        let mean = (0..<d).map { j in (0..<x.rows).reduce(0.0) { $0 + x[$1, j] } / n }
        var s = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
        for r in 0..<x.rows { for i in 0..<d { for j in 0..<d { s[i][j] += (x[r, i] - mean[i]) * (x[r, j] - mean[j]) / n } } }
        return (mean, s)
    }

    static func maxAbs(_ x: Matrix) -> Double { x.elements.reduce(0) { max($0, abs($1)) } }
}

/// The PPCA lesson's checks, recomputed: on the digits, and on user data with `--latent-dim`.
@Suite(.serialized) struct PPCACheckRecomputationTests {
    @Test func digitsChecksAreRecomputed() throws {
        let context = try ppcaDigitsContext()
        let result = try PPCALesson().run(context)
        try expectChecksRecomputed(result, inputs: CheckInputs(seed: context.seed, quick: context.quick, digits: sharedDigits),
                                   recompute: PPCAChecks.recompute)
    }

    @Test(arguments: [(5, 3), (2, 1), (4, nil as Int?)])
    func userDataChecksAreRecomputed(columns: Int, q: Int?) throws {
        var context = try ppcaDigitsContext(latentDimension: q)
        context.userData = ppcaUserData(columns: columns)
        let result = try PPCALesson().run(context)
        try expectChecksRecomputed(result, inputs: CheckInputs(seed: context.seed, quick: context.quick, digits: sharedDigits,
                                                               userData: context.userData, latentDimension: q),
                                   recompute: PPCAChecks.recompute)
    }
}
