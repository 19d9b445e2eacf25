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

    /// `--seed`, `--data` (and the rest of `build`'s inputs) reach the lessons: another seed draws another point
    /// cloud, your data another scree, and `--data` with only a lesson that does not take it is refused.
    @Test func takesTheSeedAndTheDataAsBuildDoes() throws {
        let folder = TemporaryFolder()
        let csv = folder.url.appendingPathComponent("mine.csv")
        var rows = ["a,b,c"]
        for k in 0..<40 { let x = Double(k) / 10; rows.append("\(x),\(2 * x + sin(Double(k))),\(cos(Double(k * 3)))") }
        try rows.joined(separator: "\n").write(to: csv, atomically: true, encoding: .utf8)
        func svg(_ extra: [String], _ name: String, out: String) throws -> String {
            let run = try CLIRunner.run(["figures", name, "--format", "svg", "--out", out, "--lessons", lessons, "--quiet"] + extra,
                                        in: folder.url)
            #expect(run.status == 0, "\(run.stderr)")
            return try String(contentsOf: folder.url.appendingPathComponent("\(out)/\(name).svg"), encoding: .utf8)
        }
        #expect(try svg([], "pca/point-cloud", out: "a") != svg(["--seed", "7"], "pca/point-cloud", out: "b"))
        #expect(try svg(["--seed", "7"], "pca/point-cloud", out: "c") == svg(["--seed", "7"], "pca/point-cloud", out: "d"))
        let mine = try svg(["--data", csv.path], "pca/scree", out: "e")
        #expect(mine != (try svg([], "pca/scree", out: "f")))
        #expect(SVGText.contents(mine).contains { $0.contains("of 3") || $0.contains("3") }, "three columns, three eigenvalues")
        let refused = try CLIRunner.run(["figures", "nonlinear/training", "--data", csv.path, "--lessons", lessons], in: folder.url)
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("--data applies only to the pca, ppca and linear-family lessons"), "\(refused.stderr)")
    }

    /// Every snippet compiles: each lesson's figures at 246 pt, every `NAME.tex` input into one article (graphicx,
    /// amsmath, amssymb, lmodern) and run through pdfLaTeX when one is installed; skipped with a message otherwise
    /// (CI installs no TeX: it is large).
    @Test func everySnippetCompilesWithPdfLaTeX() throws {
        guard let pdflatex = ["/usr/bin/pdflatex", "/usr/local/bin/pdflatex", "/usr/local/texlive/bin/pdflatex"]
            .first(where: FileManager.default.isExecutableFile) else {
            print("skipped: no pdflatex (Debian: apt-get install texlive-latex-base texlive-latex-recommended lmodern)")
            return
        }
        let folder = TemporaryFolder()
        let run = try CLIRunner.run(["figures", "pca", "ppca", "nonlinear", "--width", "246pt", "--format", "pdf",
                                     "--out", "notes", "--lessons", lessons, "--quiet"], in: folder.url)
        #expect(run.status == 0, "\(run.stderr)")
        let notes = folder.url.appendingPathComponent("notes")
        var snippets: [String] = []
        for lesson in ["pca", "ppca", "nonlinear"] {
            let names = try FileManager.default.contentsOfDirectory(atPath: notes.appendingPathComponent(lesson).path)
            snippets += names.filter { $0.hasSuffix(".tex") }.sorted().map { "\(lesson)/\($0.dropLast(4))" }
        }
        #expect(snippets.count > 40)
        let document = """
            \\documentclass{article}
            \\usepackage[T1]{fontenc}
            \\usepackage{lmodern}
            \\usepackage{graphicx}
            \\usepackage{amsmath,amssymb}
            \\begin{document}
            \(snippets.map { "\\input{\($0)}\\clearpage" }.joined(separator: "\n"))
            \\end{document}

            """
        try document.write(to: notes.appendingPathComponent("all.tex"), atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: pdflatex)
        process.arguments = ["-interaction=nonstopmode", "-halt-on-error", "all.tex"]
        process.currentDirectoryURL = notes
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let log = (try? String(contentsOf: notes.appendingPathComponent("all.log"), encoding: .utf8)) ?? ""
        let errors = log.split(separator: "\n").filter { $0.hasPrefix("!") || $0.contains("Missing character") }
        #expect(process.terminationStatus == 0 && errors.isEmpty, "\(errors.prefix(5).joined(separator: "\n"))")
        #expect(log.contains("Output written on all.pdf (\(snippets.count) page"), "one page per figure")
    }
}

/// The characters of each `<text>` element of an SVG (tags removed).
enum SVGText {
    static func contents(_ svg: String) -> [String] {
        svg.components(separatedBy: "<text").dropFirst().map { chunk in
            let element = chunk.components(separatedBy: "</text>")[0]
            var content = "", inTag = true
            for c in element {
                if c == "<" { inTag = true } else if c == ">" { inTag = false } else if !inTag { content.append(c) }
            }
            return content
        }
    }
}
