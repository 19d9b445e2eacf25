import Foundation
import LinearAlgebra

/// Mixtures of probabilistic principal component analysers (Tipping & Bishop 1999, "Mixtures of probabilistic
/// principal component analyzers", Neural Computation 11(2):443–482; PRML §12.2 and §9.2).
///
/// K components, each a PPCA (μₖ, Wₖ, σₖ²) with mixing weight πₖ:
///
///     p(x) = Σₖ πₖ N(x; μₖ, Cₖ),    Cₖ = WₖWₖᵀ + σₖ²I,
///
/// each density by Woodbury (`PPCA.logLikelihoods`) and the sum by log-sum-exp (natural log throughout). A locally
/// linear model of a curved manifold: each component is a flat q-dimensional "pancake".
///
/// EM (Tipping & Bishop, Appendix C). E-step: the responsibilities Rₙₖ = πₖN(xₙ; μₖ, Cₖ) / Σⱼ πⱼN(xₙ; μⱼ, Cⱼ), from
/// log πₖ + log N(xₙ; μₖ, Cₖ) with log-sum-exp. M-step: Nₖ = Σₙ Rₙₖ, πₖ = Nₖ/N, μₖ = (1/Nₖ) Σₙ Rₙₖ xₙ, and with the
/// responsibility-weighted 1/Nₖ covariance Sₖ = (1/Nₖ) Σₙ Rₙₖ (xₙ − μₖ)(xₙ − μₖ)ᵀ, PPCA's closed form on Sₖ:
/// σₖ² = the mean of Sₖ's D − q smallest eigenvalues, Wₖ = U_q(Λ_q − σₖ²I)^{1/2}. Tipping & Bishop show this is the
/// exact maximiser of the expected complete-data log-likelihood over (Wₖ, σₖ²) (their eq. 9 applied to Sₖ), so
/// each iteration cannot decrease ℓ.
///
/// Variance floor: a component that captures ≤ q + 1 points (or points on a flat q-dimensional piece) would send
/// σₖ² → 0 and ℓ → +∞ (the usual collapse of Gaussian mixtures). So σₖ² ≥ f · tr(S)/D, with S the 1/N covariance of
/// all the data and f = `varianceFloor` (default 10⁻⁶). For a fixed Sₖ the profile likelihood is unimodal in σₖ², so
/// the floored closed form is still the exact constrained M-step. A component whose Nₖ falls below 10⁻¹²·N keeps its
/// previous parameters with πₖ = Nₖ/N (it has left the data).
public struct MixtureOfPPCA: Sendable, Equatable {
    /// The K components (all with the same D and q).
    public let components: [PPCA]
    /// π, K entries ≥ 0 summing to 1.
    public let weights: [Double]

    /// Checks that the components share D and that the weights are a probability vector (sum 1 to 10⁻⁹).
    public init(components: [PPCA], weights: [Double]) throws(PPCAError) {
        guard !components.isEmpty else { throw .invalidComponentCount(components: 0, samples: 0) }
        guard weights.count == components.count, weights.allSatisfy({ $0.isFinite && $0 >= 0 }),
              abs(weights.reduce(0, +) - 1) <= 1e-9 else { throw .invalidMixingWeights(weights) }
        let d = components[0].dimension
        for (k, c) in components.enumerated() where c.dimension != d {
            throw .dimensionMismatch("component \(k) has D = \(c.dimension), component 0 has D = \(d)")
        }
        self.components = components
        self.weights = weights
    }

    public var componentCount: Int { components.count }
    public var dimension: Int { components[0].dimension }

    /// log πₖ + log N(xₙ; μₖ, Cₖ), (N, K).
    public func weightedComponentLogDensities(_ x: Matrix) throws(PPCAError) -> Matrix {
        let k = componentCount
        var result = Matrix(rows: x.rows, columns: k, repeating: 0)
        for (c, component) in components.enumerated() {
            let values = try component.logLikelihoods(x)
            let logWeight = log(weights[c])
            for n in 0..<x.rows { result.elements[n * k + c] = logWeight + values[n] }
        }
        return result
    }

    /// log p(xₙ) = log Σₖ πₖ N(xₙ; μₖ, Cₖ) per row, by log-sum-exp (natural log).
    public func logLikelihoods(_ x: Matrix) throws(PPCAError) -> [Double] {
        Self.logSumExpRows(try weightedComponentLogDensities(x))
    }

    /// (1/N) Σₙ log p(xₙ), natural log.
    public func averageLogLikelihood(_ x: Matrix) throws(PPCAError) -> Double {
        let values = try logLikelihoods(x)
        guard !values.isEmpty else { return .nan }
        return values.reduce(0, +) / Double(values.count)
    }

    /// Rₙₖ = πₖN(xₙ; μₖ, Cₖ) / Σⱼ πⱼN(xₙ; μⱼ, Cⱼ), (N, K); each row sums to 1.
    public func responsibilities(_ x: Matrix) throws(PPCAError) -> Matrix {
        Self.responsibilities(fromLogDensities: try weightedComponentLogDensities(x)).responsibilities
    }

