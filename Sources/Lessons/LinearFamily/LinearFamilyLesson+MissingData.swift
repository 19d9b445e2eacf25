import Foundation
import LessonKit
import LinearAlgebra
import Models

/// Step 4: PPCA by EM when values are missing (Tipping & Bishop 1999, §4).
extension LinearFamilyLesson {
    /// The share of the observed cells hidden in the main run, and the shares of the error curve.
    static let hiddenShare = 0.2
    static func hiddenShares(quick: Bool) -> [Double] { quick ? [0.1, 0.3, 0.5] : [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7] }
    static func missingMaxIterations(quick: Bool) -> Int { quick ? 150 : 400 }
    static let missingTolerance = 1e-10
    /// The rows whose imputations are drawn.
    static let imputationRows = 6

    /// The data with a seeded share of the *observed* cells hidden (NaN); the hidden cells' positions.
    static func hiding(_ share: Double, of x: Matrix, using random: inout some RandomNumberGenerator) -> (Matrix, [Int]) {
        var hidden = x
        var cells: [Int] = []
        for k in x.elements.indices where !x.elements[k].isNaN && random.nextUniform() < share {
            hidden.elements[k] = .nan
            cells.append(k)
        }
        // Keep every row and every column with at least one observed cell (EM needs both).
        let (n, d) = (x.rows, x.columns)
        for i in 0..<n where (0..<d).allSatisfy({ hidden[i, $0].isNaN }) {
            if let j = (0..<d).first(where: { !x[i, $0].isNaN }) { hidden[i, j] = x[i, j]; cells.removeAll { $0 == i * d + j } }
        }
        for j in 0..<d where (0..<n).allSatisfy({ hidden[$0, j].isNaN }) {
            if let i = (0..<n).first(where: { !x[$0, j].isNaN }) { hidden[i, j] = x[i, j]; cells.removeAll { $0 == i * d + j } }
        }
        return (hidden, cells)
    }

    /// Column means over the observed cells.
    static func observedColumnMeans(_ x: Matrix) -> [Double] {
        (0..<x.columns).map { j in
            var sum = 0.0, count = 0
            for i in 0..<x.rows where !x[i, j].isNaN { sum += x[i, j]; count += 1 }
            return count > 0 ? sum / Double(count) : 0
        }
    }

    /// √(mean of (estimate − truth)² over `cells`).
    static func rootMeanSquareError(_ estimate: Matrix, _ truth: Matrix, cells: [Int]) -> Double {
        guard !cells.isEmpty else { return 0 }
        return (cells.reduce(0) { $0 + pow(estimate.elements[$1] - truth.elements[$1], 2) } / Double(cells.count)).squareRoot()
    }

