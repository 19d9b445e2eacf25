import ArgumentParser
import Foundation
import Report

/// `lvm-lessons handout`: prints each lesson page of a built report to `OUT/LESSON.pdf` with headless Chromium.
struct HandoutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "handout",
        abstract: "Print each lesson of a built report to OUT/LESSON.pdf (a handout: every step, page numbers) with headless Chromium.",
        discussion: """
            Build the report first (lvm-lessons build --out DIR); this prints its pages as they are, with the pages' \
            print style. Needs Chromium (chromium, chromium-browser or google-chrome on PATH); without it, open a lesson \
            page in a browser and print it.
            """)

    @Option(name: .customLong("out"), help: ArgumentHelp("The folder of the built report; the PDFs are written into it.", valueName: "DIR"))
    var out: String = "output"

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    /// Exit status when Chromium is not installed (EX_UNAVAILABLE of sysexits.h).
    static let chromiumMissing: Int32 = 69

    func run() throws {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let site = URL(fileURLWithPath: out, relativeTo: cwd).standardizedFileURL
        guard let chromium = HandoutPrinter.findChromium() else {
            FileHandle.standardError.write(Data("""
                error: Chromium is not installed (no chromium, chromium-browser or google-chrome on PATH), so no PDF was \
                written. Install it (apt-get install --no-install-recommends chromium), or open a lesson page of \(out) in a \
                browser and print it: the print style gives the same handout.\n
                """.utf8))
            throw ExitCode(Self.chromiumMissing)
        }
        let started = ContinuousClock.now
        do {
            let pdfs = try HandoutPrinter(site: site, chromium: chromium).printAll { pdf, bytes in
                if !quiet { FileHandle.standardError.write(Data("wrote \(pdf.path) (\(bytes / 1024) KB)\n".utf8)) }
            }
            if !quiet {
                let time = (ContinuousClock.now - started).components
                let seconds = Double(time.seconds) + Double(time.attoseconds) / 1e18
                FileHandle.standardError.write(Data("\(pdfs.count) handouts in \(String(format: "%.1f", seconds)) s\n".utf8))
            }
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
