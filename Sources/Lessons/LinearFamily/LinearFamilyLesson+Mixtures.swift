import Foundation
import LessonKit
import LinearAlgebra
import Models
import Plotting

/// Steps 5–6: mixtures of PPCA on the nonlinear lesson's arc, and every model on held-out data.
extension LinearFamilyLesson {
    static func maxComponents(quick: Bool) -> Int { quick ? 4 : 6 }
    static func mixtureRestarts(quick: Bool) -> Int { quick ? 3 : 5 }
    static func mixtureMaxIterations(quick: Bool) -> Int { quick ? 300 : 1000 }
    static let mixtureTolerance = 1e-10
    static let arcHeldOutRows = 1000

    /// Step 5's results that step 6 reuses.
    struct ArcComparison {
        var x: Matrix                       // (200, 2) the nonlinear lesson's arc
        var heldOut: Matrix                 // (1000, 2) new points from the same arc
        var ppca: PPCA                      // q = 1, closed form on x
        var mixtures: [MixtureOfPPCA]       // K = 1, 2, …
        var bestK: Int
        var decoder: NonlinearLVM
        var decoderRule: LatentQuadrature
    }

    /// Step 5 — mixtures of PPCA with K = 1 … K_max on the arc (q = 1 each), beside the neural decoder.
    func mixtures(_ inputs: LinearFamilyInputs, _ page: inout LessonRecorder, _ streams: LinearFamilyStreams, seed: UInt64) throws
        -> ArcComparison {
        let (x, fit) = try NonlinearLesson.arcAndTrainedDecoder(seed: seed, quick: inputs.quick)   // (200, 2)
        var heldOutRandom = streams.generator(LinearFamilyStreams.arcHeldOut)
        let settings = inputs.quick ? NonlinearSettings.quick : .full
        let heldOut = NoisyArc.sample(rows: Self.arcHeldOutRows, noise: settings.toyNoise, using: &heldOutRandom)
        let ppca = try PPCA.fit(x, latentDimension: 1)
        var random = streams.generator(LinearFamilyStreams.mixtureStarts)
        var models: [MixtureOfPPCA] = []
        var train: [Double] = [], test: [Double] = []
        for k in 1...Self.maxComponents(quick: inputs.quick) {
            let result = try MixtureOfPPCA.fitEM(x, components: k, latentDimension: 1, starts: Self.mixtureRestarts(quick: inputs.quick),
                                                 maxIterations: Self.mixtureMaxIterations(quick: inputs.quick),
                                                 tolerance: Self.mixtureTolerance, using: &random)
            models.append(result.best.model)
            train.append(try result.best.model.averageLogLikelihood(x))
            test.append(try result.best.model.averageLogLikelihood(heldOut))
        }
        let bestK = test.indices.max { test[$0] < test[$1] }! + 1
        let best = models[bestK - 1]
        let decoderTrain = try fit.trained.quadratureMarginal(x, quadrature: fit.referenceRule).meanLogMarginal
        let decoderTest = try fit.trained.quadratureMarginal(heldOut, quadrature: fit.referenceRule).meanLogMarginal

        // The responsibilities a second way: each component's density through its own D × D Cholesky.
        let responsibilities = try best.responsibilities(x)                                       // (N, K)
        let direct = try Self.responsibilitiesByCholesky(best, x)
        var checks: [Check] = []
        for k in 0..<bestK {
            let mine = (0..<x.rows).reduce(0) { $0 + responsibilities[$1, k] }
            let theirs = (0..<x.rows).reduce(0) { $0 + direct.responsibilities[$1, k] }
            checks.append(page.check("mixture.responsibilities.\(k + 1)",
                       method: "expected: Nₖ = Σₙ Rₙₖ with Rₙₖ from the mixture's own E-step (Woodbury densities, log-sum-exp); computed: the same with each N(xₙ; μₖ, Cₖ) through the Cholesky factor of Cₖ = WₖWₖᵀ + σₖ²I, divided by their π-weighted sum; tolerance 64·N·ε·max(1, κ), κ the largest λ₁/σ² of the components",
                       expected: mine, computed: theirs, tolerance: 64 * Double(x.rows) * .ulpOfOne * max(1, Self.largestCondition(best))))
        }
        let likelihood = page.check("mixture.likelihood",
                   method: "expected: the mixture's ℓ = (1/N) Σₙ log Σₖ πₖ N(xₙ; μₖ, Cₖ) by its own evaluation; computed: the same from the Cholesky densities; tolerance 64·ε·max(1, κ)·max(1, |ℓ|)",
                   expected: train[bestK - 1], computed: direct.averageLogLikelihood,
                   tolerance: 64 * .ulpOfOne * max(1, Self.largestCondition(best)) * max(1, abs(train[bestK - 1])))
        page.table("responsibility-check", LinearFamilyTables.responsibilityCheck(checks, likelihood: likelihood, weights: best.weights))

        let singleLogLikelihood = try ppca.averageLogLikelihood(x)
        page.group("mixture") { page in
            page.value("rows", x.rows, "points of the arc the mixtures are fitted to")
            page.value("held_out_rows", heldOut.rows, "new points from the same arc, for held-out ℓ")
            page.value("max_components", models.count, "the largest K fitted")
            page.value("restarts", Self.mixtureRestarts(quick: inputs.quick), "seeded EM starts per K (the best is kept)")
            page.value("components", bestK, "K of the mixture with the best held-out ℓ")
            page.value("log_likelihood_per_sample", train[bestK - 1], "ℓ of that mixture on the arc", .naturalLogAveragedOverRows)
            page.value("held_out_log_likelihood", test[bestK - 1], "its ℓ on the new points", .naturalLogPerHeldOutRow)
            page.value("single_ppca_log_likelihood_per_sample", singleLogLikelihood, "ℓ of one PPCA (q = 1) on the arc",
                       .naturalLogAveragedOverRows)
            page.value("decoder_log_likelihood", decoderTrain, "ℓ of the nonlinear lesson's trained decoder on the arc (quadrature)",
                       .naturalLogAveragedOverRows)
            page.value("decoder_held_out_log_likelihood", decoderTest, "its ℓ on the new points", .naturalLogPerHeldOutRow)
            page.store(train, at: "log_likelihood_by_components")
            page.label("log_likelihood_by_components", "ℓ on the arc for K = 1, 2, …", .naturalLogAveragedOverRows)
            page.store(test, at: "held_out_log_likelihood_by_components")
            page.label("held_out_log_likelihood_by_components", "ℓ on the new points for K = 1, 2, …", .naturalLogPerHeldOutRow)
            page.store(best.weights, at: "weights")
        }
        try mixtureFrames(x, components: bestK, &page, streams)
        page.figure("mixture-components", LinearFamilyFigures.mixtureComponents(train: train, test: test, decoderTrain: decoderTrain,
                                                                                 decoderTest: decoderTest))
        page.figure("mixture-arc", LinearFamilyFigures.mixtureArc(x, mixture: best, responsibilities: responsibilities,
                                                                  decoderCurve: fit.trained.decodedCurve(at: settings.curveNodes)))
        return ArcComparison(x: x, heldOut: heldOut, ppca: ppca, mixtures: models, bestK: bestK, decoder: fit.trained,
                             decoderRule: fit.referenceRule)
    }

