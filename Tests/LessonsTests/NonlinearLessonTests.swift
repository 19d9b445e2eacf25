import Datasets
import Foundation
import LessonKit
import LinearAlgebra
import Models
import Testing
@testable import Lessons
@testable import Plotting

/// The nonlinear lesson end to end on the shipped digits, as the default report builds it (seed 1999, full
/// settings: the text is written for these numbers): the page's references resolve to values and figures, the claims
/// the text makes hold for the numbers behind them, the renders have the figures' sizes; and, in --quick mode, the
/// same seed gives the same results. Its checks are recomputed independently in `NonlinearCheckTests`.
@Suite(.serialized) struct NonlinearLessonTests {
    static let lessonsDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Lessons")
    static let settings = NonlinearSettings.full

    static func run(seed: UInt64 = 1999, quick: Bool) throws -> LessonResult {
        try NonlinearLesson().run(LessonContext(lesson: "nonlinear", seed: seed, quick: quick, data: sharedData))
    }

    /// The default report's run (seed 1999, full settings; about 8 s in a debug build), computed once.
    static let standard = Result { try run(quick: false) }

    static func text() throws -> String {
        try String(contentsOf: lessonsDirectory.appendingPathComponent(NonlinearLesson().textFileName), encoding: .utf8)
    }

    /// The number at a dot-separated path of the results (NaN when it is missing or not a number).
    static func number(_ r: LessonResult, _ path: String) -> Double {
        switch JSONValue.object(r.results).value(at: path) {
        case .number(let d)?: return d
        case .integer(let i)?: return Double(i)
        default: return .nan
        }
    }

    static func numbers(_ r: LessonResult, _ path: String) -> [Double] {
        guard case .array(let values)? = JSONValue.object(r.results).value(at: path) else { return [] }
        return values.compactMap { if case .number(let d) = $0 { d } else if case .integer(let i) = $0 { Double(i) } else { nil } }
    }

    // MARK: - The page's references

    @Test func everyReferenceResolvesAndTheFiguresShownAreExactlyTheFiguresMade() throws {
        let r = try Self.standard.get()
        let text = try Self.text()
        // every reference resolves through the report's own renderer and every figure made is shown (the contract)
        try LessonContractTests.expectReferencesResolve(NonlinearLesson(), lessonsFolder: Self.lessonsDirectory, result: r)
        // every step of the text shows something the lesson computed
        for step in text.components(separatedBy: "\n## ").dropFirst() {
            #expect(step.contains("{{") || step.contains("(figure:"), "a step without numbers or figures: \(step.prefix(40))")
        }
    }

    // MARK: - The claims of the text, step by step

    @Test func theClaimsOfStepsOneToFourHold() throws {
        let r = try Self.standard.get()
        let n = { (path: String) in Self.number(r, path) }
        // step 3: the accuracy comparison the text quotes at one K (the index it uses)
        let text = try Self.text()
        let quoted = try #require(text.firstMatch(of: try Regex(#"quadrature_accuracy\.gauss_hermite_untrained\.(\d+)"#)))
        let k = Int(String(quoted.output[1].substring!))!
        let (untrained, trained) = (Self.numbers(r, "quadrature_accuracy.gauss_hermite_untrained"),
                                    Self.numbers(r, "quadrature_accuracy.gauss_hermite_trained"))
        let uniform = Self.numbers(r, "quadrature_accuracy.uniform_trained")
        #expect(Self.numbers(r, "quadrature_accuracy.nodes") == Self.settings.accuracyOrders.map(Double.init))
        #expect(untrained[k] < trained[k], "Gauss–Hermite does well on the wide untrained model and badly on the trained one")
        #expect(uniform[k] < trained[k], "uniform nodes beat Gauss–Hermite on the trained model")
        #expect(uniform.last! < uniform.first! && uniform.last! < trained.last!, "uniform nodes converge once their spacing is small")
        // step 4: training raises the log-likelihood, and the nonlinear model beats PPCA by a density ratio > 1
        #expect(n("toy.log_likelihood_per_sample") > n("toy.initial_log_likelihood_per_sample"))
        #expect(n("toy.gain_over_ppca") > 0 && n("toy.density_ratio") > 1)
        #expect(Self.numbers(r, "toy.training_trace").count == Self.settings.toySteps)
    }