    /// log Σₖ exp(aₙₖ) for each row, shifting by the row's maximum.
    static func logSumExpRows(_ a: Matrix) -> [Double] {
        let k = a.columns
        return (0..<a.rows).map { n in
            let row = a.elements[(n * k)..<((n + 1) * k)]
            let largest = row.max()!
            guard largest.isFinite else { return largest }
            return largest + log(row.reduce(0) { $0 + exp($1 - largest) })
        }
    }

    /// Rₙₖ = exp(aₙₖ − log Σⱼ exp(aₙⱼ)) and the average of the row log-sum-exps (ℓ).
    static func responsibilities(fromLogDensities a: Matrix) -> (responsibilities: Matrix, averageLogLikelihood: Double) {
        let totals = logSumExpRows(a)
        var r = a
        let k = a.columns
        for n in 0..<a.rows { for c in 0..<k { r.elements[n * k + c] = exp(a.elements[n * k + c] - totals[n]) } }
        return (r, totals.reduce(0, +) / Double(max(a.rows, 1)))
    }
}

/// One EM run of a mixture of PPCA.
public struct MixtureOfPPCAResult: Sendable {
    /// The model after the last iteration.
    public let model: MixtureOfPPCA
    /// The number of EM updates performed.
    public let iterations: Int
    /// Whether the stopping rule was met before `maxIterations`.
    public let converged: Bool
    /// Average log-likelihood per row (natural log) after k updates (entry 0 at the k-means start).
    public let logLikelihoods: [Double]

    public var finalLogLikelihood: Double { logLikelihoods[logLikelihoods.count - 1] }
}

/// Several EM runs of a mixture from different k-means starts.
public struct MixtureOfPPCAMultiStartResult: Sendable {
    /// One result per start, in the order they were run.
    public let runs: [MixtureOfPPCAResult]
    /// The index in `runs` of the highest final log-likelihood (the first on a tie).
    public let bestIndex: Int
    public var best: MixtureOfPPCAResult { runs[bestIndex] }
}

extension MixtureOfPPCA {
    /// Fits K components of latent dimension q to X (N, D) by EM (see the type's documentation).
    ///
    /// Start: k-means++ centres (Arthur & Vassilvitskii 2007: the first a uniformly drawn row, each next one a row
    /// drawn with probability ∝ its squared distance to the nearest centre so far, all from `g`), then
    /// `kMeansIterations` Lloyd iterations (an empty cluster keeps its centre); the first M-step is taken on the hard
    /// assignments smoothed as Rₙₖ = 0.99·[n in cluster k] + 0.01/K (so no component starts empty). Deterministic
    /// given the generator's state. Stopping rule as `PPCA.fitEM` (gain and estimated remaining gap below
    /// `tolerance` · max(1, |ℓ|)).
    public static func fitEM<G: RandomNumberGenerator>(
        _ x: Matrix, components k: Int, latentDimension q: Int, maxIterations: Int, tolerance: Double = 1e-10,
        varianceFloor: Double = 1e-6, kMeansIterations: Int = 10, using g: inout G
    ) throws(PPCAError) -> MixtureOfPPCAResult {
        let (n, d) = (x.rows, x.columns)
        guard n >= 2 else { throw .tooFewSamples(count: n) }
        guard q >= 1, q < d else { throw .invalidLatentDimension(q: q, dimension: d) }
        guard k >= 1, k <= n else { throw .invalidComponentCount(components: k, samples: n) }
        guard x.isFinite else { throw .nonFinite("the data") }
        let overall = Statistics.covariance(x, normalization: .maximumLikelihood)
        let floor = varianceFloor * overall.trace / Double(d)
        guard floor > 0 else { throw .zeroNoiseVariance(sigma2: 0, largestEigenvalue: 0) }

        let assignment = kMeans(x, clusters: k, iterations: kMeansIterations, using: &g)
        var r = Matrix(rows: n, columns: k, repeating: 0.01 / Double(k))
        for i in 0..<n { r.elements[i * k + assignment[i]] += 0.99 }
        var model = try maximisation(x, responsibilities: r, latentDimension: q, varianceFloor: floor, previous: nil)
        var (responsibilities, ll) = Self.responsibilities(fromLogDensities: try model.weightedComponentLogDensities(x))
        var logLikelihoods = [ll]
        var converged = false
        var iterations = 0
        while iterations < maxIterations {
            model = try maximisation(x, responsibilities: responsibilities, latentDimension: q, varianceFloor: floor,
                                     previous: model)
            iterations += 1
            (responsibilities, ll) = Self.responsibilities(fromLogDensities: try model.weightedComponentLogDensities(x))
            logLikelihoods.append(ll)
            if EMStoppingRule.isConverged(logLikelihoods, tolerance: tolerance) { converged = true; break }
        }
        return MixtureOfPPCAResult(model: model, iterations: iterations, converged: converged, logLikelihoods: logLikelihoods)
    }

