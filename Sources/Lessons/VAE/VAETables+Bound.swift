// VAETables+Bound — step 2's table of EM half-steps.

import Foundation
import LessonKit
import Models

enum VAEBoundTables {
    /// One row per half-step: ELBO(q, θ), KL = ℓ − ELBO, ℓ(θ) and ℓ_ML − ℓ.
    static func halfSteps(_ steps: [EMHalfStep], maximumLikelihood: Double) -> Table {
        let rows: [[TableCell]] = steps.map { h in
            [.text(h.kind == .expectation ? "E-step \(h.iteration)" : "M-step \(h.iteration)"),
             .text(h.kind == .expectation ? "q := p(z|x, θ)" : "θ := argmax ELBO(q, ·)"),
             .number(h.elbo, .fixed(4)), .number(abs(h.kl) < 1e-9 ? 0 : h.kl, .scientific(2)), .number(h.logLikelihood, .fixed(4)),
             .number(maximumLikelihood - h.logLikelihood, .scientific(2))]
        }
        return Table(columns: ["half-step", "what changes", "ELBO(q, θ)", "KL = ℓ − ELBO", "ℓ(θ)", "max ℓ − ℓ(θ)"], rows: rows,
                     caption: "EM on PPCA (all 1797 digits, d = 2) from a random start, half-step by half-step: nats per image, natural log, averaged over the digits with the 1/N scatter. A KL below 10⁻⁹ nats (rounding) is shown as 0; max ℓ is PPCA's closed-form maximum.")
    }
}
