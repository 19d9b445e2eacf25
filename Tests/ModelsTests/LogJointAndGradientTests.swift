import Foundation
import LinearAlgebra
import Testing
@testable import Models
import _TestSupport

/// `elboGradient` shares one decoder pass between ℓ(z) and ∇ℓ(z): the same bits as `logJoint` and
/// `logJointGradient` separately, for d = 1 and d = 2.
@Suite struct LogJointAndGradientTests {
    @Test(arguments: [1, 2])
    func theSharedPassGivesTheSameBits(latent d: Int) throws {
        var g = Xoshiro256StarStar(seed: 31)
        let decoder = MLPDecoder(latentDimension: d, hiddenUnits: 7, outputDimension: 3, output: .linear, using: &g)
        let model = try NonlinearLVM(decoder: decoder, noiseVariance: 0.3)
        let z = Matrix(rows: 40, columns: d, elements: (0..<(40 * d)).map { _ in 2 * g.nextStandardNormal() })
        let x = [0.4, -1.1, 0.7]
        let shared = model.logJointAndGradient(x, latent: z)
        #expect(shared.joint == (try model.logJoint(Matrix([x]), latent: z)).elements)
        #expect(shared.gradient == model.logJointGradient(x, latent: z))
    }
}