    /// `starts` runs of `fitEM` drawing from the same generator one after the other; all are kept, the best is marked.
    public static func fitEM<G: RandomNumberGenerator>(
        _ x: Matrix, components k: Int, latentDimension q: Int, starts: Int, maxIterations: Int,
        tolerance: Double = 1e-10, varianceFloor: Double = 1e-6, kMeansIterations: Int = 10, using g: inout G
    ) throws(PPCAError) -> MixtureOfPPCAMultiStartResult {
        guard starts >= 1 else { throw .invalidStartCount(starts) }
        var runs: [MixtureOfPPCAResult] = []
        for _ in 0..<starts {
            runs.append(try fitEM(x, components: k, latentDimension: q, maxIterations: maxIterations, tolerance: tolerance,
                                  varianceFloor: varianceFloor, kMeansIterations: kMeansIterations, using: &g))
        }
        var bestIndex = 0
        for (i, run) in runs.enumerated() where run.finalLogLikelihood > runs[bestIndex].finalLogLikelihood { bestIndex = i }
        return MixtureOfPPCAMultiStartResult(runs: runs, bestIndex: bestIndex)
    }

    /// The M-step from responsibilities R (N, K): πₖ, μₖ, and PPCA's closed form on Sₖ with σₖ² ≥ `floor`.
    static func maximisation(_ x: Matrix, responsibilities r: Matrix, latentDimension q: Int, varianceFloor floor: Double,
                             previous: MixtureOfPPCA?) throws(PPCAError) -> MixtureOfPPCA {
        let (n, d, k) = (x.rows, x.columns, r.columns)
        var components: [PPCA] = []
        var weights: [Double] = []
        for c in 0..<k {
            var nk = 0.0
            var mean = [Double](repeating: 0, count: d)
            for i in 0..<n {
                let rik = r.elements[i * k + c]
                nk += rik
                for j in 0..<d { mean[j] += rik * x.elements[i * d + j] }
            }
            weights.append(nk / Double(n))
            if nk <= 1e-12 * Double(n), let previous {
                components.append(previous.components[c])
                continue
            }
            for j in 0..<d { mean[j] /= nk }
            var y = Matrix(rows: n, columns: d, repeating: 0)      // √Rₙₖ (xₙ − μₖ)
            for i in 0..<n {
                let scale = r.elements[i * k + c].squareRoot()
                for j in 0..<d { y.elements[i * d + j] = scale * (x.elements[i * d + j] - mean[j]) }
            }
            var s = y.transposeTimes(y)
            for e in 0..<(d * d) { s.elements[e] /= nk }
            let eigen: SymmetricEigen
            do { eigen = try SymmetricEigen(of: s) } catch { throw .linearAlgebra(error) }
            let sigma2 = max(eigen.eigenvalues[q...].reduce(0, +) / Double(d - q), floor)
            var w = Matrix(rows: d, columns: q, repeating: 0)
            for a in 0..<q {
                let scale = max(eigen.eigenvalues[a] - sigma2, 0).squareRoot()
                for j in 0..<d { w[j, a] = eigen.eigenvectors[j, a] * scale }
            }
            components.append(try PPCA(mean: mean, loading: w, noiseVariance: sigma2))
        }
        let total = weights.reduce(0, +)
        return try MixtureOfPPCA(components: components, weights: weights.map { $0 / total })
    }

    /// k-means++ seeding and `iterations` Lloyd iterations; returns each row's cluster (0..<clusters).
    static func kMeans<G: RandomNumberGenerator>(_ x: Matrix, clusters k: Int, iterations: Int, using g: inout G) -> [Int] {
        let (n, d) = (x.rows, x.columns)
        func squaredDistance(_ i: Int, _ centre: [Double]) -> Double {
            var s = 0.0
            for j in 0..<d { let t = x.elements[i * d + j] - centre[j]; s += t * t }
            return s
        }
        var centres = [x.row(min(Int(g.nextUniform() * Double(n)), n - 1))]
        var nearest = (0..<n).map { squaredDistance($0, centres[0]) }
        while centres.count < k {
            let total = nearest.reduce(0, +)
            var chosen = n - 1
            if total > 0 {
                let target = g.nextUniform() * total
                var cumulative = 0.0
                for i in 0..<n { cumulative += nearest[i]; if cumulative > target { chosen = i; break } }
            } else {
                chosen = min(Int(g.nextUniform() * Double(n)), n - 1)
            }
            centres.append(x.row(chosen))
            for i in 0..<n { nearest[i] = min(nearest[i], squaredDistance(i, centres[centres.count - 1])) }
        }
        var assignment = [Int](repeating: 0, count: n)
        for iteration in 0...iterations {
            for i in 0..<n {
                var best = 0, bestDistance = Double.infinity
                for c in 0..<k {
                    let distance = squaredDistance(i, centres[c])
                    if distance < bestDistance { best = c; bestDistance = distance }
                }
                assignment[i] = best
            }
            if iteration == iterations { break }
            var sums = [[Double]](repeating: [Double](repeating: 0, count: d), count: k)
            var counts = [Int](repeating: 0, count: k)
            for i in 0..<n {
                counts[assignment[i]] += 1
                for j in 0..<d { sums[assignment[i]][j] += x.elements[i * d + j] }
            }
            for c in 0..<k where counts[c] > 0 { centres[c] = sums[c].map { $0 / Double(counts[c]) } }
        }
        return assignment
    }
}
