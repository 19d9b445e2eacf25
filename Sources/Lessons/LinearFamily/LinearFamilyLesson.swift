import Datasets
import Foundation
import LessonKit
import LinearAlgebra
import Models

/// Lesson 3 — beyond one PPCA (text: `Lessons/03-linear-family.md`): factor analysis, missing values and mixtures of
/// PPCA, each with its likelihood computed exactly, then compared on held-out data.
///
/// - Factor analysis (Rubin & Thayer 1982; PRML §12.2.4): x | z ~ N(Λz + μ, Ψ), Ψ diagonal, fitted by EM from several
///   starts; its ℓ by Woodbury checked against the D × D Cholesky of ΛΛᵀ + Ψ, its optimum by a zero gradient.
/// - Missing values (Tipping & Bishop 1999, JRSS B §4): PPCA by EM on the observed entries of each row; the
///   observed-data log-likelihood rises at every iteration, and with nothing missing the EM stays at the closed form.
/// - Mixtures of PPCA (Tipping & Bishop 1999, Neural Computation 11(2)): on the nonlinear lesson's arc, beside its
///   neural decoder; the responsibilities checked against densities by Cholesky.
///
/// `run` is the table of contents, one call per `## ` step of the text; the steps live in `+FactorAnalysis`,
/// `+MissingData` and `+Mixtures`, the figures in `LinearFamilyFigures`, the tables in `LinearFamilyTables`.
public struct LinearFamilyLesson: Lesson {
    public init() {}
    /// The slug, also named by the lessons that refuse missing values.
    public static let slug = "linear-family"
    public var slug: String { Self.slug }
    public var textFileName: String { "03-linear-family.md" }
    public var acceptedOptions: [LessonOption] { [.data, .latentDimension] }
    public var acceptsMissingValues: Bool { true }

    public func run(_ context: LessonContext) throws -> LessonResult {
        let inputs = try LinearFamilyInputs(data: context.userData ?? context.data.dataset(.digits),
                                            isUserData: context.userData != nil,
                                            latentDimension: context.latentDimension, quick: context.quick)
        let streams = LinearFamilyStreams(seed: context.seed)
        var page = LessonRecorder(observing: context)
        func step<T>(_ label: String, _ fraction: Double, _ body: () throws -> T) rethrows -> T {
            context.progress("linear-family: " + label, fraction)
            return try body()
        }
        let fits = try step("factor analysis", 0) { try factorAnalysis(inputs, &page, streams) }        // 1
        try step("units and rotations", 0.2) { try unitsAndRotations(inputs, fits, &page, streams) }   // 2
        try step("Heywood cases", 0.35) { try heywoodCases(&page, streams) }                            // 3
        try step("missing values", 0.4) { try missingValues(inputs, &page, streams) }                    // 4
        let arc = try step("mixtures", 0.6) { try mixtures(inputs, &page, streams, seed: context.seed) } // 5
        try step("held-out comparison", 0.85) { try choosing(inputs, fits, arc, &page, streams) }        // 6
        // 7 (your own data) is text only.
        context.progress("linear-family: done", 1)
        page.store(String(context.seed), at: "seed")
        page.store(context.quick, at: "quick")
        return page.result
    }
}

/// The main data and the decisions every step reads.
/// - The main data are the digits (1797 × 64) or, with `--data`, the user's table (which may have missing cells,
///   NaN in `data`).
/// - Factor analysis and the units check use the *complete* rows and leave out the columns whose variance over them
///   is zero (FA's maximum likelihood does not exist there: ψᵢ → 0 makes ℓ unbounded). `faColumns` lists the kept
///   columns, `completeRows` the rows used.
struct LinearFamilyInputs {
    var data: Matrix                 // (N, D), NaN where the file had a missing cell
    var dataName: String
    var columnNames: [String]
    var imageShape: Dataset.ImageShape?
    var isUserData: Bool
    var missing: MissingValues?
    var standardized: Bool
    var latentDimension: Int         // q of FA and PPCA: --latent-dim, else 2 (1 when FA has two columns)
    var quick: Bool
    var completeRows: [Int]          // rows without a missing cell
    var faColumns: [Int]             // columns with a positive variance over the complete rows

