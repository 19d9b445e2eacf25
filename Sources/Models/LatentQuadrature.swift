// LatentQuadrature — a rule Σₘ wₘ g(zₘ) ≈ E_{z~N(0,I)}[g(z)] over the latent space, as nodes and log-weights.
//
// The marginal of a latent variable model is an expectation under the prior,
//   p(x) = ∫ p(x|z) N(z; 0, I) dz = E_{p(z)}[p(x|z)],
// so any rule for Gaussian expectations gives p(x) ≈ Σₘ wₘ p(x|zₘ). Two rules are provided:
//   • Gauss–Hermite (probabilists'): K nodes per dimension, exact for polynomials of degree ≤ 2K − 1 in each
//     coordinate; for q = 2 the tensor grid of K² nodes with product weights w_{ij} = wᵢ wⱼ. The cost of a grid is
//     K^q evaluations of the decoder — the exponential wall of step 6 of the lesson.
//   • Trapezoid on [−L, L]^q with the prior density folded into the weights, wₘ = h^q Πⱼ φ(z_{mj}): the "much finer"
//     independent reference (for smooth integrands that vanish at ±L it converges faster than any power of h).
// Weights are stored as logarithms so that log p(x) can be formed with log-sum-exp without underflow
// (Gauss–Hermite weights of the outer nodes are far below the smallest normal Double for large K; nodes whose weight
// is exactly 0 are dropped).

import Foundation
import LinearAlgebra

/// Nodes (M, q) and natural-log weights (M) of a rule for E_{N(0, I_q)}[·].
public struct LatentQuadrature: Sendable, Equatable {
    /// One node per row: (M, q).
    public let nodes: Matrix
    /// log wₘ (natural log); Σₘ wₘ = 1 up to the rule's accuracy.
    public let logWeights: [Double]
    /// A short description for figures and results ("Gauss–Hermite 40", "Gauss–Hermite 15×15").
    public let name: String

    public var dimension: Int { nodes.columns }
    public var count: Int { nodes.rows }

    public init(nodes: Matrix, logWeights: [Double], name: String) throws(NonlinearModelError) {
        guard nodes.rows == logWeights.count, nodes.rows > 0 else {
            throw .dimensionMismatch("LatentQuadrature: \(nodes.rows) nodes and \(logWeights.count) weights (need the same, > 0)")
        }
        self.nodes = nodes
        self.logWeights = logWeights
        self.name = name
    }

    /// Probabilists' Gauss–Hermite rule with `order` nodes per dimension; a tensor grid of order^dimension nodes.
    public static func gaussHermite(order: Int, dimension: Int) throws(NonlinearModelError) -> LatentQuadrature {
        guard order >= 1, dimension >= 1 else {
            throw .invalidArgument("Gauss–Hermite needs order ≥ 1 and dimension ≥ 1 (got \(order), \(dimension))")
        }
        let rule: GaussHermite
        do { rule = try GaussHermite(order: order) } catch {
            throw .invalidArgument("Gauss–Hermite rule of order \(order) failed: \(error)")
        }
        let oneD = zip(rule.nodes, rule.weights).filter { $0.1 > 0 }.map { ($0.0, log($0.1)) }
        let name = dimension == 1 ? "Gauss–Hermite \(order)" : "Gauss–Hermite " + Array(repeating: "\(order)", count: dimension).joined(separator: "×")
        return try tensor(oneD, dimension: dimension, name: name)
    }

    /// Trapezoid rule on [−halfWidth, halfWidth]^dimension with `pointsPerDimension` points per axis; the prior
    /// density is folded into the weights, so Σ wₘ g(zₘ) ≈ E_{N(0,I)}[g].
    public static func trapezoid(halfWidth: Double, pointsPerDimension n: Int, dimension: Int) throws(NonlinearModelError) -> LatentQuadrature {
        guard n >= 2, halfWidth > 0, dimension >= 1 else {
            throw .invalidArgument("trapezoid rule needs ≥ 2 points, a positive half-width and dimension ≥ 1")
        }
        let h = 2 * halfWidth / Double(n - 1)
        let oneD: [(Double, Double)] = (0..<n).map { i in
            let z = -halfWidth + Double(i) * h
            let end = (i == 0 || i == n - 1) ? log(0.5) : 0
            return (z, log(h) + end + StandardNormal.logDensity(z))
        }
        return try tensor(oneD, dimension: dimension, name: "trapezoid \(n)^\(dimension) on ±\(halfWidth)")
    }

    /// Tensor product of a 1-D rule (node, log-weight); node index of the last coordinate varies fastest.
    static func tensor(_ oneD: [(Double, Double)], dimension: Int, name: String) throws(NonlinearModelError) -> LatentQuadrature {
        let k = oneD.count
        var total = 1
        for _ in 0..<dimension { total *= k }
        var nodes = [Double]()
        nodes.reserveCapacity(total * dimension)
        var logW = [Double]()
        logW.reserveCapacity(total)
        for m in 0..<total {
            var rest = m
            var lw = 0.0
            var coords = [Double](repeating: 0, count: dimension)
            for j in stride(from: dimension - 1, through: 0, by: -1) {
                let idx = rest % k
                rest /= k
                coords[j] = oneD[idx].0
                lw += oneD[idx].1
            }
            nodes += coords
            logW.append(lw)
        }
        return try LatentQuadrature(nodes: Matrix(rows: total, columns: dimension, elements: nodes), logWeights: logW, name: name)
    }

    /// log Σᵢ exp(aᵢ), computed stably by factoring out the maximum; −∞ for an empty or all −∞ input.
    public static func logSumExp(_ a: [Double]) -> Double {
        guard let m = a.max(), m > -Double.infinity else { return -Double.infinity }
        var s = 0.0
        for v in a { s += exp(v - m) }
        return m + log(s)
    }
}
