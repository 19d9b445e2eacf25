import Datasets
import Foundation
import LessonKit
import LinearAlgebra
import Models
import Testing
@testable import Lessons

/// The linear-family lesson on the digits and on a user table with missing cells: what it stores under the keys the
/// issue names, recomputed here from its inputs.
@Suite(.serialized) struct LinearFamilyLessonTests {
    static func run(_ userData: Dataset? = nil, latentDimension: Int? = nil, seed: UInt64 = 7) throws -> LessonResult {
        var context = LessonContext(lesson: "linear-family", seed: seed, quick: true, data: sharedData, latentDimension: latentDimension)
        context.userData = userData
        return try LinearFamilyLesson().run(context)
    }

    static func number(_ result: LessonResult, _ path: String) -> Double? {
        switch JSONValue.object(result.results).value(at: path) {
        case .number(let x)?: return x
        case .integer(let n)?: return Double(n)
        default: return nil
        }
    }

    /// 150 rows of a two-factor model in 6 columns with unequal noise, 5 % of the cells left empty or written NA,
    /// read through the CSV loader.
    static func tableWithMissingCells() throws -> Dataset {
        var random = Xoshiro256StarStar(seed: 99)
        let loadings: [[Double]] = [[2, 0], [1.5, 0.5], [1, 1], [0, 2], [0.5, -1], [1, -1]]
        let noise = [0.3, 0.5, 0.8, 0.2, 1.0, 0.6]
        var text = "a,b,c,d,e,f\n"
        var missing = 0
        for row in 0..<150 {
            let z = [random.nextStandardNormal(), random.nextStandardNormal()]
            var cells: [String] = []
            for j in 0..<6 {
                let x = 3 + loadings[j][0] * z[0] + loadings[j][1] * z[1] + noise[j] * random.nextStandardNormal()
                if random.nextUniform() < 0.05 && row > 0 {
                    cells.append(missing % 2 == 0 ? "" : "NA")
                    missing += 1
                } else {
                    cells.append(String(x))
                }
            }
            text += cells.joined(separator: ",") + "\n"
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lvm-linear-family-\(UUID().uuidString).csv")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try Dataset.load(csv: url)
    }

    @Test func onTheDigitsFactorAnalysisBeatsPPCAByTensOfNatsAndSitsAtItsOptimum() throws {
        let result = try Self.run()
        let fa = try #require(Self.number(result, "factor_analysis.log_likelihood_per_sample"))
        // PPCA's closed form on the same 61 varying columns, fitted here.
        let digits = sharedDigits.values
        let variances = Statistics.covariance(digits, normalization: .maximumLikelihood).diagonal
        let kept = variances.indices.filter { variances[$0] > 0 }
        #expect(kept.count == 61)
        let x = digits.columns(at: kept)
        let ppca = try PPCA.fit(x, latentDimension: 2)
        let ppcaLogLikelihood = PPCAChecks.directAverageLogLikelihood(x, mean: ppca.mean, covariance: PPCAChecks.marginalCovariance(ppca))
        #expect(fa - ppcaLogLikelihood > 10, "FA \(fa) against PPCA \(ppcaLogLikelihood)")
        // The optimum from a start of the test's own (random Λ, ψ = half the variances), run to convergence.
        var random = Xoshiro256StarStar(seed: 123)
        let s = Statistics.covariance(x, normalization: .maximumLikelihood)
        let start = Matrix(rows: 61, columns: 2, elements: (0..<122).map { _ in random.nextStandardNormal() })
        let own = try FactorAnalysis.fitEM(mean: Statistics.columnMeans(x), scatter: s, latentDimension: 2, initialLoading: start,
                                           initialUniquenesses: s.diagonal.map { $0 / 2 }, maxIterations: 50_000, tolerance: 1e-13,
                                           uniquenessFloor: LinearFamilyLesson.uniquenessFloor)
        let ownLogLikelihood = PPCAChecks.directAverageLogLikelihood(x, mean: own.model.mean, covariance: LinearFamilyChecks.covariance(own.model))
        #expect(abs(ownLogLikelihood - fa) < 1e-6, "\(ownLogLikelihood) against the lesson's \(fa)")
        guard case .array(let psi)? = JSONValue.object(result.results).value(at: "factor_analysis.noise_variances") else {
            Issue.record("no factor_analysis.noise_variances"); return
        }
        #expect(psi.count == 64)
        #expect(Self.number(result, "fa.distinct_maxima") == 1)
        #expect(psi.enumerated().filter { $0.element == .number(0) || $0.element == .integer(0) }.map(\.offset) == [0, 32, 39])
    }

    @Test func onATableWithMissingCellsItCountsThemAndFitsThem() throws {
        let data = try Self.tableWithMissingCells()
        let count = try #require(data.missing?.count)
        #expect(count > 10)
        let result = try Self.run(data, latentDimension: 2)
        #expect(Self.number(result, "missing_data.user.missing_cells") == Double(count))
        #expect(JSONValue.object(result.results).value(at: "missing_data.em_log_likelihood_monotone") == .bool(true))
        for check in result.checks { #expect(check.holds, "\(check.name): \(check.difference) > \(check.tolerance)") }
        // FA on the complete rows, recomputed here: the key holds ℓ at the optimum.
        let complete = (0..<data.count).filter { i in (0..<6).allSatisfy { !data.values[i, $0].isNaN } }
        let x = data.values.rows(at: complete)
        var random = Xoshiro256StarStar(seed: 5)
        let own = try FactorAnalysis.fitEM(x, latentDimension: 2, starts: 4, using: &random, maxIterations: 50_000, tolerance: 1e-13,
                                           uniquenessFloor: LinearFamilyLesson.uniquenessFloor).best.model
        let ownLogLikelihood = PPCAChecks.directAverageLogLikelihood(x, mean: own.mean, covariance: LinearFamilyChecks.covariance(own))
        let stored = try #require(Self.number(result, "factor_analysis.log_likelihood_per_sample"))
        #expect(abs(stored - ownLogLikelihood) < 1e-6)
        // The imputation error over the hidden cells against the test's own column-mean imputation: EM must be better.
        let emError = try #require(Self.number(result, "missing_data.imputation_rmse"))
        let meanError = try #require(Self.number(result, "missing_data.mean_imputation_rmse"))
        #expect(emError < meanError)
    }

    @Test func thePCAAndPPCALessonsRefuseMissingCellsAndPointHere() throws {
        let data = try Self.tableWithMissingCells()
        for lesson in [PCALesson() as any Lesson, PPCALesson()] {
            var context = LessonContext(lesson: lesson.slug, seed: 1, quick: true, data: sharedData)
            context.userData = data
            #expect { try lesson.run(context) } throws: { error in
                let text = String(describing: error)
                return text.contains("--lesson linear-family") && text.contains("line ") && text.contains("The \(lesson.slug) lesson needs every value")
            }
        }
    }

    @Test func aHeywoodCaseIsFlagged() throws {
        let result = try Self.run()
        #expect(JSONValue.object(result.results).value(at: "heywood.flagged") == .array([.integer(1)]))
        // ψ₁ would be S₁₁ − S₁₂S₁₃/S₂₃ < 0 for the example's correlations: the test's own arithmetic.
        #expect(1 - 0.9 * 0.8 / 0.6 < 0)
    }

    /// scikit-learn's FactorAnalysis on the example data sets (`sklearn_factor_analysis_reference.py` beside this file):
    /// on wine, which has a unique interior maximum, the lesson's ℓ and ψ must agree closely; on iris, where every fit
    /// is a Heywood case that scikit-learn's EM does not finish (a ConvergenceWarning), the lesson's boundary fit must
    /// be at least as high.
    @Test(arguments: [("wine", false, 1, -20.36023477862518), ("wine", false, 2, -19.533946960495015),
                      ("wine", true, 1, -16.259945415418148), ("wine", true, 2, -15.433657597287993),
                      ("iris", false, 1, -2.815855901435203), ("iris", false, 2, -2.5991657916447766),
                      ("iris", true, 1, -3.551493133213083), ("iris", true, 2, -3.334803023670209)])
    func theLessonMatchesScikitLearnOnWineAndIsAtLeastAsHighOnIris(name: String, standardize: Bool, q: Int, sklearn: Double) throws {
        let loaded = try Dataset.load(csv: lessonsFolder.appendingPathComponent("data/examples/\(name).csv"))
        let result = try Self.run(standardize ? try loaded.standardized() : loaded, latentDimension: q)
        let ell = try #require(Self.number(result, "factor_analysis.log_likelihood_per_sample"))
        if name == "wine" {
            #expect(abs(ell - sklearn) < 1e-8, "\(name) q = \(q): \(ell) against scikit-learn's \(sklearn)")
        } else {
            #expect(ell >= sklearn - 1e-8, "\(name) q = \(q): \(ell) below scikit-learn's \(sklearn)")
            #expect(ell - sklearn < 0.01, "\(name) q = \(q): \(ell) far above scikit-learn's \(sklearn)")
        }
        for check in result.checks { #expect(check.holds, "\(name): \(check.name) \(check.difference) > \(check.tolerance)") }
    }

    /// Two columns: q defaults to 1 (q = 2 would leave no column for the noise); a row and a cell missing are fitted.
    @Test func aTwoColumnTableDefaultsToOneFactor() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lvm-two-\(UUID().uuidString).csv")
        try Data("a,b\n1,2\n2,4.1\n3,\n4,8.2\nNA,10\n6,12.5\n7,13.9\n8,16.2\n".utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let result = try Self.run(try Dataset.load(csv: url))
        #expect(Self.number(result, "factor_analysis.latent_dim") == 1)
        #expect(Self.number(result, "missing_data.user.missing_cells") == 2)
    }
}
