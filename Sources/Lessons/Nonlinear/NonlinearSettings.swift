// NonlinearSettings — every size, count and rate the nonlinear lesson uses, for the full build and for --quick.
// Budget (this 2-core machine, release build): the full lesson in ≤ 10 s, --quick in ≤ 2 s. The costly parts are the
// two trainings; their cost is (rows per step) × (quadrature nodes) × D multiply–adds per step, twice (X Fᵀ and RᵀX).

import Models

/// Sizes of the nonlinear lesson's computations.
struct NonlinearSettings: Sendable {
    // Toy curve (steps 1–7)
    var toyRows = 200
    var toyNoise = 0.08                      // standard deviation of the isotropic noise around the arc
    var toyHidden = 16
    var toyDecoderScales = (gain: 2.0, bias: 1.0, output: 1.0)   // MLPDecoder's initial gain, biasScale, outputScale
    var toyInitialNoiseVariance = 0.25
    var toyRuleHalfWidth = 4.0               // uniform training rule on [−4, 4]
    var toyRulePoints = 161                  // h = 0.05
    var toySteps = 600
    var toyLearningRate = 0.03
    var toyFinalLearningRate = 0.003
    var trainingFrames = 12
    var curveHalfWidth = 3.0                 // the figures draw fθ(z) for |z| ≤ 3 …
    var curvePoints = 301                    // … at 301 even nodes
    var referenceRule = (halfWidth: 10.0, points: 8001)   // the "much finer" rule, h = 0.0025
    var accuracyOrders = [5, 10, 20, 40, 80, 160]
    var densityGrid = 140                    // x-grid points per axis for contour figures
    var monteCarloSampleCounts = [1, 3, 10, 30, 100, 300, 1_000, 3_000, 10_000]
    var monteCarloRepeats = 60
    var importanceRepeats = 200              // strip plot of estimates at S = 100
    // Maximising the ELBO at B (step 8)
    var variationalRulePoints = 801          // trapezoid nodes in ξ on ±8 for E_q (h = 0.02)
    var variationalSteps = 2_000             // Adam steps on (m, log s) from each start
    var variationalLearningRate = 0.02
    var elboSurface = (means: 121, logSDs: 81) // grid of q = N(m, s²) for the ELBO map
    // Digits (step 9)
    var digitsHidden = 64
    var digitsDecoderScales = (gain: 1.0, bias: 1.0, output: 1.0)
    var digitsPixelMax = 16.0                // pixels lie in 0…16; the decoder's output map is 16·sigmoid
    var digitsOrder = 20                     // Gauss–Hermite 20 × 20 = 400 nodes
    var digitsSteps = 1_000
    var digitsBatch = 200
    var digitsLearningRate = 0.02
    var digitsFinalLearningRate = 0.002
    var digitsInitialNoiseVariance = 20.0
    var digitsEvaluationEvery = 50
    var digitsFineRule = (halfWidth: 5.5, points: 75)   // 75 × 75 trapezoid nodes, h ≈ 0.15 (posterior means, quoted value)
    var digitsCheckPoints = [50, 75, 100]               // even grids per axis for the quadrature check (middle = fine rule)
    var manifoldSide = 20

    static let full = NonlinearSettings()

    /// The z at which the figures draw the curve fθ(z): `curvePoints` even nodes on [−curveHalfWidth, curveHalfWidth].
    var curveNodes: [Double] { EvenGrid.values(-curveHalfWidth...curveHalfWidth, count: curvePoints) }

    static var quick: NonlinearSettings {
        var s = NonlinearSettings()
        s.toySteps = 200
        s.toyLearningRate = 0.05
        s.toyFinalLearningRate = 0.005
        s.trainingFrames = 6
        s.referenceRule = (halfWidth: 10.0, points: 4001)
        s.accuracyOrders = [5, 10, 20, 40, 80]
        s.densityGrid = 70
        s.monteCarloSampleCounts = [1, 10, 100, 1_000]
        s.monteCarloRepeats = 20
        s.importanceRepeats = 60
        s.variationalRulePoints = 401
        s.variationalSteps = 800
        s.variationalLearningRate = 0.04
        s.elboSurface = (means: 61, logSDs: 41)
        s.digitsOrder = 12
        s.digitsSteps = 150
        s.digitsBatch = 128
        s.digitsLearningRate = 0.03
        s.digitsFinalLearningRate = 0.005
        s.digitsEvaluationEvery = 25
        s.digitsFineRule = (halfWidth: 5.5, points: 37)
        s.digitsCheckPoints = [25, 37, 50]
        return s
    }
}
