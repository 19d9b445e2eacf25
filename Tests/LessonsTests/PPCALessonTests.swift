import Datasets
import Foundation
import LessonKit
import LinearAlgebra
import Plotting
import Testing
@testable import Lessons
@testable import Models

private let lessonsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Lessons")

func ppcaDigitsContext(seed: UInt64 = 7, latentDimension: Int? = nil) throws -> LessonContext {
    LessonContext(lesson: "ppca", seed: seed, quick: true, data: sharedData, latentDimension: latentDimension)
}

/// The digits' PCA by numpy (`Tests/ModelsTests/Fixtures/digits_pca.json`, written by `make_digits_pca.py` there).
struct DigitsReference: Decodable {
    let n: Int
    let d: Int
    let eigenvalues: [Double]

    static func load() throws -> DigitsReference {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ModelsTests/Fixtures/digits_pca.json")
        return try JSONDecoder().decode(DigitsReference.self, from: Data(contentsOf: url))
    }
}

/// Seeded user-like data without images or labels: D columns from a rank-2 signal plus noise.
func ppcaUserData(columns d: Int, rows: Int = 150, seed: UInt64 = 3) -> Dataset {
    var g = Xoshiro256StarStar(seed: seed)
    var values: [Double] = []
    for _ in 0..<rows {
        let a = g.nextStandardNormal()
        let b = g.nextStandardNormal()
        for j in 0..<d { values.append(Double(j + 1) * a + (j % 2 == 0 ? b : -b) + 0.3 * g.nextStandardNormal()) }
    }
    return Dataset(name: "mine.csv", columnNames: (0..<d).map { "c\($0)" },
                   values: Matrix(rows: rows, columns: d, elements: values))
}

private func number(_ result: LessonResult, _ path: String) -> Double? {
    guard let top = path.split(separator: ".").first.map(String.init), let root = result.results[top] else { return nil }
    let rest = path.split(separator: ".").dropFirst().joined(separator: ".")
    let value = rest.isEmpty ? root : root.value(at: rest)
    switch value {
    case .number(let x)?: return x
    case .integer(let i)?: return Double(i)
    default: return nil
    }
}

@Suite(.serialized) struct PPCALessonTests {
    /// The digits run: the keys results.json promises and the values derived from the numpy fixture and the data.
    @Test func digitsRunHasTheContractKeysAndTheReferenceValues() throws {
        let context = try ppcaDigitsContext()
        let digits = sharedDigits.values
        let result = try PPCALesson().run(context)
        #expect(result.results["latent_dim"] == .integer(2))
        guard case let .array(w)? = result.results["W"] else { Issue.record("W missing"); return }
        #expect(w.count == digits.columns)
        #expect(w.allSatisfy { if case let .array(row) = $0 { return row.count == 2 } else { return false } })
        for key in ["sigma2", "log_likelihood_per_sample", "em.iterations", "em.log_likelihood_per_sample",
                    "model_selection.bic_q", "model_selection.minka_q", "model_selection.q_max_shown"] {
            #expect(number(result, key) != nil, "missing \(key)")
        }
        #expect(result.results["em"]?.value(at: "trace.0.log_likelihood_per_sample") != nil)
        let reference = try DigitsReference.load()
        #expect(result.results["conventions"]?.value(at: "sklearn") != nil)
        // σ² is the mean of the discarded eigenvalues λ₃ … λ_D of the 1/N covariance: numpy's, within the eigenvalue
        // tolerance of PCAReferenceTests, (N + D)·ε·λ₁·8.
        let numpySigma2 = reference.eigenvalues[2...].reduce(0, +) / Double(reference.d - 2)
        let eigenvalueTolerance = 8 * Double(reference.n + reference.d) * .ulpOfOne * reference.eigenvalues[0]
        #expect(abs(number(result, "sigma2")! - numpySigma2) <= eigenvalueTolerance)
        // The page's checks are recomputed by PPCAChecks (Checks/PPCAChecks.swift); here, what is not a check.
        #expect(number(result, "em.decreasing_steps") == 0)
        #expect(number(result, "rotation.w_relative_difference")! > 0.1)
        #expect(result.results["model_selection"]?.value(at: "full_gaussian.exists") == .bool(false))
        try LessonContractTests.expectReferencesResolve(PPCALesson(), lessonsFolder: lessonsDirectory, result: result)
        guard case let .frames(frames, labels)? = result.figures["em-iterations"] else {
            Issue.record("em-iterations is not frames"); return
        }
        #expect(frames.count == labels.count && frames.count >= 5)
    }

