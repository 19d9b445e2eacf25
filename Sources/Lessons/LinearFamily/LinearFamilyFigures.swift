import Datasets
import Foundation
import LinearAlgebra
import Models
import Plotting

/// The figures of the linear-family lesson: pure functions from a step's values to a `Figure`.
enum LinearFamilyFigures {
    /// Step 1: PPCA's σ², FA's ψᵢ and Sᵢᵢ per column, on one log scale: as images when the rows are images (columns
    /// left out blank), else as points against the column.
    static func noiseVariances(sigma2: Double, uniquenesses: [Double], variances: [Double], columns: [Int], dimension: Int,
                               imageShape: Dataset.ImageShape?, names: [String]) -> Figure {
        let all = uniquenesses + variances + [sigma2]
        let lo = log10(all.filter { $0 > 0 }.min() ?? 1e-6), hi = log10(all.max() ?? 1)
        if let shape = imageShape {
            func image(_ values: [Double]) -> [Double] {
                var pixels = [Double](repeating: .nan, count: dimension)
                for (k, j) in columns.enumerated() { pixels[j] = log10(values[k]) }
                return pixels
            }
            let figure = Figure(width: 620, height: 200, title: "Noise variance per pixel (white: left out, variance 0)")
            let axes = figure.subplots(rows: 1, columns: 3)
            let panels = [("PPCA: one σ²", image([Double](repeating: sigma2, count: columns.count))),
                          ("FA: ψᵢ per pixel", image(uniquenesses)), ("the pixel's variance Sᵢᵢ", image(variances))]
            for (axes, panel) in zip(axes, panels) {
                axes.imageGrid(images: [panel.1], imageRows: shape.rows, imageColumns: shape.columns, gridColumns: 1,
                               colorMap: .viridis, range: lo...(hi > lo ? hi : lo + 1), colorBar: true,
                               colorBarLabel: "log₁₀ variance")
                axes.title = panel.0
            }
            return figure
        }
        let figure = Figure(width: 560, height: 320, title: "Noise variance per column: PPCA's σ², FA's ψᵢ and Sᵢᵢ")
        let axes = figure.addAxes()
        let index = columns.indices.map { Double($0 + 1) }
        axes.scatter(x: index, y: variances, color: .data, size: 4, marker: .square, alpha: 1, label: "the column's variance Sᵢᵢ")
        axes.scatter(x: index, y: uniquenesses, color: .model, size: 4, marker: .circle, alpha: 1, label: "FA: ψᵢ")
        axes.horizontalLine(at: sigma2, color: .posterior, dash: .dashed, label: "PPCA: σ²")
        axes.yScale = .log10
        axes.xIntegerTicks = true
        axes.xLabel = "column i"
        axes.yLabel = "variance"
        axes.legend = .outsideRight
        return figure
    }

    /// Step 1: (a) ℓ over the first iterations of every start, from PPCA's closed form (iteration 0 of start 1);
    /// (b) the gap ℓ* − ℓₖ to the best final ℓ on a log scale, over every iteration: EM's linear convergence.
    static func factorAnalysisEM(runs: [[Double]], ppca: Double, bestIndex: Int) -> Figure {
        let figure = Figure(width: 620, height: 320, title: "Factor analysis by EM from every start")
        let axes = figure.subplots(rows: 1, columns: 2)
        let best = runs.map { $0.last ?? ppca }.max() ?? ppca
        let early = 30
        for (k, run) in runs.enumerated() {
            let label = k == 0 ? "start 1: PPCA's closed form" : (k == 1 ? "starts 2–\(runs.count): random" : nil)
            let (color, width, dash): (Color, Double, Dash) = k == 0 ? (.model, 2, .solid) : (.samples, 1.2, .dashed)
            let shown = Array(run.prefix(early + 1))
            axes[0].line(x: shown.indices.map(Double.init), y: shown, color: color, width: width, dash: dash, label: label)
            let gaps = run.indices.compactMap { i -> (Double, Double)? in
                let gap = best - run[i]
                return gap > 1e-13 * max(1, abs(best)) ? (Double(i), gap) : nil
            }
            axes[1].line(x: gaps.map(\.0), y: gaps.map(\.1), color: color, width: width, dash: dash)
        }
        axes[0].horizontalLine(at: ppca, color: .reference, dash: .dotted, label: "ℓ of PPCA (closed form)")
        axes[0].title = "ℓ over the first \(early) iterations"
        axes[0].xLabel = "EM iteration"
        axes[0].yLabel = "ℓ (nats per row)"
        axes[0].xIntegerTicks = true
        let lowest = runs.compactMap { $0.count > 1 ? $0[1] : nil }.min() ?? ppca
        axes[0].yLimits = (min(lowest, ppca) - 0.05 * (best - min(lowest, ppca)))...(best + 0.12 * (best - min(lowest, ppca)))
        axes[0].legend = .lowerRight
        axes[1].title = "gap to the best final ℓ"
        axes[1].xLabel = "EM iteration"
        axes[1].yLabel = "ℓ* − ℓₖ (nats per row)"
        axes[1].yScale = .log10
        axes[1].legend = .none
        return figure
    }

