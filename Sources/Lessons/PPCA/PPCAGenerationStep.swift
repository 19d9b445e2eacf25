import Foundation
import LinearAlgebra
import Models
import Plotting

/// Step 9: generating data — samples from PPCA with q = 2, 10, 40 beside real rows, and PPCA's latent manifold.
enum PPCAGenerationStep {
    static func run<G: RandomNumberGenerator>(_ setup: PPCALessonSetup, fits: PPCAFittingSteps.Fits,
                                              into out: inout PPCALessonOutput, using g: inout G) throws {
        // Digits: the q = 2, 10, 40. Other data: q = 1, the chosen q and D − 1 (at most three panels).
        let candidates = setup.hasImages && !setup.isUserData
            ? [2, 10, 40] : [1, setup.latentDimension, setup.dimension - 1]
        var qs = Array(Set(candidates.filter { $0 >= 1 && $0 < setup.dimension })).sorted()
        if qs.isEmpty { qs = [1] }
        let perRow = 10
        var models: [(Int, PPCA)] = []
        for q in qs {
            // nil when the data lie in a q-dimensional subspace: no ML model for this q.
            if let model = try PPCAModelSelectionStep.modelIfItExists(fits.main, latentDimension: q) { models.append((q, model)) }
        }
        let order = PPCAModelSelectionStep.permutation(setup.data.rows, using: &g)
        var negativeFractions: [Double] = []
        if let shape = setup.imageShape {
            let low = setup.data.elements.min() ?? 0
            let high = setup.data.elements.max() ?? 1
            let range = low...max(high, low + 1e-12)
            let figure = Figure(width: 560, height: 78 * Double(models.count + 1) + 40,
                                title: "Real rows and samples x ~ p(x) from PPCA (noise included; values clipped to the data range)")
            let axes = figure.subplots(rows: models.count + 1, columns: 1)
            let real = order.prefix(perRow).map { setup.data.row($0) }
            axes[0].imageGrid(images: real, imageRows: shape.rows, imageColumns: shape.columns, gridColumns: perRow,
                              colorMap: .greys, range: range)
            axes[0].title = "real rows of \(setup.dataName)"
            for (i, (q, model)) in models.enumerated() {
                let samples = model.sample(count: perRow, using: &g).observed
                axes[i + 1].imageGrid(images: samples.rowArrays, imageRows: shape.rows, imageColumns: shape.columns,
                                      gridColumns: perRow, colorMap: .greys, range: range)
                let outside = fractionOutside(samples, range: range)
                axes[i + 1].title = "PPCA, q = \(q): σ² = " + NumberFormat.significant(model.noiseVariance, digits: 3)
                    + ", " + NumberFormat.fixed(100 * outside, decimals: 1) + " % of values outside "
                    + NumberFormat.significant(range.lowerBound) + "–" + NumberFormat.significant(range.upperBound)
                    + " (clipped)"
                negativeFractions.append(outside)
            }
            for a in axes { a.showGrid = false; a.xLabel = nil; a.yLabel = nil }
            out.figures["ppca-samples"] = .single(figure)
        } else {
            let figure = Figure(width: max(460, 280 * Double(models.count)), height: 320,
                                title: "Data and samples x ~ p(x) from PPCA, first two coordinates")
            let axes = figure.subplots(rows: 1, columns: models.count)
            let low = setup.data.elements.min() ?? 0
            let high = setup.data.elements.max() ?? 1
            for (i, (q, model)) in models.enumerated() {
                let samples = model.sample(count: min(setup.data.rows, 500), using: &g).observed
                axes[i].scatter(x: setup.data.column(0), y: setup.data.column(1), color: .data, size: 2, alpha: 0.5,
                                label: "data")
                axes[i].scatter(x: samples.column(0), y: samples.column(1), color: .samples, size: 2, marker: .triangle,
                                alpha: 0.5, label: "PPCA samples")
                axes[i].title = "q = \(q)"
                axes[i].xLabel = setup.columnName(0)
                axes[i].yLabel = setup.columnName(1)
                axes[i].legend = .lowerRight
                negativeFractions.append(fractionOutside(samples, range: low...high))
            }
            out.figures["ppca-samples"] = .single(figure)
        }

        // The linear manifold for q = 2 (q = 1 when D = 2).
        let qf = setup.figureLatentDimension
        let model = try fits.main.model(latentDimension: qf)
        let side = setup.quick ? 10 : 20
        if let shape = setup.imageShape, qf == 2 {
            let low = setup.data.elements.min() ?? 0
            let high = setup.data.elements.max() ?? 1
            out.figures["linear-manifold"] = .single(LatentManifold.figure(
                side: side, imageRows: shape.rows, imageColumns: shape.columns, range: low...max(high, low + 1e-12),
                title: "PPCA's linear manifold: Wz + μ on a \(side) × \(side) probit grid (q = 2)"
            ) { z in model.decode(Matrix([z])).row(0) })
        } else {
            out.figures["linear-manifold"] = .single(manifoldInDataSpace(setup, model: model, side: side))
        }
        // (D − q)σ²_ML / tr S: the share of the total variance PPCA leaves to the isotropic noise.
        let totalVariance = max(fits.main.eigenvalues.reduce(0, +), .leastNormalMagnitude)
        let shares = models.map { q, model in Double(setup.dimension - q) * model.noiseVariance / totalVariance }
        out.results["generation"] = [
            "latent_dims": .array(models.map { .integer($0.0) }),
            "latent_dims_list": .string(ListFormat.and(models.map { String($0.0) })), "samples_per_row": .integer(perRow),
            "fraction_outside_data_range": .numbers(negativeFractions), "manifold_side": .integer(side),
            "manifold_latent_dim": .integer(qf),
            "largest_q": .integer(models.last?.0 ?? 0),
            "fraction_outside_largest_q": .number(negativeFractions.last ?? .nan),
            "fraction_outside_smallest_q": .number(negativeFractions.first ?? .nan),
            "smallest_q": .integer(models.first?.0 ?? 0),
            // (D − q)σ²_ML / tr S: the share of the total variance PPCA leaves to the isotropic noise.
            "noise_variance_share": .numbers(shares),
            "noise_variance_share_smallest_q": .number(shares.first ?? .nan),
            "noise_variance_share_largest_q": .number(shares.last ?? .nan),
        ]
        out.label("generation.noise_variance_share_smallest_q", "share of the total variance left to the noise at the smallest q",
                  convention: "(D − q)σ²(ML) / tr S, 1/N covariance")
        out.label("generation.noise_variance_share_largest_q", "share of the total variance left to the noise at the largest q",
                  convention: "(D − q)σ²(ML) / tr S, 1/N covariance")
        out.label("generation.smallest_q", "the smallest q sampled")
        out.label("generation.latent_dims_list", "the q values sampled")
        out.label("generation.fraction_outside_smallest_q", "share of sampled values outside the data's range at the smallest q")
        for (i, (q, _)) in models.enumerated() {
            out.label("generation.noise_variance_share.\(i)", "share of the total variance left to the noise, q = \(q)",
                      convention: "(D − q)σ²(ML) / tr S, 1/N covariance")
        }
        out.label("generation.largest_q", "the largest q sampled")
        out.label("generation.fraction_outside_largest_q", "share of sampled values outside the data's range at the largest q")
        for i in negativeFractions.indices {
            out.label("generation.fraction_outside_data_range.\(i)",
                      "share of sampled values outside the data's range, q = \(models[i].0)")
        }
        out.label("generation.manifold_side", "points per side of the latent grid")
    }

