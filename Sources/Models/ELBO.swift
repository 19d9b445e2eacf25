// ELBO — the evidence lower bound for a Gaussian q(z), and the KL divergence it misses, computed separately.
//
// For any density q(z) (Kingma & Welling 2014, eq. 1–3; Bishop PRML §10.1):
//   log p(x) = E_q[log p(x|z) + log p(z) − log q(z)] + KL(q(z) ‖ p(z|x))
//            =            ELBO(q)                    +      KL ≥ ELBO(q),
// with equality exactly when q is the posterior. For q = N(m, S) and p(z) = N(0, I):
//   E_q[log p(z)] = −(q/2) log 2π − ½(‖m‖² + tr S),   −E_q[log q] = H[q] = (q/2)(1 + log 2π) + ½ log|S|,
// and E_q[log p(x|z)] is taken by a rule under q (nodes m + Lξ; Gauss–Hermite by default, or any rule for N(0, I)). The KL is computed independently, on a dense
// trapezoid grid over z, as Σ h q(z)(log q(z) − log p(z|x)) with p(z|x) normalised on the same grid; the identity
// log p(x) − ELBO = KL then checks three separate numerical routes against each other.

import Foundation
import LinearAlgebra

/// The ELBO and its three terms (natural log, nats).
public struct ELBOTerms: Sendable, Equatable {
    /// E_q[log p(x|z)] — the reconstruction term.
    public let expectedLogLikelihood: Double
    /// E_q[log p(z)].
    public let expectedLogPrior: Double
    /// H[q] = −E_q[log q(z)].
    public let entropy: Double
    /// ELBO = E_q[log p(x|z)] + E_q[log p(z)] + H[q].
    public var value: Double { expectedLogLikelihood + expectedLogPrior + entropy }
    /// The other common split: E_q[log p(x|z)] − KL(q ‖ p(z)).
    public var klToPrior: Double { -(expectedLogPrior + entropy) }
}

public enum ELBO {
    /// ELBO(q) for a log-likelihood z ↦ log p(x|z) given on a batch of latent rows (M, q) → (M).
    /// The expectation uses a Gauss–Hermite rule of `order` nodes per dimension under q.
    public static func evaluate(
        q: VariationalGaussian, order: Int = 40, logLikelihood: (Matrix) throws(NonlinearModelError) -> [Double]
    ) throws(NonlinearModelError) -> ELBOTerms {
        try evaluate(q: q, standardRule: try LatentQuadrature.gaussHermite(order: order, dimension: q.dimension), logLikelihood: logLikelihood)
    }

    /// ELBO(q) with E_q[log p(x|z)] taken by `standardRule` (a rule for E_{N(0,I)}) mapped through z = m + Lξ — e.g. a
    /// dense trapezoid rule when log p(x|z) has sharp features that Gauss–Hermite resolves slowly.
    public static func evaluate(
        q: VariationalGaussian, standardRule: LatentQuadrature, logLikelihood: (Matrix) throws(NonlinearModelError) -> [Double]
    ) throws(NonlinearModelError) -> ELBOTerms {
        let rule = try q.mapped(standardRule)
        let values = try logLikelihood(rule.nodes)
        guard values.count == rule.count else {
            throw .dimensionMismatch("log-likelihood returned \(values.count) values for \(rule.count) nodes")
        }
        var expected = 0.0
        for (lw, v) in zip(rule.logWeights, values) { expected += exp(lw) * v }
        var trace = 0.0
        for j in 0..<q.dimension { trace += q.covariance[j, j] }
        let priorTerm = -0.5 * Double(q.dimension) * log(2 * Double.pi) - 0.5 * (Vector.dot(q.mean, q.mean) + trace)
        return ELBOTerms(expectedLogLikelihood: expected, expectedLogPrior: priorTerm, entropy: q.entropy)
    }

    /// KL(q ‖ p(z|x)) on a dense trapezoid `grid` (its weights include the prior density, as built by
    /// `LatentQuadrature.trapezoid`), for the unnormalised log posterior `logJoint` = log p(x|z) + log p(z) on the grid.
    public static func klToPosterior(
        q: VariationalGaussian, grid: LatentQuadrature, logJoint: [Double]
    ) throws(NonlinearModelError) -> Double {
        guard logJoint.count == grid.count, q.dimension == grid.dimension else {
            throw .dimensionMismatch("KL grid: \(grid.count) nodes in \(grid.dimension)-D, \(logJoint.count) values, q in \(q.dimension)-D")
        }
        // plain area weights: the trapezoid's log-weight minus the prior log-density folded into it
        let area: [Double] = (0..<grid.count).map { m in
            var lp = 0.0
            for j in 0..<grid.dimension { lp += StandardNormal.logDensity(grid.nodes[m, j]) }
            return grid.logWeights[m] - lp
        }
        let logEvidence = LatentQuadrature.logSumExp(zip(area, logJoint).map(+))
        let logQ = q.logDensities(grid.nodes)
        var kl = 0.0
        for m in 0..<grid.count {
            let lq = logQ[m]
            let w = exp(area[m] + lq)
            if w > 0 { kl += w * (lq - (logJoint[m] - logEvidence)) }
        }
        return kl
    }
}

extension NonlinearLVM {
    /// ELBO(q) at one observation x (length D).
    public func elbo(_ x: [Double], q: VariationalGaussian, order: Int = 40) throws(NonlinearModelError) -> ELBOTerms {
        try elbo(x, q: q, standardRule: try LatentQuadrature.gaussHermite(order: order, dimension: q.dimension))
    }

    /// ELBO(q) at one observation x, E_q[log p(x|z)] by `standardRule` mapped under q.
    public func elbo(_ x: [Double], q: VariationalGaussian, standardRule: LatentQuadrature) throws(NonlinearModelError) -> ELBOTerms {
        let row = Matrix(rows: 1, columns: x.count, elements: x)
        return try ELBO.evaluate(q: q, standardRule: standardRule) { (z: Matrix) throws(NonlinearModelError) -> [Double] in
            try conditionalLogDensities(row, latent: z).elements
        }
    }
}
