import Foundation
import LessonKit
import LinearAlgebra
import Models
import Testing
@testable import Lessons

/// Every check of the linear-family lesson, recomputed from the lesson's inputs: both sides through `Models`, fitted
/// anew the way the check's `method` says (they must equal the lesson's to the bit), and the computed side a second
/// time by code written here — a plain-loop Cholesky, a finite-difference gradient, plain-loop Gaussian densities —
/// which must agree within the check's tolerance.
enum LinearFamilyChecks {
    typealias L = LinearFamilyLesson

    struct Setting {
        var inputs: LinearFamilyInputs
        var seed: UInt64
        var quick: Bool
        init(_ check: CheckInputs) throws {
            inputs = try LinearFamilyInputs(data: check.userData ?? check.digits, isUserData: check.userData != nil,
                                            latentDimension: check.latentDimension, quick: check.quick)
            seed = check.seed
            quick = check.quick
        }
        func stream(_ id: String) -> Xoshiro256StarStar { StepRandom.generator(seed: seed, lesson: "linear-family", step: id) }
        var q: Int { inputs.latentDimension }

        /// The lesson's fit: `Models`' multi-start EM, then the Heywood refinement (both Models calls).
        func factorAnalysis(_ x: Matrix) throws -> FactorAnalysisEMResult {
            try L.fitFactorAnalysis(x, latentDimension: q, quick: quick, streams: LinearFamilyStreams(seed: seed)).best
        }
    }

    static let recompute: RecomputeChecks = { check, inputs in
        let setting = try Setting(inputs)
        let x = setting.inputs.faData
        switch check.name {
        case "fa.likelihood":
            let fa = try setting.factorAnalysis(x).model
            return PPCAChecks.recomputed(
                check, expected: try fa.averageLogLikelihood(x),
                computedByModels: try GaussianModel(mean: fa.mean, covariance: fa.marginalCovariance).averageLogLikelihood(x),
                computedByTest: PPCAChecks.directAverageLogLikelihood(x, mean: fa.mean, covariance: covariance(fa)))
        case "fa.zero_gradient":
            let fits = try setting.factorAnalysis(x)
            let fa = fits.model
            let scatter = Matrix(PPCAChecks.meanAndCovariance(x).covariance)
            let ppca = try PPCA.fit(x, latentDimension: setting.q)
            let floors = fits.uniquenessFloors
            let start = try FactorAnalysis(mean: fa.mean, loading: ppca.loading,
                                           uniquenesses: floors.map { max($0, ppca.noiseVariance) })
            _ = start
            let byModels = L.largestGradient(fa, scatter: Statistics.covariance(x, mean: Statistics.columnMeans(x),
                                                                                 normalization: .maximumLikelihood), floors: floors)
            let byTest = finiteDifferenceGradient(fa, scatter: scatter, floors: floors)
            return PPCAChecks.recomputed(check, expected: 0, computedByModels: byModels, computedByTest: byTest)
        case "units.fa_rescale":
            let column = widestColumn(x)
            var rescaled = x
            for i in 0..<x.rows { rescaled[i, column] *= 10 }
            let before = try setting.factorAnalysis(x)
            let original = FactorAnalysisFits(x: x, fa: before.model, faLogLikelihood: try L.choleskyLogLikelihood(before.model, x),
                                              ppca: try PPCA.fit(x, latentDimension: setting.q), ppcaLogLikelihood: 0,
                                              floors: before.uniquenessFloors)
            let after = try L.rescaledFit(rescaled, column: column, scale: 10, original: original, quick: setting.quick,
                                          streams: LinearFamilyStreams(seed: setting.seed))
            let own = PPCAChecks.directAverageLogLikelihood(rescaled, mean: after.model.mean, covariance: covariance(after.model))
                - PPCAChecks.directAverageLogLikelihood(x, mean: before.model.mean, covariance: covariance(before.model))
            return PPCAChecks.recomputed(check, expected: -log(10.0),
                                         computedByModels: try L.choleskyLogLikelihood(after.model, rescaled) - L.choleskyLogLikelihood(before.model, x),
                                         computedByTest: own)
        case "units.ppca_rotate":
            var random = setting.stream(LinearFamilyStreams.rotation)
            let rotated = x * L.randomRotation(dimension: x.columns, using: &random)
            let a = try PPCA.fit(x, latentDimension: setting.q), b = try PPCA.fit(rotated, latentDimension: setting.q)
            let own = PPCAChecks.directAverageLogLikelihood(rotated, mean: b.mean, covariance: PPCAChecks.marginalCovariance(b))
                - PPCAChecks.directAverageLogLikelihood(x, mean: a.mean, covariance: PPCAChecks.marginalCovariance(a))
            return PPCAChecks.recomputed(check, expected: 0,
                                         computedByModels: try b.averageLogLikelihood(rotated) - a.averageLogLikelihood(x),
                                         computedByTest: own)
        case "missing_data.observed_likelihood":
            let data = setting.inputs.data
            var random = setting.stream(LinearFamilyStreams.hidden(L.hiddenShare))
            let (hidden, _) = L.hiding(L.hiddenShare, of: data, using: &random)
            let q = min(setting.q, data.columns - 1)
            let fit = try PPCA.fitEMWithMissingValues(hidden, latentDimension: q, maxIterations: L.missingMaxIterations(quick: setting.quick),
                                                      tolerance: L.missingTolerance)
            return PPCAChecks.recomputed(check, expected: fit.logLikelihoods.last!,
                                         computedByModels: try observedByGaussianModel(fit.model, hidden),
                                         computedByTest: observedByLoops(fit.model, hidden))
        case "missing_data.no_missing":
            let complete = setting.inputs.data.rows(at: setting.inputs.completeRows)
            let q = min(setting.q, complete.columns - 1)
            let closed = try PPCA.fit(complete, latentDimension: q)
            let em = try PPCA.fitEMWithMissingValues(complete, latentDimension: q, maxIterations: L.missingMaxIterations(quick: setting.quick),
                                                     tolerance: L.missingTolerance).model
            return PPCAChecks.recomputed(check, expected: try closed.averageLogLikelihood(complete),
                                         computedByModels: try em.averageLogLikelihood(complete),
                                         computedByTest: PPCAChecks.directAverageLogLikelihood(complete, mean: em.mean,
                                                                                               covariance: PPCAChecks.marginalCovariance(em)))
        case let name where name.hasPrefix("mixture."):
            let (mixture, arc) = try bestArcMixture(setting)
            let r = try mixture.responsibilities(arc)
            let own = plainLoopResponsibilities(mixture, arc)
            let byModels = try L.responsibilitiesByCholesky(mixture, arc)
            if name == "mixture.likelihood" {
                return PPCAChecks.recomputed(check, expected: try mixture.averageLogLikelihood(arc),
                                             computedByModels: byModels.averageLogLikelihood, computedByTest: own.averageLogLikelihood)
            }
            guard let k = Int(name.split(separator: ".").last!), k >= 1, k <= mixture.components.count else { return nil }
            func sum(_ m: Matrix) -> Double { (0..<arc.rows).reduce(0) { $0 + m[$1, k - 1] } }
            return PPCAChecks.recomputed(check, expected: sum(r), computedByModels: sum(byModels.responsibilities),
                                         computedByTest: (0..<arc.rows).reduce(0) { $0 + own.responsibilities[$1][k - 1] })
        default:
            return nil
        }
    }