    static func fractionOutside(_ x: Matrix, range: ClosedRange<Double>) -> Double {
        Double(x.elements.filter { !range.contains($0) }.count) / Double(max(x.elements.count, 1))
    }

    /// For data that are not images: the decoded grid Wz + μ drawn in the first two coordinates over the data —
    /// a flat sheet (q = 2) or a line of points (q = 1).
    static func manifoldInDataSpace(_ setup: PPCALessonSetup, model: PPCA, side: Int) -> Figure {
        let figure = Figure(title: "PPCA's linear manifold Wz + μ, first two coordinates")
        let axes = figure.addAxes()
        axes.scatter(x: setup.data.column(0), y: setup.data.column(1), color: .data, size: 2, alpha: 0.4, label: "data")
        if model.latentDimension >= 2 {
            let points = LatentManifold.probitGrid(side: side)
            let decoded = model.decode(Matrix(points.map { [$0[0], $0[1]] + [Double](repeating: 0, count: model.latentDimension - 2) }))
            for r in 0..<side {
                let rowPoints = (0..<side).map { decoded.row(r * side + $0) }
                axes.line(x: rowPoints.map { $0[0] }, y: rowPoints.map { $0[1] }, color: .model, width: 1,
                          label: r == 0 ? "Wz + μ on the probit grid" : nil)
                let columnPoints = (0..<side).map { decoded.row($0 * side + r) }
                axes.line(x: columnPoints.map { $0[0] }, y: columnPoints.map { $0[1] }, color: .model, width: 1)
            }
        } else {
            let zs = (0..<side).map { StandardNormal.quantile((Double($0) + 0.5) / Double(side)) }
            let decoded = model.decode(Matrix(zs.map { [$0] }))
            axes.line(x: decoded.column(0), y: decoded.column(1), color: .model, label: "Wz + μ")
            axes.scatter(x: decoded.column(0), y: decoded.column(1), color: .model, size: 4,
                         label: "z = Φ⁻¹((i + ½)/\(side))")
        }
        axes.xLabel = setup.columnName(0)
        axes.yLabel = setup.columnName(1)
        axes.legend = .lowerRight
        return figure
    }
}

extension PPCALessonSetup {
    func columnName(_ j: Int) -> String { columnNames.indices.contains(j) ? columnNames[j] : "x\(j + 1)" }
}

/// "2", "2 and 10", "2, 10 and 40".
enum ListFormat {
    static func and(_ items: [String]) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " and " + items.last!
    }
}
