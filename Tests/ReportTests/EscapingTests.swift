import LessonKit
import Testing
@testable import Report
import Lessons

@Suite struct EscapingTests {
    @Test func numberCellsGetRealMinusSignsAndTextCellsStayAsGiven() {
        let table = Table(columns: ["a-b", "ℓ"], rows: [[.text("2-D"), .number(-3.19, .fixed(2))]])
        let html = LessonMarkdown.tableHTML(table, name: "t")
        #expect(html.contains("<td>2-D</td><td class=\"num\"><span class=\"value\">\u{2212}3.19</span></td>"))
        #expect(html.contains("<th scope=\"col\">a-b</th>"))
    }

    @Test func htmlText() {
        #expect(Escaping.html("a<b>&\"c'") == "a&lt;b&gt;&amp;\"c'")
    }
    @Test func attribute() {
        #expect(Escaping.attribute("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&#39;")
    }
    @Test func markdownProseKeepsBlockQuotes() {
        #expect(Escaping.markdownProse("> x < y & \"z\"") == "> x &lt; y &amp; &quot;z&quot;")
    }
    @Test func jsonControlCharacters() {
        #expect(Escaping.jsonString("a\u{1}\t\u{2028}") == "a\\u0001\\t\\u2028")
    }
    @Test(arguments: [("marginal-density", true), ("a1", true), ("-a", false), ("A", false), ("a/b", false), ("..", false), ("", false), ("a b", false)])
    func safeNames(name: String, safe: Bool) {
        #expect(Escaping.isSafeFileName(name) == safe)
    }
}
