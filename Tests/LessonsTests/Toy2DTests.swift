import LinearAlgebra
import Testing
@testable import Lessons

@Suite struct Toy2DTests {
    /// Monte Carlo: the sample mean and 1/N covariance of 20 000 points match μ and Σ within 5 standard errors
    /// (the standard error of a covariance entry Σᵢⱼ is √((ΣᵢᵢΣⱼⱼ + Σᵢⱼ²)/N) for a Gaussian).
    @Test func sampleMomentsMatchTheGeneratingGaussian() {
        let toy = Toy2D.standard
        var generator = Xoshiro256StarStar(seed: 42)
        let n = 20_000
        let x = toy.sample(count: n, using: &generator)
        let mean = Statistics.columnMeans(x)
        let s = Statistics.covariance(x, normalization: .maximumLikelihood)
        let sigma = toy.covariance
        for i in 0..<2 {
            #expect(abs(mean[i] - toy.mean[i]) <= 5 * (sigma[i, i] / Double(n)).squareRoot())
            for j in 0..<2 {
                let standardError = ((sigma[i, i] * sigma[j, j] + sigma[i, j] * sigma[i, j]) / Double(n)).squareRoot()
                #expect(abs(s[i, j] - sigma[i, j]) <= 5 * standardError, "(\(i), \(j))")
            }
        }
        // Σ's eigenvalues are σ₁², σ₂² and its long axis is at θ.
        let eigen = try! SymmetricEigen(of: sigma)
        #expect(abs(eigen.eigenvalues[0] - 4) <= 1e-12 && abs(eigen.eigenvalues[1] - 0.36) <= 1e-12)
        let u = eigen.eigenvectors.column(0)
        #expect(abs(abs(Vector.dot(u, toy.majorAxis)) - 1) <= 1e-12)
    }

    @Test func sameSeedSamePoints() {
        var a = Xoshiro256StarStar(seed: 9), b = Xoshiro256StarStar(seed: 9), c = Xoshiro256StarStar(seed: 10)
        let x = Toy2D.standard.sample(count: 50, using: &a)
        #expect(x == Toy2D.standard.sample(count: 50, using: &b))
        #expect(x != Toy2D.standard.sample(count: 50, using: &c))
    }

    @Test func theSharedCloudIsTheSameForEveryCaller() {
        let a = Toy2D.standardCloud(seed: 3), b = Toy2D.standardCloud(seed: 3), c = Toy2D.standardCloud(seed: 4)
        #expect(a == b)
        #expect(a != c)
        #expect(a.rows == Toy2D.standardCloudSize && a.columns == 2)
    }
}
