// NonlinearLVM+EvenGrid — log p(x) by the trapezoid rule on an even grid over the prior, summed only where the
// integrand is not negligible (a "pruned" even grid).
//
// The rule is `LatentQuadrature.trapezoid(halfWidth: a, pointsPerDimension: K, dimension: d)`: nodes zₘ on an even
// grid of spacing h = 2a/(K − 1) over [−a, a]^d, weights wₘ = h^d Πⱼ φ(z_mj) (halved at the ends of each axis), so
//   log p(x) ≈ log Σₘ exp(tₘ),   tₘ = log wₘ + log N(x; f_θ(zₘ), σ²I).
// It needs no guess of where the posterior is, so it finds every mode (an adaptive rule placed under an encoder's
// q_φ(z|x) does not: it misses the modes q_φ does not cover). But for a narrow posterior almost every term is
// negligible, and evaluating log N(x; fₘ, σ²I) at all K^d nodes for every x is most of the cost. So, row by row:
//   1. tₘ on the coarse sub-grid of every c-th node per axis (indices 0, c, 2c, …, K − 1; c divides K − 1);
//      T = the largest of them;
//   2. a node of the full grid is summed when a coarse node within c grid steps along every axis (the corners of
//      the coarse cells it touches) has tₘ ≥ T − cutoff; every other node is skipped.
// A skipped node lies in coarse cells whose corners are all below T − cutoff, so it is skipped wrongly only when the
// log-integrand rises by more than `cutoff` nats inside a coarse cell of side c·h above all the cell's corners — a
// mode narrower than the coarse cell and higher than its surroundings by that much. With cutoff = 60 nats the kept
// terms give log p(x) to ~e^{−60} relative whenever that does not happen (NonlinearLVMEvenGridTests compares with
// the full sum on digits and on a bimodal posterior). The decoder is evaluated once at all K^d nodes and shared
// by every row; rows are independent, computed in the same order whatever the split over the cores (RowParallel),
// so the result does not depend on the number of processors. Natural log.

import Foundation
import LinearAlgebra

/// log p(xₙ) by a pruned even grid, and how many of the grid's nodes each row summed.
public struct EvenGridMarginals: Sendable, Equatable {
    /// log p(xₙ) (natural log), one per row.
    public let logMarginals: [Double]
    /// Nodes summed for each row (of `gridNodes`).
    public let nodesSummed: [Int]
    /// K^d, the nodes of the full grid.
    public let gridNodes: Int

    /// (1/N) Σₙ log p(xₙ).
    public var meanLogMarginal: Double { logMarginals.reduce(0, +) / Double(logMarginals.count) }
}

