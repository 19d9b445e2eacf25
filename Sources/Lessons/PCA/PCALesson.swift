import Foundation
import LinearAlgebra
import Models
import Plotting

/// Lesson 1 — PCA reconstructs: from a 2-D point cloud to eigen-digits (text: `Lessons/01-pca.md`).
///
/// Seven steps, each with values, tables and figures computed here:
/// 1. the data — a seeded 2-D correlated cloud (`Toy2D.standard`) and the lesson's data set (the digits, or the
///    user's CSV): figures `point-cloud`, `data-overview`;
/// 2. centring and the 1/N covariance: `centring`, table `toy-covariance`;
/// 3. the eigendecomposition S = UΛUᵀ: `principal-axes` (arrows of length √λᵢ, 1σ and 2σ ellipses);
/// 4. projection and reconstruction, MSE(q) against Σ_{i>q} λᵢ computed separately: `projection`, table
///    `reconstruction-identity`;
/// 5. maximum variance = minimum error, swept over the angle: `variance-vs-angle`;
/// 6. the data set: `scree`, `error-vs-q`, `mean-and-components`, `reconstructions`, `pc-projection`, tables
///    `explained-variance`, `loadings`;
/// 7. what PCA cannot do: `what-pca-misses`.
///
/// The geometry of steps 1–5 and 7 always uses the 2-D cloud, whose truth is known. Step 6 and the top-level keys
/// of `results.json` (`n`, `d`, `mean`, `eigenvalues`, `explained_variance_ratio`, `components`,
/// `reconstruction_mse`, `conventions`) describe the lesson's data set: the digits, or `--data FILE.csv`. For the
/// user's data the 2-D projection uses the first two principal components, names come from the CSV header, and
/// the image figures become their non-image counterparts (bars of the components' loadings, profiles of
/// reconstructed rows) unless the columns are named `pixel_R_C` — every figure name exists in both cases, so the
/// text always resolves.
public struct PCALesson: Lesson {
    public init() {}
    public var slug: String { "pca" }
    public var textFileName: String { "01-pca.md" }
    public var acceptedOptions: [LessonOption] { [.data] }

    /// Points in the 2-D cloud.
    public static let cloudSize = 200

    public func run(_ context: LessonContext) throws -> LessonResult {
        let data = try context.userData ?? context.data.dataset(.digits)
        guard data.dimension >= 2 else { throw PCALessonError.needsTwoColumns(file: data.name, columns: data.dimension) }
        var record = PCARecord()
        var generator = Xoshiro256StarStar(seed: context.seed)
        let toy = Toy2D.standard
        let cloud = toy.sample(count: Self.cloudSize, using: &generator)  // (200, 2)
        context.progress("PCA of the 2-D cloud", 0)
        try PCAGeometrySteps(toy: toy, cloud: cloud, seed: context.seed, quick: context.quick).record(into: &record)
        context.progress("PCA of \(data.name)", 0.4)
        try PCADataSteps(data: data, isUserData: context.userData != nil).record(into: &record)
        record.results["conventions"] = PCARecord.conventions
        context.progress("PCA lesson done", 1)
        return record.result
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

/// What the lesson collects while it runs: `results.json` values, their labels and conventions, figures and tables.
struct PCARecord {
    var results: [String: JSONValue] = [:]
    var quantities: [String: Quantity] = [:]
    var figures: [String: FigureOutput] = [:]
    var tables: [String: Table] = [:]

    var result: LessonResult {
        LessonResult(results: results, quantities: quantities, figures: figures, tables: tables)
    }

    /// Labels a value the text shows (`path` as in `{{path}}`).
    mutating func describe(_ path: String, _ label: String, _ convention: String? = nil) {
        quantities[path] = Quantity(label, convention: convention)
    }

    static let covarianceConvention = "S = (1/N) Σₙ (xₙ − μ)(xₙ − μ)ᵀ: normalised by 1/N (maximum likelihood), not 1/(N−1)"
    static let eigenvalueConvention = "eigenvalues of the 1/N covariance S, in descending order"
    static let componentConvention = "unit eigenvector of S; sign chosen so its entry of largest magnitude is positive"
    static let mseConvention = "mean over the N rows of ‖x − x̂‖², computed from the data and their reconstructions"
    static let angleConvention = "degrees, counter-clockwise from the x₁ axis, in [0°, 180°) (a direction and its opposite are the same line)"

    static let conventions: JSONValue = [
        "covariance": .string(covarianceConvention + "; multiply by N/(N−1) for the unbiased estimate"),
        "eigenvalues": .string(eigenvalueConvention + "; values below zero by rounding are reported as 0"),
        "components": .string("rows, the first min(d, 100): " + componentConvention),
        "explained_variance_ratio": "λᵢ / Σⱼ λⱼ (sums to 1)",
        "reconstruction_mse": .string("entry q = 0 … d: " + mseConvention + ", with x̂ = μ + U_q U_qᵀ (x − μ), U_q the first q components as columns"),
        "discarded_eigenvalue_sum": "entry q = 0 … d: the sum of the eigenvalues λᵢ with i > q",
        "angles": .string(angleConvention),
        "log": "natural logarithm: step 7 shows log N(x | μ, S), the Gaussian with the 1/N covariance, for comparison; PCA itself has no density",
    ]
}

// MARK: - Small helpers shared by the lesson's files

/// The angle of a 2-D direction in degrees, in [0, 180).
func pcaLineAngleDegrees(_ u: [Double]) -> Double {
    var degrees = atan2(u[1], u[0]) * 180 / .pi
    while degrees < 0 { degrees += 180 }
    while degrees >= 180 { degrees -= 180 }
    return degrees
}

/// A number for a table cell: `digits` significant digits, a real minus sign, and `× 10ⁿ` outside 10⁻³ … 10⁶.
func pcaCell(_ x: Double, digits: Int = 4) -> String {
    if x == 0 { return "0" }
    let magnitude = abs(x)
    let sign = x < 0 ? "\u{2212}" : ""
    if magnitude >= 1e-3 && magnitude < 1e6 { return sign + String(format: "%.\(digits)g", magnitude) }
    let parts = String(format: "%.\(max(digits - 1, 0))e", magnitude).split(separator: "e")
    let superscripts: [Character: String] = ["-": "⁻", "+": "", "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴",
                                             "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹"]
    var exponent = String(parts[1])
    while exponent.count > 1, let second = exponent.dropFirst().first, second == "0",
          exponent.first == "-" || exponent.first == "+" {
        exponent.remove(at: exponent.index(after: exponent.startIndex))
    }
    return sign + parts[0] + " × 10" + exponent.map { superscripts[$0] ?? String($0) }.joined()
}

/// A percentage for a table cell or label, one decimal.
func pcaPercent(_ x: Double) -> String { String(format: "%.1f %%", 100 * x) }
