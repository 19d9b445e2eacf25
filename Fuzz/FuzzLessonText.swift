import Foundation
import LessonKit
@testable import Report

/// One input: the bytes (as UTF-8, invalid sequences replaced) as a lesson text — front matter, steps — whose every
/// step is rendered with values, a table and two figures to refer to, and as the index text. Errors (an unknown
/// reference, an unbalanced `$`, a bad front matter) are fine; a crash, a hang or a leak is not.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLessonText(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    let targets = LessonMarkdown.Targets(
        fileName: "fuzz.md",
        results: .object([
            "sigma2": .number(0.0123), "n": .integer(1797), "name": .string("a<b>&"),
            "em": .object(["iterations": .integer(12), "trace": .numbers([1, 2.5, -3e-9])]),
        ]),
        tables: ["summary": Table(columns: ["k", "λ"], rows: [["1", "3.5"]], caption: "eigen <values>")],
        figure: { name, captionHTML, _ in ["scatter", "trace"].contains(name) ? "<figure>\(captionHTML)</figure>" : nil },
        figureNames: ["scatter", "trace"],
        blocks: ["lessons": "<ul></ul>"])
    if let lesson = try? LessonText.parse(text, fileName: "fuzz.md") {
        var markdown = LessonMarkdown(targets: targets)
        _ = try? markdown.renderBlock(lesson.introduction)
        _ = try? markdown.renderInline(lesson.summary, line: 3)
        for step in lesson.steps {
            _ = try? markdown.renderInline(step.title.text, line: step.title.firstLine)
            _ = try? markdown.renderBlock(step.body)
        }
    }
    var markdown = LessonMarkdown(targets: targets)
    _ = try? markdown.renderBlock(LessonText.Source(text: text, firstLine: 1))
    _ = try? markdown.renderInline(text, line: 1)
    return 0
}
