// VAELesson+Bound — steps 1–2: the ELBO derived two ways, and EM as coordinate ascent on it (PPCA).

import Foundation
import LessonKit
import LinearAlgebra
import Models

extension VAELesson {
    /// Step 1 — the ELBO by Jensen and by the KL identity; the VAE form E_q[log p(x|z)] − KL(q ‖ p(z)); the Gaussian
    /// KL in closed form checked by Monte Carlo.
    func elboTwoWays(_ arc: ArcSetting, _ s: VAESettings, _ streams: VAEStreams, _ page: inout LessonRecorder) throws {
        // TODO(step 1)
    }

    /// Step 2 — EM on PPCA as coordinate ascent on the ELBO, half-step by half-step.
    func emAsCoordinateAscent(_ digits: Matrix, _ s: VAESettings, _ page: inout LessonRecorder) throws {
        // TODO(step 2)
    }
}
