// VAEFigures+LinearVAE — step 8's figures: the linear VAE's training against PPCA's closed form, and posterior
// collapse along a σ² sweep. Pure functions of the story's values.

import Foundation
import LinearAlgebra
import Models
import Plotting

enum VAELinearFigures {
    /// Left: the average ELBO and the exact ℓ of the decoder against the Adam step (log axis), ℓ_ML dashed. Right: the
    /// gaps ℓ_ML − ELBO and ℓ_ML − ℓ on log–log axes.
    static func training(trace: [(step: Int, elbo: Double, logLikelihood: Double)], maximumLikelihood: Double) -> Figure {
        let fig = Figure(width: 640, height: 300, title: "Training a linear VAE (d = 2) on the digits")
        let axes = fig.subplots(rows: 1, columns: 2)
        let shown = trace.filter { $0.step >= 1 }
        let steps = shown.map { Double($0.step) }
        let ax = axes[0]
        ax.line(x: steps, y: shown.map(\.logLikelihood), color: .model, width: 1.8, label: "ℓ of the decoder (exact)")
        ax.line(x: steps, y: shown.map(\.elbo), color: .posterior, width: 1.8, dash: .dashed, label: "ELBO")
        ax.horizontalLine(at: maximumLikelihood, color: .reference, dash: .dotted, label: "max ℓ (PPCA closed form)")
        let low = min(shown.map(\.elbo).min() ?? maximumLikelihood, maximumLikelihood - 1)
        ax.yLimits = max(low, maximumLikelihood - 60)...(maximumLikelihood + 0.08 * min(maximumLikelihood - low, 60))
        ax.xScale = .log10
        ax.xLabel = "Adam step"
        ax.yLabel = "nats per image"
        ax.title = "the bound and the likelihood"
        ax.legend = .lowerRight
        let bx = axes[1]
        let floor = 1e-7
        bx.line(x: steps, y: shown.map { max(maximumLikelihood - $0.logLikelihood, floor) }, color: .model, width: 1.8,
                label: "max ℓ − ℓ")
        bx.line(x: steps, y: shown.map { max(maximumLikelihood - $0.elbo, floor) }, color: .posterior, width: 1.8, dash: .dashed,
                label: "max ℓ − ELBO")
        bx.horizontalLine(at: 1e-3, color: .reference, dash: .dotted, label: "10⁻³ nats")
        bx.xScale = .log10
        bx.yScale = .log10
        bx.xLabel = "Adam step"
        bx.yLabel = "distance to max ℓ, nats per image"
        bx.title = "the gaps (log scale)"
        bx.legend = .lowerLeft
        return fig
    }

    /// KLⱼ against σ² at the fixed-σ² ELBO optimum: the closed form ½ log(max(λⱼ, σ²)/σ²) as lines, the sweep's
    /// computed KL as markers, λ₁, λ₂ and σ²_ML marked, and the KL after training with σ² fixed (diamonds). Right: the
    /// same near λ₂ ≤ σ² ≤ λ₁ on a linear axis, where the two directions collapse one after the other.
    static func collapse(sweep: [Double], kl: [[Double]], eigenvalues lambda: [Double], noiseVarianceML: Double,
                         collapsed: (noiseVariance: Double, kl: [Double])) -> Figure {
        let fig = Figure(width: 640, height: 340, title: "Posterior collapse in the linear VAE: KL per latent direction against σ²")
        let axes = fig.subplots(rows: 1, columns: 2)
        let colours: [Color] = [.model, .posterior]
        let (low, high) = (sweep.first ?? 1, sweep.last ?? 10)
        let dense = (0...400).map { low * pow(high / low, Double($0) / 400) }
        for (panel, ax) in axes.enumerated() {
            let range: ClosedRange<Double> = panel == 0 ? low...high : (0.75 * lambda[1])...(1.12 * lambda[0])
            let curve = panel == 0 ? dense : EvenGrid.values(range, count: 301)
            for j in lambda.indices {
                let label = panel == 0 ? "KL\(NumberFormat.subscript(j + 1)): ½ log(max(λ\(NumberFormat.subscript(j + 1)), σ²)/σ²)" : nil
                ax.line(x: curve, y: curve.map { 0.5 * log(max(lambda[j], $0) / $0) }, color: colours[j % 2], width: 1.6,
                        dash: j == 0 ? .solid : .dashed, label: label)
                let inRange = sweep.indices.filter { range.contains(sweep[$0]) }
                ax.scatter(x: inRange.map { sweep[$0] }, y: inRange.map { kl[$0][j] }, color: colours[j % 2], size: 3,
                           marker: j == 0 ? .circle : .square, alpha: 1,
                           label: panel == 0 ? "KL\(NumberFormat.subscript(j + 1)) at the optimum (computed)" : nil)
                ax.verticalLine(at: lambda[j], color: colours[j % 2], dash: .dotted,
                                label: panel == 1 ? "λ\(NumberFormat.subscript(j + 1)) = \(NumberFormat.fixed(lambda[j], decimals: 1))" : nil)
            }
            if panel == 0 {
                ax.verticalLine(at: noiseVarianceML, color: .reference, dash: .dashed, label: "σ² of PPCA's ML fit")
                ax.scatter(x: collapsed.kl.map { _ in collapsed.noiseVariance }, y: collapsed.kl, color: .highlight, size: 5,
                           marker: .diamond, alpha: 1, label: "trained with σ² fixed at 2λ₁")
                ax.xScale = .log10
                ax.title = "σ² on a log axis"
                ax.legend = .upperRight           // large σ² and large KL: empty
            } else {
                ax.title = "near λ₂ ≤ σ² ≤ λ₁"
                ax.legend = .upperRight
            }
            ax.xLimits = range
            ax.xLabel = "σ², the decoder's noise variance"
            ax.yLabel = "average KL(q(zⱼ|x) ‖ N(0, 1)), nats"
        }
        return fig
    }
}
