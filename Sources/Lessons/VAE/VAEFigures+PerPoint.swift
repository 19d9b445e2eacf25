// VAEFigures+PerPoint — the figures of steps 3–4: the ELBO surfaces with the ascents, q* against the posterior, and
// the variance of the two gradient estimators against S.

import Foundation
import LinearAlgebra
import Models
import Plotting

enum VAEFiguresPerPoint {
    /// The probe's title: its name, where it is, and the gap of q*.
    static func probeTitle(_ p: PerPointProbe) -> String {
        return "\(p.probe.name) = (\(NumberFormat.fixed(p.probe.x[0], decimals: 2)), \(NumberFormat.fixed(p.probe.x[1], decimals: 2))): "
            + "gap of q* = \(NumberFormat.significant(p.logPx - p.endELBOs[p.best], digits: 3)) nats"
    }

    /// Step 3: one panel per probe, the gap log p(x) − ELBO(q) = KL(q ‖ p(z|x)) over q = N(m, s²) in bands of
    /// log₁₀ (one scale for all three; below 10⁻⁵ white), the ascents (white on black), where they start and end,
    /// and the moment-matched Gaussian N(E[z|x], Var[z|x]).
    static func surfaces(_ probes: [PerPointProbe]) -> Figure {
        let fig = Figure(width: 640, height: 40 + 205 * Double(probes.count),
                         title: "Maximising ELBO(q) over q = N(m, s²) at the three probes")
        let levels = Array(stride(from: -5.0, through: 3.0, by: 0.5))
        for (ax, p) in zip(fig.subplots(rows: probes.count, columns: 1), probes) {
            let grid = ScalarGrid(xs: p.means, ys: p.log10SDs, values: p.gaps.map { log10(max($0, 1e-12)) })
            ax.filledContour(grid, levels: levels, colorMap: .viridis, colorBarLabel: "log₁₀ KL(q ‖ p(z|x))")
            for (k, path) in p.paths.enumerated() {
                let step = max(1, path.count / 400)                                   // ≤ 400 vertices per path
                let shown = stride(from: 0, to: path.count, by: step).map { path[$0] } + [path.last!]
                let (xs, ys) = (shown.map { $0.mean[0] }, shown.map { $0.logStandardDeviations[0] / log(10) })
                ax.line(x: xs, y: ys, color: .black, width: 3.4, label: k == 0 ? "gradient ascent" : nil)
                ax.line(x: xs, y: ys, color: .white, width: 1.6, dash: k == 0 ? .solid : .dashed)
                if let first = path.first, let last = path.last {
                    ax.outlinedScatter(x: [first.mean[0]], y: [first.logStandardDeviations[0] / log(10)], color: .black, size: 4,
                                       marker: .circle, edgeColor: .white, edgeWidth: 1.2, label: k == 0 ? "start, s = 1" : nil)
                    ax.outlinedScatter(x: [last.mean[0]], y: [last.logStandardDeviations[0] / log(10)],
                                       color: k == p.best ? .posterior : .projection, size: 5, marker: .diamond,
                                       edgeColor: .white, edgeWidth: 1.2, label: k == p.best ? "q*, the best end" : "the other end")
                }
            }
            ax.outlinedScatter(x: [p.posterior.mean], y: [log10(p.posterior.sd)], color: .black, size: 5, marker: .plus,
                               edgeColor: .white, edgeWidth: 1.5, label: "moment-matched N(E[z|x], Var[z|x])")
            ax.xLimits = p.means.first!...p.means.last!
            ax.yLimits = p.log10SDs.first!...p.log10SDs.last!
            ax.title = probeTitle(p)
            ax.xLabel = "m, the mean of q"
            ax.yLabel = "log₁₀ s"
            ax.legend = p.paths.count > 1 ? .below : .none      // the panel with both kinds of end (B)
        }
        return fig
    }

