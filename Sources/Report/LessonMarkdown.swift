import Ink
import LessonKit

/// Turns the Markdown of a lesson text into HTML, resolving its references to what the lesson computed.
///
/// Ink 0.6.0 treats `_` as emphasis and `\` as an escape, which would break TeX, and it passes raw HTML through. So,
/// before Ink sees the text, this renderer lifts out everything that must not be touched — `$$…$$` and `$…$` math,
/// code spans and fenced code blocks, `{{value}}`, `{{table:name}}` and `![caption](figure:name)` references — and
/// replaces each by a placeholder (private-use characters around a number). The remaining prose is pre-escaped
/// (`Escaping.markdownProse`) so that no raw HTML survives. After Ink, the placeholders are replaced by their HTML.
///
/// Math is emitted as `<span class="math inline|display">TeX</span>` (TeX escaped as text) and rendered in the
/// browser by KaTeX; without KaTeX the TeX stays readable. `{{path}}` inside math becomes a TeX number.
/// A literal dollar sign is written `\$`.
struct LessonMarkdown {
    /// A value the text showed, with the style it was shown in (for the step's numbers panel).
    struct UsedValue: Equatable {
        var path: String
        var style: NumberStyle?
    }

    /// What a lesson text may refer to.
    struct Targets {
        var fileName: String
        var results: JSONValue
        var tables: [String: Table]
        /// HTML for a figure reference, given the caption's HTML and plain text; nil when there is no such figure.
        var figure: (_ name: String, _ captionHTML: String, _ captionText: String) -> String?
        var figureNames: [String]
        /// Named blocks of ready HTML, placed by `{{name}}` on a line of its own (the index page's `{{lessons}}`).
        var blocks: [String: String] = [:]
    }

    let targets: Targets
    private(set) var usedValues: [UsedValue] = []
    private(set) var usedFigures: [String] = []
    private(set) var usedTables: [String] = []
    private var placeholders: [String] = []
    /// Placeholders that stand for blocks (figures, tables, code blocks): Ink's `<p>` around them is removed.
    private var blockPlaceholders: Set<Int> = []

    init(targets: Targets) { self.targets = targets }

    private static let open: Character = "\u{E000}"
    private static let close: Character = "\u{E001}"

