// VAELesson+Amortised — steps 5–6: an encoder trained with the decoder (arc and digits), and the gap decomposition.

import Datasets
import Foundation
import LessonKit
import LinearAlgebra
import Models

extension VAELesson {
    /// Step 5 — amortised inference: encoder and decoder trained together on the reparameterised ELBO, the exact
    /// log p(x) tracked beside it.
    func amortisedInference(_ arc: ArcSetting, _ digits: Dataset, _ s: VAESettings, _ streams: VAEStreams,
                            _ page: inout LessonRecorder) throws -> AmortisedFits {
        // TODO(step 5)
        AmortisedFits(arc: try Self.trainArcVAE(arc, s, streams), digits: try Self.trainDigitsVAE(digits.values, s, streams))
    }

    /// Step 6 — log p(x) − ELBO(q_φ) = approximation gap + amortisation gap, per probe and as maps over the plane.
    func gapDecomposition(_ arc: ArcSetting, _ trained: AmortisedFits, _ s: VAESettings, _ page: inout LessonRecorder) throws {
        // TODO(step 6)
    }
}
