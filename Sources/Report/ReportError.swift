/// Why a build failed. Every description says what was wrong, where, and what to do about it.
public enum ReportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A problem in a lesson text, at `file:line`.
    case lessonText(file: String, line: Int, message: String)
    /// A lesson's computation threw.
    case lessonFailed(slug: String, reason: String)
    /// The input data could not be used.
    case data(String)
    /// The output folder cannot be used or replaced.
    case output(path: String, reason: String)
    /// A figure could not be rendered.
    case figure(lesson: String, name: String, reason: String)
    /// `lvm-lessons figures LESSON/NAME` with a name the lesson does not draw.
    case unknownFigure(lesson: String, name: String, available: [String])
    /// Reading or writing a file failed.
    case io(path: String, reason: String)
    /// The build was stopped between two stages (used by the tests to simulate a crash).
    case interrupted(stage: String)

    public var description: String {
        switch self {
        case let .lessonText(file, line, message):
            return "\(file):\(line): \(message)"
        case let .lessonFailed(slug, reason):
            return "the \(slug) lesson failed: \(reason)"
        case let .data(message):
            return message
        case let .output(path, reason):
            return "cannot write the report to \(path): \(reason)"
        case let .figure(lesson, name, reason):
            return "the figure \(lesson)/\(name) could not be rendered: \(reason)"
        case let .unknownFigure(lesson, name, available):
            return "the \(lesson) lesson draws no figure `\(name)`; its figures are: \(available.sorted().joined(separator: ", ")) (e.g. \(lesson)/\(available.sorted().first ?? name))"
        case let .io(path, reason):
            return "\(path): \(reason)"
        case let .interrupted(stage):
            return "the build was interrupted at the \(stage) stage; the previous report was left as it was"
        }
    }
}
