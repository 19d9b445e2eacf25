import Datasets
import Foundation
import LessonKit
import Lessons
import Plotting
import Testing
@testable import Report

/// The contract every lesson of the catalogue keeps, checked the same way for each: its text's references resolve
/// (through the report's own parser), every value the text shows has a label, figures fit the page (≤ 640 pt wide),
/// the same seed gives the same results and the same figure bytes, and every check it records is recomputed by a
/// test from independent code and holds. A new lesson gets all of this by being in `LessonCatalog.all`.
@Suite(.serialized) struct LessonContractTests {
    static let seed: UInt64 = 2024

    /// The tests' independent recomputation of each lesson's checks, by slug: one line per lesson that checks.
    static let independentChecks: [String: RecomputeChecks] = [
        "pca": PCAChecks.recompute,
        "ppca": PPCAChecks.recompute,
        "linear-family": LinearFamilyChecks.recompute,
        "nonlinear": NonlinearChecks.recompute,
        "vae": VAEChecks.recompute,
    ]

    static func inputs(seed: UInt64 = seed) throws -> CheckInputs {
        CheckInputs(seed: seed, quick: true, digits: try sharedData.dataset(.digits), userData: nil, latentDimension: nil)
    }

    static func run(_ lesson: any Lesson, seed: UInt64 = seed) throws -> LessonResult {
        try lesson.run(LessonContext(lesson: lesson.slug, seed: seed, quick: true, data: sharedData))
    }

    static func text(of lesson: any Lesson) throws -> LessonText {
        try LessonText.load(lessonsFolder.appendingPathComponent(lesson.textFileName))
    }

    static var slugs: [String] { LessonCatalog.all.map(\.slug) }
    static func lesson(_ slug: String) -> any Lesson { LessonCatalog.lesson(slug: slug)! }

    /// Every step rendered with the report's own Markdown renderer: an unknown `{{path}}`, `{{table:…}}` or
    /// `figure:` reference throws; what each step used is returned.
    static func usedReferences(_ result: LessonResult, _ text: LessonText) throws -> (values: [String], figures: Set<String>, tables: Set<String>) {
        let targets = LessonMarkdown.Targets(
            fileName: text.fileName, results: .object(result.results), tables: result.tables,
            figure: { name, _, _ in result.figures[name] == nil ? nil : "<figure>\(name)</figure>" },
            figureNames: Array(result.figures.keys))
        var values: [String] = [], figures = Set<String>(), tables = Set<String>()
        var introduction = LessonMarkdown(targets: targets)
        _ = try introduction.renderBlock(text.introduction)
        values += introduction.usedValues.map(\.path)
        figures.formUnion(introduction.usedFigures)
        tables.formUnion(introduction.usedTables)
        for step in text.steps {
            var markdown = LessonMarkdown(targets: targets)
            _ = try markdown.renderInline(step.title.text, line: step.title.firstLine)
            _ = try markdown.renderBlock(step.body)
            values += markdown.usedValues.map(\.path)
            figures.formUnion(markdown.usedFigures)
            tables.formUnion(markdown.usedTables)
        }
        return (values, figures, tables)
    }

    @Test(arguments: slugs) func referencesResolveAndEveryShownValueHasALabel(slug: String) throws {
        try Self.expectReferencesResolve(Self.lesson(slug), lessonsFolder: lessonsFolder)
    }

