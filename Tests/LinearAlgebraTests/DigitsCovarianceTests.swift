import Foundation
import LinearAlgebra
import Testing
import _TestSupport

/// The eigenvalues of the digits covariance (1/N) against numpy's `eigvalsh`, computed once on this machine by
/// `Fixtures/make_digits_covariance_eigenvalues.py` (the exact command is stored in the fixture).
@Suite("Digits covariance eigenvalues")
struct DigitsCovarianceTests {
    /// The package root, found from this file's path (Tests/LinearAlgebraTests/<file>).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    struct Fixture: Decodable { let normalization: String; let rows: Int; let columns: Int; let eigenvalues: [Double] }

    /// Reads the digits CSV (a header line, then 1797 rows of 64 integers).
    static func loadDigits() throws -> Matrix {
        let url = packageRoot.appendingPathComponent("Lessons/data/digits.csv")
        let text = try String(contentsOf: url, encoding: .utf8)
        let lines = text.split(whereSeparator: \.isNewline).dropFirst()
        let rows = lines.map { $0.split(separator: ",").map { Double($0)! } }
        return Matrix(rows)
    }

    /// Relative tolerance 1e-10 on the 61 non-zero eigenvalues (both are backward stable to ~ n ε ‖S‖, and the smallest
    /// compared non-zero eigenvalue is ~10⁻² ‖S‖); the three zero eigenvalues (constant pixels 0, 32, 39) are compared
    /// with the absolute tolerance 100 n ε λ₁ ≈ 2.5·10⁻¹⁰.
    @Test func eigenvaluesMatchNumpy() throws {
        let data = try Data(contentsOf: Self.fixtures.appendingPathComponent("digits_covariance_eigenvalues.json"))
        let fixture = try JSONDecoder().decode(Fixture.self, from: data)
        #expect(fixture.normalization == "1/N")
        let x = try Self.loadDigits()
        #expect(x.rows == fixture.rows && x.columns == fixture.columns)
        let s = Statistics.covariance(x, normalization: .maximumLikelihood)
        let eigenvalues = try SymmetricEigen(of: s).eigenvalues
        let zeroTolerance = 100 * 64 * machineEpsilon * fixture.eigenvalues[0]
        for (k, (ours, numpy)) in zip(eigenvalues, fixture.eigenvalues).enumerated() {
            if k < 61 {
                #expect(ours.isApproximatelyEqual(to: numpy, relativeTolerance: 1e-10), "eigenvalue \(k): \(ours) vs \(numpy)")
            } else {
                #expect(abs(ours) <= zeroTolerance && abs(numpy) <= zeroTolerance, "eigenvalue \(k): \(ours) vs \(numpy)")
            }
        }
        // The SVD of the centred data gives the same spectrum: λ = σ²/N.
        let sigma = try SVD(of: Statistics.centred(x, mean: Statistics.columnMeans(x))).singularValues
        for k in 0..<61 {
            #expect((sigma[k] * sigma[k] / Double(x.rows)).isApproximatelyEqual(to: fixture.eigenvalues[k], relativeTolerance: 1e-10))
        }
    }
}
