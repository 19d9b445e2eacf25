// lvm-train-bench: times the lessons' four trainings with Models' public API and prints one JSON object per line:
//   {"training": "vae-digits", "side": "lvm-lessons", "wall_s": 1.23, "cpu_s": 1.25, "thread_cpu_s": 1.2, ...}
// The trainings, their sizes and schedules are the lessons' (full settings):
//   vae-arc          VAE lesson step 5 (VAELesson.trainArcVAE): 200 noisy-arc points, decoder 1 → 16 → 2 (tanh,
//                    linear output, learned log σ²), encoder 2 → 32 → 2·1, closed-form-KL reparameterised ELBO with
//                    S = 1, Adam 0.01 → 0.001 (geometric), 3000 steps of 50 rows (reshuffled every epoch)
//   vae-digits       VAE lesson step 5 (trainDigitsVAE): 1198 training digits (a seeded 2/3 of 1797 × 64), decoder
//                    2 → 64 → 64 (16·sigmoid), encoder 64 → 64 → 2·2, 1500 steps of 100 rows, S = 1
//   nonlinear-arc    nonlinear lesson step 4 (fitByQuadrature): the 1 → 16 → 2 decoder by maximum likelihood under
//                    the 161-node trapezoid rule on ±4, 600 full-batch Adam steps on 200 rows, 0.03 → 0.003
//   nonlinear-digits nonlinear lesson step 9: the 2 → 64 → 64 (16·sigmoid) decoder under Gauss–Hermite 20 × 20,
//                    1000 Adam steps of 200 rows of the 1198 training digits, 0.02 → 0.002
// Only the training loop is timed (models built, data read and split before the clock starts; no observer, as the
// lessons' evaluations every k steps are not training). Every run starts from the same seeded model and generator,
// so every run does the same work and ends at the same parameters (`final` and `checksum` say which, bit for bit).
//
// Clocks: wall (CLOCK_MONOTONIC), CPU time of the whole process (CLOCK_PROCESS_CPUTIME_ID: every thread — the
// quadrature marginal splits large products over the cores) and of the calling thread (CLOCK_THREAD_CPUTIME_ID).
// Each is the median over the runs (one warm-up run first).
// Usage: lvm-train-bench [--quick] [--runs R] [--digits PATH] [training-prefix ...]
import Datasets
import Foundation
import LinearAlgebra
import Models

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func clock(_ id: clockid_t) -> Double {
    var t = timespec()
    clock_gettime(id, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

struct Times { var wall: Double; var cpu: Double; var thread: Double }

func measure(_ body: () throws -> Void) rethrows -> Times {
    let (w0, c0, t0) = (clock(CLOCK_MONOTONIC), clock(CLOCK_PROCESS_CPUTIME_ID), clock(CLOCK_THREAD_CPUTIME_ID))
    try body()
    return Times(wall: clock(CLOCK_MONOTONIC) - w0, cpu: clock(CLOCK_PROCESS_CPUTIME_ID) - c0,
                 thread: clock(CLOCK_THREAD_CPUTIME_ID) - t0)
}

func median(_ v: [Double]) -> Double {
    let s = v.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : 0.5 * (s[s.count / 2 - 1] + s[s.count / 2])
}

/// A bit-exact fingerprint of a parameter vector (FNV-1a over the IEEE-754 bits), to see that two builds train the
/// same parameters.
func checksum(_ v: [Double]) -> String {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for x in v { h = (h ^ x.bitPattern) &* 0x100_0000_01b3 }
    return String(h, radix: 16)
}

let arguments = Array(CommandLine.arguments.dropFirst())
let quick = arguments.contains("--quick")
func option(_ name: String) -> String? {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
    return arguments[i + 1]
}
let runs = option("--runs").flatMap(Int.init) ?? (quick ? 1 : 5)
let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
let digitsPath = option("--digits")
    ?? here.appendingPathComponent("../../../Lessons/data/digits.csv").standardizedFileURL.path
let optionValues = Set(["--runs", "--digits"].compactMap { option($0) })
let filters = arguments.filter { !$0.hasPrefix("--") && !optionValues.contains($0) }
func wanted(_ name: String) -> Bool { filters.isEmpty || filters.contains { name.hasPrefix($0) } }

/// Times `train` (which builds nothing: it gets a fresh copy of the prepared state each run) and prints the line.
func bench(_ name: String, steps: Int, batch: Int, nodes: Int? = nil, parameters: Int,
           _ train: () throws -> (final: Double, parameters: [Double])) throws {
    var times: [Times] = []
    var last: (final: Double, parameters: [Double]) = (0, [])
    _ = try train()                                                     // warm-up
    for _ in 0..<runs {
        var result: (final: Double, parameters: [Double]) = (0, [])
        times.append(try measure { result = try train() })
        last = result
    }
    var line = "{\"training\": \"\(name)\", \"side\": \"lvm-lessons\", \"threads\": \"\(RowParallel.processorCount) cores for large products, else 1\""
    line += ", \"wall_s\": \(median(times.map(\.wall))), \"cpu_s\": \(median(times.map(\.cpu)))"
    line += ", \"thread_cpu_s\": \(median(times.map(\.thread))), \"runs\": \(runs), \"steps\": \(steps), \"batch\": \(batch)"
    if let nodes { line += ", \"nodes\": \(nodes)" }
    line += ", \"parameters\": \(parameters), \"final\": \(last.final), \"checksum\": \"\(checksum(last.parameters))\"}"
    print(line)
    fflush(nil)                                                         // every C stream: a line per training as it ends
}

// MARK: - Data

/// The nonlinear lesson's arc (NoisyArc): angles uniform in [−3π/4, 3π/4] on the unit circle plus N(0, 0.08²) noise.
func noisyArc(rows n: Int, noise: Double, using random: inout Xoshiro256StarStar) -> Matrix {
    var e = [Double]()
    for _ in 0..<n {
        let t = -0.75 * Double.pi + 1.5 * Double.pi * random.nextUniform()
        let ex = noise * random.nextStandardNormal(), ey = noise * random.nextStandardNormal()
        e += [cos(t) + ex, sin(t) + ey]
    }
    return Matrix(rows: n, columns: 2, elements: e)
}

var arcRandom = Xoshiro256StarStar(seed: 1)
let arc = noisyArc(rows: 200, noise: 0.08, using: &arcRandom)

var digitsTraining: Matrix?
if wanted("vae-digits") || wanted("nonlinear-digits") {
    let digits = try Dataset.load(csv: URL(fileURLWithPath: digitsPath)).values          // (1797, 64)
    var splitRandom = Xoshiro256StarStar(seed: 2)
    digitsTraining = digits.rows(at: RandomSplit.twoThirds(RandomSplit.permutation(digits.rows, using: &splitRandom)).training)
}

/// sigmoid⁻¹ of each column's mean pixel / 16 (the digits decoders' output bias).
func logitMeans(_ x: Matrix, pixelMax: Double) -> [Double] {
    Statistics.columnMeans(x).map { m in
        let p = min(max(m / pixelMax, 0.01), 0.99)
        return log(p / (1 - p))
    }
}

// MARK: - VAE lesson, step 5

if wanted("vae-arc") {
    var initRandom = Xoshiro256StarStar(seed: 3)
    let decoder = MLPDecoder(latentDimension: 1, hiddenUnits: 16, outputDimension: 2, output: .linear,
                             gain: 2, biasScale: 1, outputScale: 1, using: &initRandom)
    let encoder = GaussianEncoder(inputDimension: 2, hiddenUnits: 32, latentDimension: 1,
                                  inputCentre: Statistics.columnMeans(arc), using: &initRandom)
    let initial = try VariationalAutoencoder(encoder: encoder, model: try NonlinearLVM(decoder: decoder, noiseVariance: 0.25))
    let schedule = TrainingSchedule(steps: quick ? 600 : 3_000, learningRate: 0.01, finalLearningRate: 0.001, batchSize: 50)
    try bench("vae-arc", steps: schedule.steps, batch: 50, parameters: initial.encoder.parameterCount + initial.model.parameters.count) {
        var vae = initial
        var random = Xoshiro256StarStar(seed: 4)
        let trace = try vae.train(arc, schedule: schedule, using: &random, every: schedule.steps)
        return (trace.last ?? 0, vae.encoder.parameters + vae.model.parameters)
    }
}

if wanted("vae-digits"), let x = digitsTraining {
    let spread = Statistics.covariance(x, normalization: .maximumLikelihood).trace / Double(x.columns)
    var initRandom = Xoshiro256StarStar(seed: 5)
    let decoder = MLPDecoder(latentDimension: 2, hiddenUnits: 64, outputDimension: x.columns, output: .scaledSigmoid(16),
                             outputBias: logitMeans(x, pixelMax: 16), using: &initRandom)
    let encoder = GaussianEncoder(inputDimension: x.columns, hiddenUnits: 64, latentDimension: 2,
                                  inputCentre: Statistics.columnMeans(x), inputScale: spread.squareRoot(), using: &initRandom)
    let initial = try VariationalAutoencoder(encoder: encoder, model: try NonlinearLVM(decoder: decoder, noiseVariance: 20))
    let schedule = TrainingSchedule(steps: quick ? 200 : 1_500, learningRate: 0.01, finalLearningRate: 0.001, batchSize: 100)
    try bench("vae-digits", steps: schedule.steps, batch: 100, parameters: initial.encoder.parameterCount + initial.model.parameters.count) {
        var vae = initial
        var random = Xoshiro256StarStar(seed: 6)
        let trace = try vae.train(x, schedule: schedule, using: &random, every: schedule.steps)
        return (trace.last ?? 0, vae.encoder.parameters + vae.model.parameters)
    }
}

// MARK: - Nonlinear lesson, steps 4 and 9

if wanted("nonlinear-arc") {
    var initRandom = Xoshiro256StarStar(seed: 7)
    let decoder = MLPDecoder(latentDimension: 1, hiddenUnits: 16, outputDimension: 2, output: .linear,
                             gain: 2, biasScale: 1, outputScale: 1, using: &initRandom)
    let initial = try NonlinearLVM(decoder: decoder, noiseVariance: 0.25)
    let rule = try LatentQuadrature.trapezoid(halfWidth: 4, pointsPerDimension: 161, dimension: 1)
    let schedule = TrainingSchedule(steps: quick ? 200 : 600, learningRate: 0.03, finalLearningRate: 0.003)
    try bench("nonlinear-arc", steps: schedule.steps, batch: arc.rows, nodes: rule.count, parameters: initial.parameters.count) {
        var model = initial
        var random = Xoshiro256StarStar(seed: 8)                     // full batch: no draws
        let trace = try model.train(arc, quadrature: rule, schedule: schedule, using: &random)
        return (trace.last ?? 0, model.parameters)
    }
}

if wanted("nonlinear-digits"), let x = digitsTraining {
    var initRandom = Xoshiro256StarStar(seed: 9)
    let decoder = MLPDecoder(latentDimension: 2, hiddenUnits: 64, outputDimension: x.columns, output: .scaledSigmoid(16),
                             outputBias: logitMeans(x, pixelMax: 16), using: &initRandom)
    let initial = try NonlinearLVM(decoder: decoder, noiseVariance: 20)
    let rule = try LatentQuadrature.gaussHermite(order: quick ? 12 : 20, dimension: 2)
    let schedule = TrainingSchedule(steps: quick ? 150 : 1_000, learningRate: 0.02, finalLearningRate: 0.002, batchSize: 200)
    try bench("nonlinear-digits", steps: schedule.steps, batch: 200, nodes: rule.count, parameters: initial.parameters.count) {
        var model = initial
        var random = Xoshiro256StarStar(seed: 10)
        let trace = try model.train(x, quadrature: rule, schedule: schedule, using: &random)
        return (trace.last ?? 0, model.parameters)
    }
}
