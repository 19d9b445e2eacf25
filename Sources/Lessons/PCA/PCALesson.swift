import Foundation
import LessonKit
import LinearAlgebra
import Models
import Plotting

/// Lesson 1 — PCA reconstructs: from a 2-D point cloud to eigen-digits (text: `Lessons/01-pca.md`).
///
/// Reference: C. M. Bishop, Pattern Recognition and Machine Learning (2006), §12.1 — maximum variance (§12.1.1) and
/// minimum error (§12.1.2) give the same subspace; the minimum error is J(q) = Σ_{i>q} λᵢ, PRML (12.18).
///
/// `run` is the table of contents: one call per `## ` step of the text, in its order; each step computes its numbers
/// through `Models`, records them with their labels, conventions and checks, and its figures from `PCAFigures`.
/// Steps 1–5 and 7 use the seeded 2-D cloud (values under `toy`), from `Toy2D.standardCloud(seed:)`, the lesson's only
/// random numbers; steps 6–7 and the top-level keys describe the data set (`PCADataSet`): digits or `--data FILE.csv`.
public struct PCALesson: Lesson {
    public init() {}
    public var slug: String { "pca" }
    public var textFileName: String { "01-pca.md" }
    public var acceptedOptions: [LessonOption] { [.data] }

    public func run(_ context: LessonContext) throws -> LessonResult {
        let (seed, progress) = (context.seed, context.progress)
        try context.userData?.requireComplete(for: slug, alternative: LinearFamilyLesson.slug)
        let sweep = AngleSweep(quick: context.quick)
        let dataSet = PCADataSet(data: try context.userData ?? context.data.dataset(.digits), isUserData: context.userData != nil)
        let data = dataSet.data
        guard data.dimension >= 2 else { throw PCALessonError.needsTwoColumns(file: data.name, columns: data.dimension) }

        var page = LessonRecorder(observing: context)
        let cloud = Toy2D.standardCloud(seed: seed)  // (200, 2), its own stream, the same as PPCA's
        progress("PCA of the 2-D cloud", 0)
        let cloudPCA = try PCA(fitting: cloud)
        progress("PCA of \(data.name)", 0.4)
        let dataPCA = try PCA(fitting: data.values)                                  // of the (N, D) data

        theData(cloud, seed: seed, dataSet, &page)                                           // 1
        let centred = centring(cloud, cloudPCA, &page)                                       // 2
        eigendecomposition(cloud, cloudPCA, &page)                                           // 3
        let errors = projectionAndReconstruction(cloud, cloudPCA, dataSet, dataPCA, &page)   // 4
        maximumVarianceIsMinimumError(cloud, centred, cloudPCA, sweep, &page)                // 5
        screeAndChoosingQ(dataSet, dataPCA, errors, &page)                                   // 6
        componentsAndReconstructions(dataSet, dataPCA, &page)                                // 7
        try whatPCACannotDo(cloud, cloudPCA, &page)                                          // 8
        page.store(Self.conventions, at: "conventions")
        progress("PCA lesson done", 1)
        return page.result
    }

    /// The 2-D cloud xₙ ~ N(μ, Σ) with Σ = R(θ) diag(σ₁², σ₂²) R(θ)ᵀ, and the data set of steps 6–7.
    func theData(_ cloud: Matrix, seed: UInt64, _ dataSet: PCADataSet, _ page: inout LessonRecorder) {
        let truth = Toy2D.standard
        page.group("toy") { page in
            page.value("n", cloud.rows, "N, points in the 2-D cloud")
            page.value("seed", String(seed), "seed of the generator (xoshiro256**)", "same seed ⇒ same points and the same report")
            page.store(truth.mean, at: "true_mean")
            page.store(truth.covariance, at: "true_covariance")
            page.store([truth.majorStandardDeviation, truth.minorStandardDeviation], at: "true_standard_deviations")
            page.label("true_standard_deviations.0", "σ₁, true standard deviation along the long axis")
            page.label("true_standard_deviations.1", "σ₂, true standard deviation along the short axis")
            page.value("true_angle_degrees", truth.angleDegrees, "θ, angle of the long axis of the generating Gaussian", .pcaAngle)
        }
        page.figure("point-cloud", PCAFigures.pointCloud(cloud, seed: seed))

        let data = dataSet.data
        page.value("n", data.count, "N, rows of the data set")
        page.value("d", data.dimension, "D, columns of the data set")
        page.store(dataSet.description, at: "data")
        page.label("data.title", "the data set of steps 6 and 7")
        page.label("data.preprocessing", "what was done to the values before PCA")
        page.figure("data-overview", PCAFigures.overview(dataSet))
    }

