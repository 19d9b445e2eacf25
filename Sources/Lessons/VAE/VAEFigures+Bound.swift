// VAEFigures+Bound — the figures of steps 1–2: Jensen's gap as the distribution of the log weight, the Gaussian KL by
// Monte Carlo, and EM's half-steps on PPCA. Pure functions of the story's values.

import Foundation
import LinearAlgebra
import Models
import Plotting

enum VAEBoundFigures {
    /// Step 1: per q, the histogram (as a density) of log w = log p(x, z) − log q(z) over the draws z ~ q, with
    /// E_q[log w] = ELBO(q) and log E_q[w] = log p(x) marked; the gap between the two lines is KL(q ‖ p(z|x)). Each
    /// panel starts at the 0.5 % quantile of its draws (the long left tail is cut there).
    static func logWeights(examples: [VAEBoundELBOExample], logPx: Double, probe: String) -> Figure {
        let fig = Figure(width: 640, height: 300, title: "Jensen's inequality at point \(probe): log E[w] ≥ E[log w], w = p(x, z)/q(z), z ~ q")
        let axes = fig.subplots(rows: 1, columns: examples.count)
        for (k, (ax, e)) in zip(axes, examples).enumerated() {
            let sorted = e.logWeights.sorted()
            let low = sorted[Int(0.005 * Double(sorted.count))]
            let high = max(sorted.last ?? logPx, logPx)
            let span = max(high - low, 1e-9)
            let (lo, hi) = (low, high + 0.04 * span)
            let bins = 80
            let width = (hi - lo) / Double(bins)
            var counts = [Double](repeating: 0, count: bins)
            for v in sorted where v >= lo { counts[min(Int((v - lo) / width), bins - 1)] += 1 }
            let density = counts.map { $0 / (Double(sorted.count) * width) }
            ax.bars(x: (0..<bins).map { lo + (Double($0) + 0.5) * width }, heights: density, width: width, color: .samples,
                    label: "log w, \(sorted.count) draws z ~ q")
            ax.verticalLine(at: e.vae, color: .posterior, dash: .dashed, label: "E[log w] = ELBO(q)")
            ax.verticalLine(at: logPx, color: .model, dash: .solid, label: "log E[w] = log p(x)")
            let peak = density.max() ?? 1
            ax.yLimits = 0...(1.45 * peak)
            ax.xLimits = lo...hi
            ax.text("KL = " + NumberFormat.fixedSignificant(e.klToPosterior, digits: 3), x: e.vae - 0.02 * span, y: 1.05 * peak,
                    color: .posterior, size: 9, anchor: .right, halo: true)
            ax.xLabel = "log w = log p(x, z) − log q(z), nats"
            ax.yLabel = "density of log w under q"
            ax.title = "q\(NumberFormat.subscript(k + 1)): s = " + NumberFormat.fixedSignificant(e.q.covariance[0, 0].squareRoot(), digits: 3)
                + (k == 0 ? " (moment-matched)" : " (twice as wide)")
            ax.legend = .upperLeft
        }
        return fig
    }

    /// Step 1: the running Monte Carlo estimate of each KL against the number of draws, ± 2 standard errors, and the
    /// closed form.
    static func klMonteCarlo(_ examples: [VAEBoundKLExample]) -> Figure {
        let fig = Figure(width: 640, height: 290, title: "The Gaussian KL: closed form against Monte Carlo")
        let axes = fig.subplots(rows: 1, columns: examples.count)
        for (k, (ax, e)) in zip(axes, examples).enumerated() {
            let shown = e.running.filter { $0.samples >= 10 }
            let n = shown.map { Double($0.samples) }
            ax.band(x: n, lower: shown.map { $0.mean - 2 * $0.standardError }, upper: shown.map { $0.mean + 2 * $0.standardError },
                    color: .samples, alpha: 0.25, label: "± 2 standard errors")
            ax.line(x: n, y: shown.map(\.mean), color: .samples, width: 1.6, label: "Monte Carlo mean of log q − log p")
            ax.horizontalLine(at: e.closedForm, color: .reference, dash: .dashed, label: "closed form")
            ax.xScale = .log10
            ax.xLabel = "number of draws z ~ q"
            ax.yLabel = "KL estimate, nats"
            ax.title = e.label
            let tail = shown.filter { $0.samples >= 100 }
            let spread = tail.map { max(abs($0.mean - e.closedForm), 2 * $0.standardError) }.max() ?? 1
            ax.yLimits = (e.closedForm - 1.6 * spread)...(e.closedForm + 3.2 * spread)   // head-room for the legend
            ax.legend = k == 0 ? .upperRight : .none
        }
        return fig
    }

