// NonlinearLVM — a latent variable model with a neural decoder: z ~ N(0, I_q), x | z ~ N(f_θ(z), σ² I_D).
//
// The marginal has no closed form once f_θ is nonlinear (Kingma & Welling 2014, §1; Bishop PRML §12.4):
//   p(x) = ∫ N(x; f_θ(z), σ²I) N(z; 0, I) dz.
// For q ≤ 2 a quadrature rule (LatentQuadrature) over the prior makes it a finite mixture,
//   log p(x) ≈ log Σₘ wₘ N(x; fₘ, σ²I),   fₘ = f_θ(zₘ),
// evaluated with log-sum-exp. All N × M squared distances come from one matrix product,
//   ‖xₙ − fₘ‖² = ‖xₙ‖² − 2 (X Fᵀ)ₙₘ + ‖fₘ‖²,
// and the gradient only needs the posterior responsibilities over the nodes,
//   rₙₘ = wₘ N(xₙ; fₘ, σ²I) / p(xₙ)      (a discretised p(z|xₙ)),
//   ∂ log p(xₙ)/∂fₘ = rₙₘ (xₙ − fₘ)/σ²   ⇒   Σₙ ∂/∂fₘ = ((RᵀX)ₘ − (Σₙ rₙₘ) fₘ)/σ²,
//   ∂ log p(xₙ)/∂s  = Σₘ rₙₘ (−D/2 + ‖xₙ − fₘ‖²/(2σ²)),   s = log σ²,
// so one decoder forward and backward over the M nodes (not N·M) gives ∂/∂θ. The noise variance is optimised as
// s = log σ², which keeps σ² > 0 without constraints.
//
// Conventions: natural logarithms; log-likelihood "per sample" means (1/N) Σₙ log p(xₙ).

import Foundation
import LinearAlgebra

/// z ~ N(0, I_q), x | z ~ N(f_θ(z), σ² I_D) with an `MLPDecoder` f_θ.
public struct NonlinearLVM: Sendable, Equatable {
    public var decoder: MLPDecoder
    /// s = log σ² (natural log).
    public var logNoiseVariance: Double

    public init(decoder: MLPDecoder, noiseVariance: Double) throws(NonlinearModelError) {
        guard noiseVariance > 0, noiseVariance.isFinite else {
            throw .invalidArgument("noise variance σ² must be positive and finite (got \(noiseVariance))")
        }
        self.decoder = decoder
        self.logNoiseVariance = log(noiseVariance)
    }

    public var noiseVariance: Double { exp(logNoiseVariance) }
    public var latentDimension: Int { decoder.latentDimension }
    public var dataDimension: Int { decoder.outputDimension }

    /// All parameters as one vector: the decoder's (W₁, b₁, W₂, b₂) then log σ².
    public var parameters: [Double] {
        get { decoder.parameters + [logNoiseVariance] }
        set {
            decoder.parameters = Array(newValue.dropLast())
            logNoiseVariance = newValue[newValue.count - 1]
        }
    }

    /// ∂L/∂θ and ∂L/∂ log σ².
    public struct Gradient: Sendable, Equatable {
        public var decoder: MLPDecoder.Gradient
        public var logNoiseVariance: Double
        /// In the order of `NonlinearLVM.parameters`.
        public var flattened: [Double] { decoder.flattened + [logNoiseVariance] }
    }

    // MARK: - Log densities

    /// log N(xₙ; f(zₘ), σ²I) for every data row n and latent row m: (N, M). Data (N, D), latent points (M, q).
    public func conditionalLogDensities(_ x: Matrix, latent z: Matrix) throws(NonlinearModelError) -> Matrix {
        try check(x)
        guard z.columns == latentDimension else {
            throw .dimensionMismatch("latent points have \(z.columns) columns; the model has q = \(latentDimension)")
        }
        let f = decoder(z)
        let (logDensities, _) = Self.gaussianLogDensities(x, f, logVariance: logNoiseVariance, offsets: nil)
        return logDensities
    }

    /// log p(x|z) + log p(z) for every data row and latent row (the unnormalised log posterior over z): (N, M).
    public func logJoint(_ x: Matrix, latent z: Matrix) throws(NonlinearModelError) -> Matrix {
        var a = try conditionalLogDensities(x, latent: z)
        let q = latentDimension
        let logPrior: [Double] = (0..<z.rows).map { m in
            var s = 0.0
            for j in 0..<q { s += StandardNormal.logDensity(z[m, j]) }
            return s
        }
        NonlinearKernels.addRowVector(&a, logPrior)
        return a
    }

