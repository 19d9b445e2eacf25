import Dispatch
import Foundation
import LessonKit

/// `manifest.json`: what a build made and from what — the tool and its version, the seed and options, the SHA-256
/// of every input (the data sets the lessons read, the lesson texts, `index.md`, `--data`) and of every file of the
/// site. No absolute paths and no times, so two builds of the same inputs give the same manifest.
extension ReportBuilder {
    /// The manifest of `files`; `inputs` are (name, hex digest) pairs in the order the manifest lists them.
    func manifestJSON(files: SiteFiles, inputs: [(String, String)], katex: Bool) -> String {
        let sorted = files.sorted
        let digests = ResultSlots<String>(count: sorted.count)
        let known = files.knownDigests
        DispatchQueue.concurrentPerform(iterations: sorted.count) { k in
            digests.set(k, .success(known[sorted[k].0] ?? SHA256.hex(sorted[k].1)))
        }
        let fileList: [JSONValue] = sorted.indices.map { k in
            .object(["path": .string(sorted[k].0), "sha256": .string((try? digests.get(k)?.get()) ?? ""), "bytes": .integer(sorted[k].1.count)])
        }
        let inputList: [JSONValue] = inputs.map { .object(["file": .string($0.0), "sha256": .string($0.1)]) }
        var optionValues: [String: JSONValue] = [
            "lessons": .array(options.lessons.map { .string($0.slug) }),
            "formats": .array(options.formats.map { .string($0.rawValue) }),
            "quick": .bool(options.quick),
            "scale": .number(options.scale),
            "seed": .string(String(options.seed)),
            "latentDimension": options.latentDimension.map { .integer($0) } ?? .null,
            "data": options.dataFile.map { .string($0.lastPathComponent) } ?? .null,
        ]
        optionValues["force"] = .bool(options.force)
        // Only with --data, so that the default report's manifest keeps its bytes.
        if let column = options.labelColumn { optionValues["labels"] = .string(column) }
        if options.standardize { optionValues["standardize"] = .bool(true) }
        if options.singleFile { optionValues["singleFile"] = .bool(true) }
        let manifest: JSONValue = .object([
            "tool": .string(ToolInfo.name),
            "version": .string(ToolInfo.version),
            "seed": .string(String(options.seed)),
            "options": .object(optionValues),
            "inputs": .array(inputList),
            "katex": .bool(katex),
            "files": .array(fileList),
        ])
        var warnings: [String] = []
        return JSONWriter.serialize(manifest, warnings: &warnings)
    }
}