    /// EM's iterations for the mixture with `components` components from one seeded start (its own stream): the
    /// state after k = 0 (the k-means start), 1, 2, 3, 5, 8, … updates, each the same run stopped there.
    func mixtureFrames(_ x: Matrix, components: Int, _ page: inout LessonRecorder, _ streams: LinearFamilyStreams) throws {
        var frames: [(label: String, figure: Figure)] = []
        for k in [0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89] {
            var random = streams.generator(LinearFamilyStreams.mixtureFrames)
            let run = try MixtureOfPPCA.fitEM(x, components: components, latentDimension: 1, maxIterations: k,
                                              tolerance: Self.mixtureTolerance, using: &random)
            let model = run.model
            frames.append(("iteration \(run.iterations)", LinearFamilyFigures.mixtureFrame(
                x, mixture: model, responsibilities: try model.responsibilities(x),
                logLikelihood: try model.averageLogLikelihood(x))))
            if run.iterations < k { break }                                      // converged before k
        }
        let printed = [0, 1, 2, 4, 6, frames.count - 1].filter { $0 < frames.count }
        page.frames("mixture-em", frames, steps: Array(Set(printed)).sorted(), columns: 3,
                    title: "EM for the mixture on the arc at iterations " + Array(Set(printed)).sorted().map { frames[$0].label.replacingOccurrences(of: "iteration ", with: "") }.joined(separator: ", "),
                    cellAspect: 0.8)
    }