    init(data main: Dataset, isUserData: Bool, latentDimension: Int?, quick: Bool) throws {
        data = main.values
        dataName = isUserData ? main.name : "digits"
        columnNames = main.columnNames
        imageShape = main.imageShape.flatMap { $0.rows * $0.columns == main.values.columns ? $0 : nil }
        self.isUserData = isUserData
        missing = main.missing
        standardized = main.standardization != nil
        self.quick = quick
        let (n, d) = (main.values.rows, main.values.columns)
        completeRows = (0..<n).filter { i in (0..<d).allSatisfy { !main.values[i, $0].isNaN } }
        let complete = main.values.rows(at: completeRows)
        let variances = Statistics.covariance(complete, normalization: .maximumLikelihood).diagonal
        let largest = variances.max() ?? 0
        faColumns = (0..<d).filter { variances[$0] > 1e-14 * largest }
        let q = latentDimension ?? min(2, max(1, faColumns.count - 1))     // default 2, or 1 for two columns
        guard completeRows.count >= 3 else {
            throw LinearFamilyError.tooFewCompleteRows(count: completeRows.count, name: dataName)
        }
        guard q >= 1, q < faColumns.count else {
            throw LinearFamilyError.invalidLatentDimension(q: q, columns: faColumns.count, left: d - faColumns.count)
        }
        self.latentDimension = q
    }

    /// D, the columns of the main data.
    var dimension: Int { data.columns }

    /// The complete rows and the kept columns: what FA and the PPCA beside it are fitted to.
    var faData: Matrix { data.rows(at: completeRows).columns(at: faColumns) }

    /// The name of column j (0-based) of the file.
    func columnName(_ j: Int) -> String { columnNames.indices.contains(j) ? columnNames[j] : "x\(j + 1)" }
}

/// Why the lesson cannot run on the given data; each says what to do.
enum LinearFamilyError: Error, CustomStringConvertible {
    case tooFewCompleteRows(count: Int, name: String)
    case invalidLatentDimension(q: Int, columns: Int, left: Int)

    var description: String {
        switch self {
        case let .tooFewCompleteRows(count, name):
            return "\(name) has \(count) complete row\(count == 1 ? "" : "s") (rows without a missing cell); factor analysis and its checks need at least 3: fill in some cells, or remove the columns with the most missing values"
        case let .invalidLatentDimension(q, columns, left):
            return "latent dimension q = \(q) is out of range: factor analysis here uses \(columns) columns\(left > 0 ? " (\(left) constant column\(left == 1 ? " is" : "s are") left out)" : ""), so choose 1 ≤ q ≤ \(columns - 1) with --latent-dim"
        }
    }
}

/// The lesson's random streams, one per fixed id (`StepRandom` with the lesson's slug).
struct LinearFamilyStreams {
    var seed: UInt64
    func generator(_ id: String) -> Xoshiro256StarStar {
        StepRandom.generator(seed: seed, lesson: LinearFamilyLesson.slug, step: id)
    }
    /// Ids: part of the output (renaming one changes that stream's numbers).
    static let faStarts = "factor-analysis/starts"
    static let rotation = "units/rotation"
    static let heywood = "heywood/sample"
    static func hidden(_ share: Double) -> String { "missing/hide-\(Int((share * 100).rounded()))" }
    static let mixtureStarts = "mixture/starts"
    static let mixtureFrames = "mixture/frames"
    static let arcHeldOut = "mixture/held-out-arc"
    static let split = "choice/split"
    static let choiceMixture = "choice/mixture-starts"
}

/// Step 1's fits that later steps reuse.
struct FactorAnalysisFits {
    var x: Matrix                           // (N_c, D') complete rows, kept columns
    var fa: FactorAnalysis
    var faLogLikelihood: Double             // by Cholesky of ΛΛᵀ + Ψ
    var ppca: PPCA
    var ppcaLogLikelihood: Double
    var floors: [Double]                    // FA's floor of each ψᵢ at the end of the fit
}
