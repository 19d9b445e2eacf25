import Datasets
import Foundation
import LinearAlgebra
import Models
import Testing

@testable import Lessons

/// Both sides of every check of the PCA lesson, recomputed from the lesson's inputs (seed, `--quick`, the data) and
/// never read back from its output:
/// - the closed-form side through `Models`, fitted anew here (λᵢ, Σ_{i>q} λᵢ, tr S of `PCA(fitting:)`), or the exact
///   value the theory gives (0 for a residual) — it must equal the lesson's to 8 ulps, so a lesson that compares a
///   number with itself fails;
/// - the numerical side with plain loops written here: the mean, the covariance and the residuals ‖x − x̂‖² row by
///   row, the angle sweep's V(θ) and E(θ), dot products — within a bound derived from rounding, as the lesson's.
enum PCAChecks {
    static let recompute: RecomputeChecks = { check, inputs in try PCARecomputation.of(inputs).sides[check.name] }
}

/// The recomputed sides of one run's checks, by check name.
struct PCARecomputation: Sendable {
    var sides: [String: Recomputed] = [:]

    /// The recomputation for `inputs`, computed once per inputs (a lesson run asks for every check in turn).
    static func of(_ inputs: CheckInputs) throws -> PCARecomputation {
        let data = (inputs.userData ?? inputs.digits).values
        return try cache.value(seed: inputs.seed, quick: inputs.quick, data: data) {
            try PCARecomputation(cloud: cloud(seed: inputs.seed), data: data, quick: inputs.quick)
        }
    }

    /// The lesson's 2-D cloud for `seed`: the cloud the PCA and PPCA lessons share.
    static func cloud(seed: UInt64) -> Matrix { Toy2D.standardCloud(seed: seed) }

    private static let cache = RecomputationCache()

    init(cloud: Matrix, data: Matrix, quick: Bool) throws {
        let eps = Double.ulpOfOne
        let toy = try PCA(fitting: cloud)
        let (n, d) = (cloud.rows, cloud.columns)
        let y = Self.centredRows(cloud, mean: toy.mean)  // (N, 2) as rows, centred on the fitted μ

        // Step 2: the mean of the centred points, with a mean of my own.
        let myMean = (0..<d).map { j in (0..<n).reduce(0.0) { $0 + cloud[$1, j] } / Double(n) }
        let leftover = (0..<d).map { j in abs((0..<n).reduce(0.0) { $0 + (cloud[$1, j] - myMean[j]) } / Double(n)) }.max()!
        let largest = cloud.elements.map(abs).max()!
        sides["toy.centred_mean"] = Recomputed(expected: 0, computed: leftover, computedAgreement: 2 * Double(n) * eps * largest)

        // Step 3: ‖S − UΛUᵀ‖_F / ‖S‖_F with S summed here, and u₁ᵀu₂.
        var residual = 0.0, norm = 0.0
        for i in 0..<d {
            for j in 0..<d {
                let s = (0..<n).reduce(0.0) { $0 + (cloud[$1, i] - myMean[i]) * (cloud[$1, j] - myMean[j]) } / Double(n)
                let recomposed = (0..<d).reduce(0.0) { $0 + toy.components[$1, i] * toy.eigenvalues[$1] * toy.components[$1, j] }
                residual += (s - recomposed) * (s - recomposed)
                norm += s * s
            }
        }
        let eigenBound = 64 * Double(d) * eps
        sides["toy.decomposition"] = Recomputed(expected: 0, computed: (residual / norm).squareRoot(), computedAgreement: eigenBound)
        let dot = (0..<d).reduce(0.0) { $0 + toy.components[0, $1] * toy.components[1, $1] }
        sides["toy.orthogonality"] = Recomputed(expected: 0, computed: dot, computedAgreement: eigenBound)

        // Step 4: MSE(1) of the cloud against λ₂.
        let toyErrors = Self.reconstructionErrors(y, components: toy.components)
        sides["toy.identity.q1"] = Recomputed(expected: toy.discardedVariance(dimensions: 1), computed: toyErrors[1],
                                              computedAgreement: Self.identityBound(toy))

        // Step 5: V(θ) and E(θ) on the lesson's grid, summed over the points.
        let step = PCALesson.AngleSweep(quick: quick).gridStepDegrees
        var variances: [Double] = [], errors: [Double] = []
        for k in 0..<Int((180 / step).rounded(.up)) {
            let theta = Double(k) * step * .pi / 180
            let u = [cos(theta), sin(theta)]
            var v = 0.0, e = 0.0
            for row in y {
                let t = row[0] * u[0] + row[1] * u[1]
                v += t * t
                e += (row[0] - t * u[0]) * (row[0] - t * u[0]) + (row[1] - t * u[1]) * (row[1] - t * u[1])
            }
            variances.append(v / Double(n))
            errors.append(e / Double(n))
        }
        let sums = zip(variances, errors).map { $0 + $1 }
        let (l1, l2, total) = (toy.eigenvalues[0], toy.eigenvalues[1], toy.totalVariance)
        let rounding = 4 * Double(n) * eps * total
        sides["toy.sweep.largest_sum"] = Recomputed(expected: total, computed: sums.max()!, computedAgreement: rounding)
        sides["toy.sweep.smallest_sum"] = Recomputed(expected: total, computed: sums.min()!, computedAgreement: rounding)
        sides["toy.sweep.max_variance"] = Recomputed(expected: l1, computed: variances.max()!, computedAgreement: rounding)
        sides["toy.sweep.min_error"] = Recomputed(expected: l2, computed: errors.min()!, computedAgreement: rounding)

        // Step 4 on the data set: MSE(q) row by row against Σ_{i>q} λᵢ, every q.
        let model = try PCA(fitting: data)
        let mse = Self.reconstructionErrors(Self.centredRows(data, mean: model.mean), components: model.components)
        for q in 0...model.dimension {
            sides["identity.q\(q)"] = Recomputed(expected: model.discardedVariance(dimensions: q), computed: mse[q],
                                                 computedAgreement: Self.identityBound(model))
        }
    }

