import Foundation
import LessonKit
import LinearAlgebra
import Models
import Plotting

/// Steps 8–9: how many latent dimensions the data support, and the full Gaussian at the other end of the family.
extension PPCALesson {
    /// The columns of `x` that hold one value in every row.
    static func constantColumns(_ x: Matrix) -> [Int] {
        (0..<x.columns).filter { j in (1..<x.rows).allSatisfy { x[$0, j] == x[0, j] } }
    }

    /// The number of seeded random 2/3 : 1/3 splits of step 8.
    static let modelSelectionSplits = 5
    /// A column whose most frequent value fills this share of the rows counts as near-constant in step 8.
    static let nearConstantShare = 0.99

    /// Step 8 — model selection: held-out ℓ on five seeded 2/3 : 1/3 splits for every q with σ²_ML > 0, Minka's
    /// evidence and BIC on all rows (`LatentDimensionSelection`), and the same without the near-constant columns.
    func modelSelection(_ inputs: PPCAInputs, _ fits: MaximumLikelihoodFits, _ page: inout LessonRecorder,
                        _ streams: PPCARandomStreams) throws {
        let n = inputs.data.rows
        let d = inputs.dimension
        let orders = (1...Self.modelSelectionSplits).map { k in
            var random = streams.generator(.modelSelectionSplit(k))
            return RandomSplit.permutation(n, using: &random)
        }
        let selection = try LatentDimensionSelection(inputs.data, orders: orders, allRows: fits.dataFit)
        let nearConstant = LatentDimensionSelection.nearConstantColumns(inputs.data, share: Self.nearConstantShare)
        let keep = (0..<d).filter { !nearConstant.contains($0) }
        let reduced = nearConstant.isEmpty || keep.count < 2 ? nil
            : try LatentDimensionSelection(inputs.data.columns(at: keep), orders: orders)

        page.figure("model-selection", PPCAFigures.modelSelection(
            selection, reduced: reduced.map { ($0, nearConstant.count) }, sampleCount: n))

        page.group("model_selection") { page in
            Self.record(selection, sampleCount: n, &page)
            page.value("splits", orders.count, "seeded random splits, each 2/3 of the rows for training")
            page.value("train_rows", selection.splits[0].trainingRows, "training rows per split")
            page.value("held_out_rows", selection.splits[0].heldOutRows, "held-out rows per split")
            page.value("near_constant_share", Self.nearConstantShare, "share of rows a near-constant column's commonest value fills", .nearConstantColumn)
            page.value("near_constant_columns", nearConstant.count, "near-constant columns", .nearConstantColumn)
            page.store(nearConstant, at: "near_constant_columns_list")
            // With no near-constant column this repeats the answers above, so the text reads the same for any data.
            page.group("without_near_constant") { page in
                Self.record(reduced ?? selection, sampleCount: n, &page)
                page.value("dimension", (reduced ?? selection).dimension, "D without the near-constant columns")
            }
            page.store("\(orders.count) seeded random splits, each 2/3 of the rows for training and the rest held out; every held-out ℓ uses a fit to its split's training rows only; Minka's evidence and BIC use all rows",
                       at: "split")
        }
    }


    /// Step 9 — the full-covariance Gaussian on split 1's training rows where it exists (constant columns make S
    /// singular), and PPCA(q = D − 1) = N(x̄, S) on the cloud and on the main data without its constant columns.
    func fullGaussian(_ inputs: PPCAInputs, _ fits: MaximumLikelihoodFits, _ page: inout LessonRecorder,
                      _ streams: PPCARandomStreams) throws {
        let n = inputs.data.rows
        let d = inputs.dimension
        var random = streams.generator(.modelSelectionSplit(1))
        let order = RandomSplit.permutation(n, using: &random)
        let training = Set(order[..<((2 * n) / 3)])
        let train = inputs.data.rows(at: (0..<n).filter { training.contains($0) })     // (2N/3, D)
        let heldOut = inputs.data.rows(at: (0..<n).filter { !training.contains($0) })  // (N/3, D)
        let fit = try PPCAMaximumLikelihood(train)

        // The full-covariance Gaussian on the same split, where it exists.
        let gaussianStatus: [String: JSONValue]
        do {
            let model = try GaussianModel.fit(train, sharing: fit)
            let lines = (train: try model.averageLogLikelihood(train), heldOut: try model.averageLogLikelihood(heldOut))
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
        }
    }

    /// One `LatentDimensionSelection` in `results.json` (`model_selection` and `without_near_constant`).
    static func record(_ selection: LatentDimensionSelection, sampleCount n: Int, _ page: inout LessonRecorder) {
        page.value("q_max_shown", selection.qMaxShown, "largest q shown: the largest with σ²(ML) > 0 on some fit")
        page.store(selection.splits.map(\.bestQ), at: "held_out_best_q_per_split")
        page.value("held_out_best_q_list", listWithAnd(selection.splits.map { String($0.bestQ) }),
                   "the best held-out q of each split")
        page.value("held_out_best_q_min", selection.splits.map(\.bestQ).min()!, "smallest best held-out q of a split")
        page.value("held_out_best_q_max", selection.splits.map(\.bestQ).max()!, "largest best held-out q of a split")
        page.value("held_out_best_q_of_mean", selection.bestQOfMean, "q with the highest mean held-out ℓ")
        page.value("held_out_best_mean", selection.heldOutMean.max()!, "the highest mean held-out ℓ", .naturalLogPerHeldOutRow)
        page.store(selection.sharedQs, at: "shared_q")
        page.store(selection.heldOutMean, at: "held_out_mean")
        page.store(selection.heldOutSD, at: "held_out_sd")
        page.label("held_out_sd", "standard deviation of held-out ℓ over the splits", .standardDeviationOverSplits)
        page.store(selection.splits.map { JSONValue.object(["q": $0.qs.json, "train": $0.train.json, "held_out": $0.heldOut.json,
                                                            "best_q": .integer($0.bestQ)]) },
                   at: "per_split")
        page.store(selection.allRowsQs, at: "all_rows_q")
        page.store(selection.allRowsLogLikelihood, at: "all_rows_log_likelihood")
        page.store(selection.bic, at: "bic")
        page.label("bic", "BIC of each q", .bicHigherIsBetter)
        page.value("bic_q", selection.bicQ, "q with the highest BIC", .bicHigherIsBetter)
        page.store(selection.minkaLogEvidence.map { $0.isFinite ? JSONValue.number($0) : .null }, at: "minka_log_evidence")
        page.label("minka_log_evidence", "Minka's log evidence for k = 1 … D − 1 (null: λ_k < 1e-15)", .minkaEvidence)
        page.value("minka_q", selection.minkaQ, "q with the highest Minka evidence", .minkaEvidence)
    }
}
