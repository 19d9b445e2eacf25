import Testing
@testable import Report

@Suite struct LessonTextTests {
    @Test func frontMatterStepsAndLines() throws {
        let text = try LessonText.parse("""
        ---
        title: T
        summary: S: with a colon
        ---
        intro

        ## One
        a
        ```
        ## not a step
        ```
        ## Two
        b
        """, fileName: "x.md")
        #expect(text.title == "T")
        #expect(text.summary == "S: with a colon")
        #expect(text.introduction == .init(text: "intro\n", firstLine: 5))
        #expect(text.steps.map(\.title.text) == ["One", "Two"])
        #expect(text.steps.map(\.title.firstLine) == [7, 12])
        #expect(text.steps[0].body == .init(text: "a\n```\n## not a step\n```", firstLine: 8))
        #expect(text.steps[1].body == .init(text: "b", firstLine: 13))
    }

    @Test(arguments: [
        ("no front matter\n## A", 1, "front matter"),
        ("---\ntitle: T\n", 1, "not closed"),
        ("---\nsummary: S\n---\n## A", 1, "no `title:`"),
        ("---\ntitle: T\nbroken line\n---\n## A", 3, "no colon"),
        ("---\ntitle: T\n---\ntext only", 4, "no steps"),
        ("---\ntitle: T\n---\n##  \n", 4, "needs a title"),
    ])
    func errorsNameTheLine(source: String, line: Int, message: String) {
        #expect {
            try LessonText.parse(source, fileName: "bad.md")
        } throws: { error in
            guard case let ReportError.lessonText(file, l, m) = error else { return false }
            return file == "bad.md" && l == line && m.contains(message)
        }
    }
}