    @Test func theClaimsOfStepsFiveToSevenHold() throws {
        let r = try Self.standard.get()
        let n = { (path: String) in Self.number(r, path) }
        // step 5: PPCA's posterior has one width for every x; A is a narrow, near-Gaussian peak the Laplace
        // approximation fits; B has two modes; C is skewed
        for i in 0..<3 { #expect(n("posterior.points.\(i).ppca_sd") == n("posterior.ppca_sd")) }
        #expect(n("posterior.points.0.modes") == 1 && n("posterior.points.0.sd") < n("posterior.ppca_sd"))
        #expect(abs(n("posterior.points.0.laplace_sd") / n("posterior.points.0.sd") - 1) < 0.1)
        #expect(n("posterior.points.1.modes") == 2)
        #expect(abs(n("posterior.points.2.skewness")) > abs(n("posterior.points.0.skewness")))
        let outside = n("posterior.b_mass_outside_training_nodes")
        #expect(outside > 0 && outside < 1 && n("posterior.b_outer_mode") < 8)
        if n("posterior.b_outer_mode") > n("toy.rule_half_width") { #expect(outside > 0.1) }
        // step 6: A's posterior is narrower than the prior (sd 1), prior sampling's error falls with S, and
        // importance sampling removes variance
        #expect(n("posterior.points.0.sd") < 1 && n("monte_carlo.prior_relative_sd_one_sample") > 1)
        let prior = Self.numbers(r, "monte_carlo.prior_relative_error")
        #expect(prior.count == Self.settings.monteCarloSampleCounts.count && prior.last! < prior.first!)
        #expect(n("importance.importance_sd") < n("importance.prior_sd") && n("importance.variance_ratio") > 1)
        // step 7: ELBO ≤ log p(x) and KL ≥ 0 for every q; at B the Laplace gap exceeds log 2 and the moment-matched q's
        // gap is larger still; at A the Laplace bound is nearly tight (smaller KL than the too-wide and shifted q)
        guard case .array(let examples)? = r.results["elbo_gap_examples"] else { Issue.record("elbo_gap_examples missing"); return }
        var kl: [String: [String: Double]] = [:]
        for e in examples {
            guard case .string(let point)? = e.value(at: "point"), case .string(let q)? = e.value(at: "q"),
                  case .number(let lp)? = e.value(at: "log_px"), case .number(let elbo)? = e.value(at: "elbo"),
                  case .number(let d)? = e.value(at: "kl") else { Issue.record("an example without point, q, log_px, elbo, kl"); continue }
            #expect(elbo <= lp && d >= 0, "\(point), \(q)")
            kl[point, default: [:]][q] = d
        }
        // the q compared: the same four at every probe, and at B also the other mode's Laplace q
        let probes = (0..<3).compactMap { i -> String? in
            if case .string(let name)? = r.results["posterior"]?.value(at: "points.\(i).name") { name } else { nil }
        }
        #expect(Set(kl.keys) == Set(probes))
        let four = Set(kl["A", default: [:]].keys)
        #expect(four.count == 4 && Set(kl["C", default: [:]].keys) == four)
        #expect(Set(kl["B", default: [:]].keys) == four.union(["Laplace at the other mode"]))
        #expect(examples.count == 3 * four.count + 1)
        #expect(n("elbo.figure_q_count") == Double((kl["B"]?.count ?? 0) - 1), "every q at B but the shifted one is drawn")
        #expect(n("elbo.bimodal_laplace_gap") > n("elbo.log_two"))
        #expect(kl["B"]!["moment-matched N(E[z|x], Var[z|x])"]! > kl["B"]!["Laplace at ẑ"]!)
        #expect(kl["A"]!["Laplace at ẑ"]! < min(kl["A"]!["N(ẑ, (2s)²), too wide"]!, kl["A"]!["N(ẑ + 2s, s²), shifted"]!))
    }

    @Test func theClaimsOfStepEightHold() throws {
        let r = try Self.standard.get()
        let n = { (path: String) in Self.number(r, path) }
        // each ascent moves outwards from its start and ends at the mode on its side (within 2 s of that mode's
        // Laplace mean); neither gap is near 0; the best end beats the Laplace q; the moment-matched q is far worse
        guard case .array(let examples)? = r.results["elbo_gap_examples"] else { Issue.record("elbo_gap_examples missing"); return }
        func atB(_ q: String, _ key: String) -> Double? {
            for e in examples where e.value(at: "point") == .string("B") && e.value(at: "q") == .string(q) {
                if case .number(let v)? = e.value(at: key) { return v }
            }
            return nil
        }
        let modes = try [#require(atB("Laplace at ẑ", "q_mean")), #require(atB("Laplace at the other mode", "q_mean"))].sorted()
        let ends = (0..<2).map { (mean: n("variational_ascents.\($0).mean"), sd: n("variational_ascents.\($0).sd"),
                                  start: n("variational_ascents.\($0).start_mean"), gap: n("variational_ascents.\($0).gap")) }
        #expect(ends[0].mean < ends[0].start && ends[0].start < ends[1].start && ends[1].start < ends[1].mean)
        #expect(abs(ends[0].mean - modes[0]) < 2 * ends[0].sd && abs(ends[1].mean - modes[1]) < 2 * ends[1].sd)
        #expect(ends.allSatisfy { $0.gap > 0.25 })
        #expect(n("variational.gain_over_laplace") >= 0)
        #expect(try #require(atB("moment-matched N(E[z|x], Var[z|x])", "kl")) > 10 * ends.map(\.gap).max()!)
        #expect(n("variational.max_derivative_at_ends") <= 1e-3)
    }

    @Test func theClaimsOfStepNineHold() throws {
        let r = try Self.standard.get()
        let n = { (path: String) in Self.number(r, path) }
        // one value per even grid, in the settings' order; the quoted value is the middle grid's ("used below")
        guard case .array(let grids)? = r.results["digits"]?.value(at: "fine_rules") else { Issue.record("digits.fine_rules missing"); return }
        #expect(grids.compactMap { g -> Int? in if case .integer(let k)? = g.value(at: "points_per_axis") { k } else { nil } }
                == Self.settings.digitsCheckPoints)
        #expect(grids[1].value(at: "log_likelihood_per_sample") == .number(n("digits.log_likelihood_per_sample")))
        // the training rule is off by many times the even grids' spread, in the direction the text names
        #expect(n("digits.rule_difference_abs") > 2 * n("digits.fine_rule_spread"))
        let lower = n("digits.log_likelihood_per_sample_training_rule") < n("digits.log_likelihood_per_sample")
        #expect(r.results["digits"]?.value(at: "rule_comparison") == .string(lower ? "lower" : "higher"))
        // the decoder gains over PPCA with a smaller noise variance; only part of the means lie inside the manifold
        // grid; PPCA's decoded pixels leave the data range (the figure clips them)
        #expect(n("digits.gain_over_ppca") > 0 && n("digits.noise_variance") < n("digits.ppca_noise_variance"))
        #expect(n("digits.share_inside_manifold_grid") < 1 && n("digits.share_on_one_node") > 0)
        #expect(n("digits.ppca_pixels_outside_range") > 0)
        #expect(Self.numbers(r, "digits.evaluation_steps").last == Double(Self.settings.digitsSteps))
    }

    /// Step 8's held-out comparison: the split is 2/3 : 1/3 of all digits, and PPCA's held-out ℓ, recomputed here
    /// through the Cholesky factor of C = WWᵀ + σ²I of PPCA fitted to the training digits, is the page's.
    @Test func theHeldOutComparisonIsRecomputed() throws {
        let r = try Self.standard.get()
        let n = { (path: String) in Self.number(r, path) }
        let digits = sharedDigits.values
        var random = StepRandom.generator(seed: 1999, lesson: "nonlinear", step: "digits-split")  // `standard`'s seed
        let split = RandomSplit.twoThirds(RandomSplit.permutation(digits.rows, using: &random))
        #expect(n("digits.training_rows") == Double(2 * digits.rows / 3) && n("digits.held_out_rows") == Double(split.heldOut.count))
        let ppca = try PPCA.fit(digits.rows(at: split.training), latentDimension: 2)
        let heldOut = try GaussianModel(mean: ppca.mean, covariance: ppca.marginalCovariance).averageLogLikelihood(digits.rows(at: split.heldOut))
        #expect(abs(heldOut - n("digits.ppca_held_out_log_likelihood_per_sample")) <= 1e-9 * abs(heldOut))
        // The fair test is weaker than the training one: the decoder's extra parameters fit the training digits.
        #expect(n("digits.held_out_gain_over_ppca") < n("digits.gain_over_ppca"))
        #expect(n("digits.prior_mass_outside_r2") == exp(-2.0))
    }

    // MARK: - Figures

    @Test func everyRenderHasItsFiguresSizeAndTheFramesAreTheTrainingSteps() throws {
        let r = try Self.standard.get()
        let scale = 2.0
        func expectSize(_ figure: FrozenFigure, _ name: String) throws {
            let png = try figure.render(.png, scale: scale)
            // IHDR: width and height, big-endian, at bytes 16–23
            let word = { (at: Int) in png[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
            #expect(Array(png[12..<16]) == Array("IHDR".utf8), "\(name)")
            #expect(word(16) == Int((figure.width * scale).rounded()) && word(20) == Int((figure.height * scale).rounded()), "\(name)")
            #expect(figure.width <= 640, "\(name) is wider than a slide")
        }
        for (name, output) in r.figures {
            switch output {
            case .single(let figure): try expectSize(figure, name)
            case .frames(let frames, let labels):
                #expect(name == "training")
                // frames at 0, the total and quadratically spaced steps between (denser at the start)
                let total = Self.settings.toySteps, count = Self.settings.trainingFrames
                let steps = Set([0, total] + (0..<count).map { i in
                    let t = Double(i) / Double(count - 1)
                    return Int((t * t * Double(total)).rounded())
                }).sorted()
                #expect(labels == steps.map { "step \($0)" })
                for (frame, label) in zip(frames, labels) { try expectSize(frame, "\(name), \(label)") }
            }
        }
    }

    @Test func theUntrainedDecodersLabelsNameMarksAndDoNotOverlap() throws {
        guard case .single(let figure)? = try Self.standard.get().figures["untrained-decoder"] else {
            Issue.record("untrained-decoder missing")
            return
        }
        let renderer = try RecordingRenderer()
        try figure.draw(on: renderer)
        // the labels' own runs (their halos are drawn first, in white)
        let labels = renderer.operations.compactMap { op -> (String, Point, Double)? in
            if case let .text(s, origin, size, _, color, _) = op, s.hasPrefix("z = "), color != .white { return (s, origin, size) }
            return nil
        }
        let names = labels.map { String($0.0.dropFirst(4)) }
        #expect(!names.isEmpty && Set(names).count == names.count)
        #expect(Set(names).isSubset(of: ["−2", "−1", "0", "1", "2"]))
        let boxes = labels.map { s, origin, size in
            let e = renderer.measure(s, size: size, weight: .regular)
            return (minX: origin.x, maxX: origin.x + e.width, minY: origin.y - e.ascent, maxY: origin.y + e.descent)
        }
        for i in boxes.indices {
            for j in boxes.indices where j > i {
                let (a, b) = (boxes[i], boxes[j])
                #expect(a.maxX <= b.minX || b.maxX <= a.minX || a.maxY <= b.minY || b.maxY <= a.minY, "\(names[i]) and \(names[j]) overlap")
            }
        }
    }

    @Test func theSameSeedGivesTheSameResultsAndAnotherSeedDoesNot() throws {
        let a = try Self.run(seed: 7, quick: true), b = try Self.run(seed: 7, quick: true), c = try Self.run(seed: 8, quick: true)
        #expect(a.results == b.results)
        #expect(a.results["toy"] != c.results["toy"])
    }
}