    /// The rows of `x` minus `mean`.
    static func centredRows(_ x: Matrix, mean: [Double]) -> [[Double]] {
        (0..<x.rows).map { n in (0..<x.columns).map { x[n, $0] - mean[$0] } }
    }

    /// (1/N) Σₙ ‖yₙ − Σ_{i≤q} (uᵢᵀyₙ) uᵢ‖² for q = 0 … D, for centred rows yₙ and unit rows uᵢ of `components`: the
    /// residual of each row formed explicitly, one component at a time.
    static func reconstructionErrors(_ rows: [[Double]], components: Matrix) -> [Double] {
        let d = components.columns
        var sums = [Double](repeating: 0, count: d + 1)
        for y in rows {
            var residual = y
            sums[0] += y.reduce(0) { $0 + $1 * $1 }
            for q in 0..<d {
                var z = 0.0
                for j in 0..<d { z += components[q, j] * y[j] }
                var squared = 0.0
                for j in 0..<d {
                    residual[j] -= z * components[q, j]
                    squared += residual[j] * residual[j]
                }
                sums[q + 1] += squared
            }
        }
        return sums.map { $0 / Double(rows.count) }
    }

    /// Rounding in MSE(q) (N rows of D terms) and in Σ_{i>q} λᵢ (≤ D eigenvalues, each within D·ε·tr S).
    static func identityBound(_ pca: PCA) -> Double {
        4 * (Double(pca.count) + Double(pca.dimension * pca.dimension)) * .ulpOfOne * pca.totalVariance
    }
}

/// The last recomputation, for the inputs it was made from (the checks of one run are recomputed together).
private final class RecomputationCache: @unchecked Sendable {  // every access holds `lock`
    private let lock = NSLock()
    private var last: (seed: UInt64, quick: Bool, data: Matrix, value: PCARecomputation)?

    func value(seed: UInt64, quick: Bool, data: Matrix, make: () throws -> PCARecomputation) throws -> PCARecomputation {
        lock.lock()
        defer { lock.unlock() }
        if let last, last.seed == seed, last.quick == quick, last.data == data { return last.value }
        let value = try make()
        last = (seed, quick, data, value)
        return value
    }
}

/// The PCA lesson's checks, each recomputed by `PCAChecks` — for the digits, a user table and user images.
@Suite struct PCAChecksTests {
    @Test(arguments: ["digits", "user table d=6", "user images 3x3"])
    func everyCheckIsRecomputedIndependently(_ kind: String) throws {
        let userData = pcaTestData(kind)
        let context = pcaContext(seed: 13, userData: userData)
        let result = try PCALesson().run(context)
        try expectChecksRecomputed(result, inputs: CheckInputs(seed: 13, quick: context.quick, digits: sharedDigits, userData: userData),
                                   recompute: PCAChecks.recompute)
        // One identity check per q = 0 … D, and the eight of the cloud.
        let d = (userData ?? sharedDigits).dimension
        #expect(result.checks.count == d + 1 + 8)
    }
}
