// VAELesson+Comparison — step 9: the ELBO-trained decoder against the likelihood-trained one, on held-out data.

import Foundation
import LessonKit
import LinearAlgebra
import Models

extension VAELesson {
    /// Step 9 — exact held-out log p(x) of both decoders, and how Gaussian their posteriors are.
    func elboVersusLikelihood(_ arc: ArcSetting, _ trained: AmortisedFits, _ s: VAESettings, _ streams: VAEStreams,
                              _ page: inout LessonRecorder) throws {
        // TODO(step 9)
    }
}
