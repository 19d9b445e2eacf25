import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `lvm-lessons handout`: each lesson page of a built report printed to `OUT/LESSON.pdf` by headless Chromium's
/// print-to-PDF, with the site's print style (`SiteStyle`: every step, figures and number panels kept whole, links as
/// text, page numbers at the foot — so Chromium's own header and footer, which would show the date and the file's
/// absolute path, are turned off).
///
/// The report is the one the last build wrote into `OUT` (its `manifest.json` names the lessons and says whether it is
/// a `--single-file` report); nothing is recomputed. Each PDF is written to a temporary name beside its place and
/// renamed when Chromium has finished, so a failed or interrupted print leaves the previous PDF as it was.
/// PDFs are not byte-reproducible (Chromium stamps the creation time into them), unlike the site.
public struct HandoutPrinter: Sendable {
    /// The report folder (`--out` of the build).
    public var site: URL
    /// The Chromium executable.
    public var chromium: URL
    /// Milliseconds of virtual time a page gets to run its script (KaTeX) and load its images before it is printed.
    public var timeBudget = 15_000

    public init(site: URL, chromium: URL) {
        self.site = site
        self.chromium = chromium
    }

    /// The first of `chromium`, `chromium-browser`, `google-chrome` on `PATH`, or nil.
    public static func findChromium(path: String? = ProcessInfo.processInfo.environment["PATH"]) -> URL? {
        for folder in (path ?? "").split(separator: ":") {
            for name in ["chromium", "chromium-browser", "google-chrome"] {
                let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            }
        }
        return nil
    }

    /// The lessons of the report in `site` and the page of each (`LESSON/index.html`, or `LESSON.html` for a
    /// `--single-file` report), from its manifest.
    public static func pages(in site: URL) throws(ReportError) -> [(slug: String, page: URL)] {
        let manifestURL = site.appendingPathComponent("manifest.json")
        guard OutputFolder.holdsOurManifest(site), let data = try? Data(contentsOf: manifestURL),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let options = object["options"] as? [String: Any], let lessons = options["lessons"] as? [String]
        else {
            throw .output(path: site.path, reason: "it holds no report of \(ToolInfo.name) (no manifest.json); build one first with `\(ToolInfo.name) build --out \(site.lastPathComponent)`")
        }
        let singleFile = options["singleFile"] as? Bool ?? false
        var pages: [(String, URL)] = []
        for slug in lessons where Escaping.isSafeFileName(slug) {
            let page = singleFile ? site.appendingPathComponent("\(slug).html") : site.appendingPathComponent(slug).appendingPathComponent("index.html")
            guard FileManager.default.fileExists(atPath: page.path) else {
                throw .io(path: page.path, reason: "the report's page of the \(slug) lesson is missing; rebuild the report")
            }
            pages.append((slug, page))
        }
        return pages
    }

    /// Prints every lesson page to `site/LESSON.pdf`; `printed` is called after each with the PDF and its size.
    public func printAll(printed: (URL, Int) -> Void = { _, _ in }) throws(ReportError) -> [URL] {
        var written: [URL] = []
        for (slug, page) in try Self.pages(in: site) {
            let pdf = site.appendingPathComponent("\(slug).pdf")
            try printPage(page, to: pdf)
            let size = (try? FileManager.default.attributesOfItem(atPath: pdf.path))?[.size] as? Int
            printed(pdf, size ?? 0)
            written.append(pdf)
        }
        return written
    }

    /// One page to one PDF, through a temporary file and a rename.
    func printPage(_ page: URL, to pdf: URL) throws(ReportError) {
        let fm = FileManager.default
        let temp = pdf.deletingLastPathComponent().appendingPathComponent(".\(pdf.lastPathComponent).lvm-print-\(getpid())")
        let profile = fm.temporaryDirectory.appendingPathComponent("lvm-lessons-chromium-\(getpid())-\(UUID().uuidString)")
        defer {
            try? fm.removeItem(at: temp)
            try? fm.removeItem(at: profile)
        }
        let process = Process()
        process.executableURL = chromium
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            "--user-data-dir=\(profile.path)", "--run-all-compositor-stages-before-draw", "--virtual-time-budget=\(timeBudget)",
            "--no-pdf-header-footer", "--print-to-pdf=\(temp.path)", page.absoluteURL.absoluteString,
        ]
        let log = Pipe()
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw .io(path: chromium.path, reason: "cannot start Chromium (\(error.localizedDescription))")
        }
        let output = String(decoding: log.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, let head = try? FileHandle(forReadingFrom: temp).read(upToCount: 5), head == Data("%PDF-".utf8) else {
            let last = output.split(separator: "\n").suffix(5).joined(separator: "\n")
            throw .io(path: page.path, reason: "Chromium did not print it to PDF (exit status \(process.terminationStatus)):\n\(last)")
        }
        if rename(temp.path, pdf.path) != 0 {
            throw .io(path: pdf.path, reason: "cannot write (\(String(cString: strerror(errno)))); check the folder's permissions")
        }
    }
}
