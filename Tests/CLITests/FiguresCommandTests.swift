import Foundation
import Testing
import _TestSupport

/// `lvm-lessons figures`: the files it writes, and its refusals of bad names and lengths.
@Suite struct FiguresCommandTests {
    let lessons = CLIRunner.repository.appendingPathComponent("Lessons").path

    @Test func writesTheNamedFigureWithSnippetsAndBibliography() throws {
        let folder = TemporaryFolder()
        let run = try CLIRunner.run(["figures", "pca/scree", "--width", "246pt", "--out", "notes", "--lessons", lessons, "--quiet"],
                                    in: folder.url)
        #expect(run.status == 0, "\(run.stderr)")
        let out = folder.url.appendingPathComponent("notes")
        let files = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("pca").path).sorted()
        #expect(files == ["scree.md", "scree.pdf", "scree.png", "scree.svg", "scree.tex"])
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("references.bib").path))
        let tex = try String(contentsOf: out.appendingPathComponent("pca/scree.tex"), encoding: .utf8)
        #expect(tex.contains("\\includegraphics[width=246pt]{pca/scree}") && tex.contains("\\label{fig:pca-scree}"))
    }

    @Test func unknownNameListsTheLessonsFigures() throws {
        let folder = TemporaryFolder()
        let run = try CLIRunner.run(["figures", "pca/screee", "--out", "notes", "--lessons", lessons], in: folder.url)
        #expect(run.status == 1)
        #expect(run.stderr.contains("draws no figure `screee`") && run.stderr.contains("scree, variance-vs-angle"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.url.appendingPathComponent("notes").path), "nothing written")
    }

    @Test(arguments: [("3.4", "has no unit"), ("3px", "unknown unit 'px'"), ("0.1in", "between 0.5in and 27in")])
    func badLengthGetsAnExample(_ length: String, _ message: String) throws {
        let folder = TemporaryFolder()
        let run = try CLIRunner.run(["figures", "pca/scree", "--width", length, "--lessons", lessons], in: folder.url)
        #expect(run.status == 64)
        #expect(run.stderr.contains(message) && run.stderr.contains("246pt"), "\(run.stderr)")
    }

    @Test func unknownLessonIsRefused() throws {
        let folder = TemporaryFolder()
        let run = try CLIRunner.run(["figures", "pcaa/scree", "--lessons", lessons], in: folder.url)
        #expect(run.status == 64)
        #expect(run.stderr.contains("unknown lesson in 'pcaa/scree'"), "\(run.stderr)")
    }
}
