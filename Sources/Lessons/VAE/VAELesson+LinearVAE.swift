// VAELesson+LinearVAE — step 8: a linear VAE trained on the digits reaches PPCA's closed form; posterior collapse.

import Foundation
import LessonKit
import LinearAlgebra
import Models

extension VAELesson {
    /// Step 8 — a linear VAE is PPCA (d = 2 on the digits), and a σ² sweep collapses the directions with λᵢ ≤ σ².
    func linearVAEIsPPCA(_ digits: Matrix, _ s: VAESettings, _ streams: VAEStreams, _ page: inout LessonRecorder) throws {
        // TODO(step 8)
    }
}
