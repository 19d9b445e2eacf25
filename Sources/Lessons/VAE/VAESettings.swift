// VAESettings — every size, count and rate the ELBO/VAE lesson uses, for the full build and for --quick.
// Budget (this 2-core machine, release build): the lesson in ≤ 10 s, --quick in ≤ 2 s.

import Models

/// Sizes of the VAE lesson's computations.
struct VAESettings: Sendable {
    // Step 1: the Gaussian KL by Monte Carlo
    var klSamples = 100_000
    var jensenSamples = 20_000                // draws z ~ q for the histogram of log w
    var jensenRulePoints = 4_001              // trapezoid nodes in (z − m)/s on ±10 for E_q[log p(x, z) − log q(z)]
    // Step 2: EM half-steps on PPCA (digits, q = 2)
    var emIterations = 8
    var emInitialScale = 1.0                  // sd of the N(0, 1) entries of W₀; σ₀² = U(1, 2) · tr S / D
    var emSlice = 81                          // points t of each frame's slice θ(t), t ∈ [−0.5, 1.5] (4m + 1: 0 and 1 are nodes)
    // Step 3: per-point VI on the likelihood-trained arc decoder
    var elboRulePoints = 801                  // trapezoid nodes in ξ on ±8 for E_q (h = 0.02)
    var elboSurface = (means: 51, logSDs: 35)  // Gaussians q per probe on the ELBO surfaces (m × log s)
    var surfaceRulePoints = 61                // trapezoid nodes in ξ on ±8 for the surfaces' ELBO (h = 0.27)
    var variationalRulePoints = 101           // fewest trapezoid nodes in ξ on ±8 for the ascents (h = 0.16) …
    var variationalZSpacing = 0.15            // … doubled until the spacing s·h in z is at most this
    var variationalSteps = 800
    var variationalLearningRate = 0.02
    var variationalPolishSteps = 200          // then Adam at α/10 from where the ascent ended
    // Step 4: gradient estimators
    var gradientSampleCounts = [2, 5, 10, 30, 100, 300, 1_000, 3_000]
    var gradientRepeats = 40
    var gradientQuotedSamples = 100           // the S at which results.json quotes both variances (in both lists)
    // Step 5: amortised inference on the arc (d = 1): decoder 1 → 16 → 2, encoder 2 → 32 → 2
    var arcEncoderHidden = 32
    var arcSteps = 3_000
    var arcBatch = 50
    var arcLearningRate = 0.02
    var arcFinalLearningRate = 0.001
    var arcEvaluationEvery = 200
    var arcFrames = 6
    var arcTrackingELBOPoints = 101           // trapezoid nodes in ξ on ±8 for the arc's ELBO trace (h = 0.16; 41 is 0.007 nats off at the wide initial q)
    var arcGridStride = 40                    // coarse stride of the pruned reference rule (every 40th node, h = 0.1)
    var gridCutoff = 40.0                     // pruned even grids: nodes within 40 nats of the coarse maximum
    var planeField = 41                       // x-grid points per axis of the encoder-mean field in the frames
    // Step 5: amortised inference on the digits (d = 2): decoder 2 → 64 → 64 (16·sigmoid), encoder 64 → 64 → 4
    var digitsDecoderHidden = 64
    var digitsEncoderHidden = 64
    var digitsPixelMax = 16.0
    var digitsInitialNoiseVariance = 20.0
    var digitsSteps = 1_500
    var digitsBatch = 100
    var digitsLearningRate = 0.005
    var digitsFinalLearningRate = 0.001
    var digitsEvaluationEvery = 200
    var digitsTrackedRows = 150               // exact log p(x) during training on this many held-out digits
    var digitsELBOOrder = 5                   // Gauss–Hermite 5 × 5 under q_φ for E_q[log p(x|z)]
    var digitsGrid = (halfWidth: 5.0, points: 101, stride: 5)   // exact log p(x): even 101 × 101 grid on [−5, 5]², h = 0.1
    var digitsCheckGrid = (halfWidth: 6.0, points: 161)         // the check's finer, wider grid (h = 0.075), 3 digits
    var digitsCheckRows = 3
    var adaptiveOrder = 20                    // Gauss–Hermite nodes per dimension of the adaptive rule around q_φ
    var adaptiveWidening = 1.5                // the adaptive rule's Gaussian is q_φ's with s × 1.5
    var adaptiveComparisonRows = 60          // tracked held-out digits the adaptive rule is compared on
    var gradientCheckRows = 50                // rows of the fixed-noise objective whose gradient is checked
    var prunedCheckRows = 20                  // training points of the check of the pruned reference rule
    // Step 6: the gap decomposition
    var gapSteps = 300                        // Adam steps of each per-point ascent at the probes
    var gapLearningRate = 0.05
    var gapRulePoints = 101                   // trapezoid nodes in ξ on ±8 for the probes' ELBOs (h = 0.16)
    var gapMap = 25                           // x-grid points per axis of the gap maps
    var gapDataRows = 100                     // training points of the on-data decomposition
    var mapSteps = 30                         // Adam steps of each ascent on the maps, from the grid mode and from q_φ
    var mapOrder = 8                          // Gauss–Hermite nodes in ξ the maps' ascents climb on
    var modeGrid = 161                        // z-grid on ±8 (h = 0.1) whose highest node starts an ascent
    // Step 7: importance-weighted bounds
    var iwaeSampleCounts = [1, 2, 5, 10, 30, 100, 300, 1_000, 3_000]
    var iwaeReplicates = 100
    var iwaeWindow = 8.0                      // Var_q(w) of the 1/K law over |z − m| ≤ 8 s, where all draws stay
    // Step 8: the linear VAE on the digits (d = 2)
    var linearSteps = 3_000
    var linearLearningRate = 0.1              // Adam, decaying geometrically to the final rate (tuned: ≤ 4·10⁻⁴ nats
    var linearFinalLearningRate = 0.01        // from ℓ_ML in full mode for seeds 1, 7, 42, 1999, 2024)
    var sigmaSweep = 25
    var linearInitialScales = (decoder: 1.0, encoder: 0.01)   // sd of the N(0, 1) entries of W₀ and V₀
    var linearTolerance = 1e-3                // |ℓ_ML − trained ELBO| allowed, nats per image
    // Step 9: ELBO-trained against likelihood-trained decoder
    var comparisonHeldOutRows = 200
    var comparisonPoints = 60
    var comparisonSteps = 100
    var climbOrder = 20                       // Gauss–Hermite nodes in ξ of the ascents to q* (probes, comparison)