    /// The largest λ₁/σ² (condition number of Cₖ) over the components.
    static func largestCondition(_ mixture: MixtureOfPPCA) -> Double {
        mixture.components.map(conditionNumber).max() ?? 1
    }

    /// Rₙₖ = πₖ N(xₙ; μₖ, Cₖ) / Σⱼ πⱼ N(xₙ; μⱼ, Cⱼ) with each density by `GaussianModel` (Cholesky of Cₖ), and ℓ.
    static func responsibilitiesByCholesky(_ mixture: MixtureOfPPCA, _ x: Matrix) throws
        -> (responsibilities: Matrix, averageLogLikelihood: Double) {
        let k = mixture.components.count
        let logDensities = try mixture.components.map { c in
            try GaussianModel(mean: c.mean, covariance: c.marginalCovariance).logLikelihoods(x)
        }
        var r = Matrix(rows: x.rows, columns: k, repeating: 0)
        var total = 0.0
        for n in 0..<x.rows {
            let terms = (0..<k).map { log(mixture.weights[$0]) + logDensities[$0][n] }
            let top = terms.max()!
            let sum = terms.reduce(0) { $0 + exp($1 - top) }
            for j in 0..<k { r[n, j] = exp(terms[j] - top) / sum }
            total += top + log(sum)
        }
        return (r, total / Double(x.rows))
    }

