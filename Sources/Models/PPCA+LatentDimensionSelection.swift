import Foundation
import LinearAlgebra

/// Step 8's three answers to "how many latent dimensions?" for one data matrix X (N, D): the held-out average
/// log-likelihood on several seeded random splits, and, on all N rows, Minka's Laplace evidence and BIC
/// (`LatentDimensionCriteria`). Every q shown has σ²_ML > D·ε·λ₁ on the rows it was fitted to. (The PPCA lesson's
/// step 8.)
public struct LatentDimensionSelection: Sendable {
    /// One random split: the ML fit on its training rows, evaluated on them and on the held-out rows.
    public struct Split: Sendable {
        public var trainingRows: Int, heldOutRows: Int
        public var qs: [Int]                       // every q with a model on this split's training rows
        public var train: [Double], heldOut: [Double]
        public var bestQ: Int                      // argmax of heldOut
    }

    public var dimension: Int
    public var splits: [Split]
    /// The q with a model on every split, with the held-out mean and standard deviation
    /// (1/(S − 1)) over the S splits.
    public var sharedQs: [Int], heldOutMean: [Double], heldOutSD: [Double]
    /// The q with a model on all rows, ℓ of those models on all rows, and their BIC (higher is better).
    public var allRowsQs: [Int], allRowsLogLikelihood: [Double], bic: [Double]
    /// Minka's log evidence for k = 1 … D − 1 (−∞ where λ_k < 10⁻¹⁵), on the 1/(N − 1) eigenvalues.
    public var minkaLogEvidence: [Double]

    public var qMaxShown: Int { max(splits.map { $0.qs.last ?? 0 }.max() ?? 0, allRowsQs.last ?? 0) }
    public var bestQOfMean: Int { sharedQs[heldOutMean.indices.max { heldOutMean[$0] < heldOutMean[$1] }!] }
    public var bicQ: Int { allRowsQs[bic.indices.max { bic[$0] < bic[$1] }!] }
    public var minkaQ: Int { minkaLogEvidence.indices.max { minkaLogEvidence[$0] < minkaLogEvidence[$1] }! + 1 }

    /// Minka's evidence per row on the scale of ℓ: (1/N) log p(X | k) − (D/2)(1 + log 2π). scikit-learn's formula
    /// leaves out −(ND/2)(1 + log 2π), a constant in k that the likelihood at the ML fit contains.
    public func minkaPerRow(sampleCount n: Int) -> [Double] {
        minkaLogEvidence.map { $0 / Double(n) - Double(dimension) / 2 * (1 + log(2 * Double.pi)) }
    }

    /// `orders`: one shuffle of 0..<N per split; its first ⌊2N/3⌋ rows train, the rest are held out.
    public init(_ x: Matrix, orders: [[Int]], allRows fit: PPCAMaximumLikelihood? = nil) throws {
        let n = x.rows, d = x.columns
        dimension = d
        let splits = try orders.map { order in
            let training = Set(order[..<((2 * n) / 3)])
            let train = x.rows(at: (0..<n).filter { training.contains($0) })       // (2N/3, D)
            let heldOut = x.rows(at: (0..<n).filter { !training.contains($0) })    // (N/3, D)
            let fit = try PPCAMaximumLikelihood(train)
            let qs = try Self.latentDimensionsWithAModel(fit)
            let heldOutLL = try fit.averageLogLikelihoods(heldOut, latentDimensions: qs)
            return Split(trainingRows: train.rows, heldOutRows: heldOut.rows, qs: qs,
                         train: try fit.averageLogLikelihoods(train, latentDimensions: qs), heldOut: heldOutLL,
                         bestQ: qs[heldOutLL.indices.max { heldOutLL[$0] < heldOutLL[$1] }!])
        }
        self.splits = splits
        let shared = splits.dropFirst().reduce(splits[0].qs) { shared, split in shared.filter(split.qs.contains) }
        let columns = shared.map { q in splits.map { $0.heldOut[$0.qs.firstIndex(of: q)!] } }
        let means = columns.map { $0.reduce(0, +) / Double($0.count) }
        sharedQs = shared
        heldOutMean = means
        heldOutSD = zip(columns, means).map { values, mean in
            (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(values.count - 1, 1))).squareRoot()
        }
        let all = try fit ?? PPCAMaximumLikelihood(x)
        allRowsQs = try Self.latentDimensionsWithAModel(all)
        allRowsLogLikelihood = try all.averageLogLikelihoods(x, latentDimensions: allRowsQs)
        bic = zip(allRowsQs, allRowsLogLikelihood).map { q, ell in
            LatentDimensionCriteria.bic(averageLogLikelihood: ell, dimension: d, latentDimension: q, sampleCount: n)
        }
        minkaLogEvidence = all.minkaLogEvidences()
        guard !sharedQs.isEmpty, !allRowsQs.isEmpty else {
            throw PPCAError.zeroNoiseVariance(sigma2: 0, largestEigenvalue: all.eigenvalues.first ?? 0)
        }
    }

    /// Every q in 1…D − 1 whose ML model exists (σ²_ML > D·ε·λ₁).
    public static func latentDimensionsWithAModel(_ fit: PPCAMaximumLikelihood) throws(PPCAError) -> [Int] {
        var qs: [Int] = []
        for q in 1..<fit.dimension where try fit.modelIfItExists(latentDimension: q) != nil { qs.append(q) }
        return qs
    }

    /// The columns whose most frequent value fills at least `share` of the rows (for the digits: border pixels that
    /// are 0 in 99 % of the images or more), in column order.
    public static func nearConstantColumns(_ x: Matrix, share: Double) -> [Int] {
        (0..<x.columns).filter { j in
            var counts: [Double: Int] = [:]
            for i in 0..<x.rows { counts[x[i, j], default: 0] += 1 }
            return Double(counts.values.max() ?? 0) >= share * Double(x.rows)
        }
    }
}

extension PPCAMaximumLikelihood {
    /// The ML model for q, or nil when σ²_ML = 0 (the rows lie in a q-dimensional subspace); other errors are thrown.
    public func modelIfItExists(latentDimension q: Int) throws(PPCAError) -> PPCA? {
        do { return try model(latentDimension: q) } catch .zeroNoiseVariance { return nil }
    }
}