    static let full = VAESettings()

    static var quick: VAESettings {
        var s = VAESettings()
        s.klSamples = 20_000
        s.emIterations = 6
        s.jensenSamples = 5_000
        s.jensenRulePoints = 2_001
        s.emSlice = 41
        s.elboRulePoints = 401
        s.elboSurface = (means: 31, logSDs: 21)
        s.surfaceRulePoints = 41
        s.variationalRulePoints = 61
        s.variationalZSpacing = 0.2
        s.variationalSteps = 400
        s.variationalLearningRate = 0.04
        s.variationalPolishSteps = 200
        s.gradientSampleCounts = [2, 10, 100, 1_000]
        s.gradientRepeats = 20
        s.arcSteps = 600
        s.arcLearningRate = 0.02
        s.arcEvaluationEvery = 100
        s.digitsSteps = 200
        s.digitsEvaluationEvery = 100
        s.digitsTrackedRows = 60
        s.digitsGrid = (halfWidth: 5.0, points: 51, stride: 5)
        s.digitsCheckGrid = (halfWidth: 6.0, points: 81)
        s.digitsELBOOrder = 3
        s.adaptiveOrder = 12
        s.adaptiveComparisonRows = 30
        s.planeField = 25
        s.gapSteps = 150
        s.gapMap = 11
        s.gapDataRows = 50
        s.prunedCheckRows = 10
        s.mapSteps = 20
        s.iwaeSampleCounts = [1, 10, 100, 1_000]
        s.iwaeReplicates = 40
        s.linearSteps = 800
        s.linearLearningRate = 0.03
        s.linearTolerance = 2e-3
        s.sigmaSweep = 9
        s.comparisonHeldOutRows = 100
        s.comparisonPoints = 15
        s.comparisonSteps = 100
        return s
    }
}