    /// Step 3: each ψᵢ against the iteration on log–log axes, with each floor.
    static func heywood(trace: [(iteration: Int, psi: [Double])], floors: [Double]) -> Figure {
        let figure = Figure(width: 560, height: 320, title: "A Heywood case: ψ₁ falls to its floor")
        let axes = figure.addAxes()
        let points = trace.filter { $0.iteration >= 1 }
        let dashes: [Dash] = [.solid, .dashed, .dotted]
        let subscripts = ["₁", "₂", "₃"]
        for i in 0..<3 {
            axes.line(x: points.map { Double($0.iteration) }, y: points.map { $0.psi[i] }, color: i == 0 ? .posterior : .model,
                      width: 1.8, dash: dashes[i], label: "ψ" + subscripts[i])
        }
        axes.horizontalLine(at: floors[0], color: .reference, dash: .dotted, label: "floor of ψ₁: 10⁻³ S₁₁")
        axes.xScale = .log10
        axes.yScale = .log10
        axes.xLabel = "EM iteration"
        axes.yLabel = "ψᵢ"
        axes.legend = .outsideRight
        return figure
    }

    /// Step 4: the observed-data ℓ against the iteration.
    static func missingEM(_ logLikelihoods: [Double]) -> Figure {
        let figure = Figure(width: 560, height: 300, title: "Missing-data EM: the observed-data log-likelihood")
        let axes = figure.addAxes()
        axes.line(x: logLikelihoods.indices.map(Double.init), y: logLikelihoods, color: .model, width: 1.8,
                  label: "ℓ over the observed cells")
        axes.xLabel = "EM iteration"
        axes.yLabel = "ℓ (nats per row)"
        axes.xIntegerTicks = true
        axes.legend = .lowerRight
        return figure
    }

    /// Step 4: for images, four rows of images (truth, hidden cells marked, EM, column means); else the imputed values
    /// against the truth over the hidden cells.
    static func imputations(truth: Matrix, hidden: Matrix, em: Matrix, mean: Matrix, rows: [Int], cells: [Int],
                            imageShape: Dataset.ImageShape?) -> Figure {
        if let shape = imageShape {
            let lo = truth.elements.filter { !$0.isNaN }.min() ?? 0, hi = truth.elements.filter { !$0.isNaN }.max() ?? 1
            let figure = Figure(width: 560, height: 470, title: "Imputing hidden pixels")
            let axes = figure.subplots(rows: 4, columns: 1)
            let panels: [(String, Matrix, ColorMap)] = [("the rows as they are", truth, .greys),
                                                        ("hidden cells (vermillion)", hidden, .greysMarkingMissing),
                                                        ("EM: E[hidden cells | the rest of the row]", em, .greys), ("column means", mean, .greys)]
            for (axes, panel) in zip(axes, panels) {
                axes.imageGrid(images: rows.map { panel.1.row($0) }, imageRows: shape.rows, imageColumns: shape.columns,
                               gridColumns: rows.count, colorMap: panel.2, range: lo...(hi > lo ? hi : lo + 1))
                axes.title = panel.0
            }
            return figure
        }
        let figure = Figure(width: 560, height: 360, title: "Imputed against true values of the hidden cells")
        let axes = figure.addAxes()
        let shown = Array(cells.prefix(2000))
        let t = shown.map { truth.elements[$0] }
        axes.scatter(x: t, y: shown.map { mean.elements[$0] }, color: .data, size: 2.5, marker: .square, alpha: 0.5, label: "column mean")
        axes.scatter(x: t, y: shown.map { em.elements[$0] }, color: .model, size: 2.5, alpha: 0.6, label: "EM: E[hidden | rest of the row]")
        let lo = t.min() ?? 0, hi = t.max() ?? 1
        axes.line(x: [lo, hi], y: [lo, hi], color: .reference, width: 1, dash: .dashed, label: "imputed = true")
        axes.xLabel = "true value"
        axes.yLabel = "imputed value"
        axes.legend = .outsideRight
        return figure
    }

