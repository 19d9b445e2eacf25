import Foundation
import LessonKit
import LinearAlgebra
import Models
import Plotting

/// Steps 8–9: how many latent dimensions the data support, and generating data from the fitted model.
extension PPCALesson {
    /// The largest q of the model-selection plot (fewer when D − 1 is smaller).
    static let largestPlottedLatentDimension = 40

    /// A seeded shuffle of 0..<n (Fisher–Yates).
    static func permutation(_ n: Int, using random: inout some RandomNumberGenerator) -> [Int] {
        var order = Array(0..<n)
        for i in stride(from: n - 1, to: 0, by: -1) {
            let j = min(Int(random.nextUniform() * Double(i + 1)), i)
            order.swapAt(i, j)
        }
        return order
    }

    /// The ML model for q, or nil when σ²_ML = 0 (the rows lie in a q-dimensional subspace); other errors are thrown.
    static func modelIfItExists(_ fit: PPCAMaximumLikelihood, latentDimension q: Int) throws -> PPCA? {
        let result: Result<PPCA, PPCAError> = Result { () throws(PPCAError) -> PPCA in try fit.model(latentDimension: q) }
        switch result {
        case .success(let model): return model
        case .failure(.zeroNoiseVariance): return nil
        case .failure(let error): throw error
        }
    }

    /// The columns of `x` that hold one value in every row.
    static func constantColumns(_ x: Matrix) -> [Int] {
        (0..<x.columns).filter { j in (1..<x.rows).allSatisfy { x[$0, j] == x[0, j] } }
    }

