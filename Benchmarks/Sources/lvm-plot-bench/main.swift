// lvm-plot-bench: times the Plotting benchmark figure (PlottingBenchmark.standardFigure(): 500 points, filled
// contours and contour lines of a 200 × 200 grid, 20 ellipses) rendered to PNG (scale 2, as the report) and to SVG.
// Each timed call builds the figure and renders it once, so the grid evaluation and the marching squares are included.
// Prints one JSON line per format: {"format": "png", "median_s": …, "min_s": …, "repeats": …, "bytes": …}.
// Time: the calling thread's CPU time (one core), median over ≥ 7 calls after a warm-up.
// Usage: lvm-plot-bench [--quick]
import Plotting

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

let quick = CommandLine.arguments.contains("--quick")
for (format, scale) in [(ImageFormat.png, 2.0), (ImageFormat.svg, 1.0)] {
    var bytes = try PlottingBenchmark.standardFigure().render(format, scale: scale).count   // warm-up
    let start = now()
    _ = try PlottingBenchmark.standardFigure().render(format, scale: scale)
    let first = max(now() - start, 1e-6)
    let repeats = min(51, max(quick ? 3 : 7, Int((quick ? 0.5 : 2.0) / first)))
    var times: [Double] = []
    for _ in 0..<repeats {
        let t0 = now()
        bytes = try PlottingBenchmark.standardFigure().render(format, scale: scale).count
        times.append(now() - t0)
    }
    times.sort()
    print("{\"format\": \"\(format.rawValue)\", \"scale\": \(scale), \"median_s\": \(times[times.count / 2]), \"min_s\": \(times[0]), \"repeats\": \(repeats), \"bytes\": \(bytes)}")
}