    /// Step 3: per probe, the posterior p(z|x) on the z-grid (filled) and the Gaussians where the ascents end (q*
    /// solid; at B the other end dashed), on the z-range where the posterior or q has mass.
    static func fits(_ probes: [PerPointProbe], z: [Double]) -> Figure {
        let fig = Figure(width: 640, height: 270, title: "The best Gaussian q* against the exact posterior p(z|x)")
        for (i, (ax, p)) in zip(fig.subplots(rows: 1, columns: probes.count), probes).enumerated() {
            let peak = p.posterior.density.max() ?? 1
            let inside = z.indices.filter { p.posterior.density[$0] > 1e-4 * peak }
            var (low, high) = (z[inside.first ?? 0], z[inside.last ?? (z.count - 1)])
            for path in p.paths {
                let end = path.last!
                low = min(low, end.mean[0] - 4 * end.standardDeviations[0])
                high = max(high, end.mean[0] + 4 * end.standardDeviations[0])
            }
            let pad = 0.05 * (high - low)
            let zs = EvenGrid.values((low - pad)...(high + pad), count: 801)
            // the gridded posterior, interpolated onto the plotted range (the z-grid is even)
            let h = z[1] - z[0]
            let density = zs.map { v -> Double in
                let t = (v - z[0]) / h
                let k = min(max(Int(t.rounded(.down)), 0), z.count - 2)
                let f = min(max(t - Double(k), 0), 1)
                return (1 - f) * p.posterior.density[k] + f * p.posterior.density[k + 1]
            }
            ax.band(x: zs, lower: [Double](repeating: 0, count: zs.count), upper: density, color: .posterior, alpha: 0.25)
            ax.line(x: zs, y: density, color: .posterior, width: 2, label: "p(z|x), exact (z-grid)")
            var top = density.max() ?? 1
            for (k, path) in p.paths.enumerated() {
                let end = path.last!
                let curve = zs.map { exp(-0.5 * pow(($0 - end.mean[0]) / end.standardDeviations[0], 2))
                    / (end.standardDeviations[0] * (2 * Double.pi).squareRoot()) }
                top = max(top, curve.max() ?? 0)
                ax.line(x: zs, y: curve, color: .model, width: 1.6, dash: k == p.best ? .solid : .dashed,
                        label: k == p.best ? "q*, the best Gaussian" : "the other end (B)")
            }
            ax.yLimits = 0...(1.45 * top)
            ax.title = "\(p.probe.name): gap \(NumberFormat.significant(p.logPx - p.endELBOs[p.best], digits: 3))"
            ax.xLabel = "z"
            ax.yLabel = i == 0 ? "density" : nil
            ax.legend = p.probe.name == "B" ? .upperLeft : .none
        }
        return fig
    }

    /// Step 4: the variance of the S-sample mean over the repeats against S, for ∂/∂m and ∂/∂log s, for both
    /// estimators, with the 1/S law v/S (v by quadrature).
    static func gradientVariance(counts: [Int], reparameterisation rp: GradientEstimatorRun, scoreFunction sf: GradientEstimatorRun,
                                 repeats: Int) -> Figure {
        let s = counts.map(Double.init)
        let fig = Figure(width: 640, height: 300, title: "Variance of the two gradient estimators at A, q = N(0, 1)")
        let titles = ["∂ELBO/∂m", "∂ELBO/∂log s"]
        for (c, ax) in fig.subplots(rows: 1, columns: 2).enumerated() {
            for (run, colour, marker, name) in [(sf, Color.projection, Marker.square, "score function"),
                                                (rp, Color.model, Marker.circle, "reparameterisation")] {
                ax.line(x: s, y: s.map { run.perSampleVariance[c] / $0 }, color: colour, width: 1, dash: .dashed,
                        label: c == 0 ? "\(name): v/S, v by quadrature" : nil)
                ax.scatter(x: s, y: run.variances.map { $0[c] }, color: colour, size: 3.5, marker: marker, alpha: 1,
                           label: c == 0 ? "\(name), \(repeats) repeats" : nil)
            }
            ax.xScale = .log10; ax.yScale = .log10
            ax.xLabel = "S, draws per estimate"
            ax.yLabel = c == 0 ? "variance of the S-sample mean" : nil
            ax.title = titles[c]
            ax.legend = c == 0 ? .upperRight : .none
        }
        return fig
    }
}
