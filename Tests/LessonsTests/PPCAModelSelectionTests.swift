import Foundation
import LessonKit
import LinearAlgebra
import Models
import Testing

@testable import Lessons

/// Step 8's answers on the digits, recomputed here without the lesson's code: the splits from the lesson's streams
/// and a Fisher–Yates shuffle written here, every model fitted on its own (`PPCA.fit`) and scored through Woodbury
/// (`PPCA.averageLogLikelihood`, not the all-q rotation the lesson uses), BIC from its formula written here, and
/// Minka's q from scikit-learn (`Tests/ModelsTests/Fixtures/minka_evidence.json`).
@Suite struct PPCAModelSelectionTests {
    static func results() throws -> JSONValue {
        let result = try PPCALesson().run(ppcaDigitsContext())
        return try #require(result.results["model_selection"])
    }

    static func integer(_ value: JSONValue?) -> Int? { if case .integer(let i)? = value { i } else { nil } }
    static func integers(_ value: JSONValue?) -> [Int]? {
        guard case .array(let items)? = value else { return nil }
        return items.compactMap { integer($0) }
    }

    /// scikit-learn's PCA(n_components='mle') on the digits, with and without their near-constant columns.
    static func scikitLearnMinkaQ(variant: String) throws -> Int {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ModelsTests/Fixtures/minka_evidence.json")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        let set = (json["sets"] as! [[String: Any]]).first { $0["name"] as? String == "digits" && $0["variant"] as? String == variant }!
        return set["minka_q"] as! Int
    }

    /// ℓ of the ML model with q latent dimensions fitted to `train`, on `rows`; nil when it does not exist (σ² ≈ 0).
    static func logLikelihood(fittedTo train: Matrix, q: Int, on rows: Matrix) -> Double? {
        guard let model = try? PPCA.fit(train, latentDimension: q) else { return nil }
        return try? model.averageLogLikelihood(rows)
    }

    static func argmax(_ values: [(q: Int, value: Double)]) -> Int { values.max { $0.value < $1.value }!.q }

    @Test func minkaAndBICAreRecomputedIndependently() throws {
        let r = try Self.results()
        let x = sharedDigits.values
        let n = Double(x.rows), d = x.columns
        #expect(Self.integer(r.value(at: "minka_q")) == (try Self.scikitLearnMinkaQ(variant: "raw")))
        #expect(Self.integer(r.value(at: "without_near_constant.minka_q")) == (try Self.scikitLearnMinkaQ(variant: "without-near-constant")))
        let bic = (1..<d).compactMap { q in
            Self.logLikelihood(fittedTo: x, q: q, on: x).map { (q: q, value: n * $0 - Double(d + d * q - q * (q - 1) / 2 + 1) / 2 * log(n)) }
        }
        #expect(Self.integer(r.value(at: "bic_q")) == Self.argmax(bic))
        #expect(Self.integer(r.value(at: "q_max_shown")) == bic.last!.q, "every q with σ² > 0 on all rows is shown")
    }

    @Test func eachSplitsBestQIsRecomputedIndependently() throws {
        let r = try Self.results()
        let x = sharedDigits.values
        let n = x.rows
        var best: [Int] = []
        for k in 1...5 {
            var random = StepRandom.generator(seed: 7, lesson: "ppca", step: "model-selection/split-\(k)")
            var order = Array(0..<n)
            for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, min(Int(random.nextUniform() * Double(i + 1)), i)) }
            let training = Set(order[..<(2 * n / 3)])
            let train = x.rows(at: (0..<n).filter { training.contains($0) })
            let heldOut = x.rows(at: (0..<n).filter { !training.contains($0) })
            best.append(Self.argmax((1..<x.columns).compactMap { q in
                Self.logLikelihood(fittedTo: train, q: q, on: heldOut).map { (q: q, value: $0) }
            }))
        }
        #expect(Self.integers(r.value(at: "held_out_best_q_per_split")) == best)
    }

    @Test func theNearConstantColumnsAreTheBorderPixelsCountedHere() throws {
        let r = try Self.results()
        let x = sharedDigits.values
        let nearConstant = (0..<x.columns).filter { j in
            let zeros = (0..<x.rows).filter { x[$0, j] == 0 }.count     // every digit column's commonest value is 0
            return Double(zeros) >= 0.99 * Double(x.rows)
        }
        #expect(Self.integers(r.value(at: "near_constant_columns_list")) == nearConstant)
        #expect(Self.integer(r.value(at: "without_near_constant.dimension")) == x.columns - nearConstant.count)
    }
}