    /// μ = (1/N) Σₙ xₙ and S = (1/N) Σₙ (xₙ − μ)(xₙ − μ)ᵀ (1/N, not 1/(N−1)); returns the centred cloud (N, 2).
    func centring(_ cloud: Matrix, _ pca: PCA, _ page: inout LessonRecorder) -> Matrix {
        let n = cloud.rows
        let unbiased = Statistics.covariance(cloud, normalization: .unbiased)  // (2, 2), 1/(N−1)
        let centred = Statistics.centred(cloud, mean: pca.mean)                // (N, 2)
        let leftover = Statistics.columnMeans(centred).map(abs).max() ?? 0
        page.group("toy") { page in
            page.store(pca.mean, at: "mean")
            page.label("mean.0", "μ₁, sample mean of x₁")
            page.label("mean.1", "μ₂, sample mean of x₂")
            page.store(pca.covariance, at: "covariance")
            page.store(unbiased, at: "covariance_unbiased")
            for (i, j) in [(0, 0), (0, 1), (1, 1)] {
                let entry = NumberFormat.subscript(i + 1) + NumberFormat.subscript(j + 1)
                page.label("covariance.\(i).\(j)", "S\(entry), sample covariance", .pcaCovariance)
            }
            page.value("unbiased_factor", Double(n) / Double(n - 1), "N/(N−1), the ratio of the two normalisations")
            page.value("centred_mean_max_abs", leftover, "largest |mean| of the centred coordinates", "zero up to rounding")
            page.value("total_variance", pca.totalVariance, "tr S = S₁₁ + S₂₂, total variance", .pcaCovariance)
        }
        // Summing N coordinates of size ≤ max|x| twice (for μ, then for the mean of x − μ) rounds by ≤ N·ε·max|x| each.
        let largest = cloud.elements.map(abs).max() ?? 0
        page.check("toy.centred_mean", method: "0 against the largest |column mean| of the centred points x − μ",
                   expected: 0, computed: leftover, tolerance: 2 * Double(n) * .ulpOfOne * largest)
        page.table("toy-covariance", PCATables.covariance(pca.covariance, unbiased: unbiased, truth: Toy2D.standard.covariance, count: n))
        page.figure("centring", PCAFigures.centring(cloud, mean: pca.mean, centred: centred))
        return centred
    }

    /// S = UΛUᵀ, S uᵢ = λᵢ uᵢ, uᵢᵀuⱼ = δᵢⱼ, λ₁ ≥ λ₂ ≥ 0; the angle of u₁ against the true long axis.
    func eigendecomposition(_ cloud: Matrix, _ pca: PCA, _ page: inout LessonRecorder) {
        let u1 = pca.components.row(0), u2 = pca.components.row(1)
        let recomposed = pca.components.transposed * Matrix(diagonal: pca.eigenvalues) * pca.components  // UΛUᵀ (2, 2)
        let residual = (pca.covariance - recomposed).frobeniusNorm / pca.covariance.frobeniusNorm
        let dot = Vector.dot(u1, u2)
        let angle = Self.lineAngleDegrees(u1)
        page.group("toy") { page in
            page.store(pca.eigenvalues, at: "eigenvalues")
            page.label("eigenvalues.0", "λ₁, largest eigenvalue of S", .pcaEigenvalues)
            page.label("eigenvalues.1", "λ₂, smallest eigenvalue of S", .pcaEigenvalues)
            page.store(pca.eigenvalues.map { $0.squareRoot() }, at: "standard_deviations")
            page.label("standard_deviations.0", "√λ₁, standard deviation along u₁")
            page.label("standard_deviations.1", "√λ₂, standard deviation along u₂")
            // A sample standard deviation of N Gaussian points has standard error ≈ σ/√(2N) (delta method).
            let truth = Toy2D.standard
            let errors = [truth.majorStandardDeviation, truth.minorStandardDeviation].map { $0 / (2 * Double(cloud.rows)).squareRoot() }
            page.store(errors, at: "standard_deviation_standard_errors")
            page.label("standard_deviation_standard_errors.0", "σ₁/√(2N), the sampling error of √λ₁", "delta method, Gaussian data")
            page.store(zip(pca.eigenvalues.map { $0.squareRoot() }, zip([truth.majorStandardDeviation, truth.minorStandardDeviation], errors))
                .map { value, pair in (value - pair.0) / pair.1 }, at: "standard_deviation_z")
            page.label("standard_deviation_z.0", "(√λ₁ − σ₁) in standard errors")
            page.label("standard_deviation_z.1", "(√λ₂ − σ₂) in standard errors")
            page.store(pca.components, at: "components")
            for j in 0..<2 { page.label("components.0.\(j)", "u₁ entry \(j + 1)", .pcaComponent) }
            page.value("angle_degrees", angle, "angle of u₁", .pcaAngle)
            page.value("angle_error_degrees", Self.angleBetween(angle, Toy2D.standard.angleDegrees),
                       "angle between u₁ and the true long axis", "degrees; sampling error of 200 points")
            page.value("decomposition_residual", residual, "‖S − UΛUᵀ‖ / ‖S‖, relative error of the decomposition",
                       "Frobenius norms; rounding level is about 10⁻¹⁶")
            page.value("components_dot", dot, "u₁ᵀu₂", "zero up to rounding: the eigenvectors of a symmetric matrix are orthogonal")
            page.store(pca.explainedVarianceRatio, at: "explained_variance_ratio")
            page.label("explained_variance_ratio.0", "λ₁ / (λ₁ + λ₂), share of the variance along u₁")
        }
        // A backward-stable symmetric eigensolver returns U, Λ with ‖S − UΛUᵀ‖ ≤ c·D·ε‖S‖ and ‖UᵀU − I‖ ≤ c·D·ε.
        let d = Double(pca.dimension)
        page.check("toy.decomposition", method: "0 against ‖S − UΛUᵀ‖_F / ‖S‖_F with U, Λ from the eigensolver",
                   expected: 0, computed: residual, tolerance: 64 * d * .ulpOfOne)
        page.check("toy.orthogonality", method: "0 against u₁ᵀu₂ of the eigensolver's unit eigenvectors",
                   expected: 0, computed: dot, tolerance: 64 * d * .ulpOfOne)
        page.figure("principal-axes", PCAFigures.principalAxes(cloud, pca))
    }

