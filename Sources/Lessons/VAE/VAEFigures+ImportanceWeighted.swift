// VAEFigures+ImportanceWeighted — the figures of step 7: L_K against K beside the exact log p(x), and the gap
// log p(x) − L_K against K on log–log axes with the 1/K law.

import Foundation
import Plotting

enum VAEFiguresImportanceWeighted {
    /// The probes' colours in the gap figure (one colour per probe).
    static func colour(_ i: Int) -> Color { [Color.model, .posterior, .samples][i % 3] }

    /// Step 7: per probe, L_K − log p(x) with ± 2 standard errors against K, the exact log p(x) (0) and ELBO(q*).
    static func bounds(_ runs: [IWAEProbeRun]) -> Figure {
        let fig = Figure(width: 640, height: 280, title: "Importance-weighted bounds Lₖ with proposal q*, against the exact log p(x)")
        for (i, (ax, run)) in zip(fig.subplots(rows: 1, columns: runs.count), runs).enumerated() {
            let k = run.bounds.map { Double($0.sampleCount) }
            let y = run.bounds.map { $0.value - run.logPx }
            ax.horizontalLine(at: 0, color: .reference, dash: .solid, label: "log p(x), exact")
            ax.horizontalLine(at: run.elbo - run.logPx, color: .model, dash: .dashed, label: "ELBO(q*), quadrature")
            for (j, b) in run.bounds.enumerated() {
                ax.line(x: [k[j], k[j]], y: [y[j] - 2 * b.standardError, y[j] + 2 * b.standardError], color: .posterior, width: 1.2)
            }
            ax.scatter(x: k, y: y, color: .posterior, size: 3, alpha: 1, label: "Lₖ ± 2 SE (Monte Carlo)")
            ax.xScale = .log10
            ax.xLabel = "k, importance samples"
            ax.yLabel = i == 0 ? "Lₖ − log p(x), nats" : nil
            ax.title = "\(run.probe.name): log p(x) = \(NumberFormat.fixed(run.logPx, decimals: 3))"
            ax.legend = i == 1 ? .below : .none
        }
        return fig
    }

    /// Step 7: log p(x) − L_k against k (log–log) for every probe, with ± 2 SE: circles measured with the exact
    /// log p(x) as the mean of u − log(1 + u), where the sample supports its premise E[u] = 0; triangles the plain
    /// log p(x) − L̂_k where it does not; the windowed 1/k law −log π_c + Var_c(w)/(2k p²) (dashed); log 2.
    static func gaps(_ runs: [IWAEProbeRun]) -> Figure {
        let fig = Figure(width: 640, height: 380, title: "The gap log p(x) − Lₖ against k")
        let ax = fig.addAxes()
        ax.horizontalLine(at: log(2.0), color: .reference, dash: .dotted, label: "log 2")
        func bar(_ k: Double, _ value: Double, _ se: Double, _ colour: Color) {
            ax.line(x: [k, k], y: [max(value - 2 * se, value / 20), value + 2 * se], color: colour, width: 1.1)
        }
        for (i, run) in runs.enumerated() {
            let k = run.gaps.map { Double($0.sampleCount) }
            let dense = (0...60).map { pow(10, log10(k.first!) + (log10(k.last!) - log10(k.first!)) * Double($0) / 60) }
            ax.line(x: dense, y: dense.map(run.law), color: colour(i), width: 1.2, dash: .dashed,
                    label: "\(run.probe.name): 1/k law")
            let exact = run.gaps.filter(\.premiseHolds)
            for g in exact { bar(Double(g.sampleCount), g.value, g.standardError, colour(i)) }
            if !exact.isEmpty {
                ax.scatter(x: exact.map { Double($0.sampleCount) }, y: exact.map(\.value), color: colour(i), size: 3.5, alpha: 1,
                           label: "\(run.probe.name): mean of u − log(1 + u)")
            }
            // where the premise fails (a mode q* never reaches), the plain estimate
            let plain = zip(run.bounds, run.gaps).filter { !$0.1.premiseHolds && run.logPx - $0.0.value > 0 }.map(\.0)
            for b in plain { bar(Double(b.sampleCount), run.logPx - b.value, b.standardError, colour(i)) }
            if !plain.isEmpty {
                ax.scatter(x: plain.map { Double($0.sampleCount) }, y: plain.map { run.logPx - $0.value }, color: colour(i), size: 4,
                           marker: .triangle, alpha: 1, label: "\(run.probe.name): log p(x) − L̂ₖ")
            }
        }
        ax.xScale = .log10; ax.yScale = .log10
        ax.xLabel = "k, importance samples"
        ax.yLabel = "log p(x) − Lₖ, nats"
        ax.legend = .outsideRight
        return fig
    }
}
