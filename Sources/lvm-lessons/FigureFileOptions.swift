import ArgumentParser
import Foundation
import Plotting

/// `--format` and `--scale`: the figure files, shared by `build` and `gallery`.
struct FigureFileOptions: ParsableArguments {
    @Option(
        name: .customLong("format"),
        help: ArgumentHelp(
            "Figure file formats: png, svg, pdf, comma-separated or repeated (default: png). The report always makes PNG (its pages show it).",
            valueName: "LIST"),
        completion: .list(ImageFormat.allCases.map(\.rawValue)),
        transform: ImageFormatList.init(parsing:))
    var formatLists: [ImageFormatList] = [ImageFormatList([.png])]

    @Option(help: ArgumentHelp("PNG pixels per point of the figures (0 < N ≤ 8).", valueName: "N"))
    var scale: Double = 2

    /// The formats given, each once, in the order of `ImageFormat.allCases`.
    var formats: [ImageFormat] {
        let given = Set(formatLists.flatMap(\.formats))
        return ImageFormat.allCases.filter(given.contains)
    }

    func validate() throws {
        guard scale.isFinite, scale > 0, scale <= 8 else {
            throw ValidationError("--scale \(scale) is out of range. Give a PNG scale with 0 < N ≤ 8 (2 is sharp on most screens).")
        }
    }
}

/// One `--format` value: a comma-separated list of image formats (`png,svg`); repeat `--format` for more.
///
/// Parsed by `ImageFormatList(parsing:)` as the option's `transform`, so an unknown name gets its own message.
struct ImageFormatList: ExpressibleByArgument, Sendable {
    var formats: [ImageFormat]

    init(_ formats: [ImageFormat]) { self.formats = formats }

    init(parsing list: String) throws {
        formats = []
        for name in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) {
            guard let format = ImageFormat(rawValue: name) else {
                throw ValidationError("unknown format '\(name)' in --format. Use a comma-separated list of png, svg, pdf (e.g. --format png,svg).")
            }
            formats.append(format)
        }
    }

    init?(argument: String) { try? self.init(parsing: argument) }

    var defaultValueDescription: String { formats.map(\.rawValue).joined(separator: ",") }
}
