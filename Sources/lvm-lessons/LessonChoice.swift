import ArgumentParser
import LessonKit
import Lessons

/// `--lesson NAME`: one lesson of `LessonCatalog.all`, by its slug.
///
/// The option parses with `LessonChoice(parsing:)` as its `transform`, because ArgumentParser shows the message of
/// a thrown error ("unknown lesson 'pcaa' in --lesson. Choose from …"), while a nil from `init?(argument:)` gets only
/// its generic line.
struct LessonChoice: ExpressibleByArgument, Sendable {
    let lesson: any Lesson

    init(parsing name: String) throws {
        guard let lesson = LessonCatalog.lesson(slug: name) else {
            throw ValidationError("unknown lesson '\(name)' in --lesson. Choose from \(Self.allValueStrings.joined(separator: ", ")) (see `lvm-lessons list`).")
        }
        self.lesson = lesson
    }

    init?(argument: String) { try? self.init(parsing: argument) }

    /// The slugs of the catalogue, in its order.
    static var allValueStrings: [String] { LessonCatalog.all.map(\.slug) }
    static var defaultCompletionKind: CompletionKind { .list(allValueStrings) }
    var defaultValueDescription: String { lesson.slug }
}