    /// z = U_qᵀ(x − μ), x̂ = μ + U_q z, and MSE(q) = (1/N) Σₙ ‖xₙ − x̂ₙ‖² against Σ_{i>q} λᵢ — on the cloud (q = 1) and
    /// on the data set for every q = 0 … D. Returns the data set's two sides, entry q.
    func projectionAndReconstruction(_ cloud: Matrix, _ pca: PCA, _ dataSet: PCADataSet, _ dataPCA: PCA,
                                     _ page: inout LessonRecorder) -> (mse: [Double], discarded: [Double]) {
        let scores = pca.transform(cloud, dimensions: 1)       // (N, 1)
        let reconstructed = pca.reconstruct(scores: scores)    // (N, 2)
        let mse = pca.reconstructionMSE(cloud, dimensions: 1)  // from the rows
        let discarded = pca.discardedVariance(dimensions: 1)   // λ₂
        page.group("toy") { page in
            page.value("mse_q1", mse, "(1/N) Σₙ ‖xₙ − x̂ₙ‖² with q = 1", .pcaReconstructionMSE)
            page.value("discarded_q1", discarded, "λ₂, the discarded eigenvalue", .pcaEigenvalues)
            page.value("identity_difference_q1", mse - discarded, "MSE − λ₂",
                       "zero up to rounding (ε ≈ 2.2·10⁻¹⁶ times the size of the numbers)")
            page.store(cloud.row(0), at: "first_point")
            page.label("first_point.0", "x₁ of the first point")
            page.label("first_point.1", "x₂ of the first point")
            page.value("first_score", scores[0, 0], "z = u₁ᵀ(x − μ) of the first point")
            page.store(reconstructed.row(0), at: "first_reconstruction")
            page.label("first_reconstruction.0", "x̂₁ of the first point")
            page.label("first_reconstruction.1", "x̂₂ of the first point")
        }
        page.check("toy.identity.q1", method: "λ₂ (the discarded eigenvalue) against MSE(1) from the rows and their reconstructions",
                   expected: discarded, computed: mse, tolerance: Self.identityTolerance(pca))
        page.figure("projection", PCAFigures.projection(cloud, pca, reconstructed: reconstructed))

        // The same identity on the data set, for every q.
        let x = dataSet.data.values                                                 // (N, D)
        let d = dataPCA.dimension
        let mses = dataPCA.reconstructionMSEs(x)                                    // entry q = 0 … D, from the rows
        let discardedSums = (0...d).map { dataPCA.discardedVariance(dimensions: $0) }  // entry q: Σ_{i>q} λᵢ
        let identities = (0...d).map { q in
            page.check("identity.q\(q)", method: "Σ_{i>q} λᵢ (the discarded eigenvalues) against MSE(q) from the rows and their reconstructions",
                       expected: discardedSums[q], computed: mses[q], tolerance: Self.identityTolerance(dataPCA))
        }
        let scale = max(dataPCA.totalVariance, .leastNormalMagnitude)
        page.store(mses, at: "reconstruction_mse")
        page.store(discardedSums, at: "discarded_eigenvalue_sum")
        page.value("identity_max_relative_difference", identities.map(\.difference).max()! / scale,
                   "largest |MSE(q) − (sum of λᵢ for i > q)| / tr S over all q",
                   "zero up to rounding: computed eigenvalues are accurate to about D·ε·λ₁ each (ε ≈ 2.2·10⁻¹⁶)")
        for q in [1, 2] {
            page.label("reconstruction_mse.\(q)", "MSE(\(q)), reconstruction error with q = \(q)", .pcaReconstructionMSE)
        }
        page.table("reconstruction-identity", PCATables.identity(Self.reconstructionQs.filter { $0 <= d }, mse: mses,
                                                                 discarded: discardedSums, dataSet))
        return (mses, discardedSums)
    }