    /// ΛΛᵀ + Ψ by loops.
    static func covariance(_ fa: FactorAnalysis) -> [[Double]] {
        var c = PPCAChecks.outerPlusNoise(fa.loading.rowArrays, 0)
        for i in 0..<fa.dimension { c[i][i] += fa.uniquenesses[i] }
        return c
    }

    static func widestColumn(_ x: Matrix) -> Int {
        let s = PPCAChecks.meanAndCovariance(x).covariance
        return s.indices.max { s[$0][$0] < s[$1][$1] }!
    }

    /// ℓ(scatter) = −½[D log 2π + log|C| + tr(C⁻¹S)] with C = ΛΛᵀ + Ψ, by the plain-loop inverse of PPCAChecks.
    static func scatterLogLikelihood(loading: [[Double]], uniquenesses: [Double], scatter s: Matrix) -> Double {
        let d = uniquenesses.count
        var c = PPCAChecks.outerPlusNoise(loading, 0)
        for i in 0..<d { c[i][i] += uniquenesses[i] }
        let (inverse, logDeterminant) = PPCAChecks.inverseAndLogDeterminant(c)
        var trace = 0.0
        for i in 0..<d { for j in 0..<d { trace += inverse[i][j] * s[j, i] } }
        return -0.5 * (Double(d) * log(2 * Double.pi) + logDeterminant + trace)
    }

    /// The largest |central difference| of ℓ(scatter) in the scale-free coordinates aᵢₖ = Λᵢₖ/√ψᵢ and tᵢ = log ψᵢ,
    /// over Λ and the ψᵢ above their floor (steps 10⁻⁵ in a and in t).
    static func finiteDifferenceGradient(_ fa: FactorAnalysis, scatter s: Matrix, floors: [Double]) -> Double {
        let lambda = fa.loading.rowArrays, psi = fa.uniquenesses
        var largest = 0.0
        for i in lambda.indices { for k in lambda[i].indices {
            let h = 1e-5 * psi[i].squareRoot()
            var plus = lambda, minus = lambda
            plus[i][k] += h; minus[i][k] -= h
            let g = (scatterLogLikelihood(loading: plus, uniquenesses: psi, scatter: s)
                     - scatterLogLikelihood(loading: minus, uniquenesses: psi, scatter: s)) / 2e-5
            largest = max(largest, abs(g))
        } }
        for i in psi.indices where psi[i] > floors[i] {
            var plus = psi, minus = psi
            plus[i] *= exp(1e-5); minus[i] *= exp(-1e-5)
            let g = (scatterLogLikelihood(loading: lambda, uniquenesses: plus, scatter: s)
                     - scatterLogLikelihood(loading: lambda, uniquenesses: minus, scatter: s)) / 2e-5
            largest = max(largest, abs(g))
        }
        return largest
    }

