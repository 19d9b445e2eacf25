import Foundation
import LinearAlgebra
import Models

/// A point of the plane whose posterior p(z|x) step 5 inspects.
struct PosteriorProbe {
    let name: String
    let x: [Double]              // (2)
    let description: String
}

/// Where step 5 looks at the posterior of the trained decoder (1-D latent space), found from the model itself:
/// - A, (1.12, 0.05): just outside the arc (fixed);
/// - B, in the gap: x₁ a quarter to the left of the midpoint of the curve's two ends, x₂ by bisection (50 halvings)
///   such that the posterior mass above the split — the midpoint between the smallest and largest posterior mean
///   E[z|xₙ] of the data — is ½ (on an even grid of z over [−7, 7]), so p(z|x) has two equal modes;
/// - C: 0.2 beyond the lower end of the curve along its outward tangent (a chord over Δz = 0.05), where the curve
///   stops and the posterior piles up against its end.
enum PosteriorProbes {
    /// The three probes, and the split between the two ends in z.
    static func place(model: NonlinearLVM, data x: Matrix, rule: LatentQuadrature) throws -> (probes: [PosteriorProbe], split: Double) {
        let responsibilities = try model.quadratureMarginal(x, quadrature: rule).responsibilities      // (N, K)
        let posteriorMeans = (responsibilities * rule.nodes).elements                                  // (N) E[z|xₙ]
        let zLow = posteriorMeans.min() ?? -2, zHigh = posteriorMeans.max() ?? 2
        let split = 0.5 * (zLow + zHigh)
        let ends = model.decoder(Matrix(rows: 2, columns: 1, elements: [zLow, zHigh]))              // (2, 2)

        let bx = 0.5 * (ends[0, 0] + ends[1, 0]) - 0.25
        let zGrid = EvenGrid.column(-7...7, count: 2801)                                             // (2801, 1)
        func upperMass(_ y: Double) throws -> Double {
            let logJoint = try model.logJoint(Matrix([[bx, y]]), latent: zGrid).elements
            let peak = logJoint.max() ?? 0
            var above = 0.0, total = 0.0
            for (k, v) in logJoint.enumerated() {
                let w = exp(v - peak)
                total += w
                if zGrid[k, 0] > split { above += w }
            }
            return above / total
        }
        var lo = min(ends[0, 1], ends[1, 1]), hi = max(ends[0, 1], ends[1, 1])
        let increasing = try upperMass(hi) > upperMass(lo)
        for _ in 0..<50 {
            let mid = 0.5 * (lo + hi)
            if (try upperMass(mid) > 0.5) == increasing { hi = mid } else { lo = mid }
        }
        let by = 0.5 * (lo + hi)

        let lowerIsFirst = ends[0, 1] < ends[1, 1]
        let end = lowerIsFirst ? 0 : 1
        let zEnd = lowerIsFirst ? zLow : zHigh
        let inward = zEnd < split ? 0.05 : -0.05
        let near = model.decoder(Matrix(rows: 1, columns: 1, elements: [zEnd + inward]))             // (1, 2)
        let (tx, ty) = (ends[end, 0] - near[0, 0], ends[end, 1] - near[0, 1])
        let length = max(hypot(tx, ty), 1e-12)
        let c = [ends[end, 0] + 0.2 * (tx / length), ends[end, 1] + 0.2 * (ty / length)]
        return ([
            PosteriorProbe(name: "A", x: [1.12, 0.05], description: "just outside the arc"),
            PosteriorProbe(name: "B", x: [bx, by], description: "in the gap between the two ends"),
            PosteriorProbe(name: "C", x: c, description: "beyond the lower end"),
        ], split)
    }
}

/// p(z|x) ∝ p(x|z) p(z) of one probe, normalised on an even grid of z by the trapezoid rule, with its moments.
struct GriddedPosterior {
    let density: [Double]        // (grid) p(z|x)
    let mean: Double             // Σ z p h
    let sd: Double               // (Σ (z − mean)² p h)^½
    let skewness: Double         // Σ (z − mean)³ p h / sd³
    let modes: [Double]          // the z of local maxima above 1 % of the peak

    init(logJoint: [Double], grid z: [Double]) {
        let peak = logJoint.max() ?? 0
        let unnormalised = logJoint.map { exp($0 - peak) }
        var area = 0.0
        for i in 1..<z.count { area += 0.5 * (unnormalised[i] + unnormalised[i - 1]) * (z[i] - z[i - 1]) }
        let p = unnormalised.map { $0 / area }
        let h = z[1] - z[0]
        let mean = zip(z, p).reduce(0) { $0 + $1.0 * $1.1 } * h
        let variance = zip(z, p).reduce(0) { $0 + ($1.0 - mean) * ($1.0 - mean) * $1.1 } * h
        let third = zip(z, p).reduce(0) { $0 + pow($1.0 - mean, 3) * $1.1 } * h
        let top = p.max() ?? 0
        var modes: [Double] = []
        for k in 1..<(p.count - 1) where p[k] > p[k - 1] && p[k] >= p[k + 1] && p[k] > 0.01 * top { modes.append(z[k]) }
        density = p
        self.mean = mean
        sd = variance.squareRoot()
        skewness = third / pow(variance, 1.5)
        self.modes = modes
    }
}