    /// Step 6 — held-out ℓ of PPCA, FA, a mixture of PPCA and the full Gaussian on one split of the main data
    /// (columns that vary on the training rows), and of PPCA, the mixtures and the decoder on the arc.
    func choosing(_ inputs: LinearFamilyInputs, _ fits: FactorAnalysisFits, _ arc: ArcComparison, _ page: inout LessonRecorder,
                  _ streams: LinearFamilyStreams) throws {
        var random = streams.generator(LinearFamilyStreams.split)
        let complete = fits.x                                                     // complete rows, kept columns
        let (trainRows, testRows) = RandomSplit.twoThirds(RandomSplit.permutation(complete.rows, using: &random))
        let allTrain = complete.rows(at: trainRows), allTest = complete.rows(at: testRows)
        let variances = Statistics.covariance(allTrain, normalization: .maximumLikelihood).diagonal
        let largest = variances.max() ?? 0
        let kept = variances.indices.filter { variances[$0] > 1e-14 * largest }
        let train = allTrain.columns(at: kept), test = allTest.columns(at: kept)
        let q = min(inputs.latentDimension, kept.count - 1)
        var rows: [LinearFamilyTables.HeldOutRow] = []
        let d = kept.count
        let ppca = try PPCA.fit(train, latentDimension: q)
        rows.append(.init(data: inputs.dataName, model: "PPCA, q = \(q)", parameters: d + d * q - q * (q - 1) / 2 + 1,
                          train: try ppca.averageLogLikelihood(train), heldOut: try ppca.averageLogLikelihood(test)))
        let fa = try Self.fitFactorAnalysis(train, latentDimension: q, quick: inputs.quick, streams: streams).best.model
        rows.append(.init(data: inputs.dataName, model: "FA, q = \(q)", parameters: d + d * q - q * (q - 1) / 2 + d,
                          train: try Self.choleskyLogLikelihood(fa, train), heldOut: try Self.choleskyLogLikelihood(fa, test)))
        let components = Self.choiceComponents
        var mixtureRandom = streams.generator(LinearFamilyStreams.choiceMixture)
        let mixture = try MixtureOfPPCA.fitEM(train, components: components, latentDimension: q,
                                              maxIterations: inputs.quick ? 60 : 200, tolerance: Self.mixtureTolerance,
                                              using: &mixtureRandom).model
        rows.append(.init(data: inputs.dataName, model: "mixture of \(components) PPCA, q = \(q) each",
                          parameters: components * (d + d * q - q * (q - 1) / 2 + 1) + components - 1,
                          train: try mixture.averageLogLikelihood(train), heldOut: try mixture.averageLogLikelihood(test)))
        let gaussian = try GaussianModel.fit(train)
        rows.append(.init(data: inputs.dataName, model: "full Gaussian (q = D − 1)", parameters: d + d * (d + 1) / 2,
                          train: try gaussian.averageLogLikelihood(train), heldOut: try gaussian.averageLogLikelihood(test)))
        let mainRows = rows

        // The arc: trained on its 200 points, scored on the new ones.
        rows.append(.init(data: "arc", model: "PPCA, q = 1", parameters: 5,
                          train: try arc.ppca.averageLogLikelihood(arc.x), heldOut: try arc.ppca.averageLogLikelihood(arc.heldOut)))
        let best = arc.mixtures[arc.bestK - 1]
        rows.append(.init(data: "arc", model: "mixture of \(arc.bestK) PPCA, q = 1 each", parameters: 6 * arc.bestK - 1,
                          train: try best.averageLogLikelihood(arc.x), heldOut: try best.averageLogLikelihood(arc.heldOut)))
        rows.append(.init(data: "arc", model: "neural decoder (nonlinear lesson)", parameters: arc.decoder.parameters.count,
                          train: try arc.decoder.quadratureMarginal(arc.x, quadrature: arc.decoderRule).meanLogMarginal,
                          heldOut: try arc.decoder.quadratureMarginal(arc.heldOut, quadrature: arc.decoderRule).meanLogMarginal))
        let winner = mainRows.max { $0.heldOut < $1.heldOut }!
        page.group("choice") { page in
            page.value("train_rows", train.rows, "training rows of the split")
            page.value("held_out_rows", test.rows, "held-out rows of the split")
            page.value("columns", d, "columns that vary on the training rows (all models use them)")
            page.value("mixture_components", components, "K of the mixture on the main data")
            page.store(mainRows.map(\.model), at: "models")
            page.store(mainRows.map(\.heldOut), at: "held_out_log_likelihoods")
            page.label("held_out_log_likelihoods", "held-out ℓ per model on the main data", .naturalLogPerHeldOutRow)
            page.value("best_model", winner.model, "the model with the best held-out ℓ on the main data")
            page.value("summary_sentence", Self.choiceSentence(mainRows), "which model wins on held-out rows, and by how much")
        }
        page.table("held-out", LinearFamilyTables.heldOut(rows))
        page.figure("held-out", LinearFamilyFigures.heldOut(rows, mainName: inputs.dataName))
    }

    /// K of the mixture in step 6's comparison on the main data.
    static let choiceComponents = 3

    static func choiceSentence(_ rows: [LinearFamilyTables.HeldOutRow]) -> String {
        let sorted = rows.sorted { $0.heldOut > $1.heldOut }
        guard sorted.count >= 2 else { return "" }
        let (first, second) = (sorted[0], sorted[1])
        let gap = first.heldOut - second.heldOut
        var sentence = "On held-out rows, \(first.model) scores best (ℓ = \(LinearFamilyTables.fixed(first.heldOut, 2))), \(LinearFamilyTables.fixed(gap, 2)) nats per row ahead of \(second.model)."
        if let overfit = rows.max(by: { ($0.train - $0.heldOut) < ($1.train - $1.heldOut) }), overfit.train - overfit.heldOut > 1 {
            sentence += " The largest drop from training to held-out rows is that of \(overfit.model) (\(LinearFamilyTables.fixed(overfit.train - overfit.heldOut, 2)) nats per row): it has the most parameters to fit the training rows' accidents."
        }
        return sentence
    }
}