    /// Every figure (and frame) at most 640 pt wide (a slide) with no raw "_" subscripts in titles and axis labels;
    /// the σ² → 0 sequence ending on its overview frame; the constant-column counts the data have; well-separated
    /// chosen rows in the posterior figures.
    @Test func figuresFitASlideAndCountsAgreeWithTheData() throws {
        let context = try ppcaDigitsContext()
        let result = try PPCALesson().run(context)
        for (name, output) in result.figures {
            let figures: [FrozenFigure]
            switch output {
            case .single(let f): figures = [f]
            case .frames(let fs, _): figures = fs
            }
            for f in figures {
                #expect(f.width <= 640, "\(name) is \(f.width) pt wide")
                let texts = [f.title] + f.axes.flatMap { [$0.title, $0.xLabel, $0.yLabel] }
                for t in texts.compactMap({ $0 }) { #expect(!t.contains("_"), "\(name): \(t)") }
            }
        }
        guard case let .frames(frames, labels)? = result.figures["sigma-to-zero"] else {
            Issue.record("sigma-to-zero is not frames"); return
        }
        #expect(frames.count == PPCALesson.sigmaFactors.count + 1)
        #expect(labels.last?.hasPrefix("overview") == true)
        #expect(result.results["sigma_to_zero"]?.value(at: "toy_max_gap.\(PPCALesson.sigmaFactors.count - 1)") != nil)
        // The constant columns over all rows, counted here; a training split can only have as many or more, and the
        // status the page shows names the training count.
        let x = sharedDigits.values
        let constant = (0..<x.columns).filter { j in (0..<x.rows).allSatisfy { x[$0, j] == x[0, j] } }
        let all = number(result, "model_selection.constant_columns_all_rows")
        let training = number(result, "model_selection.constant_columns_training_rows")
        #expect(all == Double(constant.count))
        #expect(training! >= all!)
        #expect(number(result, "model_selection.constant_columns_training_only") == training! - all!)
        if case let .string(status)? = result.results["model_selection"]?.value(at: "full_gaussian.status") {
            #expect(status.contains("\(Int(training!)) constant column"))
        } else { Issue.record("status missing") }
        // Chosen rows: pairwise more than 3 posterior s.d. apart, so no chosen mean lies inside another one's 2σ ellipse.
        let model = try PPCA.fit(x, latentDimension: 2)
        let posterior = try model.posterior(x)
        let chosen = RowSelection.wellSeparated(means: posterior.means, labels: sharedDigits.labels,
                                                classes: PPCALesson.highlightedDigits, count: PPCALesson.highlightedDigits.count)
        #expect(chosen.count == 5)
        let sd = posterior.covariance[0, 0].squareRoot()
        for i in chosen.indices { for j in chosen.indices where j > i {
            let d = hypot(posterior.means[chosen[i], 0] - posterior.means[chosen[j], 0],
                          posterior.means[chosen[i], 1] - posterior.means[chosen[j], 1])
            #expect(d > 3 * sd, "rows \(chosen[i]) and \(chosen[j]) are \(d) apart (s.d. \(sd))")
        } }
    }

    @Test func sameSeedGivesTheSameResults() throws {
        let a = try PPCALesson().run(try ppcaDigitsContext(seed: 11))
        let b = try PPCALesson().run(try ppcaDigitsContext(seed: 11))
        #expect(a.results == b.results)
    }

    /// User data without images or labels: every reference of the text still resolves (alternative figures).
    @Test(arguments: [(5, 3), (2, 1), (4, nil as Int?)])
    func userDataResolvesEveryReference(columns: Int, q: Int?) throws {
        var context = try ppcaDigitsContext(latentDimension: q)
        context.userData = ppcaUserData(columns: columns)
        let result = try PPCALesson().run(context)
        #expect(result.results["latent_dim"] == .integer(q ?? 2))
        try LessonContractTests.expectReferencesResolve(PPCALesson(), lessonsFolder: lessonsDirectory, result: result)
        #expect(result.results["model_selection"]?.value(at: "full_gaussian.exists") == .bool(true))
    }

    @Test(arguments: [0, 5, 9])
    func latentDimensionOutsideTheRangeIsAClearError(q: Int) throws {
        var context = try ppcaDigitsContext(latentDimension: q)
        context.userData = ppcaUserData(columns: 5)
        let error = #expect(throws: PPCAError.self) { try PPCALesson().run(context) }
        #expect(error == .invalidLatentDimension(q: q, dimension: 5))
        #expect(error?.description.contains("1 ≤ q ≤ 4") == true)
    }

    @Test func latentManifoldGridIsTheProbitOfAnEvenGrid() {
        let points = LatentManifold.probitGrid(side: 4)
        #expect(points.count == 16)
        // Top-left: smallest z₁, largest z₂; bottom-right: largest z₁, smallest z₂; symmetric about 0.
        #expect(abs(points[0][0] - StandardNormal.quantile(0.125)) < 1e-12)
        #expect(abs(points[0][1] - StandardNormal.quantile(0.875)) < 1e-12)
        #expect(abs(points[15][0] + points[0][0]) < 1e-12 && abs(points[15][1] + points[0][1]) < 1e-12)
    }
}
