import Foundation
import LessonKit
import Plotting
import Testing
@testable import Report

/// The snippets `lvm-lessons figures` writes beside a figure, and the bibliography it copies.
@Suite struct FigureSnippetsTests {
    static let lessons = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Lessons")

    static let caption = FigureSnippets.Caption(
        markdown: "The *fitted* density: $\\sigma^2 = {{s2|.3f}}$, ℓ = {{ll}} nats, 50 % of `x_1` & σ",
        results: ["s2": .number(0.25), "ll": .number(-3.5)])

    @Test func texSnippetHasCaptionLabelWidthAndAltText() {
        let tex = FigureSnippets.tex(lesson: "ppca", name: "marginal-density", graphic: "ppca/marginal-density",
                                     widthTeX: "246pt", caption: Self.caption)
        #expect(tex.contains("\\includegraphics[width=246pt]{ppca/marginal-density}"))
        #expect(tex.contains("\\label{fig:ppca-marginal-density}"))
        #expect(tex.contains("\\caption{The \\emph{fitted} density: $\\sigma^2 = 0.250$, $\\ell$ = $-3.5$ nats, 50 \\% of \\texttt{x\\_1} \\& $\\sigma$}"), "\(tex)")
        #expect(tex.contains("% Alt text: The fitted density: sigma^2 = 0.250, ℓ = −3.5 nats"), "\(tex)")
    }

    /// Regressions found by compiling every lesson's snippets: Φ⁻¹ gave a double superscript, ẑ and ᵈ are not
    /// pdfLaTeX input.
    @Test func unicodeScriptsAndAccentsBecomeTeX() {
        func tex(_ markdown: String) -> String { FigureSnippets.tex(FigureSnippets.Caption(markdown: markdown, results: [:])) }
        #expect(tex("z = Φ⁻¹(u)") == "z = $\\Phi^{-1}$(u)")
        #expect(tex("Kᵈ nodes, ẑ and x̂ₙ") == "K$^{d}$ nodes, $\\hat{z}$ and $\\hat{x}_{n}$")
        #expect(tex("σ² and WWᵀ") == "$\\sigma^{2}$ and WW$^{\\top }$")
        #expect(tex("a \"scree\" plot") == "a ``scree'' plot")
    }

    @Test func markdownSnippetHasImageAltAndCaption() {
        let md = FigureSnippets.markdown(lesson: "ppca", name: "marginal-density", image: "marginal-density.svg", caption: Self.caption)
        #expect(md.hasPrefix("![The fitted density: sigma^2 = 0.250, ℓ = −3.5 nats"))
        #expect(md.contains("](marginal-density.svg)"))
        #expect(md.contains("$\\sigma^2 = 0.250$, ℓ = −3.5 nats"))
    }

    @Test func captionsComeFromTheLessonText() throws {
        let text = try LessonText.load(Self.lessons.appendingPathComponent("01-pca.md"))
        let captions = FigureSnippets.captions(in: text)
        #expect(captions["scree"] != nil && captions["principal-axes"] != nil, "\(captions.keys.sorted())")
    }

    /// Every "Author (Year)", "Author & Author, Year" or "Author et al. Year" the texts cite, and PRML, has an entry in
    /// `Lessons/references.bib` with that surname and year.
    @Test func bibliographyHoldsEveryCitationOfTheTexts() throws {
        let bib = try String(contentsOf: Self.lessons.appendingPathComponent("references.bib"), encoding: .utf8)
        let entries = bib.components(separatedBy: "\n@").dropFirst().map { $0.lowercased() }
        var cited: [(String, String)] = []
        for file in ["01-pca.md", "02-ppca.md", "04-nonlinear-lvm.md"] {
            let text = try String(contentsOf: Self.lessons.appendingPathComponent(file), encoding: .utf8)
            for m in text.matches(of: /([A-Z][a-z]+)(?: (?:&|and) [A-Z][a-z]+| et al\.)?,? \(?((?:19|20)\d\d)/) {
                cited.append((String(m.output.1), String(m.output.2)))
            }
            if text.contains("PRML") { cited.append(("Bishop", "2006")) }
        }
        #expect(cited.count >= 5, "\(cited)")
        for (name, year) in cited {
            #expect(entries.contains { $0.contains(name.lowercased()) && $0.contains("year") && $0.contains(year) }, "\(name) \(year)")
        }
    }

    static let latex: String? = ["pdflatex", "lualatex", "xelatex"].lazy.compactMap { name in
        ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":").map { "\($0)/\(name)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }.first

    /// The snippet compiles in a plain article (skipped, with this message, where no LaTeX is installed).
    @Test(.enabled(if: FigureSnippetsTests.latex != nil, "no pdflatex, lualatex or xelatex installed: the .tex snippet is not compiled"))
    func texSnippetCompiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("snippet-\(getpid())")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("ppca"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // A one-page PDF to include (a real one: pdfTeX refuses a hand-written stub without a cross-reference table).
        let pdf = try Figure(width: 245, height: 184).render(.pdf)
        try Data(pdf).write(to: folder.appendingPathComponent("ppca/marginal-density.pdf"))
        let snippet = FigureSnippets.tex(lesson: "ppca", name: "marginal-density", graphic: "ppca/marginal-density",
                                         widthTeX: "246pt", caption: Self.caption)
        let document = "\\documentclass{article}\n\\usepackage[utf8]{inputenc}\\usepackage{graphicx,amsmath,amssymb}\n\\DeclareUnicodeCharacter{2113}{$\\ell$}\n\\begin{document}\n\(snippet)\\end{document}\n"
        try Data(document.utf8).write(to: folder.appendingPathComponent("notes.tex"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.latex!)
        process.arguments = ["-interaction=nonstopmode", "-halt-on-error", "notes.tex"]
        process.currentDirectoryURL = folder
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}