    /// Block-level Markdown (a step body, an introduction) to HTML.
    mutating func renderBlock(_ source: LessonText.Source) throws(ReportError) -> String {
        var prose = ""
        var lines = source.text.components(separatedBy: "\n")[...]
        var lineNumber = source.firstLine
        var pending: [String] = []
        var pendingLine = lineNumber
        func flushPending(_ self_: inout LessonMarkdown) throws(ReportError) {
            if !pending.isEmpty {
                prose += try self_.lift(pending.joined(separator: "\n"), firstLine: pendingLine) + "\n"
                pending = []
            }
        }
        while let line = lines.first {
            lines = lines.dropFirst()
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                try flushPending(&self)
                let marker = String(trimmed.prefix(3))
                let startLine = lineNumber
                var code: [String] = []
                var closed = false
                lineNumber += 1
                while let codeLine = lines.first {
                    lines = lines.dropFirst()
                    lineNumber += 1
                    if codeLine.trimmingCharacters(in: .whitespaces).hasPrefix(marker) { closed = true; break }
                    code.append(codeLine)
                }
                guard closed else {
                    throw .lessonText(file: targets.fileName, line: startLine, message: "the code block opened here is not closed; add a line \(marker)")
                }
                prose += "\n" + placeholder("<pre><code>" + Escaping.html(code.joined(separator: "\n")) + "</code></pre>", block: true) + "\n\n"
                pendingLine = lineNumber
                continue
            }
            if pending.isEmpty { pendingLine = lineNumber }
            pending.append(line)
            lineNumber += 1
        }
        try flushPending(&self)
        // Markdown tables scroll sideways on a phone, like the computed tables (`tableHTML`), instead of being cut.
        let html = Self.inkHTML(prose)
            .replacingOccurrences(of: "<table>", with: "<div class=\"table-wrap\"><table>")
            .replacingOccurrences(of: "</table>", with: "</table></div>")
        return restore(html)
    }

    /// One line of inline Markdown (a step title, a caption) to HTML without the surrounding paragraph.
    mutating func renderInline(_ text: String, line: Int) throws(ReportError) -> String {
        // A line that starts like a block (`8. `, `- `, `# `, `> `) would become a list, heading or quote in Ink:
        // escape the marker so that it stays text.
        var source = text
        if let marker = source.range(of: #"^(\d+(?=[.)]\s)|(?=[-+*#>]\s))"#, options: .regularExpression) {
            source.insert("\\", at: marker.upperBound)
        }
        let lifted = try lift(source, firstLine: line)
        var html = Self.inkHTML(lifted)
        if html.hasPrefix("<p>") && html.hasSuffix("</p>") { html = String(html.dropFirst(3).dropLast(4)) }
        return restore(html)
    }

    /// Ink's HTML for `markdown`, with the whitespace at its end removed first (it means nothing in Markdown): Ink 0.6.0
    /// reads past the end of a text that opens with a `---` line and ends in whitespace (its front-matter reader asks
    /// for the character after the last; found by scripts/fuzz, regression test in LessonMarkdownTests).
    ///
    /// Brackets nested deeper than `maximumBracketDepth` (unmatched ones count) are escaped: Ink tries every `[` as the
    /// start of a link, inside the text of the link before it, which takes exponential time (a line of 55 `[` ran for
    /// more than 10 s; found by scripts/fuzz). Links hold no links, so depth 2 loses nothing (`[a [b] c](url)` keeps).
    static func inkHTML(_ markdown: String) -> String {
        var text = Substring(markdown)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return MarkdownParser().html(from: limitingBrackets(text))
    }

    static let maximumBracketDepth = 2

    static func limitingBrackets(_ text: Substring) -> String {
        guard text.contains("[") else { return String(text) }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        var depth = 0, escaped = false, afterNewline = false
        for ch in text {
            defer {
                escaped = ch == "\\" && !escaped
                afterNewline = ch == "\n"
            }
            if ch == "\n" && afterNewline { depth = 0 }  // a blank line ends the paragraph and its brackets
            if ch == "[" && !escaped {
                if depth >= maximumBracketDepth { out += "\\[" ; continue }
                depth += 1
            } else if ch == "]" && !escaped && depth > 0 {
                depth -= 1
            }
            out.append(ch)
        }
        return out
    }

    // MARK: - Lifting

    private mutating func placeholder(_ html: String, block: Bool = false) -> String {
        placeholders.append(html)
        if block { blockPlaceholders.insert(placeholders.count - 1) }
        return "\(Self.open)\(placeholders.count - 1)\(Self.close)"
    }

    private func fail(_ line: Int, _ message: String) -> ReportError {
        .lessonText(file: targets.fileName, line: line, message: message)
    }

    /// Replaces math, code spans and references by placeholders and escapes the rest.
    private mutating func lift(_ text: String, firstLine: Int) throws(ReportError) -> String {
        let c = Array(text)
        var out = ""
        var i = 0
        var line = firstLine
        func find(_ pattern: String, from start: Int, sameLine: Bool) -> Int? {
            let p = Array(pattern)
            var j = start
            while j + p.count <= c.count {
                if sameLine && c[j] == "\n" { return nil }
                if c[j] == "\\" && p != ["\\"] { j += 2; continue }
                if Array(c[j..<j + p.count]) == p { return j }
                j += 1
            }
            return nil
        }
        while i < c.count {
            let ch = c[i]
            let next: Character? = i + 1 < c.count ? c[i + 1] : nil
            switch ch {
            case "\n":
                line += 1
                out.append(ch)
                i += 1
            case "\\" where next == "$":
                out += placeholder("<span class=\"dollar\">$</span>")
                i += 2
            case "\\" where next != nil:
                out.append("\\")
                out += Escaping.markdownProse(String(next!))
                i += 2
            case "`":
                var n = 0
                while i + n < c.count && c[i + n] == "`" { n += 1 }
                let fence = String(repeating: "`", count: n)
                var j = i + n
                var end: Int?
                while j < c.count {
                    if c[j] == "`" {
                        var m = 0
                        while j + m < c.count && c[j + m] == "`" { m += 1 }
                        if m == n { end = j; break }
                        j += m
                    } else { j += 1 }
                }
                if let end {
                    let code = String(c[(i + n)..<end])
                    line += code.filter { $0 == "\n" }.count
                    out += placeholder("<code>" + Escaping.html(code.trimmingCharacters(in: .whitespaces)) + "</code>")
                    i = end + n
                } else {
                    out += fence
                    i += n
                }
            case "$":
                if next == "$" {
                    guard let end = find("$$", from: i + 2, sameLine: false) else {
                        throw fail(line, "display math `$$` is not closed; end it with `$$` (write \\$ for a dollar sign)")
                    }
                    let tex = String(c[(i + 2)..<end])
                    let startLine = line
                    line += tex.filter { $0 == "\n" }.count
                    let resolved = try resolveInMath(tex, line: startLine)
                    out += placeholder("<span class=\"math display\">" + Escaping.html(resolved.trimmingCharacters(in: .whitespacesAndNewlines)) + "</span>", block: true)
                    i = end + 2
                } else {
                    guard let end = find("$", from: i + 1, sameLine: true), end > i + 1 else {
                        throw fail(line, "inline math `$` is not closed on the same line; end it with `$` (write \\$ for a dollar sign)")
                    }
                    let tex = String(c[(i + 1)..<end])
                    let resolved = try resolveInMath(tex, line: line)
                    out += placeholder("<span class=\"math inline\">" + Escaping.html(resolved) + "</span>")
                    i = end + 1
                }
            case "{" where next == "{":
                guard let end = find("}}", from: i + 2, sameLine: true) else {
                    throw fail(line, "`{{` is not closed on the same line; write {{name}} to show a computed value")
                }
                let reference = String(c[(i + 2)..<end]).trimmingCharacters(in: .whitespaces)
                if let block = targets.blocks[reference] {
                    out += "\n\n" + placeholder(block, block: true) + "\n\n"
                } else if reference.hasPrefix("table:") {
                    let name = String(reference.dropFirst("table:".count)).trimmingCharacters(in: .whitespaces)
                    guard let table = targets.tables[name] else {
                        throw fail(line, "unknown table `\(name)` in {{table:\(name)}}; this lesson computes \(Self.list(targets.tables.keys))")
                    }
                    usedTables.append(name)
                    out += "\n\n" + placeholder(Self.tableHTML(table, name: name), block: true) + "\n\n"
                } else {
                    let (path, style) = try parseValueReference(reference, line: line)
                    let text = try formatted(path: path, style: style, line: line)
                    out += placeholder(text.spanHTML)
                }
                i = end + 2
            case "!" where next == "[":
                guard let (caption, target, end) = Self.parseImage(c, at: i) else {
                    out += "!"
                    i += 1
                    continue
                }
                guard target.hasPrefix("figure:") else {
                    throw fail(line, "images must be computed figures: write ![caption](figure:NAME) (got `\(target)`)")
                }
                let name = String(target.dropFirst("figure:".count)).trimmingCharacters(in: .whitespaces)
                if let inner = caption.range(of: "](figure:") {
                    let innerName = caption[inner.upperBound...].prefix { $0 != ")" }
                    let which = innerName.trimmingCharacters(in: .whitespaces) == name ? "itself" : "the figure `\(innerName)`"
                    throw fail(line, "the caption of ![…](figure:\(name)) shows \(which): a caption is text; put the other figure in a reference of its own, outside the caption")
                }
                let captionHTML = try renderInline(caption, line: line)
                guard let html = targets.figure(name, captionHTML, try plainCaption(caption, line: line)) else {
                    throw fail(line, "unknown figure `\(name)` in ![…](figure:\(name)); this lesson draws \(Self.list(targets.figureNames))")
                }
                usedFigures.append(name)
                out += "\n\n" + placeholder(html, block: true) + "\n\n"
                i = end
            default:
                out += Escaping.markdownProse(String(ch))
                i += 1
            }
        }
        return out
    }

    private func parseValueReference(_ reference: String, line: Int) throws(ReportError) -> (String, NumberStyle?) {
        let parts = reference.split(separator: "|", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        let path = parts.first ?? ""
        guard !path.isEmpty else { throw fail(line, "empty reference {{}}: write {{name}} with a key of results.json") }
        var style: NumberStyle?
        if parts.count == 2 {
            guard let s = NumberStyle(spec: parts[1]) else {
                throw fail(line, "unknown number format `\(parts[1])` in {{\(reference)}}; use .3f, .2e, .4g, %, .1% or int")
            }
            style = s
        }
        return (path, style)
    }

    /// The lesson's value at `path`, formatted.
    private mutating func formatted(path: String, style: NumberStyle?, line: Int) throws(ReportError) -> ValueText {
        let text = try lookUp(path: path, style: style, line: line)
        usedValues.append(UsedValue(path: path, style: style))
        return text
    }

    /// The lesson's value at `path`, formatted, without recording it as used.
    private func lookUp(path: String, style: NumberStyle?, line: Int) throws(ReportError) -> ValueText {
        guard let value = targets.results.value(at: path) else {
            let top = path.split(separator: ".").first.map(String.init) ?? path
            let hint = targets.results.value(at: top) == nil
                ? "this lesson computes \(Self.list(Self.topKeys(targets.results)))"
                : "`\(top)` exists but has no element `\(path.dropFirst(top.count + 1))`"
            throw fail(line, "unknown value {{\(path)}}: \(hint)")
        }
        guard let text = ValueText(value, style: style) else {
            throw fail(line, "{{\(path)}} is a list or an object; refer to one element, e.g. {{\(path).0}}")
        }
        return text
    }

    /// Resolves `{{path}}` and `{{path|fmt}}` inside TeX into TeX numbers. Every `{{…}}` in math is a reference (an
    /// unknown one fails like elsewhere); TeX's own double braces are written with a space: `{ {a} }`.
    private mutating func resolveInMath(_ tex: String, line: Int) throws(ReportError) -> String {
        var out = ""
        var rest = Substring(tex)
        while let open = rest.range(of: "{{") {
            out += rest[..<open.lowerBound]
            let after = rest[open.upperBound...]
            guard let close = after.range(of: "}}") else {
                throw fail(line, "`{{` in math is not closed; write {{name}} for a computed value, or { { for TeX braces")
            }
            let inner = after[..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            let (path, style) = try parseValueReference(inner, line: line)
            out += try formatted(path: path, style: style, line: line).tex
            rest = after[close.upperBound...]
        }
        return out + rest
    }

    /// A figure caption as plain text (the figure's alt text): Markdown and math markers dropped, `{{value}}`
    /// references replaced by their plain values (code spans keep theirs literally). `renderInline` has already
    /// recorded the values as used and failed on unknown ones; this only looks them up again.
    private func plainCaption(_ caption: String, line: Int) throws(ReportError) -> String {
        var out = ""
        for (k, segment) in caption.split(separator: "`", omittingEmptySubsequences: false).enumerated() {
            if k > 0 { out += "`" }
            guard k % 2 == 0 else { out += segment; continue }
            var rest = segment
            while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
                out += Self.plainText(String(rest[..<open.lowerBound]))
                let reference = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
                if targets.blocks[reference] == nil && !reference.hasPrefix("table:") {
                    let (path, style) = try parseValueReference(reference, line: line)
                    out += try lookUp(path: path, style: style, line: line).plain
                }
                rest = rest[close.upperBound...]
            }
            out += Self.plainText(String(rest))
        }
        return out
    }

    // MARK: - Restoring

    /// Puts the lifted pieces back, in one pass over the text: each `open index close` token becomes placeholder
    /// `index` (a block placeholder also takes the `<p>…</p>` that Markdown wrapped around it), and tokens inside a
    /// placeholder are restored in turn — only those with a smaller index, the ones lifted before it.
    private func restore(_ html: String) -> String {
        var out = ""
        out.reserveCapacity(html.utf8.count + placeholders.reduce(0) { $0 + $1.utf8.count })
        append(html, below: placeholders.count, to: &out)
        return out
    }

    private func append(_ text: String, below limit: Int, to out: inout String) {
        let scalars = text.unicodeScalars
        let open = Self.open.unicodeScalars.first!, close = Self.close.unicodeScalars.first!
        var copied = scalars.startIndex
        var i = scalars.startIndex
        while let start = scalars[i...].firstIndex(of: open) {
            // The index: digits up to the closing mark.
            var j = scalars.index(after: start)
            var index = 0, digits = 0
            while j < scalars.endIndex, (0x30...0x39).contains(scalars[j].value), digits < 9 {
                index = index * 10 + Int(scalars[j].value - 0x30); digits += 1
                j = scalars.index(after: j)
            }
            guard digits > 0, j < scalars.endIndex, scalars[j] == close, index < limit else {
                i = scalars.index(after: start)
                continue
            }
            let end = scalars.index(after: j)
            var from = start, to = end
            if blockPlaceholders.contains(index) {
                let before = "<p>".unicodeScalars, after = "</p>".unicodeScalars
                if scalars[scalars.startIndex..<start].reversed().starts(with: before.reversed()),
                   scalars[end...].starts(with: after) {
                    from = scalars.index(start, offsetBy: -before.count)
                    to = scalars.index(end, offsetBy: after.count)
                }
            }
            out.unicodeScalars.append(contentsOf: scalars[copied..<from])
            append(placeholders[index], below: index, to: &out)
            copied = to
            i = to
        }
        out.unicodeScalars.append(contentsOf: scalars[copied...])
    }

    // MARK: - Helpers

    /// `![caption](target)` at `start`: the caption (brackets may nest), the target, and the index after `)`.
    static func parseImage(_ c: [Character], at start: Int) -> (String, String, Int)? {
        var j = start + 2
        var depth = 1
        while j < c.count {
            if c[j] == "\\" { j += 2; continue }
            if c[j] == "[" { depth += 1 }
            if c[j] == "]" { depth -= 1; if depth == 0 { break } }
            if c[j] == "\n" && j + 1 < c.count && c[j + 1] == "\n" { return nil }
            j += 1
        }
        guard j + 1 < c.count, c[j] == "]", c[j + 1] == "(" else { return nil }
        guard let close = c[(j + 2)...].firstIndex(of: ")") else { return nil }
        let caption = String(c[(start + 2)..<j])
        let target = String(c[(j + 2)..<close]).trimmingCharacters(in: .whitespaces)
        return (caption, target, close + 1)
    }

    /// A table cell: text escaped as given, numbers formatted like `{{path|style}}` (real minus signs, `× 10ⁿ`) in a
    /// `<span class="value">`, which never wraps (the table scrolls sideways instead).
    static func cellHTML(_ cell: TableCell) -> String {
        switch cell {
        case .text(let text): return Escaping.html(text)
        case .number(let x, let style): return ValueText(ValueFormatter.format(x, style: style)).spanHTML
        case .integer(let i): return ValueText(ValueFormatter.format(integer: i)).spanHTML
        }
    }

    static func tableHTML(_ table: Table, name: String) -> String {
        // The caption sits outside the scrolling wrapper so that it wraps on a phone while a wide table scrolls.
        var html = ""
        if let caption = table.caption {
            html += "<p class=\"table-caption\" id=\"table-\(Escaping.attribute(name))-caption\">\(Escaping.html(caption))</p>"
        }
        html += "<div class=\"table-wrap\"><table class=\"results\" id=\"table-\(Escaping.attribute(name))\""
        if table.caption != nil { html += " aria-labelledby=\"table-\(Escaping.attribute(name))-caption\"" }
        html += ">"
        html += "<thead><tr>" + table.columns.map { "<th scope=\"col\">\(Escaping.html($0))</th>" }.joined() + "</tr></thead><tbody>"
        for row in table.rows {
            html += "<tr>" + row.map { cell in
                if case .text = cell { return "<td>\(cellHTML(cell))</td>" }
                return "<td class=\"num\">\(cellHTML(cell))</td>"
            }.joined() + "</tr>"
        }
        return html + "</tbody></table></div>"
    }

    /// The caption without math delimiters and Markdown marks, for `alt` text.
    static func plainText(_ markdown: String) -> String {
        markdown.filter { !"$*_`\\".contains($0) }
    }

    static func topKeys(_ value: JSONValue) -> [String] {
        if case .object(let members) = value { return Array(members.keys) }
        return []
    }

    static func list<S: Sequence>(_ names: S) -> String where S.Element == String {
        let sorted = names.sorted()
        if sorted.isEmpty { return "none" }
        let shown = sorted.prefix(12).map { "`\($0)`" }.joined(separator: ", ")
        return sorted.count > 12 ? shown + ", … (\(sorted.count) in all; see results.json)" : shown
    }
}

