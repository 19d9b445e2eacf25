import Foundation
import LessonKit
import LinearAlgebra
import Models
import Plotting

/// Step 10: generating data from the fitted model.
extension PPCALesson {
    /// Step 10 — generation: samples x = Wz + μ + ε of the ML models for a few q beside real rows, the share outside
    /// the data's range, the noise's share (D − q)σ²/tr S, and the manifold Wz + μ on a latent probit grid.
    func generation(_ inputs: PPCAInputs, _ fits: MaximumLikelihoodFits, _ page: inout LessonRecorder,
                    _ streams: PPCARandomStreams) throws {
        let d = inputs.dimension
        // Digits: q = 2, 10, 40. Other data: q = 1, the chosen q and D − 1 (at most three panels).
        let candidates = inputs.imageShape != nil && !inputs.isUserData ? [2, 10, 40] : [1, inputs.latentDimension, d - 1]
        var qs = Array(Set(candidates.filter { $0 >= 1 && $0 < d })).sorted()
        if qs.isEmpty { qs = [1] }
        let models = try qs.compactMap { q in
            try fits.dataFit.modelIfItExists(latentDimension: q).map { (q: q, model: $0) }
        }
        var rowsRandom = streams.generator(.realRows)
        var samplesRandom = streams.generator(.samples)
        let order = RandomSplit.permutation(inputs.data.rows, using: &rowsRandom)
        let perRow = 10
        let low = inputs.data.elements.min() ?? 0
        let high = inputs.data.elements.max() ?? 1
        let side = inputs.quick ? 10 : 20
        let q = inputs.figureLatentDimension
        let manifoldModel = try fits.dataFit.model(latentDimension: q)
        let imageRange = low...max(high, low + 1e-12)
        let outsideFractions: [Double]
        if let shape = inputs.imageShape {
            let samples = models.map { $0.model.sample(count: perRow, using: &samplesRandom).observed }   // each (10, D)
            outsideFractions = samples.map { Self.fractionOutside($0, range: imageRange) }
            page.figure("ppca-samples", PPCAFigures.sampleImages(
                real: order.prefix(perRow).map { inputs.data.row($0) }, models: models, samples: samples,
                outsideFractions: outsideFractions, shape: shape, range: imageRange, dataName: inputs.dataName))
        } else {
            let samples = models.map { $0.model.sample(count: min(inputs.data.rows, 500), using: &samplesRandom).observed }
            outsideFractions = samples.map { Self.fractionOutside($0, range: low...high) }
            page.figure("ppca-samples", PPCAFigures.sampleScatter(inputs, models: models, samples: samples))
        }
        if let shape = inputs.imageShape, q == 2 {
            page.figure("linear-manifold", LatentManifold.figure(
                side: side, imageRows: shape.rows, imageColumns: shape.columns, range: imageRange,
                title: "PPCA's linear manifold: Wz + μ on a \(side) × \(side) probit grid (q = 2)"
            ) { z in manifoldModel.decode(Matrix([z])).row(0) })
        } else {
            page.figure("linear-manifold", PPCAFigures.manifoldInDataSpace(inputs, model: manifoldModel, side: side))
        }
        // (D − q)σ²_ML / tr S: the share of the total variance PPCA leaves to the isotropic noise.
        let totalVariance = max(fits.dataFit.eigenvalues.reduce(0, +), .leastNormalMagnitude)
        let shares = models.map { q, model in Double(d - q) * model.noiseVariance / totalVariance }
        page.group("generation") { page in
            page.store(models.map(\.q), at: "latent_dims")
            page.value("latent_dims_list", Self.listWithAnd(models.map { String($0.q) }), "the q values sampled")
            page.store(perRow, at: "samples_per_row")
            page.store(outsideFractions, at: "fraction_outside_data_range")
            for (i, (q, _)) in models.enumerated() {
                page.label("fraction_outside_data_range.\(i)", "share of sampled values outside the data's range, q = \(q)")
                page.label("noise_variance_share.\(i)", "share of the total variance left to the noise, q = \(q)",
                           .noiseShareOfTotalVariance)
            }
            page.value("manifold_side", side, "points per side of the latent grid")
            page.store(q, at: "manifold_latent_dim")
            page.store(shares, at: "noise_variance_share")
            for (end, i) in [("smallest", 0), ("largest", models.count - 1)] {
                let sampled = models.indices.contains(i)
                page.value("\(end)_q", sampled ? models[i].q : 0, "the \(end) q sampled")
                page.value("fraction_outside_\(end)_q", sampled ? outsideFractions[i] : .nan,
                           "share of sampled values outside the data's range at the \(end) q")
                page.value("noise_variance_share_\(end)_q", sampled ? shares[i] : .nan,
                           "share of the total variance left to the noise at the \(end) q", .noiseShareOfTotalVariance)
            }
        }
    }

    /// The share of the entries of `x` outside `range`.
    static func fractionOutside(_ x: Matrix, range: ClosedRange<Double>) -> Double {
        Double(x.elements.filter { !range.contains($0) }.count) / Double(max(x.elements.count, 1))
    }

    /// "2", "2 and 10", "2, 10 and 40".
    static func listWithAnd(_ items: [String]) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " and " + items.last!
    }
}
