import Foundation
@testable import LinearAlgebra
import Testing
import _TestSupport

@Suite("Random numbers")
struct RandomTests {
    /// SplitMix64's published reference output: seed 0 gives 0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, …
    /// (Vigna's splitmix64.c).
    @Test func splitMixReferenceStream() {
        var g = SplitMix64(seed: 0)
        #expect(g.next() == 0xE220_A839_7B1D_CDAF)
        #expect(g.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(g.next() == 0x06C4_5D18_8009_454F)
    }

    /// Stream pin for xoshiro256** seeded through SplitMix64: the values come from an independent transcription of
    /// the reference C code (Python, big integers masked to 64 bits), run once when this test was written. They must
    /// never change, or every report built with a given seed changes. The statistical tests below are what show the
    /// stream is good; this one shows it is the published algorithm and stays stable.
    @Test func xoshiroStreamIsStable() {
        var g = Xoshiro256StarStar(seed: 42)
        let first = (0..<3).map { _ in g.next() }
        #expect(first == Self.pinnedSeed42)
        var a = Xoshiro256StarStar(seed: 7), b = Xoshiro256StarStar(seed: 7), c = Xoshiro256StarStar(seed: 8)
        let sa = (0..<100).map { _ in a.next() }, sb = (0..<100).map { _ in b.next() }, sc = (0..<100).map { _ in c.next() }
        #expect(sa == sb)
        #expect(sa != sc)
    }
    static let pinnedSeed42: [UInt64] = [0x1578_0B2E_0C2E_C716, 0x6104_D986_6D11_3A7E, 0xAE17_5332_39E4_99A1]

    /// Uniform [0, 1): mean ½ and variance 1/12 within 5 standard errors (N = 200 000), all values in [0, 1),
    /// and every decile holds 10 % ± 5σ of the draws.
    @Test func uniformMomentsAndDeciles() {
        var g = Xoshiro256StarStar(seed: 1)
        let n = 200_000
        var sum = 0.0, sumSquares = 0.0
        var deciles = [Int](repeating: 0, count: 10)
        for _ in 0..<n {
            let u = g.nextUniform()
            #expect(u >= 0 && u < 1)
            sum += u; sumSquares += u * u
            deciles[Int(u * 10)] += 1
        }
        let mean = sum / Double(n)
        let variance = sumSquares / Double(n) - mean * mean
        #expect(abs(mean - 0.5) <= 5 * (1.0 / 12 / Double(n)).squareRoot())
        #expect(abs(variance - 1.0 / 12) <= 5 * (1.0 / 180 / Double(n)).squareRoot())
        let sd = (Double(n) * 0.1 * 0.9).squareRoot()
        for count in deciles { #expect(abs(Double(count) - Double(n) / 10) <= 5 * sd) }
    }

    /// Normal draws: mean 0, variance 1, E[z⁴] = 3 within 5 standard errors (N = 200 000), and a Kolmogorov–Smirnov
    /// distance to Φ below 1.63/√N (the 1 % critical value).
    @Test func normalMomentsAndKolmogorovSmirnov() {
        var g = Xoshiro256StarStar(seed: 2)
        let n = 200_000
        var z = (0..<n).map { _ in g.nextStandardNormal() }
        let mean = z.reduce(0, +) / Double(n)
        let variance = z.reduce(0) { $0 + $1 * $1 } / Double(n)
        let fourth = z.reduce(0) { $0 + $1 * $1 * $1 * $1 } / Double(n)
        #expect(abs(mean) <= 5 / Double(n).squareRoot())
        #expect(abs(variance - 1) <= 5 * (2 / Double(n)).squareRoot())
        #expect(abs(fourth - 3) <= 5 * (96 / Double(n)).squareRoot())   // Var z⁴ = 105 − 9 = 96
        z.sort()
        var d = 0.0
        for (i, x) in z.enumerated() {
            let f = StandardNormal.cdf(x)
            d = max(d, abs(f - Double(i) / Double(n)), abs(Double(i + 1) / Double(n) - f))
        }
        #expect(d <= 1.63 / Double(n).squareRoot())
    }

    /// The portable logarithm used by the normal draws agrees with the C library's to 2 ulp.
    @Test func portableLogMatchesLibm() {
        var g = Xoshiro256StarStar(seed: 3)
        for _ in 0..<10_000 {
            let x = g.nextUniform() + 1e-300
            let reference = Foundation.log(x)
            #expect(abs(portableLog(x) - reference) <= 2 * reference.ulp)
        }
        for x in [1.0, 2.0, 0.5, 1e-300, 1e300, 0.7071067811865476, 1.4142135623730951] {
            let reference = Foundation.log(x)
            #expect(abs(portableLog(x) - reference) <= 2 * max(reference.ulp, Double.leastNonzeroMagnitude))
        }
    }
}