    /// Step 8 — model selection: on a seeded 2/3 : 1/3 split, ℓ of the training fit for q = 1 … min(40, D − 1) on
    /// the training and the held-out rows, the full-covariance Gaussian N(x̄, S) where it exists, and the identity
    /// PPCA(q = D − 1) = N(x̄, S) on the cloud and on the main data without its constant columns.
    func modelSelection(_ inputs: PPCAInputs, _ fits: MaximumLikelihoodFits, _ page: inout LessonRecorder,
                        _ streams: PPCARandomStreams) throws {
        let n = inputs.data.rows
        let d = inputs.dimension
        var random = streams.generator(.modelSelectionSplit)
        let order = Self.permutation(n, using: &random)
        // The first 2/3 of the shuffled order train, the rest is held out; each set in ascending row order.
        let training = Set(order[..<((2 * n) / 3)])
        let train = inputs.data.rows(at: (0..<n).filter { training.contains($0) })     // (2N/3, D)
        let heldOut = inputs.data.rows(at: (0..<n).filter { !training.contains($0) })  // (N/3, D)
        let fit = try PPCAMaximumLikelihood(train)
        let maxQ = min(Self.largestPlottedLatentDimension, d - 1)
        // The q with an ML model (σ²_ML > 0) in the plotted range, and beyond it for the maximum over every q < D.
        let exists = try [false] + (1..<d).map { try Self.modelIfItExists(fit, latentDimension: $0) != nil }  // [q]
        let qs = (1...maxQ).filter { exists[$0] }
        let skipped = (1...maxQ).filter { !exists[$0] }
        let more = ((maxQ + 1)..<d).filter { exists[$0] }
        // All q at once from one rotation into the eigenbasis per row set.
        let trainLL = try fit.averageLogLikelihoods(train, latentDimensions: qs)
        let heldAll = try fit.averageLogLikelihoods(heldOut, latentDimensions: qs + more)
        let heldLL = Array(heldAll[..<qs.count])
        guard let bestIndex = heldLL.indices.max(by: { heldLL[$0] < heldLL[$1] }) else {
            throw PPCAError.zeroNoiseVariance(sigma2: 0, largestEigenvalue: fit.eigenvalues.first ?? 0)
        }
        let bestQ = qs[bestIndex]
        var overall = (q: bestQ, value: heldLL[bestIndex])               // the held-out maximum over every q < D
        for (q, value) in zip(more, heldAll[qs.count...]) where value > overall.value { overall = (q, value) }

        // The full-covariance Gaussian on the same split, where it exists.
        var gaussian: (train: Double, heldOut: Double)?
        let gaussianStatus: [String: JSONValue]
        do {
            let model = try GaussianModel.fit(train, sharing: fit)
            let lines = (train: try model.averageLogLikelihood(train), heldOut: try model.averageLogLikelihood(heldOut))
            gaussian = lines
            gaussianStatus = ["exists": true, "train": .number(lines.train), "held_out": .number(lines.heldOut),
                              "reason": "the 1/N training covariance is positive definite",
                              "status": .string("exists: ℓ = " + NumberFormat.significant(lines.train) + " (training), "
                                                + NumberFormat.significant(lines.heldOut) + " (held-out)")]
        } catch {
            let status: String
            switch error {
            case .constantColumns(let columns):
                status = "does not exist (\(columns.count) constant column\(columns.count == 1 ? "" : "s"))"
            default: status = "does not exist: singular S"
            }
            gaussianStatus = ["exists": false, "train": .null, "held_out": .null, "reason": .string(error.description),
                              "status": .string(status)]
        }
        page.figure("model-selection", PPCAFigures.modelSelection(
            qs: qs, train: trainLL, heldOut: heldLL, bestQ: bestQ, maxQ: maxQ, overallBestQ: overall.q,
            largestQ: d - 1, gaussian: gaussian))

        // q = D − 1 on the cloud and on the main data without constant columns (the Gaussian does not exist with them).
        let constant = Self.constantColumns(inputs.data)
        let constantTraining = Self.constantColumns(train)    // a column varying in a few rows may be constant here
        var cases: [(key: String, name: String, x: Matrix, fit: PPCAMaximumLikelihood?)] = [("toy", "2-D example", inputs.cloud, nil)]
        if constant.isEmpty {
            cases.append(("main", inputs.dataName, inputs.data, fits.dataFit))
        } else if d - constant.count >= 2 {
            let keep = (0..<d).filter { !constant.contains($0) }
            cases.append(("main", "\(inputs.dataName) without its \(constant.count) constant column(s)",
                          inputs.data.columns(at: keep), nil))
        }
        var rows: [PPCATables.GaussianIdentityRow] = []
        var identities: [JSONValue] = []
        var differences: [Double] = []
        for (key, name, x, sharedFit) in cases {
            let d = x.columns
            do {
                let ml = try sharedFit ?? PPCAMaximumLikelihood(x)
                let ppca = try ml.model(latentDimension: d - 1)
                let full = try GaussianModel.fit(x, sharing: ml)
                let ppcaLogLikelihood = try ppca.averageLogLikelihood(x)
                let gaussianLogLikelihood = try full.averageLogLikelihood(x)
                let cDifference = (ppca.marginalCovariance - full.covariance).frobeniusNorm / full.covariance.frobeniusNorm
                rows.append(.computed(name: name, dimension: d, ppca: ppcaLogLikelihood, gaussian: gaussianLogLikelihood,
                                      covarianceDifference: cDifference))
                differences.append(abs(ppcaLogLikelihood - gaussianLogLikelihood))
                identities.append(["data": .string(name), "D": .integer(d), "ppca": .number(ppcaLogLikelihood),
                                   "gaussian": .number(gaussianLogLikelihood),
                                   "abs_difference": .number(differences.last!),
                                   "covariance_relative_difference": .number(cDifference)])
                page.check("q_equals_d_minus_1.\(key)",
                           method: "expected: ℓ of PPCA with q = D − 1 (Woodbury); computed: ℓ of the full-covariance Gaussian N(x̄, S) through the Cholesky factor of S; tolerance: the round-off of both ℓ, 2·4·D·κ(S)·ε·max(1, |ℓ|), κ(S) = λ₁/λ_D",
                           expected: ppcaLogLikelihood, computed: gaussianLogLikelihood,
                           tolerance: 2 * Self.logLikelihoodRoundOff(dimension: d, conditionNumber: ml.eigenvalues[0] / ml.eigenvalues[d - 1],
                                                                     logLikelihood: ppcaLogLikelihood))
            } catch {
                rows.append(.failed(name: name, dimension: d, reason: "\(error)"))
            }
        }
        page.table("gaussian-check", PPCATables.gaussianCheck(rows))
        page.group("model_selection") { page in
            page.store(qs, at: "q")
            page.store(trainLL, at: "train")
            page.store(heldLL, at: "held_out")
            page.value("max_q_plotted", maxQ, "largest q plotted", .largestLatentDimensionPlotted)
            page.value("best_q", bestQ, "q with the highest held-out ℓ (q = 1…\(maxQ))")
            page.value("best_held_out", heldLL[bestIndex], "held-out ℓ at the best q", .naturalLogPerHeldOutRow)
            page.value("all_q_best_q", overall.q, "q with the highest held-out ℓ over every q = 1…D − 1")
            page.value("all_q_best_held_out", overall.value, "held-out ℓ at the all-q peak", .naturalLogPerHeldOutRow)
            page.value("all_q_max", d - 1, "D − 1, the largest possible q")
            page.value("verdict", bestQ < maxQ ? "past its peak and falling" : "still rising at the end",
                       "shape of the held-out curve over q = 1…\(maxQ)")
            page.value("train_rows", train.rows, "training rows")
            page.value("held_out_rows", heldOut.rows, "held-out rows")
            page.store(skipped, at: "skipped_q")
            page.store(JSONValue.object(gaussianStatus), at: "full_gaussian")
            page.label("full_gaussian.status", "the full-covariance Gaussian on the training rows", .maximumLikelihoodOneOverN)
            page.value("constant_columns_all_rows", constant.count, "constant columns of the main data (all rows)",
                       .columnsCountedFromZero)
            page.store(constant, at: "constant_columns_all_rows_list")
            page.value("constant_columns_training_rows", constantTraining.count, "constant columns of the training rows",
                       .trainingSplit)
            page.store(constantTraining, at: "constant_columns_training_rows_list")
            page.value("constant_columns_training_only", constantTraining.filter { !constant.contains($0) }.count,
                       "columns constant on the training rows only")
            page.store(JSONValue.array(identities), at: "q_equals_d_minus_1")
            page.value("q_equals_d_minus_1_max_difference", differences.max() ?? .nan,
                       "max |ℓ PPCA(q = D − 1) − ℓ full Gaussian|", .naturalLogPerRow)
            page.store("a seeded random 2/3 of the rows for training, the rest held out; every fit uses the training rows only",
                       at: "split")
        }
    }

    /// Step 9 — generation: samples x = Wz + μ + ε of the ML models for a few q beside real rows, the share outside
    /// the data's range, the noise's share (D − q)σ²/tr S, and the manifold Wz + μ on a latent probit grid.
    func generation(_ inputs: PPCAInputs, _ fits: MaximumLikelihoodFits, _ page: inout LessonRecorder,
                    _ streams: PPCARandomStreams) throws {
        let d = inputs.dimension
        // Digits: q = 2, 10, 40. Other data: q = 1, the chosen q and D − 1 (at most three panels).
        let candidates = inputs.imageShape != nil && !inputs.isUserData ? [2, 10, 40] : [1, inputs.latentDimension, d - 1]
        var qs = Array(Set(candidates.filter { $0 >= 1 && $0 < d })).sorted()
        if qs.isEmpty { qs = [1] }
        let models = try qs.compactMap { q in
            try Self.modelIfItExists(fits.dataFit, latentDimension: q).map { (q: q, model: $0) }
        }
        var rowsRandom = streams.generator(.realRows)
        var samplesRandom = streams.generator(.samples)
        let order = Self.permutation(inputs.data.rows, using: &rowsRandom)
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
