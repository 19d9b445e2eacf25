// LaplaceApproximation — a Gaussian fitted to the posterior p(z|x) at its mode (Bishop PRML §4.4).
//
//   ẑ = argmax_z  ℓ(z),  ℓ(z) = log p(x|z) + log p(z) = −‖x − f(z)‖²/(2σ²) − ‖z‖²/2 + const
//   p(z|x) ≈ N(z; ẑ, (−∇²ℓ(ẑ))⁻¹)
// The gradient is exact, by backpropagation through the decoder: ∇ℓ(z) = J_f(z)ᵀ (x − f(z))/σ² − z. The Hessian is
// the central difference of that exact gradient (step 1e-5), symmetrised. The mode is found by Newton's method with
// step halving, started from the best of a set of candidate points (e.g. a grid), so a multimodal posterior gets the
// Gaussian of its highest mode — which is exactly why a single Gaussian can be a poor fit.

import Foundation
import LinearAlgebra

extension NonlinearLVM {
    /// ∇_z [log p(x|z) + log p(z)] at every row of z (n, q), for one observation x.
    public func logJointGradient(_ x: [Double], latent z: Matrix) -> Matrix {
        let pass = decoder.forward(z)
        let inv = 1 / noiseVariance
        var g = pass.output                                            // (n, D)
        for i in 0..<z.rows {
            for j in 0..<dataDimension { g[i, j] = inv * (x[j] - g[i, j]) }   // (x − f)/σ²
        }
        var dz = decoder.backward(pass, outputGradient: g).latent      // J_fᵀ (x − f)/σ²
        for i in 0..<dz.elements.count { dz.elements[i] -= z.elements[i] }   // − z from the prior
        return dz
    }

    /// The Laplace approximation of p(z|x), starting Newton's method from the best of `candidates` (M, q).
    public func laplaceApproximation(_ x: [Double], candidates: Matrix, iterations: Int = 50) throws(NonlinearModelError) -> VariationalGaussian {
        let q = latentDimension
        let row = Matrix(rows: 1, columns: x.count, elements: x)
        func value(_ z: [Double]) throws(NonlinearModelError) -> Double {
            try logJoint(row, latent: Matrix(rows: 1, columns: q, elements: z)).elements[0]
        }
        func gradient(_ z: [Double]) -> [Double] { logJointGradient(x, latent: Matrix(rows: 1, columns: q, elements: z)).elements }
        func hessian(_ z: [Double]) -> Matrix {
            let h = 1e-5
            var hm = Matrix.zeros(q, q)
            for j in 0..<q {
                var zp = z, zm = z
                zp[j] += h
                zm[j] -= h
                let gp = gradient(zp), gm = gradient(zm)
                for i in 0..<q { hm[i, j] = (gp[i] - gm[i]) / (2 * h) }
            }
            for i in 0..<q { for j in 0..<i { let s = 0.5 * (hm[i, j] + hm[j, i]); hm[i, j] = s; hm[j, i] = s } }
            return hm
        }
        let start = try logJoint(row, latent: candidates).elements
        guard let best = start.indices.max(by: { start[$0] < start[$1] }) else {
            throw .invalidArgument("Laplace approximation needs at least one candidate point")
        }
        var z = candidates.row(best)
        var current = start[best]
        for _ in 0..<iterations {
            let g = gradient(z)
            let negH = -1.0 * hessian(z)
            let step: [Double]
            if let chol = try? Cholesky(of: negH) { step = chol.solve(g) } else { step = g.map { 0.1 * $0 } }  // ascent fallback
            var t = 1.0
            var moved = false
            while t > 1e-8 {
                let trial = zip(z, step).map { $0 + t * $1 }
                let v = try value(trial)
                if v >= current {
                    moved = v > current
                    z = trial
                    current = v
                    break
                }
                t *= 0.5
            }
            if !moved || Vector.norm(g) < 1e-10 { break }
        }
        let negH = -1.0 * hessian(z)
        let covariance: Matrix
        do { covariance = try Cholesky(of: negH).inverse() } catch {
            throw .invalidArgument("Laplace approximation: −∇²ℓ is not positive definite at the mode \(z)")
        }
        return try VariationalGaussian(mean: z, covariance: covariance)
    }
}
