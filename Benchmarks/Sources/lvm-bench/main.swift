// lvm-bench: times the LinearAlgebra kernels and prints one JSON object per line:
//   {"kernel": "multiply", "size": "256", "median_s": 0.0012, "flops": 33554432, "repeats": 31}
// Times are medians of the calling thread's CPU time (see `now()`).
// Usage: lvm-bench [--quick] [kernel-prefix ...]
// Inputs are seeded (Xoshiro256StarStar) so every run times the same matrices; numpy's peer script uses its own seeded
// inputs of the same shapes and distributions (timing does not depend on the particular values).
import LinearAlgebra

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// CPU time of the calling thread, in seconds. The machine is shared, so wall-clock time would mostly measure the
/// other processes; thread CPU time does not count the time this thread waits for a core (caches are still shared,
/// so a busy machine still slows both sides somewhat). The numpy peer uses the same clock (time.thread_time).
func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

/// Median wall-clock time of `body` over repeats chosen so the whole measurement takes about `budget` seconds
/// (at least 5 repeats, at most 201), after one warm-up call.
func medianTime(budget: Double, _ body: () throws -> Void) rethrows -> (median: Double, repeats: Int) {
    let start = now()
    try body()                                   // warm-up (also sizes the repeat count)
    let first = Swift.max(now() - start, 1e-7)
    let repeats = Swift.min(201, Swift.max(5, Int(budget / first)) | 1)
    var times: [Double] = []
    times.reserveCapacity(repeats)
    for _ in 0..<repeats {
        let t0 = now()
        try body()
        times.append(now() - t0)
    }
    times.sort()
    return (times[times.count / 2], repeats)
}

/// Keeps results alive so the optimiser cannot drop the work.
nonisolated(unsafe) var sink = 0.0

func report(_ kernel: String, _ size: String, _ result: (median: Double, repeats: Int), flops: Double?) {
    var line = "{\"kernel\": \"\(kernel)\", \"size\": \"\(size)\", \"median_s\": \(result.median), \"repeats\": \(result.repeats)"
    if let flops { line += ", \"flops\": \(flops)" }
    print(line + "}")
}

func gaussian(_ m: Int, _ n: Int, seed: UInt64) -> Matrix {
    var g = Xoshiro256StarStar(seed: seed)
    return Matrix(rows: m, columns: n, elements: (0..<(m * n)).map { _ in g.nextStandardNormal() })
}

let arguments = Array(CommandLine.arguments.dropFirst())
let quick = arguments.contains("--quick")
let filters = arguments.filter { !$0.hasPrefix("--") }
let budget = quick ? 0.3 : 1.5
func wanted(_ kernel: String) -> Bool { filters.isEmpty || filters.contains { kernel.hasPrefix($0) } }

if wanted("multiply") {
    for n in [64, 256, 512] {
        let a = gaussian(n, n, seed: 1), b = gaussian(n, n, seed: 2)
        let r = medianTime(budget: budget) { sink += (a * b).elements[0] }
        report("multiply", "\(n)", r, flops: 2 * Double(n * n * n))
    }
}
if wanted("eigh") {
    for n in [64, 128, 256, 512] {
        let b = gaussian(n, n, seed: 3)
        let a = 0.5 * (b + b.transposed)
        let r = try medianTime(budget: budget) { sink += try SymmetricEigen(of: a).eigenvalues[0] }
        report("eigh", "\(n)", r, flops: nil)
    }
}
if wanted("svd") {
    let a = gaussian(1797, 64, seed: 4)
    let r = try medianTime(budget: budget) { sink += try SVD(of: a).singularValues[0] }
    report("svd", "1797x64", r, flops: nil)
}
if wanted("extra") {
    // Not part of the goals: pieces that explain the totals above.
    let a = gaussian(64, 64, seed: 5)
    report("extra-svd", "64x64", try medianTime(budget: budget) { sink += try SVD(of: a).singularValues[0] }, flops: nil)
    let b = gaussian(1797, 64, seed: 6)
    report("extra-gram", "1797x64", medianTime(budget: budget) { sink += b.transposeTimes(b).elements[0] }, flops: 2 * 1797 * 64 * 64)
}
if sink == 0.123456789 { print(sink) }
