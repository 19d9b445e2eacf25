// VAELesson+ImportanceWeighted — step 7: the importance-weighted bounds L_K against K, beside the exact log p(x).

import Foundation
import LessonKit
import LinearAlgebra
import Models

extension VAELesson {
    /// Step 7 — L₁ ≤ L_K ≤ log p(x), the gap against K with the 1/K law, and the bimodal point.
    func importanceWeightedBounds(_ arc: ArcSetting, _ perPoint: PerPointFits, _ s: VAESettings, _ streams: VAEStreams,
                                  _ page: inout LessonRecorder) throws {
        // TODO(step 7)
    }
}
