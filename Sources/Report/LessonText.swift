import Foundation

/// A lesson text (`Lessons/NN-slug.md`) split into its parts, with line numbers kept for error messages.
///
/// Format:
/// ```
/// ---
/// title: PCA reconstructs
/// summary: One sentence for the index card.
/// ---
/// Optional introduction, shown above the steps.
///
/// ## First step title
/// Markdown with $math$, {{values}}, {{table:name}} and ![caption](figure:name).
/// ```
/// Every line starting with `## ` (outside a fenced code block) begins a step.
public struct LessonText: Sendable, Equatable {
    /// A piece of Markdown and the 1-based line of the file on which it starts.
    public struct Source: Sendable, Equatable {
        public var text: String
        public var firstLine: Int
        public init(text: String, firstLine: Int) { self.text = text; self.firstLine = firstLine }
    }

    public struct Step: Sendable, Equatable {
        public var title: Source
        public var body: Source
    }

    /// The file's name, used in error messages (`01-pca.md:12: ...`).
    public var fileName: String
    public var title: String
    public var summary: String
    /// Markdown between the front matter and the first step (may be empty).
    public var introduction: Source
    public var steps: [Step]

    /// Lesson texts larger than this (1 MiB) are refused before reading: the longest shipped text is about 40 kB, and
    /// a 10 MB text takes a quarter of a gigabyte and many seconds to render.
    public static let maximumFileSize = 1 << 20

    /// Reads and parses a lesson text file.
    public static func load(_ url: URL) throws(ReportError) -> LessonText {
        let size = ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.intValue ?? 0
        guard size <= maximumFileSize else {
            throw .io(path: url.path, reason: String(format: "the lesson text is %.1f MiB, but at most %.1f MiB are accepted (a lesson text is Markdown prose; the shipped ones are under 50 kB); is this the right file?", Double(size) / 1_048_576, Double(maximumFileSize) / 1_048_576))
        }
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw .io(path: url.path, reason: "cannot read the lesson text (\(error.localizedDescription)); check --lessons")
        }
        return try parse(text, fileName: url.lastPathComponent)
    }

    public static func parse(_ text: String, fileName: String) throws(ReportError) -> LessonText {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")
        let (title, summary, bodyStart) = try frontMatter(lines, fileName: fileName)
        var index = bodyStart
        var introduction: [String] = []
        let introductionLine = index + 1
        var steps: [Step] = []
        var currentTitle: Source?
        var currentBody: [String] = []
        var bodyLine = 0
        var fence: String?
        func flush() {
            if let t = currentTitle {
                steps.append(Step(title: t, body: Source(text: currentBody.joined(separator: "\n"), firstLine: bodyLine)))
            }
        }
        while index < lines.count {
            let line = lines[index]
            let lineNumber = index + 1
            index += 1
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if let f = fence {
                if trimmed.hasPrefix(f) { fence = nil }
            } else if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                fence = String(trimmed.prefix(3))
            } else if line.hasPrefix("## ") {
                flush()
                let stepTitle = String(line.dropFirst(3)).trimmingCharacters(in: .whitespaces)
                guard !stepTitle.isEmpty else {
                    throw .lessonText(file: fileName, line: lineNumber, message: "a step heading `## ` needs a title")
                }
                currentTitle = Source(text: stepTitle, firstLine: lineNumber)
                currentBody = []
                bodyLine = lineNumber + 1
                continue
            }
            if currentTitle == nil { introduction.append(line) } else { currentBody.append(line) }
        }
        flush()
        guard !steps.isEmpty else {
            throw .lessonText(file: fileName, line: introductionLine, message: "the lesson has no steps: start each step with a line `## Step title`")
        }
        return LessonText(
            fileName: fileName, title: title, summary: summary,
            introduction: Source(text: introduction.joined(separator: "\n"), firstLine: introductionLine), steps: steps)
    }

    /// Reads the front matter at the top of `lines`: its title, its summary, and the index of the first line after it.
    static func frontMatter(_ lines: [String], fileName: String) throws(ReportError) -> (title: String, summary: String, bodyStart: Int) {
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---" else {
            throw .lessonText(file: fileName, line: 1, message: "the file must start with front matter: a line `---`, then `title: …` and `summary: …`, then `---`")
        }
        var fields: [String: String] = [:]
        var index = 1
        var closed = false
        while index < lines.count {
            let line = lines[index]
            index += 1
            if line.trimmingCharacters(in: .whitespaces) == "---" { closed = true; break }
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            guard let colon = line.firstIndex(of: ":") else {
                throw .lessonText(file: fileName, line: index, message: "front matter lines are `key: value`; this one has no colon")
            }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            fields[key] = value
        }
        guard closed else {
            throw .lessonText(file: fileName, line: 1, message: "the front matter is not closed: add a line `---` after `title:` and `summary:`")
        }
        guard let title = fields["title"], !title.isEmpty else {
            throw .lessonText(file: fileName, line: 1, message: "the front matter has no `title:`; add one")
        }
        return (title, fields["summary"] ?? "", index)
    }
}

/// The index page's text (`Lessons/index.md`): front matter with the site's title and a one-line summary, then
/// Markdown. A line `{{lessons}}` places the lesson cards (otherwise they follow the text's first paragraph block).
public struct IndexText: Sendable, Equatable {
    public var fileName: String
    public var title: String
    public var summary: String
    public var body: LessonText.Source

    /// Used when the lessons folder has no `index.md`.
    public static let fallback = IndexText(
        fileName: "index.md", title: "Latent variable models, step by step", summary: "",
        body: LessonText.Source(text: "{{lessons}}", firstLine: 1))

    public static func load(_ url: URL) throws(ReportError) -> IndexText {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw .io(path: url.path, reason: "cannot read the index text (\(error.localizedDescription))")
        }
        return try parse(text, fileName: url.lastPathComponent)
    }

    public static func parse(_ text: String, fileName: String) throws(ReportError) -> IndexText {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")
        let (title, summary, bodyStart) = try LessonText.frontMatter(lines, fileName: fileName)
        return IndexText(
            fileName: fileName, title: title, summary: summary,
            body: LessonText.Source(text: lines[bodyStart...].joined(separator: "\n"), firstLine: bodyStart + 1))
    }
}
