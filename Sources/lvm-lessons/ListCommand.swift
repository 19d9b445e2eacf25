import ArgumentParser
import Foundation
import Lessons
import Report

/// `lvm-lessons list`: the lessons, the options each takes, and their steps, read from the lesson texts.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the lessons, the options each takes, and their steps.")

    @OptionGroup var location: LessonsLocation

    func run() throws {
        let folder = try location.resolve()
        var out = ""
        for lesson in LessonCatalog.all {
            let url = folder.appendingPathComponent(lesson.textFileName)
            do {
                let text = try LessonText.load(url)
                out += "\(lesson.slug) — \(text.title)  (\(lesson.textFileName))\n"
                if !text.summary.isEmpty { out += "    \(text.summary)\n" }
                for option in lesson.acceptedOptions { out += "    \(option.flag): \(option.help)\n" }
                for (i, step) in text.steps.enumerated() { out += "    \(i + 1). \(step.title.text)\n" }
            } catch {
                out += "\(lesson.slug) — (\(lesson.textFileName): \(error))\n"
            }
        }
        print(out, terminator: "")
    }
}