    /// The contract on references for one run (the default data when `result` is nil).
    static func expectReferencesResolve(_ lesson: any Lesson, lessonsFolder: URL, result given: LessonResult? = nil) throws {
        let slug = lesson.slug
        let result = try given ?? Self.run(lesson)
        let used = try Self.usedReferences(result, try LessonText.load(lessonsFolder.appendingPathComponent(lesson.textFileName)))
        #expect(!used.values.isEmpty, "\(slug): the text shows no value")
        for path in Set(used.values).sorted() {
            let quantity = ReportBuilder.quantity(for: path, in: result.quantities)
            #expect(quantity != nil, "\(slug): {{\(path)}} is shown without a label")
            if let quantity {
                // A label that shows a key of its path (`log_likelihood_per_sample`) gives the reader code, not words.
                let keys = path.split(separator: ".").filter { $0.contains("_") }
                #expect(!quantity.label.isEmpty && !keys.contains { quantity.label.contains($0) },
                        "\(slug): the label of \(path) shows a key: \(quantity.label)")
            }
        }
        // Every frame sequence has a print version (small multiples), offered beside the animation rather than placed.
        let printVersions = Set(result.figures.compactMap { name, output -> String? in
            if case .frames = output { return FigureOutput.stepsName(of: name) } else { return nil }
        })
        for name in printVersions.sorted() {
            #expect(result.figures[name] != nil, "\(slug): the frames \(name.dropLast(6)) have no print version \(name)")
        }
        for name in result.figures.keys.sorted() where !printVersions.contains(name) {
            #expect(used.figures.contains(name), "\(slug): figure \(name) is computed but not shown")
        }
        for name in result.tables.keys.sorted() { #expect(used.tables.contains(name), "\(slug): table \(name) is computed but not shown") }
        for path in result.quantities.keys.sorted() {
            #expect(JSONValue.object(result.results).value(at: path) != nil, "\(slug): label for \(path), which holds no value")
        }
    }

    @Test(arguments: slugs) func figuresFitThePage(slug: String) throws {
        try Self.expectFiguresFit(Self.lesson(slug))
    }

    static func expectFiguresFit(_ lesson: any Lesson) throws {
        let slug = lesson.slug
        let result = try Self.run(lesson)
        for (name, output) in result.figures.sorted(by: { $0.key < $1.key }) {
            for width in Self.widths(output) { #expect(width <= 640, "\(slug): figure \(name) is \(width) pt wide (at most 640)") }
        }
    }

    @Test(arguments: slugs) func theSameSeedGivesTheSameBytes(slug: String) throws {
        try Self.expectSameBytes(Self.lesson(slug))
    }

    static func expectSameBytes(_ lesson: any Lesson) throws {
        let slug = lesson.slug
        let a = try Self.run(lesson), b = try Self.run(lesson)
        var warnings: [String] = []
        #expect(JSONWriter.serialize(.object(a.results), warnings: &warnings) == JSONWriter.serialize(.object(b.results), warnings: &warnings))
        #expect(a.quantities == b.quantities)
        #expect(a.tables == b.tables)
        #expect(a.figures.keys.sorted() == b.figures.keys.sorted())
        for name in a.figures.keys.sorted() {
            #expect(try Self.svgs(a.figures[name]!) == Self.svgs(b.figures[name]!), "\(slug): figure \(name) differs between two runs with one seed")
        }
    }

    @Test(arguments: slugs) func everyCheckIsRecomputedIndependentlyAndHolds(slug: String) throws {
        try Self.expectChecksHold(Self.lesson(slug), recompute: Self.independentChecks[slug])
    }

    static func expectChecksHold(_ lesson: any Lesson, recompute: RecomputeChecks?) throws {
        let slug = lesson.slug
        let result = try Self.run(lesson)
        for check in result.checks { #expect(check.holds, "\(slug): \(check.name) does not hold: \(check.difference) > \(check.tolerance)") }
        guard !result.checks.isEmpty else { return }
        guard let recompute else {
            Issue.record("\(slug) records \(result.checks.count) checks but the tests recompute none of them")
            return
        }
        try expectChecksRecomputed(result, inputs: try Self.inputs(), recompute: recompute)
    }

    // MARK: - Figures

    static func widths(_ output: FigureOutput) -> [Double] {
        switch output {
        case .single(let figure): return [figure.width]
        case .frames(let frames, _): return frames.map(\.width)
        }
    }

    /// SVG bytes of a figure (every frame of a sequence): vector output of the same drawing code, cheaper than PNG.
    static func svgs(_ output: FigureOutput) throws -> [[UInt8]] {
        switch output {
        case .single(let figure): return [try figure.render(.svg)]
        case .frames(let frames, _): return try frames.map { try $0.render(.svg) }
        }
    }
}
