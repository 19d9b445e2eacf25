import Foundation
import LinearAlgebra
import Testing
@testable import Models
import _TestSupport

/// Backpropagation against central finite differences, for every parameter group (W₁, b₁, W₂, b₂, log σ²), both
/// output maps and both latent dimensions used by the lesson.
///
/// Tolerance: central differences with step h = 1e-5·max(1, |θᵢ|) have truncation error O(h²·|∂³L|) ≈ 1e-10 and
/// rounding error ≈ ε·|L|/h ≈ 1e-9 for |L| ~ 50; we require |analytic − numeric| ≤ 1e-6·max(1, |numeric|).
@Suite struct DecoderGradientTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let q: Int
        let output: MLPDecoder.Output
        let seed: UInt64
        var testDescription: String { "q = \(q), \(output), seed \(seed)" }
    }

    static let cases: [Case] = [
        Case(q: 1, output: .linear, seed: 1), Case(q: 2, output: .linear, seed: 2),
        Case(q: 1, output: .scaledSigmoid(16), seed: 3), Case(q: 2, output: .scaledSigmoid(16), seed: 4),
    ]

    static func setUp(_ c: Case) throws -> (NonlinearLVM, Matrix, LatentQuadrature) {
        var g = Xoshiro256StarStar(seed: c.seed)
        let d = 3, h = 5
        let decoder = MLPDecoder(latentDimension: c.q, hiddenUnits: h, outputDimension: d, output: c.output,
                                 gain: 1.5, using: &g)
        let scale: Double = c.output == .linear ? 1 : 16
        let x = Matrix(rows: 7, columns: d, elements: (0..<(7 * d)).map { _ in scale * (0.5 + 0.3 * g.nextStandardNormal()) })
        let model = try NonlinearLVM(decoder: decoder, noiseVariance: c.output == .linear ? 0.3 : 9)
        let quadrature = try LatentQuadrature.gaussHermite(order: c.q == 1 ? 9 : 5, dimension: c.q)
        return (model, x, quadrature)
    }

    @Test(arguments: cases)
    func quadratureLogLikelihoodGradientMatchesCentralDifferences(c: Case) throws {
        let (model, x, quadrature) = try Self.setUp(c)
        let (value, gradient) = try model.meanLogLikelihoodAndGradient(x, quadrature: quadrature)
        #expect(value.isApproximatelyEqual(to: try model.quadratureMarginal(x, quadrature: quadrature).meanLogMarginal, relativeTolerance: 1e-14))
        let analytic = gradient.flattened
        let theta = model.parameters
        #expect(analytic.count == theta.count)
        // Group boundaries, to name the failing group.
        let dec = model.decoder
        let sizes = [("W₁", dec.w1.elements.count), ("b₁", dec.b1.count), ("W₂", dec.w2.elements.count), ("b₂", dec.b2.count), ("log σ²", 1)]
        var index = 0
        for (group, size) in sizes {
            for _ in 0..<size {
                let h = 1e-5 * max(1, abs(theta[index]))
                var plus = model, minus = model
                var tp = theta, tm = theta
                tp[index] += h
                tm[index] -= h
                plus.parameters = tp
                minus.parameters = tm
                let numeric = (try plus.quadratureMarginal(x, quadrature: quadrature).meanLogMarginal
                    - minus.quadratureMarginal(x, quadrature: quadrature).meanLogMarginal) / (2 * h)
                #expect(abs(analytic[index] - numeric) <= 1e-6 * max(1, abs(numeric)),
                        "\(group) parameter \(index): backprop \(analytic[index]) vs central difference \(numeric)")
                index += 1
            }
        }
    }

    @Test(arguments: cases)
    func latentGradientMatchesCentralDifferences(c: Case) throws {
        let (model, x, _) = try Self.setUp(c)
        var g = Xoshiro256StarStar(seed: 99)
        let xRow = x.row(0)
        let z = Matrix(rows: 4, columns: c.q, elements: (0..<(4 * c.q)).map { _ in g.nextStandardNormal() })
        let analytic = model.logJointGradient(xRow, latent: z)
        let row = Matrix(rows: 1, columns: xRow.count, elements: xRow)
        for i in 0..<z.rows {
            for j in 0..<c.q {
                let h = 1e-5
                var zp = z, zm = z
                zp[i, j] += h
                zm[i, j] -= h
                let numeric = (try model.logJoint(row, latent: zp)[0, i] - model.logJoint(row, latent: zm)[0, i]) / (2 * h)
                #expect(abs(analytic[i, j] - numeric) <= 1e-6 * max(1, abs(numeric)), "∂/∂z\(j) at point \(i)")
            }
        }
    }

    @Test func flatParametersRoundTripInTheDocumentedOrder() throws {
        var g = Xoshiro256StarStar(seed: 5)
        var decoder = MLPDecoder(latentDimension: 2, hiddenUnits: 3, outputDimension: 4, using: &g)
        #expect(decoder.parameterCount == 2 * 3 + 3 + 3 * 4 + 4)
        let original = decoder.parameters
        #expect(original == decoder.w1.elements + decoder.b1 + decoder.w2.elements + decoder.b2)
        decoder.parameters = original.map { $0 + 1 }
        #expect(decoder.b1 == original[6..<9].map { $0 + 1 })
        #expect(decoder.parameters == original.map { $0 + 1 })
    }

    @Test func scaledSigmoidOutputsStayInsideTheirRange() throws {
        var g = Xoshiro256StarStar(seed: 6)
        let decoder = MLPDecoder(latentDimension: 2, hiddenUnits: 8, outputDimension: 64, output: .scaledSigmoid(16),
                                 gain: 5, outputScale: 10, using: &g)
        let z = Matrix(rows: 50, columns: 2, elements: (0..<100).map { _ in 4 * g.nextStandardNormal() })
        let f = decoder(z)
        #expect(f.elements.allSatisfy { $0 >= 0 && $0 <= 16 })
    }

    @Test func mismatchedShapesAreTypedErrors() throws {
        #expect(throws: NonlinearModelError.self) {
            try MLPDecoder(w1: Matrix(rows: 1, columns: 3, repeating: 0), b1: [0, 0], w2: Matrix(rows: 3, columns: 2, repeating: 0), b2: [0, 0])
        }
        var g = Xoshiro256StarStar(seed: 7)
        let model = try NonlinearLVM(decoder: MLPDecoder(latentDimension: 1, hiddenUnits: 2, outputDimension: 2, using: &g), noiseVariance: 1)
        let rule = try LatentQuadrature.gaussHermite(order: 5, dimension: 1)
        #expect(throws: NonlinearModelError.self) { try model.logMarginals(Matrix(rows: 2, columns: 3, repeating: 0), quadrature: rule) }
        #expect(throws: NonlinearModelError.self) {
            try model.logMarginals(Matrix(rows: 2, columns: 2, repeating: 0), quadrature: try LatentQuadrature.gaussHermite(order: 3, dimension: 2))
        }
        #expect(throws: NonlinearModelError.self) { try model.logMarginals(Matrix([[0, .nan]]), quadrature: rule) }
        #expect(throws: NonlinearModelError.self) { try NonlinearLVM(decoder: model.decoder, noiseVariance: 0) }
    }
}