    /// (1/N) Σₙ log N(xₙ,O; μ_O, C_OO), each observed block through `GaussianModel` (the route the check names).
    static func observedByGaussianModel(_ model: PPCA, _ x: Matrix) throws -> Double {
        let c = model.marginalCovariance
        var total = 0.0
        for i in 0..<x.rows {
            let o = (0..<x.columns).filter { !x[i, $0].isNaN }
            total += try GaussianModel(mean: [Double](repeating: 0, count: o.count), covariance: c.rows(at: o).columns(at: o))
                .logLikelihoods(Matrix(rows: 1, columns: o.count, elements: o.map { x[i, $0] - model.mean[$0] }))[0]
        }
        return total / Double(x.rows)
    }

    /// The same by plain loops: each row's observed block of WWᵀ + σ²I formed and factored here.
    static func observedByLoops(_ model: PPCA, _ x: Matrix) -> Double {
        let c = PPCAChecks.marginalCovariance(model)
        var total = 0.0
        for i in 0..<x.rows {
            let o = (0..<x.columns).filter { !x[i, $0].isNaN }
            let block = o.map { a in o.map { b in c[a][b] } }
            let row = Matrix(rows: 1, columns: o.count, elements: o.map { x[i, $0] })
            total += PPCAChecks.directAverageLogLikelihood(row, mean: o.map { model.mean[$0] }, covariance: block)
        }
        return total / Double(x.rows)
    }

    /// The mixture step 5 keeps: K = 1 … K_max from one stream, the best held-out ℓ on the new arc points.
    static func bestArcMixture(_ setting: Setting) throws -> (MixtureOfPPCA, Matrix) {
        let (arc, _) = try NonlinearLesson.arcAndTrainedDecoder(seed: setting.seed, quick: setting.quick)
        var heldOutRandom = setting.stream(LinearFamilyStreams.arcHeldOut)
        let settings = setting.quick ? NonlinearSettings.quick : .full
        let heldOut = NoisyArc.sample(rows: L.arcHeldOutRows, noise: settings.toyNoise, using: &heldOutRandom)
        var random = setting.stream(LinearFamilyStreams.mixtureStarts)
        var best: (MixtureOfPPCA, Double)?
        for k in 1...L.maxComponents(quick: setting.quick) {
            let model = try MixtureOfPPCA.fitEM(arc, components: k, latentDimension: 1, starts: L.mixtureRestarts(quick: setting.quick),
                                                maxIterations: L.mixtureMaxIterations(quick: setting.quick),
                                                tolerance: L.mixtureTolerance, using: &random).best.model
            let score = try model.averageLogLikelihood(heldOut)
            if best == nil || score > best!.1 { best = (model, score) }
        }
        return (best!.0, arc)
    }

    /// Rₙₖ and ℓ by plain loops: each component's density from its own plain-loop Cholesky of WₖWₖᵀ + σₖ²I.
    static func plainLoopResponsibilities(_ mixture: MixtureOfPPCA, _ x: Matrix) -> (responsibilities: [[Double]], averageLogLikelihood: Double) {
        let logDensities: [[Double]] = mixture.components.map { c in
            let covariance = PPCAChecks.marginalCovariance(c)
            return (0..<x.rows).map { n in
                PPCAChecks.directAverageLogLikelihood(Matrix(rows: 1, columns: x.columns, elements: x.row(n)), mean: c.mean,
                                                      covariance: covariance)
            }
        }
        var r: [[Double]] = [], total = 0.0
        for n in 0..<x.rows {
            let terms = mixture.weights.indices.map { log(mixture.weights[$0]) + logDensities[$0][n] }
            let top = terms.max()!
            let sum = terms.reduce(0) { $0 + exp($1 - top) }
            r.append(terms.map { exp($0 - top) / sum })
            total += top + log(sum)
        }
        return (r, total / Double(x.rows))
    }
}

/// The linear-family lesson's checks, recomputed on the digits and on user data (the contract suite runs the digits
/// with the quick settings; this runs a user table with missing cells).
@Suite(.serialized) struct LinearFamilyCheckRecomputationTests {
    @Test func userDataWithMissingCellsChecksAreRecomputed() throws {
        let data = try LinearFamilyLessonTests.tableWithMissingCells()
        var context = LessonContext(lesson: "linear-family", seed: 11, quick: true, data: sharedData, latentDimension: 1)
        context.userData = data
        let result = try LinearFamilyLesson().run(context)
        try expectChecksRecomputed(result, inputs: CheckInputs(seed: 11, quick: true, digits: sharedDigits, userData: data,
                                                               latentDimension: 1),
                                   recompute: LinearFamilyChecks.recompute)
    }
}