    /// Step 4: root-mean-square error of the imputations against the share hidden.
    static func imputationError(_ curve: [(share: Double, em: Double, mean: Double)]) -> Figure {
        let figure = Figure(width: 560, height: 300, title: "Imputation error against the share hidden")
        let axes = figure.addAxes()
        let shares = curve.map { 100 * $0.share }
        axes.markedLine(x: shares, y: curve.map(\.em), color: .model, label: "EM (missing-data PPCA)")
        axes.markedLine(x: shares, y: curve.map(\.mean), color: .data, dash: .dashed, label: "column means")
        axes.xLabel = "share of cells hidden (%)"
        axes.yLabel = "RMSE over the hidden cells"
        axes.yLimits = 0...((curve.map { max($0.em, $0.mean) }.max() ?? 1) * 1.15)
        axes.legend = .lowerRight
        return figure
    }

    /// Step 5: ℓ of the mixtures against K, on the arc and on new points, with the decoder's.
    static func mixtureComponents(train: [Double], test: [Double], decoderTrain: Double, decoderTest: Double) -> Figure {
        let figure = Figure(width: 560, height: 320, title: "Mixtures of PPCA on the arc: ℓ against K")
        let axes = figure.addAxes()
        let k = train.indices.map { Double($0 + 1) }
        axes.markedLine(x: k, y: train, color: .model, label: "mixture, the arc's 200 points")
        axes.markedLine(x: k, y: test, color: .posterior, dash: .dashed, label: "mixture, 1,000 new points")
        axes.horizontalLine(at: decoderTrain, color: .model, dash: .dotted, label: "neural decoder, the arc's points")
        axes.horizontalLine(at: decoderTest, color: .posterior, dash: .dotted, label: "neural decoder, new points")
        axes.xIntegerTicks = true
        axes.xLabel = "K (components)"
        axes.yLabel = "ℓ (nats per row)"
        axes.legend = .lowerRight
        return figure
    }

    /// The points coloured by their most responsible component, and each component's segment μₖ ± 2√λₖ uₖ.
    static func drawMixture(_ x: Matrix, mixture: MixtureOfPPCA, responsibilities: Matrix, on axes: Axes) {
        let k = mixture.components.count
        let owner = (0..<x.rows).map { n in (0..<k).max { responsibilities[n, $0] < responsibilities[n, $1] }! }
        axes.scatter(x: x.column(0), y: x.column(1), colors: owner.map { Color.category($0) }, size: 2.5, alpha: 0.7)
        for (j, component) in mixture.components.enumerated() {
            let w = component.loading.column(0)
            let norm = max((w[0] * w[0] + w[1] * w[1]).squareRoot(), 1e-300)
            let half = 2 * (norm * norm + component.noiseVariance).squareRoot()
            let u = (w[0] / norm, w[1] / norm)
            let mu = component.mean
            axes.line(x: [mu[0] - half * u.0, mu[0] + half * u.0], y: [mu[1] - half * u.1, mu[1] + half * u.1],
                      color: Color.category(j), width: 2.5,
                      label: "component \(j + 1), π = " + NumberFormat.significant(mixture.weights[j], digits: 2))
        }
    }

