import Datasets
import Foundation
import LessonKit
import Plotting

/// Text-only rebuilds: a lesson whose inputs have not changed since the last build into the same `--out` is not run
/// again; its page is made from its `LessonSnapshot` and its figure files are taken from the previous report.
///
/// A lesson is reused only when all of these hold:
/// - `.OUT.lvm-cache/LESSON.json` holds a snapshot of the current format whose `RebuildKey` equals the one of this
///   build: the same tool (name, version, and the executable file's size and modification time, so a rebuilt tool
///   never reuses), lesson, seed, `--quick`, `--scale`, `--format`, the values of the options the lesson takes
///   (`--latent-dim`; `--data` by its SHA-256 with `--labels` and `--standardize`), and the SHA-256 of every shipped
///   data file;
/// - `--out` holds a manifest of this tool, and every figure file the lesson's figures make is there with the
///   SHA-256 the manifest lists.
/// Otherwise the lesson is computed as in a first build. `--single-file` builds neither reuse nor keep snapshots
/// (their figures live inside the pages). The lesson texts and `index.md` are never part of the key: every build
/// makes every page from the current texts. The result is the same bytes as a clean build (tested).
extension ReportBuilder {
    /// The files of the report now in `--out`, by path, with the SHA-256 its manifest lists.
    struct PreviousReport {
        var digests: [String: String]
    }

    /// The report now in `--out`, when it holds a manifest of this tool (nil for `--single-file` builds).
    func previousReport(_ output: OutputFolder) -> PreviousReport? {
        guard options.reuse, !options.singleFile, OutputFolder.holdsOurManifest(output.url),
            let data = try? Data(contentsOf: output.url.appendingPathComponent("manifest.json")),
            let manifest = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let files = manifest["files"] as? [[String: Any]]
        else { return nil }
        var digests: [String: String] = [:]
        for file in files {
            if let path = file["path"] as? String, let digest = file["sha256"] as? String { digests[path] = digest }
        }
        return PreviousReport(digests: digests)
    }

    /// The fingerprint of everything `lesson`'s numbers and figures depend on (see the type's comment).
    /// `userDataDigest` is the SHA-256 of `--data`, nil without it.
    func rebuildKey(for lesson: any Lesson, userDataDigest: String?, catalog: DataCatalog) -> String {
        var lines = [
            "tool \(ToolInfo.name) \(ToolInfo.version) \(Self.executableIdentity)",
            "snapshot format \(LessonSnapshot.currentFormat)",
            "lesson \(lesson.slug)",
            "seed \(options.seed)",
            "quick \(options.quick)",
            "scale \(options.scale)",
            "formats \(options.formats.map(\.rawValue).joined(separator: ","))",
        ]
        if lesson.acceptedOptions.contains(.latentDimension) {
            lines.append("latent dimension \(options.latentDimension.map(String.init) ?? "default")")
        }
        if lesson.acceptedOptions.contains(.data) {
            lines.append("data \(userDataDigest ?? "none") labels \(options.labelColumn ?? "none") standardize \(options.standardize)")
        }
        for file in catalog.allFiles {
            let digest = (try? Data(contentsOf: file.url, options: .alwaysMapped)).map(SHA256.hex) ?? "missing"
            lines.append("dataset file \(file.path) \(digest)")
        }
        return SHA256.hex(Data(lines.joined(separator: "\n").utf8))
    }

    /// The running executable's path, size and modification time: a tool built again never reuses a snapshot.
    static let executableIdentity: String = {
        let path = (Bundle.main.executablePath.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path }) ?? CommandLine.arguments[0]
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let size = (attributes?[.size] as? NSNumber)?.int64Value ?? -1
        let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? -1
        return "\(path) \(size) \(modified)"
    }()

    /// The snapshot of `lesson` and its figure files from the previous report, when its key is `key` and every
    /// figure file is as the previous manifest lists it; nil otherwise.
    func reuse(_ lesson: any Lesson, key: String, previous: PreviousReport, output: OutputFolder) -> (LessonSnapshot, [(String, Data)])? {
        let file = output.cacheFolder.appendingPathComponent("\(lesson.slug).json")
        guard let data = try? Data(contentsOf: file), let snapshot = LessonSnapshot.decode(data), snapshot.key == key else { return nil }
        var files: [(String, Data)] = []
        for path in figurePaths(slug: lesson.slug, figures: snapshot.figures) {
            guard let digest = previous.digests[path],
                let bytes = try? Data(contentsOf: output.url.appendingPathComponent(path)), SHA256.hex(bytes) == digest
            else { return nil }
            files.append((path, bytes))
        }
        return (snapshot, files)
    }

    /// The figure files a build writes for a lesson with these figures, in the order of `renderJobs` (which makes them
    /// from the figures themselves; a test checks that the two agree).
    func figurePaths(slug: String, figures: [String: LessonSnapshot.FigureSummary]) -> [String] {
        var paths: [String] = []
        for (name, figure) in figures.sorted(by: { $0.key < $1.key }) {
            let copies = options.formats.map { "\(slug)/figures/\(name).\($0.fileExtension)" }
            guard let labels = figure.frameLabels else {
                paths += copies
                if figure.narrowWidth != nil { paths.append("\(slug)/" + NarrowFigure.figurePath(name)) }
                continue
            }
            for i in labels.indices {
                let frame = Self.framePath(name, index: i, count: labels.count)
                paths.append("\(slug)/" + frame)
                if i == labels.count - 1 { paths += copies }
                if figure.narrowWidth != nil { paths.append("\(slug)/" + NarrowFigure.framePath(frame)) }
            }
        }
        return paths
    }

    /// Keeps each computed lesson's snapshot beside `--out` for the next build (after a successful swap). A snapshot
    /// that cannot be written only costs the next build its reuse: a warning, not an error.
    func keepSnapshots(_ lessons: [ComputedLesson], output: OutputFolder) {
        guard !options.singleFile else { return }
        let fm = FileManager.default
        for item in lessons where !item.reused {
            let file = output.cacheFolder.appendingPathComponent("\(item.lesson.slug).json")
            let temporary = output.cacheFolder.appendingPathComponent(".\(item.lesson.slug).json.\(getpid())")
            do {
                try fm.createDirectory(at: output.cacheFolder, withIntermediateDirectories: true)
                try item.snapshot.encoded().write(to: temporary)
                guard rename(temporary.path, file.path) == 0 else { throw CocoaError(.fileWriteUnknown) }
            } catch {
                try? fm.removeItem(at: temporary)
                progress.warning("could not keep \(file.path) for the next build's reuse (\(error.localizedDescription)); the next build computes \(item.lesson.slug) again")
            }
        }
    }
}
