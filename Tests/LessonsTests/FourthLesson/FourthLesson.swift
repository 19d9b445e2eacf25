import Datasets
import Foundation
import LessonKit
import LinearAlgebra
import Lessons
import Plotting

/// A fourth lesson, as a new lesson is written: this folder (its story and its figures), its Markdown text
/// (`04-fourth.md`, beside this file) and one line in the catalogue. It uses the kit as the real lessons do: a value
/// with its label and convention, a group, a table with typed cells, a figure, frames, a check, a stream of its own.
struct FourthLesson: Lesson {
    var slug: String { "fourth" }
    var textFileName: String { "04-fourth.md" }
    var acceptedOptions: [LessonOption] { [] }

    func run(_ context: LessonContext) throws -> LessonResult {
        var page = LessonRecorder()
        var random = StepRandom.generator(seed: context.seed, lesson: slug, step: "draws")
        let draws = (0..<64).map { _ in random.nextStandardNormal() }
        theMean(draws, &page)
        try theDigits(context.data.dataset(.digits), &page)
        return page.result
    }

    /// Step 1: the sample mean of 64 standard normal draws, and the variance identity E[x²] = Var x + (E x)².
    func theMean(_ draws: [Double], _ page: inout LessonRecorder) {
        let n = Double(draws.count)
        let mean = draws.reduce(0, +) / n
        let meanSquare = draws.map { $0 * $0 }.reduce(0, +) / n
        let variance = draws.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / n   // 1/N
        page.group("draws") { page in
            page.value("count", draws.count, "N, draws from N(0, 1)")
            page.value("mean", mean, "x̄, the sample mean", .oneOverN)
        }
        page.check("draws.second_moment", method: "mean of x² against the 1/N variance plus the squared mean",
                   expected: variance + mean * mean, computed: meanSquare, tolerance: 16 * .ulpOfOne * meanSquare)
        page.table("draws", Table(columns: ["statistic", "value"],
                                  rows: [["mean", .number(mean)], ["variance", .number(variance, .fixed(3))]]))
        page.figure("draws", FourthFigures.histogram(draws))
        page.frames("running-mean", (1...4).map { k in
            (label: "first \(16 * k) draws", figure: FourthFigures.histogram(Array(draws.prefix(16 * k))))
        }, steps: [0, 3], columns: 2, title: "The first 16 and all 64 draws")
    }

    /// Step 2: a number from a shipped data set, asked for by name.
    func theDigits(_ digits: Dataset, _ page: inout LessonRecorder) {
        page.value("digits_rows", digits.count, "N, images of the digits")
    }
}

extension Convention {
    static let oneOverN: Convention = "normalised by 1/N"
}

/// The fourth lesson's figures: pure functions from values to figures.
enum FourthFigures {
    static func histogram(_ draws: [Double]) -> Figure {
        let figure = Figure(width: 320, height: 240)
        let axes = figure.addAxes()
        axes.xLabel = "x"
        axes.yLabel = "draw"
        axes.scatter(x: draws, y: draws.indices.map(Double.init), label: "draws")
        return figure
    }
}