    /// Step 2: ELBO and ℓ after every half-step (the KL between them shaded) and, on a log scale, their distance to
    /// PPCA's closed-form optimum ℓ_ML.
    static func emStaircase(_ steps: [EMHalfStep], maximumLikelihood: Double) -> Figure {
        let fig = Figure(width: 640, height: 300, title: "EM on PPCA (digits, d = 2): the ELBO and ℓ after each half-step")
        let axes = fig.subplots(rows: 1, columns: 2)
        let x = steps.indices.map { Double($0 + 1) }
        let ax = axes[0]
        ax.band(x: x, lower: steps.map(\.elbo), upper: steps.map(\.logLikelihood), color: .highlight, alpha: 0.35,
                label: "KL = ℓ − ELBO")
        ax.markedLine(x: x, y: steps.map(\.logLikelihood), color: .model, width: 1.6, size: 2.5, label: "ℓ(θ)")
        ax.markedLine(x: x, y: steps.map(\.elbo), color: .posterior, width: 1.4, dash: .dashed, marker: .square, size: 2.5,
                      label: "ELBO(q, θ)")
        ax.horizontalLine(at: maximumLikelihood, color: .reference, dash: .dotted, label: "max ℓ (PPCA closed form)")
        ax.xIntegerTicks = true
        ax.xLabel = "half-step (odd: E, even: M)"
        ax.yLabel = "nats per image"
        ax.title = "the values"
        ax.legend = .lowerRight
        let bx = axes[1]
        bx.band(x: x, lower: steps.map { maximumLikelihood - $0.logLikelihood }, upper: steps.map { maximumLikelihood - $0.elbo },
                color: .highlight, alpha: 0.35)
        bx.markedLine(x: x, y: steps.map { maximumLikelihood - $0.logLikelihood }, color: .model, width: 1.6, size: 2.5,
                      label: "max ℓ − ℓ(θ)")
        bx.markedLine(x: x, y: steps.map { maximumLikelihood - $0.elbo }, color: .posterior, width: 1.4, dash: .dashed,
                      marker: .square, size: 2.5, label: "max ℓ − ELBO(q, θ)")
        bx.yScale = .log10
        bx.xIntegerTicks = true
        bx.xLabel = "half-step (odd: E, even: M)"
        bx.yLabel = "distance to max ℓ, nats per image"
        bx.title = "below the optimum (log scale)"
        bx.legend = .upperRight
        return fig
    }

    /// Step 2, one frame per half-step: along θ(t) from θₖ₋₁ (t = 0) to θₖ (t = 1), ℓ(θ(t)) and the bound
    /// ELBO(qₖ, θ(t)), qₖ = p(z|x, θₖ₋₁), which touches ℓ at t = 0 and peaks at t = 1. An E-step frame marks t = 0
    /// (and the bound before the E-step), an M-step frame t = 1 with the gap KL.
    static func emFrame(slice: (t: [Double], logLikelihood: [Double], elbo: [Double]), step: EMHalfStep,
                        previous: EMHalfStep?) -> Figure {
        let fig = Figure(width: 460, height: 300)
        let ax = fig.addAxes()
        ax.line(x: slice.t, y: slice.logLikelihood, color: .model, width: 1.8, label: "ℓ(θ(t))")
        ax.line(x: slice.t, y: slice.elbo, color: .posterior, width: 1.6, dash: .dashed, label: "ELBO(q, θ(t)), q = p(z|x, θₖ₋₁)")
        let i0 = slice.t.indices.min { abs(slice.t[$0]) < abs(slice.t[$1]) } ?? 0
        let i1 = slice.t.indices.min { abs(slice.t[$0] - 1) < abs(slice.t[$1] - 1) } ?? 0
        let (ell0, ell1, bound1) = (slice.logLikelihood[i0], slice.logLikelihood[i1], slice.elbo[i1])
        var bottom = min(slice.elbo[i0], bound1)
        switch step.kind {
        case .expectation:
            if let previous, previous.kind == .maximisation {
                bottom = min(bottom, previous.elbo)
                ax.scatter(x: [0], y: [previous.elbo], color: .posterior, size: 4, marker: .square, alpha: 1,
                           label: "ELBO before the E-step")
                ax.arrow(from: (0, previous.elbo), to: (0, ell0), color: .highlight, width: 1.6)
            }
            ax.scatter(x: [0], y: [ell0], color: .reference, size: 4.5, marker: .circle, alpha: 1, label: "θₖ₋₁: KL = 0, the bound touches ℓ")
        case .maximisation:
            ax.line(x: [1, 1], y: [bound1, ell1], color: .highlight, width: 3, label: "KL = ℓ − ELBO at θₖ")
            ax.scatter(x: [1, 1], y: [bound1, ell1], color: .reference, size: 4.5, marker: .circle, alpha: 1, label: "θₖ = argmax of the bound")
            ax.scatter(x: [0], y: [ell0], color: .reference, size: 3, marker: .circle, alpha: 0.5)
        }
        let span = max(ell1 - bottom, 1e-9)
        ax.yLimits = (bottom - 0.55 * span)...(ell1 + 0.45 * span)
        ax.xLimits = (slice.t.first ?? -0.5)...(slice.t.last ?? 1.5)
        ax.verticalLine(at: 0, color: .reference, dash: .dotted)
        ax.verticalLine(at: 1, color: .reference, dash: .dotted)
        ax.xLabel = "t, along (W, log σ²) from θₖ₋₁ (t = 0) to θₖ (t = 1)"
        ax.yLabel = "nats per image"
        ax.title = step.kind == .expectation ? "q := p(z|x, θₖ₋₁)" : "θₖ := argmax ELBO(q, ·)"
        ax.legend = .upperLeft            // the curves rise from left to right: the upper left is free
        return fig
    }
}
