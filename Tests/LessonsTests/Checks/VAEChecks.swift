import Foundation
import LessonKit
import LinearAlgebra
import Models
import Testing
@testable import Lessons

/// Every check of the VAE lesson, recomputed from the lesson's inputs. The closed-form side is recomputed the way the
/// check's `method` says; the numerical side a second time by code written here (plain loops, quadratures and Monte
/// Carlo of the tests' own), which must agree within the check's tolerance. One group per pair of steps, each in its
/// own file (`VAEChecks+…`); a check name no group knows is an error of the contract suite.
enum VAEChecks {
    static let recompute: RecomputeChecks = { check, inputs in
        let setting = Setting(inputs)
        for group in [boundChecks, perPointChecks, amortisedChecks, importanceChecks, linearChecks, comparisonChecks] {
            if let recomputed = try group(check, setting) { return recomputed }
        }
        return nil
    }

    /// The lesson's inputs, as every group reads them.
    struct Setting {
        var seed: UInt64
        var quick: Bool
        var digits: Matrix
        init(_ inputs: CheckInputs) {
            seed = inputs.seed
            quick = inputs.quick
            digits = inputs.digits.values
        }
        var settings: VAESettings { quick ? .quick : .full }
        var streams: VAEStreams { VAEStreams(seed: seed) }
        func stream(_ id: String) -> Xoshiro256StarStar { streams.generator(id) }
        /// The nonlinear lesson's arc and decoder, rebuilt from the seed.
        func arc() throws -> ArcSetting { try ArcSetting(seed: seed, quick: quick, streams: streams) }
    }

}
