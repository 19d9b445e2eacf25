import Foundation
import LinearAlgebra
import Models
import Plotting

/// Step 8: how many latent dimensions the data support — training and held-out average log-likelihood against q,
/// with the full-covariance Gaussian where it exists, and the check that q = D − 1 is that Gaussian.
enum PPCAModelSelectionStep {
    /// A seeded shuffle of 0..<n (Fisher–Yates with the lesson's generator).
    static func permutation<G: RandomNumberGenerator>(_ n: Int, using g: inout G) -> [Int] {
        var order = Array(0..<n)
        for i in stride(from: n - 1, to: 0, by: -1) {
            let j = min(Int(g.nextUniform() * Double(i + 1)), i)
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

    /// `fits.main` is the ML fit to all rows of the main data (step 3): the q = D − 1 check reuses its mean and
    /// covariance when it runs on those rows.
    static func run<G: RandomNumberGenerator>(_ setup: PPCALessonSetup, fits: PPCAFittingSteps.Fits,
                                              into out: inout PPCALessonOutput, using g: inout G) throws {
        let n = setup.data.rows
        let order = permutation(n, using: &g)
        let trainCount = (2 * n) / 3
        // The first 2/3 of the shuffled order train, the rest is held out; each set in ascending row order (a mask
        // over the rows gives the sorted lists without sorting).
        var isTraining = [Bool](repeating: false, count: n)
        for row in order[..<trainCount] { isTraining[row] = true }
        let train = setup.data.rows(at: (0..<n).filter { isTraining[$0] })
        let heldOut = setup.data.rows(at: (0..<n).filter { !isTraining[$0] })
        let fit = try PPCAMaximumLikelihood(train)
        let maxQ = min(40, setup.dimension - 1)
        var qs: [Int] = []
        var trainLL: [Double] = []
        var heldLL: [Double] = []
        var skipped: [Int] = []
        for q in 1...maxQ {
            guard try modelIfItExists(fit, latentDimension: q) != nil else {
                skipped.append(q)      // the training rows lie in a q-dimensional subspace: no ML model
                continue
            }
            qs.append(q)
        }
        // Beyond the plotted range (for the held-out maximum over every q = 1 … D − 1): the q that have a model.
        let more = setup.dimension - 1 > maxQ
            ? try ((maxQ + 1)...(setup.dimension - 1)).filter { q in try modelIfItExists(fit, latentDimension: q) != nil } : []
        // All q at once from one rotation into the eigenbasis per row set (PPCAMaximumLikelihood.averageLogLikelihoods).
        trainLL = try fit.averageLogLikelihoods(train, latentDimensions: qs)
        let heldAll = try fit.averageLogLikelihoods(heldOut, latentDimensions: qs + more)
        heldLL = Array(heldAll[..<qs.count])
        guard let bestIndex = heldLL.indices.max(by: { heldLL[$0] < heldLL[$1] }) else {
            throw PPCAError.zeroNoiseVariance(sigma2: 0, largestEigenvalue: fit.eigenvalues.first ?? 0)
        }
        let bestQ = qs[bestIndex]
        let verdict: String
        if bestQ < maxQ {
            verdict = "past its peak and falling"
        } else {
            verdict = "still rising at the end"
        }
        // Beyond the plotted range: the held-out maximum over every q = 1 … D − 1.
        var extendedBest = (q: bestQ, value: heldLL[bestIndex])
        for (q, value) in zip(more, heldAll[qs.count...]) where value > extendedBest.value { extendedBest = (q, value) }

        // The full-covariance Gaussian on the same split, where it exists.
        var gaussian: [String: JSONValue]
        var gaussianLines: (Double, Double)?
        do {
            let model = try GaussianModel.fit(train, sharing: fit)     // the training rows' mean and covariance
            let a = try model.averageLogLikelihood(train)
            let b = try model.averageLogLikelihood(heldOut)
            gaussian = ["exists": true, "train": .number(a), "held_out": .number(b),
                        "reason": "the 1/N training covariance is positive definite",
                        "status": .string("exists: ℓ = " + NumberFormat.significant(a) + " (training), "
                                          + NumberFormat.significant(b) + " (held-out)")]
            gaussianLines = (a, b)
        } catch {
            let status: String
            switch error {
            case .constantColumns(let columns):
                status = "does not exist (\(columns.count) constant column\(columns.count == 1 ? "" : "s"))"
            default: status = "does not exist: singular S"
            }
            gaussian = ["exists": false, "train": .null, "held_out": .null, "reason": .string(error.description),
                        "status": .string(status)]
        }

        let figure = Figure(width: 560, height: 380, title: "How many latent dimensions? Average log-likelihood against q")
        let axes = figure.addAxes()
        let xs = qs.map(Double.init)
        axes.line(x: xs, y: trainLL, color: .model, label: "PPCA, training rows")
        axes.scatter(x: xs, y: trainLL, color: .model, size: 2.5)
        // Both curves are the model's log-likelihood: one colour (model), told apart by dash and marker.
        axes.line(x: xs, y: heldLL, color: .model, dash: .dashed, label: "PPCA, held-out rows")
        axes.scatter(x: xs, y: heldLL, color: .model, size: 3, marker: .square)
        if bestQ < maxQ {
            axes.verticalLine(at: Double(bestQ), color: .highlight, dash: .dotted, label: "best held-out q = \(bestQ)")
        } else {
            axes.verticalLine(at: Double(bestQ), color: .highlight, dash: .dotted,
                              label: "q = \(bestQ): largest q shown, held-out ℓ still rising")
        }
        if extendedBest.q != bestQ {
            let low = min(trainLL.min() ?? 0, heldLL.min() ?? 0)
            let high = max(trainLL.max() ?? 0, heldLL.max() ?? 0)
            axes.text("over all q ≤ \(setup.dimension - 1): held-out peak at q = \(extendedBest.q)",
                      x: xs[xs.count / 2], y: low + 0.3 * (high - low), size: 9)
        }
        if let (a, b) = gaussianLines {
            axes.horizontalLine(at: a, color: .reference, dash: .solid, label: "full Gaussian, training")
            axes.horizontalLine(at: b, color: .reference, dash: .dashed, label: "full Gaussian, held-out")
        } else {
            let low = min(trainLL.min() ?? 0, heldLL.min() ?? 0)
            let high = max(trainLL.max() ?? 0, heldLL.max() ?? 0)
            axes.text("full-covariance Gaussian: does not exist here", x: xs[0] + 0.5,
                      y: high - 0.02 * (high - low), size: 9)
            axes.text("(singular training covariance ⇒ training ℓ = +∞)", x: xs[0] + 0.5,
                      y: high - 0.08 * (high - low), size: 9)
        }
        axes.xLabel = "latent dimension q"
        axes.yLabel = "ℓ (natural log, per row)"
        axes.legend = .lowerRight
        out.figures["model-selection"] = .single(figure)

        // q = D − 1 is the full-covariance Gaussian: on the 2-D example, and on the main data (without its constant
        // columns when it has some, since the Gaussian does not exist with them).
        var checkRows: [[String]] = []
        var checks: [JSONValue] = []
        // Each case with its ML fit (mean, 1/N covariance, eigenpairs), shared by PPCA and the Gaussian; the main
        // data's is step 3's.
        var cases: [(String, Matrix, PPCAMaximumLikelihood?)] = [("2-D example", setup.toy, nil)]
        let constant = (0..<setup.dimension).filter { j in (1..<n).allSatisfy { setup.data[$0, j] == setup.data[0, j] } }
        // The training split can have more: a column that varies in a few rows may be constant on the rows drawn.
        let constantTraining = (0..<setup.dimension).filter { j in
            (1..<train.rows).allSatisfy { train[$0, j] == train[0, j] }
        }
        if constant.isEmpty {
            cases.append((setup.dataName, setup.data, fits.main))
        } else if setup.dimension - constant.count >= 2 {
            let keep = (0..<setup.dimension).filter { !constant.contains($0) }
            cases.append(("\(setup.dataName) without its \(constant.count) constant column(s)",
                          setup.data.columns(at: keep), nil))
        }
        for (name, x, sharedFit) in cases {
            let d = x.columns
            do {
                let ml = try sharedFit ?? PPCAMaximumLikelihood(x)
                let ppca = try ml.model(latentDimension: d - 1)
                let full = try GaussianModel.fit(x, sharing: ml)
                let a = try ppca.averageLogLikelihood(x)
                let b = try full.averageLogLikelihood(x)
                let cDifference = (ppca.marginalCovariance - full.covariance).frobeniusNorm / full.covariance.frobeniusNorm
                checkRows.append([name, "\(d)", "\(d - 1)", Cell.number(a, digits: 10), Cell.number(b, digits: 10),
                                  Cell.scientific(abs(a - b)), Cell.scientific(cDifference)])
                checks.append(["data": .string(name), "D": .integer(d), "ppca": .number(a), "gaussian": .number(b),
                               "abs_difference": .number(abs(a - b)), "covariance_relative_difference": .number(cDifference)])
            } catch {
                checkRows.append([name, "\(d)", "\(d - 1)", "—", "—", "\(error)", "—"])
            }
        }
        out.tables["gaussian-check"] = Table(
            columns: ["data", "D", "q = D − 1", "ℓ PPCA", "ℓ full Gaussian", "|difference|", "‖C − S‖(F)/‖S‖(F)"],
            rows: checkRows,
            caption: "With q = D − 1, σ² is the smallest eigenvalue and WWᵀ + σ²I rebuilds S exactly: PPCA is the full-covariance Gaussian.")
        let maxDifference = checks.compactMap { entry -> Double? in
            if case let .number(v)? = entry.value(at: "abs_difference") { return v }
            return nil
        }.max() ?? .nan

        out.results["model_selection"] = [
            "q": .array(qs.map(JSONValue.integer)), "train": .numbers(trainLL), "held_out": .numbers(heldLL),
            "max_q_plotted": .integer(maxQ), "best_q": .integer(bestQ), "best_held_out": .number(heldLL[bestIndex]),
            "all_q_best_q": .integer(extendedBest.q), "all_q_best_held_out": .number(extendedBest.value),
            "all_q_max": .integer(setup.dimension - 1), "verdict": .string(verdict),
            "train_rows": .integer(train.rows), "held_out_rows": .integer(heldOut.rows),
            "skipped_q": .array(skipped.map(JSONValue.integer)),
            "full_gaussian": .object(gaussian),
            "constant_columns_all_rows": .integer(constant.count),
            "constant_columns_all_rows_list": .array(constant.map(JSONValue.integer)),
            "constant_columns_training_rows": .integer(constantTraining.count),
            "constant_columns_training_rows_list": .array(constantTraining.map(JSONValue.integer)),
            "constant_columns_training_only": .integer(constantTraining.filter { !constant.contains($0) }.count),
            "q_equals_d_minus_1": .array(checks), "q_equals_d_minus_1_max_difference": .number(maxDifference),
            "split": "a seeded random 2/3 of the rows for training, the rest held out; every fit uses the training rows only",
        ]
        out.label("model_selection.best_q", "q with the highest held-out ℓ (q = 1…\(maxQ))")
        out.label("model_selection.best_held_out", "held-out ℓ at the best q", convention: "natural log, per held-out row")
        out.label("model_selection.all_q_best_q", "q with the highest held-out ℓ over every q = 1…D − 1")
        out.label("model_selection.full_gaussian.status", "the full-covariance Gaussian on the training rows", convention: "ML fit, 1/N covariance")
        out.label("model_selection.verdict", "shape of the held-out curve over q = 1…\(maxQ)")
        out.label("model_selection.all_q_max", "D − 1, the largest possible q")
        out.label("model_selection.max_q_plotted", "largest q plotted", convention: "min(40, D − 1)")
        out.label("model_selection.train_rows", "training rows")
        out.label("model_selection.held_out_rows", "held-out rows")
        out.label("model_selection.constant_columns_all_rows", "constant columns of the main data (all rows)",
                  convention: "columns counted from 0")
        out.label("model_selection.constant_columns_training_rows", "constant columns of the training rows",
                  convention: "the 2/3 training split")
        out.label("model_selection.constant_columns_training_only", "columns constant on the training rows only")
        out.label("model_selection.all_q_best_held_out", "held-out ℓ at the all-q peak", convention: "natural log, per held-out row")
        out.label("model_selection.q_equals_d_minus_1_max_difference", "max |ℓ PPCA(q = D − 1) − ℓ full Gaussian|",
                  convention: "natural log, per row")
    }
}