extension NonlinearLVM {
    /// log p(xₙ) for every row of x (N, D) by `LatentQuadrature.trapezoid(halfWidth:pointsPerDimension:dimension:)`
    /// over the latent space, each row summed over the nodes near the coarse sub-grid's nodes within `cutoff` nats of
    /// its largest term (see the file header). `coarseStride` c must divide `pointsPerDimension − 1`; c = 1 sums
    /// nodes near every coarse node above the cutoff, and a cutoff of +∞ sums the full grid.
    public func evenGridLogMarginals(_ x: Matrix, halfWidth: Double, pointsPerDimension k: Int, coarseStride c: Int,
                                     cutoff: Double = 60) throws(NonlinearModelError) -> EvenGridMarginals {
        try check(x)
        guard c >= 1, k >= 2, (k - 1) % c == 0 else {
            throw .invalidArgument("even grid: the coarse stride \(c) must divide pointsPerDimension − 1 = \(k - 1)")
        }
        guard cutoff > 0 else { throw .invalidArgument("even grid: the cutoff must be positive (got \(cutoff))") }
        let rule = try LatentQuadrature.trapezoid(halfWidth: halfWidth, pointsPerDimension: k, dimension: latentDimension)
        let d = latentDimension, dx = dataDimension, total = rule.count
        let f = decoder(rule.nodes)                                                  // (K^d, D), shared by every row
        let ff = NonlinearKernels.rowSquaredNorms(f)                                 // (K^d)
        let logWeights = rule.logWeights
        let c0 = -0.5 * Double(dx) * (log(2 * Double.pi) + logNoiseVariance)
        let inv2v = 0.5 / noiseVariance
        let kc = (k - 1) / c + 1                                                     // coarse nodes per axis
        let coarseCount = (0..<d).reduce(1) { product, _ in product * kc }
        // The flat index of a multi-index (i₁, …, i_d), the last axis fastest (as LatentQuadrature.tensor).
        @Sendable func flat(_ idx: [Int]) -> Int { idx.reduce(0) { $0 * k + $1 } }
        let coarse: [Int] = (0..<coarseCount).map { m in
            var rest = m, idx = [Int](repeating: 0, count: d)
            for j in stride(from: d - 1, through: 0, by: -1) { idx[j] = (rest % kc) * c; rest /= kc }
            return flat(idx)
        }
        let n = x.rows
        var out = [Double](repeating: 0, count: n)
        var counts = [Double](repeating: 0, count: n)
        x.elements.withUnsafeBufferPointer { xb in
        f.elements.withUnsafeBufferPointer { fb in
        ff.withUnsafeBufferPointer { ffb in
        logWeights.withUnsafeBufferPointer { wb in
        coarse.withUnsafeBufferPointer { cob in
        out.withUnsafeMutableBufferPointer { ob in
        counts.withUnsafeMutableBufferPointer { cb in
            let (xp, fp) = (SendableConstRows(xb.baseAddress!), SendableConstRows(fb.baseAddress!))
            let (ffp, wp) = (SendableConstRows(ffb.baseAddress!), SendableConstRows(wb.baseAddress!))
            let cop = SendableConstIndices(cob.baseAddress!)
            let (op, cp) = (SendableRows(ob.baseAddress!), SendableRows(cb.baseAddress!))
            RowParallel.forEachChunk(rows: n, work: n * (coarseCount + 1_000) * dx) { rows in
                // scratch of this chunk (raw buffers: no copy-on-write checks in the inner loops)
                let keep = UnsafeMutableBufferPointer<Bool>.allocate(capacity: total)
                keep.initialize(repeating: false)
                let coarseTerms = UnsafeMutableBufferPointer<Double>.allocate(capacity: coarseCount)
                let values = UnsafeMutableBufferPointer<Double>.allocate(capacity: total)
                let idx = UnsafeMutableBufferPointer<Int>.allocate(capacity: 3 * d)
                defer { keep.deallocate(); coarseTerms.deallocate(); values.deallocate(); idx.deallocate() }
                let (lower, upper) = (idx.baseAddress! + d, idx.baseAddress! + 2 * d)
                for i in rows {
                    let xi = xp.base + i * dx
                    var xx = 0.0
                    for j in 0..<dx { xx += xi[j] * xi[j] }
                    // tₘ = log wₘ + log N(x; fₘ, σ²I)
                    @inline(__always) func term(_ m: Int) -> Double {
                        let fm = fp.base + m * dx
                        // x·fₘ in two SIMD chains of four lanes, then the tail: a fixed order, so the same bits always
                        var (a, b) = (SIMD4<Double>(), SIMD4<Double>())
                        var j = 0
                        while j + 8 <= dx {
                            let (x0, x1) = (UnsafeRawPointer(xi + j).loadUnaligned(as: SIMD4<Double>.self),
                                            UnsafeRawPointer(xi + j + 4).loadUnaligned(as: SIMD4<Double>.self))
                            let (f0, f1) = (UnsafeRawPointer(fm + j).loadUnaligned(as: SIMD4<Double>.self),
                                            UnsafeRawPointer(fm + j + 4).loadUnaligned(as: SIMD4<Double>.self))
                            a += x0 * f0
                            b += x1 * f1
                            j += 8
                        }
                        var tail = 0.0
                        while j < dx { tail += xi[j] * fm[j]; j += 1 }
                        let v = a + b
                        let dot = ((v[0] + v[1]) + (v[2] + v[3])) + tail
                        return wp.base[m] + c0 - inv2v * max(0, xx - 2 * dot + ffp.base[m])
                    }
                    var top = -Double.infinity
                    for q in 0..<coarseCount {
                        coarseTerms[q] = term(cop.base[q])
                        top = max(top, coarseTerms[q])
                    }
                    // mark the box of every coarse node above the cutoff: runs along the last axis, the others by odometer
                    var first = total, last = -1
                    for q in 0..<coarseCount where coarseTerms[q] >= top - cutoff {
                        var rest = cop.base[q]
                        for j in stride(from: d - 1, through: 0, by: -1) {
                            let centre = rest % k
                            rest /= k
                            (lower[j], upper[j]) = (max(0, centre - c), min(k - 1, centre + c))
                        }
                        for j in 0..<d { idx[j] = lower[j] }
                        while true {
                            var base = 0
                            for j in 0..<(d - 1) { base = base * k + idx[j] }
                            base *= k
                            let (runStart, runEnd) = (base + lower[d - 1], base + upper[d - 1])
                            for m in runStart...runEnd { keep[m] = true }
                            first = min(first, runStart)
                            last = max(last, runEnd)
                            var j = d - 2
                            while j >= 0 && idx[j] == upper[j] { idx[j] = lower[j]; j -= 1 }
                            if j < 0 { break }
                            idx[j] += 1
                        }
                    }
                    // the marked nodes in node order (the same bits on any split), unmarked again for the next row
                    var peak = -Double.infinity, count = 0
                    for m in first...last where keep[m] {
                        let t = term(m)
                        values[count] = t
                        count += 1
                        peak = max(peak, t)
                        keep[m] = false
                    }
                    var sum = 0.0
                    for e in 0..<count { sum += exp(values[e] - peak) }
                    op.base[i] = peak + log(sum)
                    cp.base[i] = Double(count)
                }
            }
        } } } } } } }
        return EvenGridMarginals(logMarginals: out, nodesSummed: counts.map { Int($0) }, gridNodes: total)
    }
}

/// Read-only raw pointers for the chunks of `RowParallel.forEachChunk`.
struct SendableConstRows: @unchecked Sendable {
    let base: UnsafePointer<Double>
    init(_ base: UnsafePointer<Double>) { self.base = base }
}

struct SendableConstIndices: @unchecked Sendable {
    let base: UnsafePointer<Int>
    init(_ base: UnsafePointer<Int>) { self.base = base }
}