    /// Draws (z, x) pairs from the model: z (n, q), x (n, D).
    public func sample<G: RandomNumberGenerator>(count n: Int, using generator: inout G) -> (z: Matrix, x: Matrix) {
        let q = latentDimension, d = dataDimension
        let z = Matrix(rows: n, columns: q, elements: (0..<(n * q)).map { _ in generator.nextStandardNormal() })
        var x = decoder(z)
        let sigma = noiseVariance.squareRoot()
        for i in 0..<(n * d) { x.elements[i] += sigma * generator.nextStandardNormal() }
        return (z, x)
    }

    // MARK: - Marginal by quadrature

    /// The quadrature marginal of every row: log p(xₙ) ≈ log Σₘ wₘ N(xₙ; f(zₘ), σ²I), and the responsibilities.
    public struct QuadratureMarginal: Sendable {
        /// log p(xₙ) (natural log), one per data row.
        public let logMarginals: [Double]
        /// rₙₘ = wₘ N(xₙ; fₘ, σ²I) / p(xₙ): each row sums to 1, a discretised posterior p(z|xₙ) on the nodes.
        public let responsibilities: Matrix
        /// (1/N) Σₙ log p(xₙ).
        public var meanLogMarginal: Double { logMarginals.reduce(0, +) / Double(logMarginals.count) }
    }

    /// log p(x) for every row of x (N, D) by the quadrature rule.
    public func logMarginals(_ x: Matrix, quadrature: LatentQuadrature) throws(NonlinearModelError) -> [Double] {
        try quadratureMarginal(x, quadrature: quadrature).logMarginals
    }

    /// log p(x) for every row and the responsibilities over the quadrature nodes.
    public func quadratureMarginal(_ x: Matrix, quadrature: LatentQuadrature) throws(NonlinearModelError) -> QuadratureMarginal {
        try check(x)
        try check(quadrature)
        let f = decoder(quadrature.nodes)
        return Self.marginal(x, f, logVariance: logNoiseVariance, logWeights: quadrature.logWeights).0
    }

    /// The mean log-likelihood (1/N) Σₙ log p(xₙ) by quadrature, and its gradient with respect to θ and log σ².
    public func meanLogLikelihoodAndGradient(
        _ x: Matrix, quadrature: LatentQuadrature
    ) throws(NonlinearModelError) -> (value: Double, gradient: Gradient) {
        try check(x)
        try check(quadrature)
        let n = x.rows, d = dataDimension, mCount = quadrature.count
        let pass = decoder.forward(quadrature.nodes)                         // F (M, D)
        let f = pass.output
        let (marg, squared) = Self.marginal(x, f, logVariance: logNoiseVariance, logWeights: quadrature.logWeights)
        let r = marg.responsibilities                                        // (N, M)
        let sigma2 = noiseVariance
        // ∂L/∂F, L = (1/N) Σₙ log p(xₙ):  ((RᵀX)ₘ − (Σₙ rₙₘ) fₘ) / (N σ²)
        let rtx = r.rowParallelTransposeTimes(x)                             // (M, D), rows over the cores
        let mass = NonlinearKernels.columnSums(r)                            // (M)   Σₙ rₙₘ
        var g = Matrix.zeros(mCount, d)
        let scale = 1 / (Double(n) * sigma2)
        for m in 0..<mCount {
            for j in 0..<d { g[m, j] = scale * (rtx[m, j] - mass[m] * f[m, j]) }
        }
        // ∂L/∂ log σ² = (1/N) Σₙₘ rₙₘ (−D/2 + ‖xₙ − fₘ‖²/(2σ²))
        var ds = 0.0
        r.elements.withUnsafeBufferPointer { rb in
            squared.elements.withUnsafeBufferPointer { sb in
                for i in 0..<rb.count { ds += rb[i] * (sb[i] / (2 * sigma2) - 0.5 * Double(d)) }
            }
        }
        ds /= Double(n)
        let back = decoder.backward(pass, outputGradient: g)
        return (marg.meanLogMarginal, Gradient(decoder: back.parameters, logNoiseVariance: ds))
    }

