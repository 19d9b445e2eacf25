import Foundation
import LessonKit
import Plotting

/// What a lesson computed, as far as its page needs it: the values, their quantities, the tables and, of each
/// figure, what the page says about it (size, frames, phone version). A text-only rebuild makes the page from this
/// and the figure files of the previous report instead of running the lesson again (`ReportBuilder.reuse`).
///
/// Kept beside `--out` in `.OUT.lvm-cache/LESSON.json` (not in the site: the site's bytes do not depend on it), as
/// JSON with sorted keys; `key` is the fingerprint of everything the lesson's numbers and figures depend on
/// (`RebuildKey`).
struct LessonSnapshot: Codable, Equatable {
    /// Bumped whenever the fields change, so an old cache is never misread.
    static let currentFormat = 1

    var format = LessonSnapshot.currentFormat
    /// `RebuildKey` of the build that computed it.
    var key: String
    /// The data sets the lesson asked for (for the manifest, which lists the data the lessons read).
    var datasets: [String]
    var results: [String: JSONValue]
    var quantities: [String: Quantity]
    var tables: [String: Table]
    var figures: [String: FigureSummary]
    /// The lesson's checks that did not hold, as the build warned about them (repeated by a rebuild).
    var warnings: [String]

    /// What the page needs of one figure (see `RenderedFigure`).
    struct FigureSummary: Codable, Equatable {
        /// The frames' labels; nil for a single image.
        var frameLabels: [String]?
        var width: Double
        var height: Double
        /// The size of the phone version (`NarrowFigure`), when it has one.
        var narrowWidth: Double?
        var narrowHeight: Double?
        var title: String?
        /// Whether a phone pans the figure at its nominal size.
        var pans: Bool

        init(_ output: FigureOutput) {
            let first: FrozenFigure
            switch output {
            case .single(let figure):
                first = figure
                frameLabels = nil
            case let .frames(frames, labels):
                first = frames[0]
                frameLabels = labels
            }
            width = first.width
            height = first.height
            let narrow = NarrowFigure.variant(of: first)
            narrowWidth = narrow?.width
            narrowHeight = narrow?.height
            title = first.title
            pans = NarrowFigure.layout(of: first) == .pans
        }
    }

    init(key: String, datasets: [String], result: LessonResult, warnings: [String]) {
        self.key = key
        self.datasets = datasets
        results = result.results
        quantities = result.quantities
        tables = result.tables
        figures = result.figures.mapValues(FigureSummary.init)
        self.warnings = warnings
    }

    // MARK: - As a file

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "+inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "+inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }()

    func encoded() throws -> Data { try Self.encoder.encode(self) }

    /// The snapshot in `data`, or nil when it is not one of this format.
    static func decode(_ data: Data) -> LessonSnapshot? {
        guard let snapshot = try? decoder.decode(LessonSnapshot.self, from: data), snapshot.format == currentFormat else { return nil }
        return snapshot
    }
}
