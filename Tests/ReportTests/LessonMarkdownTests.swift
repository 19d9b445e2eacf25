import LessonKit
import Lessons
import Testing
@testable import Report

/// "This Markdown in, exactly this HTML out" for each construct the lesson texts use.
@Suite struct LessonMarkdownTests {
    static let results: JSONValue = ["s": .number(-0.012345678), "n": 12, "v": [1.5, 2.5], "name": "<b>"]

    func targets(figures: [String] = ["fig"]) -> LessonMarkdown.Targets {
        LessonMarkdown.Targets(
            fileName: "t.md", results: Self.results,
            tables: ["tab": Table(columns: ["a&b"], rows: [["<1>"]], caption: nil)],
            figure: { name, caption, text in figures.contains(name) ? "<figure data-name=\"\(name)\" data-alt=\"\(text)\">\(caption)</figure>" : nil },
            figureNames: figures)
    }

    func render(_ markdown: String, firstLine: Int = 10) throws -> String {
        var m = LessonMarkdown(targets: targets())
        return try m.renderBlock(.init(text: markdown, firstLine: firstLine))
    }

    /// Found by scripts/fuzz: a body that opens with a `---` line and ends in whitespace made Ink read past the end of
    /// the text (a crash). Now it renders, keeping its words.
    @Test(arguments: ["---\n\n", "---\n  ", "---\nsome words\n \n", "---\ntitle: x\n\t\n"])
    func aBodyOpeningWithARuleAndEndingInWhitespaceRenders(body: String) throws {
        let html = try render(body)
        if body.contains("words") { #expect(html.contains("some words"), "\(html)") }
        if body.contains("title") { #expect(html.contains("title: x"), "\(html)") }
    }

    /// Found by scripts/fuzz: 55 unmatched `[` made Ink try links inside links for more than 10 s (exponential). Deep
    /// brackets are now escaped; a link whose text holds one pair of brackets stays a link.
    @Test func deeplyNestedBracketsRenderAndLinksKeep() throws {
        let html = try render(String(repeating: "[", count: 60) + String(repeating: "()", count: 15) + "[]()")
        #expect(html.contains(String(repeating: "[", count: 50) + "()()()"), "\(html)")
        // Brackets no deeper than two are left to Ink as they are.
        for text in ["see [a [b] c](https://example.org) and [d](https://example.org)", "[1] [2] [[x]]", "a \\[ b [c]"] {
            #expect(LessonMarkdown.limitingBrackets(Substring(text)) == text)
        }
        #expect(try render("see [d](https://example.org)") == #"<p>see <a href="https://example.org">d</a></p>"#)
        #expect(LessonMarkdown.limitingBrackets("[[[x]]]") == #"[[\[x]]]"#)
        #expect(LessonMarkdown.limitingBrackets("[[a\n\n[[b") == "[[a\n\n[[b")
    }

    @Test func inlineMathKeepsUnderscoresAndBackslashes() throws {
        #expect(try render(#"a $W_{ij} = \mathbf{w}_i^\top x_j$ and _b_"#)
            == #"<p>a <span class="math inline">W_{ij} = \mathbf{w}_i^\top x_j</span> and <em>b</em></p>"#)
    }

    @Test func displayMathAcrossLines() throws {
        #expect(try render("$$\n a < b \\\\\n c_1\n$$") == #"<span class="math display">a &lt; b \\"# + "\n" + #" c_1</span>"#)
    }

    @Test func valuesAreFormattedAndEscaped() throws {
        #expect(try render("{{s}}, {{s|.2e}}, {{n}}, {{v.1|int}}, {{name}}")
            == "<p><span class=\"value\">\u{2212}0.01235</span>, <span class=\"value\">\u{2212}1.23\u{2009}×\u{2009}10<sup>\u{2212}2</sup></span>, <span class=\"value\">12</span>, <span class=\"value\">3</span>, <span class=\"value text\">&lt;b&gt;</span></p>")
    }

    /// Inside math `{{name}}` is always a reference (TeX's own double braces are written `{ {a} }`).
    @Test func valuesInsideMathBecomeTeX() throws {
        #expect(try render("$s = {{s|.2f}}$ and $\\frac{ {a} }{b}$")
            == #"<p><span class="math inline">s = -0.01</span> and <span class="math inline">\frac{ {a} }{b}</span></p>"#)
        #expect(throws: ReportError.self) { try render("$\\frac{{a}}{b}$") }
    }

    @Test func rawHTMLAndQuotesAreEscaped() throws {
        #expect(try render(#"<script>x</script> & [l](a"b)"#)
            == #"<p>&lt;script&gt;x&lt;/script&gt; &amp; <a href="a&quot;b">l</a></p>"#)
    }

    @Test func codeSpansAndBlocksAreLiteral() throws {
        #expect(try render("`{{nope}} $x$ <i>`") == "<p><code>{{nope}} $x$ &lt;i&gt;</code></p>")
        #expect(try render("```\n{{nope}} $ <b>\n```") == "<pre><code>{{nope}} $ &lt;b&gt;</code></pre>")
    }

    @Test func escapedDollar() throws {
        #expect(try render(#"costs \$5"#) == #"<p>costs <span class="dollar">$</span>5</p>"#)
    }

    @Test func markdownTablesScrollSideways() throws {
        let html = try render("| a | b |\n|---|---|\n| 1 | 2 |")
        #expect(html.hasPrefix("<div class=\"table-wrap\"><table>") && html.hasSuffix("</table></div>"))
        #expect(html.components(separatedBy: "table-wrap").count == 2)
    }

    /// Number cells of a computed table are values (never wrapped); text cells stay text.
    @Test func numberCellsOfTablesAreValues() {
        let table = Table(columns: ["k", "λ"], rows: [[.text("1"), .number(-1.25e-7, .significant(3))], [.text("2"), .integer(64)]])
        let html = LessonMarkdown.tableHTML(table, name: "t")
        #expect(html.contains("<tr><td>1</td><td class=\"num\"><span class=\"value\">\u{2212}1.25\u{2009}×\u{2009}10<sup>\u{2212}7</sup></span></td></tr>"))
        #expect(html.contains("<tr><td>2</td><td class=\"num\"><span class=\"value\">64</span></td></tr>"))
    }

    @Test func figuresAndTablesAreBlocks() throws {
        #expect(try render("Text.\n\n![Cap $x_1$](figure:fig)\n\n{{table:tab}}")
            == #"<p>Text.</p><figure data-name="fig" data-alt="Cap x1">Cap <span class="math inline">x_1</span></figure><div class="table-wrap"><table class="results" id="table-tab"><thead><tr><th scope="col">a&amp;b</th></tr></thead><tbody><tr><td>&lt;1&gt;</td></tr></tbody></table></div>"#)
    }

    /// `{{…}}` in a figure caption is expanded like in text (HTML and alt text), math in the caption kept.
    @Test func valuesInFigureCaptionsAreExpanded() throws {
        let html = try render("![Fit with n = {{n}}, $s = {{s|.2f}}$ and {{name}}](figure:fig)")
        #expect(html == #"<figure data-name="fig" data-alt="Fit with n = 12, s = −0.01 and <b>">Fit with n = <span class="value">12</span>, <span class="math inline">s = -0.01</span> and <span class="value text">&lt;b&gt;</span></figure>"#)
    }

    @Test func usedValuesAreRecordedInOrder() throws {
        var m = LessonMarkdown(targets: targets())
        _ = try m.renderBlock(.init(text: "{{n}} $ {{s|.1f}} $ {{n}}", firstLine: 1))
        #expect(m.usedValues.map(\.path) == ["n", "s", "n"])
        #expect(m.usedValues[1].style == .fixed(1))
    }

    @Test(arguments: [
        ("a\nb {{missing}}", 11, "unknown value {{missing}}"),
        ("{{v.7}}", 10, "`v` exists but has no element `7`"),
        ("{{v}}", 10, "is a list or an object"),
        ("{{s|.3q}}", 10, "unknown number format"),
        ("x\n\n{{table:nope}}", 12, "unknown table `nope`"),
        ("![c](figure:nope)", 10, "unknown figure `nope`"),
        ("x\n![c {{missing}}](figure:fig)", 11, "unknown value {{missing}}"),
        ("![c](photo.png)", 10, "images must be computed figures"),
        ("a $x", 10, "inline math `$` is not closed"),
        ("a\n$$ x", 11, "display math `$$` is not closed"),
        ("{{s", 10, "`{{` is not closed"),
        ("```\ncode", 10, "code block opened here is not closed"),
    ])
    func unknownReferencesFailWithFileAndLine(markdown: String, line: Int, message: String) {
        #expect {
            try render(markdown)
        } throws: { error in
            guard case let ReportError.lessonText(file, l, m) = error else { return false }
            return file == "t.md" && l == line && m.contains(message)
        }
    }

    /// A step title like `8. Digits` or `- x` stays a title (Ink would make it a list).
    @Test(arguments: [("8. Digits", "8. Digits"), ("12) Twelve", "12) Twelve"), ("- dash", "- dash"), ("# hash", "# hash"),
                      ("> quote", "&gt; quote"), ("2024 in review", "2024 in review")])
    func titlesThatLookLikeBlocksStayText(title: String, html: String) throws {
        var m = LessonMarkdown(targets: targets())
        #expect(try m.renderInline(title, line: 1) == html)
    }

    @Test func inlineTitlesHaveNoParagraph() throws {
        var m = LessonMarkdown(targets: targets())
        #expect(try m.renderInline("Noise $\\sigma^2$", line: 1) == #"Noise <span class="math inline">\sigma^2</span>"#)
    }
}