    // MARK: - Kernels

    /// log N(xₙ; fₘ, e^s I) for all n, m (N, M), and the squared distances (N, M); `offsets` (M) is added to each row.
    static func gaussianLogDensities(_ x: Matrix, _ f: Matrix, logVariance s: Double, offsets: [Double]?) -> (Matrix, Matrix) {
        let n = x.rows, m = f.rows, d = x.columns
        let xx = NonlinearKernels.rowSquaredNorms(x)                         // (N)
        let ff = NonlinearKernels.rowSquaredNorms(f)                         // (M)
        var sq = x.rowParallelTimesTranspose(f)                              // (N, M)  X Fᵀ (rows over the cores)
        var out = Matrix.zeros(n, m)
        let c0 = -0.5 * Double(d) * (log(2 * Double.pi) + s)
        let inv2v = 0.5 * exp(-s)
        let offset = offsets ?? [Double](repeating: 0, count: m)
        sq.elements.withUnsafeMutableBufferPointer { sb in
            out.elements.withUnsafeMutableBufferPointer { ob in
                let (sp, op) = (SendableRows(sb.baseAddress!), SendableRows(ob.baseAddress!))
                // Each row on its own: the same operations whatever the split (RowParallel), so the same bits.
                RowParallel.forEachChunk(rows: n, work: 4 * n * m) { rows in
                    for i in rows {
                        for k in 0..<m {
                            let dist = max(0, xx[i] - 2 * sp.base[i * m + k] + ff[k])   // ‖xₙ − fₘ‖² ≥ 0 (clamp rounding)
                            sp.base[i * m + k] = dist
                            op.base[i * m + k] = c0 - inv2v * dist + offset[k]
                        }
                    }
                }
            }
        }
        return (out, sq)
    }

    /// Log-sum-exp over the nodes of log wₘ + log N(xₙ; fₘ, σ²I), row by row; also returns the squared distances.
    static func marginal(_ x: Matrix, _ f: Matrix, logVariance s: Double, logWeights: [Double]) -> (QuadratureMarginal, Matrix) {
        var (a, sq) = gaussianLogDensities(x, f, logVariance: s, offsets: logWeights)
        let n = a.rows, m = a.columns
        var logp = [Double](repeating: 0, count: n)
        a.elements.withUnsafeMutableBufferPointer { ab in
            logp.withUnsafeMutableBufferPointer { lb in
                let (ap, lp) = (SendableRows(ab.baseAddress!), SendableRows(lb.baseAddress!))
                // Row by row (log-sum-exp of each row alone), split over the cores: the same bits on any split.
                RowParallel.forEachChunk(rows: n, work: 16 * n * m) { rows in
                    for i in rows {
                        let row = ap.base + i * m
                        var mx = -Double.infinity
                        for k in 0..<m { mx = max(mx, row[k]) }
                        var sum = 0.0
                        for k in 0..<m {
                            let e = exp(row[k] - mx)
                            row[k] = e
                            sum += e
                        }
                        lp.base[i] = mx + log(sum)
                        let inv = 1 / sum
                        for k in 0..<m { row[k] *= inv }
                    }
                }
            }
        }
        _ = sq
        return (QuadratureMarginal(logMarginals: logp, responsibilities: a), sq)
    }

    func check(_ x: Matrix) throws(NonlinearModelError) {
        guard x.columns == dataDimension else {
            throw .dimensionMismatch("data have \(x.columns) columns; the decoder outputs D = \(dataDimension)")
        }
        guard x.rows > 0 else { throw .invalidArgument("no data rows") }
        guard x.isFinite else { throw .nonFinite("data contain NaN or ±∞") }
    }

    func check(_ quadrature: LatentQuadrature) throws(NonlinearModelError) {
        guard quadrature.dimension == latentDimension else {
            throw .dimensionMismatch("quadrature over \(quadrature.dimension) latent dimensions; the model has q = \(latentDimension)")
        }
    }
}

/// A buffer's base address for the row chunks of `RowParallel.forEachChunk`; each chunk touches only its own rows.
struct SendableRows: @unchecked Sendable {
    let base: UnsafeMutablePointer<Double>
    init(_ base: UnsafeMutablePointer<Double>) { self.base = base }
}
