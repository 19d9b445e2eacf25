import LinearAlgebra
import Testing
import _TestSupport

@Suite("GaussHermite")
struct GaussHermiteTests {
    /// E[z^p] under N(0, 1): 0 for odd p, (p − 1)!! for even p.
    static func moment(_ p: Int) -> Double {
        if p % 2 == 1 { return 0 }
        var r = 1.0
        var k = p - 1
        while k > 1 { r *= Double(k); k -= 2 }
        return r
    }

    /// Σ wᵢ xᵢ^p = E[z^p] for every p ≤ 2K − 1 (relative tolerance 1e-12 on the even moments, absolute 1e-12 times
    /// the neighbouring even moment on the odd ones), and the rule is *not* exact at degree 2K.
    @Test(arguments: [1, 2, 3, 4, 5, 8, 10, 20])
    func exactToDegreeTwoKMinusOne(order k: Int) throws {
        let rule = try GaussHermite(order: k)
        #expect(rule.nodes.count == k && rule.weights.count == k)
        #expect(zip(rule.nodes, rule.nodes.dropFirst()).allSatisfy { $0 < $1 })
        #expect(rule.weights.allSatisfy { $0 > 0 })
        #expect(rule.weights.reduce(0, +).isApproximatelyEqual(to: 1, relativeTolerance: 1e-14))
        for p in 0...(2 * k - 1) {
            let q = rule.expectation { x in (0..<p).reduce(1.0) { r, _ in r * x } }
            if p % 2 == 0 {
                #expect(q.isApproximatelyEqual(to: Self.moment(p), relativeTolerance: 1e-12), "degree \(p)")
            } else {
                #expect(abs(q) <= 1e-12 * Self.moment(p + 1), "degree \(p)")
            }
        }
        let beyond = rule.expectation { x in (0..<(2 * k)).reduce(1.0) { r, _ in r * x } }
        #expect(!beyond.isApproximatelyEqual(to: Self.moment(2 * k), relativeTolerance: 1e-6))
    }

    @Test func fourthMomentIsThree() throws {
        #expect(try GaussHermite(order: 3).expectation { $0 * $0 * $0 * $0 }.isApproximatelyEqual(to: 3, relativeTolerance: 1e-14))
        #expect(try GaussHermite(order: 30).expectation { $0 * $0 * $0 * $0 }.isApproximatelyEqual(to: 3, relativeTolerance: 1e-12))
    }

    @Test func smoothFunctionAgainstClosedForm() throws {
        // E[cos z] = e^{−1/2}: not a polynomial, converges fast.
        let q = try GaussHermite(order: 20).expectation { Foundation.cos($0) }
        #expect(q.isApproximatelyEqual(to: Foundation.exp(-0.5), relativeTolerance: 1e-13))
    }

    @Test func knownTwoPointRule() throws {
        // K = 2: nodes ±1, weights ½ (He₂ = x² − 1).
        let rule = try GaussHermite(order: 2)
        #expect(rule.nodes[0].isApproximatelyEqual(to: -1, relativeTolerance: 1e-15))
        #expect(rule.nodes[1].isApproximatelyEqual(to: 1, relativeTolerance: 1e-15))
        #expect(rule.weights[0].isApproximatelyEqual(to: 0.5, relativeTolerance: 1e-15))
    }

    @Test func invalidOrder() {
        #expect(throws: LinearAlgebraError.self) { try GaussHermite(order: 0) }
    }
}

import Foundation
