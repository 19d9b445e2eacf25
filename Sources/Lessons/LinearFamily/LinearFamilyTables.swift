import Foundation
import LessonKit
import Models
import Plotting

/// The tables of the linear-family lesson: typed cells that the report formats.
enum LinearFamilyTables {
    static func precise(_ x: Double) -> TableCell { PPCATables.precise(x) }

    /// `x` with `digits` decimals and a real minus, for sentences (`NumberFormat.fixed`).
    static func fixed(_ x: Double, _ digits: Int) -> String { NumberFormat.fixed(x, decimals: digits) }

    static func faCheck(likelihood: Check, gradient: Check, gradientScale: Double, starts: [FactorAnalysisEMResult]) -> Table {
        var rows: [[TableCell]] = [
            [.text("ℓ by Woodbury (q × q) and by Cholesky of ΛΛᵀ + Ψ (D × D)"), precise(likelihood.expected),
             precise(likelihood.computed), .number(likelihood.difference, .scientific(2))],
            [.text("largest |∂ℓ| at the optimum (coordinates Λᵢₖ/√ψᵢ, log ψᵢ; \(String(format: "%.1e", gradientScale)) at the start)"), .number(0, .scientific(2)),
             .number(gradient.computed, .scientific(2)), .number(gradient.difference, .scientific(2))],
        ]
        for (k, run) in starts.enumerated() {
            rows.append([.text("start \(k + 1)\(k == 0 ? " (PPCA's closed form)" : " (random)"): \(run.iterations) iterations\(run.converged ? "" : ", not converged")"),
                         precise(starts.map(\.finalLogLikelihood).max() ?? 0), precise(run.finalLogLikelihood),
                         .number((starts.map(\.finalLogLikelihood).max() ?? 0) - run.finalLogLikelihood, .scientific(2))])
        }
        return Table(columns: ["quantity", "expected", "computed", "|difference|"], rows: rows,
                     caption: "Factor analysis at its maximum: ℓ two ways, the gradient (largest entry over Λ and the ψᵢ above their floor, in coordinates without units), and every start's final ℓ against the best.")
    }

    static func unitsAndRotations(logScale: Double, faRescaled: Double, ppcaRescaled: Double, faRotated: Double,
                                  ppcaRotated: Double, column: String, scale: Double) -> Table {
        Table(
            columns: ["change of the data", "if the model follows it", "Δℓ FA", "Δℓ PPCA"],
            rows: [[.text("column \(column) × \(fixed(scale, 0))"), .number(-logScale, .signedFixed(4)),
                    .number(faRescaled, .signedFixed(4)), .number(ppcaRescaled, .signedFixed(4))],
                   [.text("all columns rotated, X → XR"), .number(0, .signedFixed(4)),
                    .number(faRotated, .signedFixed(4)), .number(ppcaRotated, .signedFixed(4))]],
            caption: "Change of the average log-likelihood per row when each model is refitted to the changed data (natural log). A model that follows the change gains or loses exactly what the change of variables predicts.")
    }

    static func responsibilityCheck(_ checks: [Check], likelihood: Check, weights: [Double]) -> Table {
        var rows: [[TableCell]] = checks.enumerated().map { k, check in
            [.text("Nₖ = Σₙ Rₙₖ, component \(k + 1) (πₖ = \(fixed(weights[k], 3)))"), precise(check.expected), precise(check.computed),
             .number(check.difference, .scientific(2))]
        }
        rows.append([.text("ℓ of the mixture"), precise(likelihood.expected), precise(likelihood.computed),
                     .number(likelihood.difference, .scientific(2))])
        return Table(columns: ["quantity", "E-step (Woodbury)", "Cholesky of each Cₖ", "|difference|"], rows: rows,
                     caption: "The responsibilities of the mixture with the best held-out ℓ, summed per component, and its ℓ, computed two independent ways.")
    }

    struct HeldOutRow {
        var data: String
        var model: String
        var parameters: Int
        var train: Double
        var heldOut: Double
    }

    static func heldOut(_ rows: [HeldOutRow]) -> Table {
        Table(
            columns: ["data", "model", "parameters", "ℓ training rows", "ℓ held-out rows"],
            rows: rows.map { row in
                [.text(row.data), .text(row.model), .integer(row.parameters), .number(row.train, .fixed(3)),
                 .number(row.heldOut, .fixed(3))]
            },
            caption: "Average log-likelihood per row (natural log) of every model, fitted on the training rows only. On the arc the training rows are its 200 points and the held-out rows 1,000 new points from the same arc.")
    }
}
