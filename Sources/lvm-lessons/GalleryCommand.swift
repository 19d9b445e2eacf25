import ArgumentParser
import Foundation
import Plotting

/// `lvm-lessons gallery`: every kind of plot the figures use, for checking the plotting layer by eye.
struct GalleryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gallery", abstract: "Draw a gallery of every plot mark into --out (for checking figures by eye).")

    @Option(name: .customLong("out"), help: ArgumentHelp("The folder for the gallery's files.", valueName: "DIR"))
    var out: String = "gallery"

    @Option(name: .customLong("format"),
            help: ArgumentHelp("Comma-separated formats: png, svg, pdf.", valueName: "LIST"))
    var formatList: [String] = ["png"]

    @Option(help: ArgumentHelp("PNG pixels per point (0 < N ≤ 8).", valueName: "N"))
    var scale: Double = 2

    var formats: [ImageFormat] {
        let names = formatList.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        return ImageFormat.allCases.filter { names.contains($0.rawValue) }
    }

    func validate() throws {
        for name in formatList.flatMap({ $0.split(separator: ",") }).map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) {
            guard ImageFormat(rawValue: name) != nil else {
                throw ValidationError("unknown format '\(name)' in --format. Use a comma-separated list of png, svg, pdf.")
            }
        }
        guard scale.isFinite, scale > 0, scale <= 8 else {
            throw ValidationError("--scale \(scale) is out of range. Give a PNG scale with 0 < N ≤ 8.")
        }
    }

    func run() throws {
        let url = URL(fileURLWithPath: out, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            let written = try renderGallery(into: url, formats: formats, scale: scale)
            FileHandle.standardError.write(Data("Gallery: \(written.count) files in \(url.path)\n".utf8))
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