    func missingValues(_ inputs: LinearFamilyInputs, _ page: inout LessonRecorder, _ streams: LinearFamilyStreams) throws {
        let x = inputs.data                                                     // (N, D), NaN where the file had none
        let q = min(inputs.latentDimension, x.columns - 1)
        let maxIterations = Self.missingMaxIterations(quick: inputs.quick)

        // The main run: hide 20 % of the observed cells, fit, impute.
        var random = streams.generator(LinearFamilyStreams.hidden(Self.hiddenShare))
        let (hidden, cells) = Self.hiding(Self.hiddenShare, of: x, using: &random)
        let fit = try PPCA.fitEMWithMissingValues(hidden, latentDimension: q, maxIterations: maxIterations,
                                                  tolerance: Self.missingTolerance)
        let gains = zip(fit.logLikelihoods.dropFirst(), fit.logLikelihoods).map { $0 - $1 }
        let allowance = 1e-12 * max(1, abs(fit.logLikelihoods.last ?? 0))
        let monotone = gains.allSatisfy { $0 >= -allowance }
        let means = Self.observedColumnMeans(hidden)
        var meanImputed = hidden
        for k in cells { meanImputed.elements[k] = means[k % x.columns] }
        let emError = Self.rootMeanSquareError(fit.imputed, x, cells: cells)
        let meanError = Self.rootMeanSquareError(meanImputed, x, cells: cells)
        // The observed-data ℓ of the final model, evaluated a second way: each row's observed block of C by Cholesky.
        let direct = try Self.observedLogLikelihoodByCholesky(fit.model, hidden)
        page.check("missing_data.observed_likelihood",
                   method: "expected: the EM's own observed-data ℓ = (1/N) Σₙ log N(xₙ,O; μ_O, W_OW_Oᵀ + σ²I) by Woodbury on each row's observed entries; computed: the same with the observed block of C = WWᵀ + σ²I factored by Cholesky row by row; tolerance 4·D·κ·ε·max(1, |ℓ|), κ = (λ_max(WᵀW) + σ²)/σ²",
                   expected: fit.logLikelihoods.last ?? 0, computed: direct,
                   tolerance: 4 * Double(x.columns) * Self.conditionNumber(fit.model) * .ulpOfOne * max(1, abs(direct)))

        // The error against the share hidden.
        var curve: [(share: Double, em: Double, mean: Double)] = []
        for share in Self.hiddenShares(quick: inputs.quick) {
            var g = streams.generator(LinearFamilyStreams.hidden(share))
            let (y, hiddenCells) = Self.hiding(share, of: x, using: &g)
            let r = try PPCA.fitEMWithMissingValues(y, latentDimension: q, maxIterations: maxIterations,
                                                    tolerance: Self.missingTolerance)
            let m = Self.observedColumnMeans(y)
            var filled = y
            for k in hiddenCells { filled.elements[k] = m[k % x.columns] }
            curve.append((share, Self.rootMeanSquareError(r.imputed, x, cells: hiddenCells),
                          Self.rootMeanSquareError(filled, x, cells: hiddenCells)))
        }

        // Nothing missing: the complete rows, from the algorithm's own start, against the closed form.
        let complete = x.rows(at: inputs.completeRows)
        let closedForm = try PPCA.fit(complete, latentDimension: q).averageLogLikelihood(complete)
        let none = try PPCA.fitEMWithMissingValues(complete, latentDimension: q, maxIterations: maxIterations,
                                                   tolerance: Self.missingTolerance)
        let noneLogLikelihood = try none.model.averageLogLikelihood(complete)
        page.check("missing_data.no_missing",
                   method: "expected: ℓ of Tipping & Bishop's closed-form ML fit on the complete rows; computed: ℓ of the missing-data EM's model run on the same rows (nothing missing) and evaluated by Woodbury; tolerance 10⁻⁸ nats per row",
                   expected: closedForm, computed: noneLogLikelihood, tolerance: 1e-8)

        page.group("missing_data") { page in
            page.value("data_name", inputs.dataName, "the data the cells are hidden from")
            page.value("share_percent", 100 * Self.hiddenShare, "share of the observed cells hidden, in %")
            page.value("hidden_cells", cells.count, "cells hidden at random")
            page.value("latent_dim", q, "q of the missing-data PPCA")
            page.value("iterations", fit.iterations, "EM iterations (main run)")
            page.value("converged", fit.converged, "whether EM met its stopping rule")
            page.value("em_log_likelihood_monotone", monotone, "whether the observed-data ℓ never fell (beyond 10⁻¹²|ℓ|)")
            page.store(fit.logLikelihoods, at: "log_likelihoods")
            page.label("log_likelihoods", "observed-data ℓ per row at each iteration", .naturalLogAveragedOverRows)
            page.value("final_log_likelihood", fit.logLikelihoods.last ?? 0, "observed-data ℓ at the end", .naturalLogAveragedOverRows)
            page.value("imputation_rmse", emError, "root-mean-square error of EM's imputations over the hidden cells")
            page.value("mean_imputation_rmse", meanError, "root-mean-square error of column-mean imputation over the hidden cells")
            page.value("no_missing_gap", abs(noneLogLikelihood - closedForm), "|ℓ(missing-data EM, nothing missing) − ℓ(closed form)|",
                       .naturalLogAveragedOverRows)
            page.store(curve.map(\.share), at: "shares")
            page.store(curve.map(\.em), at: "imputation_rmse_by_share")
            page.store(curve.map(\.mean), at: "mean_imputation_rmse_by_share")
            page.group("user") { page in
                page.store(inputs.missing?.count ?? 0, at: "missing_cells")
                page.label("missing_cells", "missing cells in the file (--data)")
                page.store(inputs.missing?.rows ?? 0, at: "rows_with_missing")
                page.label("rows_with_missing", "rows of the file with a missing cell")
            }
            page.value("user_sentence", Self.userSentence(inputs), "what the file's own missing cells were")
        }
        let rows = Self.imputationRowsShown(cells: cells, columns: x.columns, rows: x.rows)
        page.figure("missing-em", LinearFamilyFigures.missingEM(fit.logLikelihoods))
        page.figure("imputations", LinearFamilyFigures.imputations(
            truth: x, hidden: hidden, em: fit.imputed, mean: meanImputed, rows: rows, cells: cells, imageShape: inputs.imageShape))
        page.figure("imputation-error", LinearFamilyFigures.imputationError(curve))
    }

    static func userSentence(_ inputs: LinearFamilyInputs) -> String {
        guard inputs.isUserData else {
            return "With --data, the cells your file leaves empty (or writes as NA or NaN) are missing too: EM fits them together with the hidden ones, and the numbers above are on your data."
        }
        guard let missing = inputs.missing else { return "Your file has no missing cells: all the missing cells above were hidden by the lesson." }
        return "Your file had \(missing.count) missing cell\(missing.count == 1 ? "" : "s") in \(missing.rows) row\(missing.rows == 1 ? "" : "s") (the first in line \(missing.first.line), column \(missing.first.column)). EM fitted them together with the cells the lesson hid. The errors above are over the hidden cells only, whose true values are known."
    }

    /// The rows the figure shows: the first `imputationRows` rows with at least one hidden cell.
    static func imputationRowsShown(cells: [Int], columns: Int, rows: Int) -> [Int] {
        var shown: [Int] = []
        for k in cells where !shown.contains(k / columns) {
            shown.append(k / columns)
            if shown.count == imputationRows { break }
        }
        return shown
    }

    /// (λ_max(WᵀW) + σ²)/σ², the condition number of C = WWᵀ + σ²I (and a bound for any principal block of it).
    static func conditionNumber(_ model: PPCA) -> Double {
        let wtw = model.loading.transposeTimes(model.loading)
        let largest = (try? SymmetricEigen(of: wtw))?.eigenvalues.max() ?? wtw.trace
        return largest / model.noiseVariance + 1
    }

    /// (1/N) Σₙ log N(xₙ,O; μ_O, C_OO) with C = WWᵀ + σ²I: each row's observed block factored by its own Cholesky.
    static func observedLogLikelihoodByCholesky(_ model: PPCA, _ x: Matrix) throws -> Double {
        let c = model.marginalCovariance
        var total = 0.0
        for i in 0..<x.rows {
            let observed = (0..<x.columns).filter { !x[i, $0].isNaN }
            let block = c.rows(at: observed).columns(at: observed)
            let residual = observed.map { x[i, $0] - model.mean[$0] }
            total += try GaussianModel(mean: [Double](repeating: 0, count: observed.count), covariance: block)
                .logLikelihoods(Matrix(rows: 1, columns: observed.count, elements: residual))[0]
        }
        return total / Double(x.rows)
    }
}
