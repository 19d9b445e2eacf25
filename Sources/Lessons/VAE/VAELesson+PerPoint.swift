// VAELesson+PerPoint — steps 3–4: per-point variational inference at the probes, and the two gradient estimators.

import Foundation
import LessonKit
import LinearAlgebra
import Models

/// Step 3's result, for steps 4 and 7: the per-point optimal Gaussian q* at each probe (A, B, C) and log p(x) there.
struct PerPointFits {
    let optimal: [VariationalGaussian]     // one per probe, the best ELBO found
    let logMarginals: [Double]             // log p(x) at each probe, reference rule
}

extension VAELesson {
    /// Step 3 — per-point VI: the ELBO surface over (m, log s), gradient ascent on it, mode seeking at B.
    func perPointInference(_ arc: ArcSetting, _ s: VAESettings, _ page: inout LessonRecorder) throws -> PerPointFits {
        // TODO(step 3)
        let logMarginals = try arc.probes.map { try arc.logMarginal(arc.decoder, at: $0.x) }
        return PerPointFits(optimal: try arc.probes.map { _ in try VariationalGaussian(mean: [0], standardDeviations: [1]) },
                            logMarginals: logMarginals)
    }

    /// Step 4 — reparameterisation against score-function gradients: variance against S, both unbiased.
    func gradientEstimators(_ arc: ArcSetting, _ perPoint: PerPointFits, _ s: VAESettings, _ streams: VAEStreams,
                            _ page: inout LessonRecorder) throws {
        // TODO(step 4)
    }
}
