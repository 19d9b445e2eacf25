import Foundation
import LinearAlgebra
import Testing

@testable import Models

/// Minka's evidence and BIC (`LatentDimensionCriteria`) against scikit-learn 1.9: `Fixtures/minka_evidence.json`,
/// written by `Fixtures/make_minka_evidence.py` (the command is in the script), holds for the digits (all columns, and without
/// the near-constant ones) and for iris and wine, raw and standardised, scikit-learn's spectrum, its `_assess_dimension` for every rank and the q that
/// `PCA(n_components='mle')` chooses.
@Suite struct LatentDimensionCriteriaTests {
    struct Fixture: Decodable {
        struct Set: Decodable {
            var name: String, variant: String, path: String, rows: Int, columns: Int
            var minka_q: Int
            var spectrum: [Double]
            var log_evidence: [Double?]
        }
        var generator: String
        var sets: [Set]
    }

    static let fixture: Fixture = {
        let url = Bundle.module.url(forResource: "minka_evidence", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }()

    /// The fixture set's data: the CSV, standardised or without the digits' near-constant columns as its variant says.
    static func data(_ set: Fixture.Set) throws -> Matrix {
        var x = try ExampleDataSets.matrix(set.path, standardised: set.variant == "standardised")
        if set.variant == "without-near-constant" {
            let keep = (0..<x.columns).filter { j in
                var counts: [Double: Int] = [:]
                for i in 0..<x.rows { counts[x[i, j], default: 0] += 1 }
                return Double(counts.values.max()!) < 0.99 * Double(x.rows)
            }
            x = x.columns(at: keep)
        }
        return x
    }

    /// The formula on scikit-learn's own spectrum: every rank agrees to 1e-12 relative (−∞ where scikit-learn's is).
    @Test func theEvidenceOfEveryRankIsScikitLearns() {
        for set in Self.fixture.sets {
            for (k, expected) in zip(1..., set.log_evidence) {
                let value = LatentDimensionCriteria.minkaLogEvidence(spectrum: set.spectrum, rank: k, sampleCount: set.rows)
                guard let expected else {
                    #expect(value == -.infinity, "\(set.name) \(set.variant) k = \(k)")
                    continue
                }
                #expect(abs(value - expected) <= 1e-12 * max(1, abs(expected)), "\(set.name) \(set.variant) k = \(k): \(value) vs \(expected)")
            }
        }
    }

    /// From the data, through our eigendecomposition of the 1/N covariance: the same q as PCA(n_components='mle').
    @Test func theChosenQIsScikitLearnsOnEveryExampleDataSet() throws {
        for set in Self.fixture.sets {
            let evidence = try PPCAMaximumLikelihood(Self.data(set)).minkaLogEvidences()
            let q = evidence.indices.max { evidence[$0] < evidence[$1] }! + 1
            #expect(q == set.minka_q, "\(set.name) \(set.variant): \(q) vs scikit-learn's \(set.minka_q)")
            // Where the discarded variance is well above the 1e-15 floor, the values agree with scikit-learn's.
            for (k, expected) in zip(1..., set.log_evidence) {
                guard let expected, set.spectrum[k...].reduce(0, +) / Double(set.columns - k) > 1e-6 * set.spectrum[0] else { continue }
                #expect(abs(evidence[k - 1] - expected) <= 1e-8 * abs(expected), "\(set.name) \(set.variant) k = \(k)")
            }
        }
    }

    /// κ counts μ (D), W up to a rotation (Dq − q(q − 1)/2) and σ² (1); BIC = N ℓ − (κ/2) log N.
    @Test func bicCountsTheFreeParameters() {
        #expect(LatentDimensionCriteria.parameterCount(dimension: 2, latentDimension: 1) == 2 + 2 + 1)
        #expect(LatentDimensionCriteria.parameterCount(dimension: 5, latentDimension: 3) == 5 + 15 - 3 + 1)
        let bic = LatentDimensionCriteria.bic(averageLogLikelihood: -2, dimension: 4, latentDimension: 2, sampleCount: 100)
        #expect(abs(bic - (100 * -2 - Double(4 + 8 - 1 + 1) / 2 * log(100.0))) <= 1e-12)
    }
}
