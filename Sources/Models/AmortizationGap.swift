// AmortizationGap — the inference gap of an encoder split into its two causes (Cremer, Li & Duvenaud 2018,
// "Inference suboptimality in variational autoencoders", ICML), for one observation of a NonlinearLVM.
//
// An encoder maps x to q_φ(z|x) within a family Q (here Gaussians with diagonal covariance). With q* the best member
// of Q for this x, q* = argmax_{q ∈ Q} ELBO(q),
//   log p(x) − ELBO(q_φ) = [log p(x) − ELBO(q*)] + [ELBO(q*) − ELBO(q_φ)]
//      inference gap     =  approximation gap      +   amortization gap
//                        =  KL(q* ‖ p(z|x))        +   KL(q_φ ‖ p(z|x)) − KL(q* ‖ p(z|x)).
// The approximation gap is the price of the family (a Gaussian cannot be a skewed or bimodal posterior); the
// amortization gap is the price of one shared encoder instead of a per-x optimisation, both ≥ 0.
//
// Everything here is exact up to quadrature (no Monte Carlo): log p(x) by a rule over the prior, ELBO(q) by a rule
// under q (`NonlinearLVM.elbo`), and q* by Adam on the deterministic ELBO(m, log s) (`fitGaussianVariational`),
// started from q_φ and from the prior; q* is the best of the two end points and q_φ itself by the same ELBO, so
// ELBO(q*) ≥ ELBO(q_φ) holds exactly. It is a local optimum: at a bimodal posterior, the better of the modes reached.

import Foundation
import LinearAlgebra

/// log p(x), ELBO(q*) and ELBO(q_φ) at one observation, and the gaps between them (natural log, nats).
public struct AmortizationGapDecomposition: Sendable {
    /// log p(x) by quadrature over the prior.
    public let logMarginal: Double
    /// ELBO(q*), the best diagonal Gaussian found for this x.
    public let elboOptimal: Double
    /// ELBO(q_φ), the encoder's Gaussian.
    public let elboAmortized: Double
    /// q* = N(m*, diag s*²).
    public let optimal: VariationalGaussian

    /// log p(x) − ELBO(q*) = KL(q* ‖ p(z|x)) ≥ 0.
    public var approximationGap: Double { logMarginal - elboOptimal }
    /// ELBO(q*) − ELBO(q_φ) ≥ 0.
    public var amortizationGap: Double { elboOptimal - elboAmortized }
    /// log p(x) − ELBO(q_φ) = KL(q_φ ‖ p(z|x)) = approximation gap + amortization gap.
    public var inferenceGap: Double { logMarginal - elboAmortized }
}

extension NonlinearLVM {
    /// Splits the gap log p(x) − ELBO(q_φ) of an encoder's diagonal Gaussian `amortized` at x into approximation and
    /// amortization gaps. `marginalRule` is a rule over the prior for log p(x) (e.g. a fine trapezoid); `standardRule`
    /// a rule for E_{N(0, I)} used under every q, both for the ELBOs and for the ascent (`steps` Adam steps of size
    /// `learningRate` from q_φ and from the prior N(0, I)). Throws `.invalidArgument` when q_φ is not diagonal
    /// (q* is sought among diagonal Gaussians, the encoder's family).
    public func amortizationGap(
        _ x: [Double], amortized: VariationalGaussian, marginalRule: LatentQuadrature, standardRule: LatentQuadrature,
        steps: Int = 3000, learningRate: Double = 0.02
    ) throws(NonlinearModelError) -> AmortizationGapDecomposition {
        let d = latentDimension
        guard amortized.dimension == d else {
            throw .dimensionMismatch("q_φ over \(amortized.dimension) dimensions; the model has q = \(d)")
        }
        for i in 0..<d { for j in 0..<d where i != j && amortized.covariance[i, j] != 0 {
            throw .invalidArgument("q_φ must have a diagonal covariance (entry (\(i), \(j)) is \(amortized.covariance[i, j]))")
        } }
        let logMarginal = try logMarginals(Matrix(rows: 1, columns: x.count, elements: x), quadrature: marginalRule)[0]
        let elboAmortized = try elbo(x, q: amortized, standardRule: standardRule).value

        var best = (q: amortized, elbo: elboAmortized)
        let startLogS = (0..<d).map { 0.5 * log(amortized.covariance[$0, $0]) }
        for (m0, s0) in [(amortized.mean, startLogS), ([Double](repeating: 0, count: d), [Double](repeating: 0, count: d))] {
            let path = try fitGaussianVariational(x, mean: m0, logStandardDeviations: s0, steps: steps,
                                                  learningRate: learningRate, standardRule: standardRule)
            guard let end = path.last else { continue }
            let q = try end.gaussian()
            let value = try elbo(x, q: q, standardRule: standardRule).value
            if value > best.elbo { best = (q, value) }
        }
        return AmortizationGapDecomposition(logMarginal: logMarginal, elboOptimal: best.elbo, elboAmortized: elboAmortized,
                                            optimal: best.q)
    }
}