    /// How far MSE(q) from the rows and Σ_{i>q} λᵢ may differ by rounding alone: the mean over N rows of D-term
    /// residuals rounds by about (N + D)·ε·tr S, and each of the ≤ D discarded eigenvalues of a backward-stable
    /// eigensolver is within about D·ε·‖S‖ ≤ D·ε·tr S — together 4·(N + D²)·ε·tr S, with a factor 4 to spare.
    static func identityTolerance(_ pca: PCA) -> Double {
        let (n, d) = (Double(pca.count), Double(pca.dimension))
        return 4 * (n + d * d) * .ulpOfOne * pca.totalVariance
    }
}

/// Why the PCA lesson cannot run on the given data.
public enum PCALessonError: Error, Equatable, Sendable, CustomStringConvertible {
    case needsTwoColumns(file: String, columns: Int)

    public var description: String {
        switch self {
        case let .needsTwoColumns(file, columns):
            return "\(file): the PCA lesson needs at least two numeric columns, but the file has \(columns); add columns or choose another file"
        }
    }
}

extension PCALesson {
    /// One of step 8's points, in standard deviations from μ: along u₁ (units √λ₁) and across the line (u₂, √λ₂).
    struct LimitPoint: Sendable, Equatable {
        let name: String, along: Double, across: Double
    }

    /// A on u₁ one standard deviation out, B with the same z but 4√λ₂ off the line, C eight out along u₁.
    static let limitPoints = [LimitPoint(name: "A", along: 1, across: 0), LimitPoint(name: "B", along: 1, across: 4),
                              LimitPoint(name: "C", along: 8, across: 0)]

    /// PCA gives A and B the same code and C a perfect reconstruction; only a density — here the Gaussian N(μ, S), a
    /// preview of PPCA — tells how plausible each point is: (x − μ)ᵀS⁻¹(x − μ) = along² + across², and log N(x | μ, S).
    func whatPCACannotDo(_ cloud: Matrix, _ pca: PCA, _ page: inout LessonRecorder) throws {
        let (l1, l2) = (pca.eigenvalues[0].squareRoot(), pca.eigenvalues[1].squareRoot())
        let u1 = pca.components.row(0), u2 = pca.components.row(1)
        let points = Self.limitPoints.map { point in  // x = μ + along √λ₁ u₁ + across √λ₂ u₂
            (0..<2).map { pca.mean[$0] + point.along * l1 * u1[$0] + point.across * l2 * u2[$0] }
        }
        let x = Matrix(points)                      // (3, 2)
        let z = pca.transform(x, dimensions: 1)     // (3, 1)
        let xHat = pca.reconstruct(scores: z)       // (3, 2)
        let gaussian = try MultivariateNormal(mean: pca.mean, covariance: pca.covariance)
        let cholesky = try Cholesky(of: pca.covariance)
        for (k, (point, p)) in zip(Self.limitPoints, points).enumerated() {
            let squaredError = zip(p, xHat.row(k)).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
            let w = cholesky.solveLower(zip(p, pca.mean).map { $0 - $1 })  // L⁻¹(x − μ)
            let name = point.name
            page.group("toy.limits.\(name.lowercased())") { page in
                page.store(p, at: "x")
                page.value("z", z[k, 0], "z of point \(name)", "z = u₁ᵀ(x − μ)")
                page.value("squared_error", squaredError, "‖x − x̂‖² of point \(name)", "q = 1")
                page.value("mahalanobis_squared", Vector.dot(w, w), "(x − μ)ᵀ S⁻¹ (x − μ) of point \(name)",
                           "squared Mahalanobis distance under N(μ, S)")
                page.value("log_density", gaussian.logDensity(p), "log N(x | μ, S) of point \(name)",
                           "natural log of the Gaussian density with the 1/N covariance (not part of PCA)")
                page.value("along_sd", point.along, "position of point \(name) along u₁",
                           "in standard deviations √λ₁ from μ")
                page.value("across_sd", point.across, "position of point \(name) across the line, along u₂",
                           "in standard deviations √λ₂")
            }
        }
        page.figure("what-pca-misses", PCAFigures.limits(
            cloud, pca, points: zip(Self.limitPoints, points).map { ($0.name, $1) }, reconstructions: xHat))
    }
}