/// A value of `results` as it appears in the text.
struct ValueText {
    var html: String
    var tex: String
    var plain: String
    /// Whether it is a number (else text: a string, yes/no, or — for null).
    var isNumber = false

    /// The HTML of the value in running text, a table or the numbers panel: `<span class="value">` for a number (the
    /// style sheet keeps it on one line: a number never breaks between its digits, its sign or its `× 10ⁿ`), and
    /// `<span class="value text">` for text, which may wrap like any words.
    var spanHTML: String { "<span class=\"value\(isNumber ? "" : " text")\">" + html + "</span>" }

    init?(_ value: JSONValue, style: NumberStyle?) {
        switch value {
        case .integer(let i):
            let f = style.map { ValueFormatter.format(Double(i), style: $0) } ?? ValueFormatter.format(integer: i)
            self.init(f)
        case .number(let x):
            self.init(ValueFormatter.format(x, style: style ?? .default))
        case .bool(let b):
            self.init(html: b ? "yes" : "no", tex: b ? "\\text{yes}" : "\\text{no}", plain: b ? "yes" : "no")
        case .string(let s):
            self.init(html: Escaping.html(s), tex: "\\text{" + Self.texText(s) + "}", plain: s)
        case .null:
            self.init(html: "—", tex: "\\text{—}", plain: "—")
        case .array, .object:
            return nil
        }
    }

    init(_ f: FormattedNumber) {
        self.init(html: f.html, tex: f.tex, plain: f.plain)
        isNumber = true
    }

    init(html: String, tex: String, plain: String) {
        self.html = html
        self.tex = tex
        self.plain = plain
    }

    /// Plain text inside TeX's `\text{}`: TeX's special characters are escaped.
    static func texText(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "\\": out += "\\textbackslash{}"
            case "{", "}", "$", "&", "#", "%", "_": out += "\\" + String(ch)
            case "^": out += "\\^{}"
            case "~": out += "\\~{}"
            default: out.append(ch)
            }
        }
        return out
    }
}