    /// Step 5: one frame of EM for the mixture: the points coloured by their most responsible component and the
    /// segments, with ℓ on the arc in its title (the frame label gives the iteration).
    static func mixtureFrame(_ x: Matrix, mixture: MixtureOfPPCA, responsibilities: Matrix,
                             logLikelihood: Double) -> Figure {
        let figure = Figure(width: 420, height: 330, title: "EM for a mixture of \(mixture.components.count) PPCA on the arc")
        let axes = figure.addAxes()
        drawMixture(x, mixture: mixture, responsibilities: responsibilities, on: axes)
        axes.title = "ℓ = " + NumberFormat.significant(logLikelihood, digits: 4)
        axes.dataPlane(x: NonlinearFigures.arcX, y: NonlinearFigures.arcY)
        axes.legend = .none
        return figure
    }

    /// Step 5: the mixture's segments μₖ ± 2√λₖ uₖ (λₖ = ‖wₖ‖² + σₖ², uₖ = wₖ/‖wₖ‖) over the points coloured by their
    /// most responsible component; beside it the decoder's curve.
    static func mixtureArc(_ x: Matrix, mixture: MixtureOfPPCA, responsibilities: Matrix, decoderCurve: PlaneCurve) -> Figure {
        let figure = Figure(width: 600, height: 300, title: "Straight pieces or one curve")
        let axes = figure.subplots(rows: 1, columns: 2)
        let k = mixture.components.count
        drawMixture(x, mixture: mixture, responsibilities: responsibilities, on: axes[0])
        axes[0].title = "mixture of \(k) PPCA (q = 1 each)"
        axes[1].scatter(x: x.column(0), y: x.column(1), color: .data, size: 2.5, alpha: 0.5, label: "data")
        axes[1].line(x: decoderCurve.x, y: decoderCurve.y, color: .model, width: 2.2, label: "decoder fθ(z), |z| ≤ 3")
        axes[1].title = "neural decoder (nonlinear lesson)"
        for a in axes {
            a.dataPlane(x: NonlinearFigures.arcX, y: NonlinearFigures.arcY)
            a.legend = .none
        }
        axes[0].legend = .below
        axes[1].legend = .below
        return figure
    }

    /// One colour per kind of model, the same in both panels of the held-out figure.
    static func colour(of model: String) -> Color {
        let kinds = ["FA", "mixture", "full Gaussian", "neural decoder"]
        return Color.category(1 + (kinds.firstIndex { model.hasPrefix($0) } ?? kinds.count))
    }

    /// Step 6: the held-out gain of each model over PPCA (the first row of each data set, the zero line), one panel
    /// per data set, one colour per model.
    static func heldOut(_ rows: [LinearFamilyTables.HeldOutRow], mainName: String) -> Figure {
        let figure = Figure(width: 620, height: 340, title: "Held-out ℓ of each model, relative to PPCA")
        let axes = figure.subplots(rows: 1, columns: 2)
        for (panel, data) in [mainName, "arc"].enumerated() {
            let group = rows.filter { $0.data == data }
            guard let reference = group.first else { continue }
            for (k, row) in group.enumerated().dropFirst() {
                axes[panel].bars(x: [Double(k)], heights: [row.heldOut - reference.heldOut], width: 0.7,
                                 color: colour(of: row.model), label: row.model)
            }
            axes[panel].horizontalLine(at: 0, color: .reference, dash: .solid, label: reference.model + " (the zero line)")
            axes[panel].title = data
            axes[panel].xIntegerTicks = true
            axes[panel].xLimits = 0.4...(Double(group.count - 1) + 0.6)
            axes[panel].xLabel = "model (colours: legend)"
            axes[panel].yLabel = "ℓ − ℓ(PPCA), held-out rows"
            axes[panel].legend = .below
        }
        return figure
    }
}
