import Foundation
import LinearAlgebra
import Testing

@testable import Models

/// The digits' PCA against an independent reference: numpy's LAPACK eigensolver (`eigh`), cross-checked with an SVD,
/// written by `Fixtures/make_digits_pca.py` into `Fixtures/digits_pca.json` (the command is in the script).
@Suite struct PCAReferenceTests {
    struct Reference: Decodable {
        let n: Int
        let d: Int
        let mean: [Double]
        let eigenvalues: [Double]
        let components: [[Double]]
        let gaps: [Double]
        let total_variance: Double
    }

    static func reference() throws -> Reference {
        let url = try #require(Bundle.module.url(forResource: "digits_pca", withExtension: "json", subdirectory: "Fixtures"))
        return try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }

    @Test func digitsMatchNumpy() throws {
        let reference = try Self.reference()
        let pca = try PCA(fitting: DigitsFixture.matrix)
        #expect(pca.count == reference.n)
        #expect(pca.dimension == reference.d)
        let epsilon = Double.ulpOfOne
        // Mean: sums of N values in 0…16, exact to N·ε relative.
        for j in 0..<pca.dimension {
            #expect(abs(pca.mean[j] - reference.mean[j]) <= Double(pca.count) * epsilon * 16, "mean \(j)")
        }
        #expect(abs(pca.totalVariance - reference.total_variance) <= Double(pca.count) * epsilon * reference.total_variance)
        // Eigenvalues: a backward-stable eigensolver is accurate to O(D·ε·‖S‖) absolutely (Weyl), on top of the
        // covariance's own rounding O(N·ε·‖S‖). Tolerance (N + D)·ε·λ₁·8; the reference's −2e−15 is our clamped 0.
        let lambda1 = reference.eigenvalues[0]
        let eigenvalueTolerance = 8 * Double(pca.count + pca.dimension) * epsilon * lambda1
        for i in 0..<pca.dimension {
            #expect(abs(pca.eigenvalues[i] - reference.eigenvalues[i]) <= eigenvalueTolerance,
                    "λ\(i + 1): \(pca.eigenvalues[i]) vs \(reference.eigenvalues[i])")
        }
        // Leading eigenvectors (same sign convention): perturbation theory (Davis–Kahan) bounds the angle by
        // ‖ΔS‖ / gap, so the tolerance is the eigenvalue tolerance divided by the gap to the neighbouring eigenvalues.
        for (i, expected) in reference.components.enumerated() {
            let tolerance = max(eigenvalueTolerance / reference.gaps[i], 64 * Double(pca.dimension) * epsilon)
            let difference = zip(pca.components.row(i), expected).map { $0 - $1 }
            #expect(Vector.norm(difference) <= tolerance, "u\(i + 1): ‖Δu‖ = \(Vector.norm(difference)), tolerance \(tolerance)")
        }
    }
}
