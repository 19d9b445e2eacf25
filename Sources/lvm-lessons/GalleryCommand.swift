import ArgumentParser
import Foundation
import Plotting

/// `lvm-lessons gallery`: every kind of plot the figures use, for checking the plotting layer by eye.
struct GalleryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gallery", abstract: "Draw a gallery of every plot mark into --out (for checking figures by eye).")

    @Option(name: .customLong("out"), help: ArgumentHelp("The folder for the gallery's files.", valueName: "DIR"))
    var out: String = "gallery"

    @OptionGroup var figureFiles: FigureFileOptions

    func run() throws {
        let url = URL(fileURLWithPath: out, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL
        do {
            let written = try Gallery.render(into: url, formats: figureFiles.formats, scale: figureFiles.scale)
            FileHandle.standardError.write(Data("Gallery: \(written.count) files in \(url.path)\n".utf8))
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
