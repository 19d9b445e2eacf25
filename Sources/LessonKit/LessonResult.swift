import Foundation
import Plotting

/// A quantity shown in a step's panel of numbers: its human label and the `Convention` behind the number.
public struct Quantity: Sendable, Equatable, Codable {
    public var label: String
    public var convention: String?
    public init(_ label: String, convention: String? = nil) {
        self.label = label
        self.convention = convention
    }
}

/// A small table of computed values for the page. Number cells carry their value and style; the report formats
/// them the way it formats `{{path|style}}` (real minus signs, `× 10ⁿ`), so a table and the text never disagree.
public struct Table: Sendable, Equatable, Codable {
    public var columns: [String]
    public var rows: [[TableCell]]
    public var caption: String?
    public init(columns: [String], rows: [[TableCell]], caption: String? = nil) {
        self.columns = columns
        self.rows = rows
        self.caption = caption
    }
}

/// One cell of a `Table`.
public enum TableCell: Sendable, Hashable, Codable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    /// Text shown as given (escaped).
    case text(String)
    /// A number, formatted by the report in `style`.
    case number(Double, NumberStyle = .default)
    case integer(Int)

    public init(stringLiteral text: String) { self = .text(text) }
    public init(integerLiteral value: Int) { self = .integer(value) }
}

/// A figure of a lesson: one image, or frames of an iterative algorithm shown with a slider, frozen (`Sendable`): the
/// report renders them on background threads while the next lesson computes, and later changes do not reach them.
public enum FigureOutput: Sendable {
    case single(FrozenFigure)
    case frames([FrozenFigure], labels: [String])

    /// The name of the print version of the frame sequence `name` (`LessonRecorder.frames`): `NAME-steps`.
    public static func stepsName(of name: String) -> String { name + "-steps" }

    /// Lessons pass `Figure`s; these two freeze them as they are now.
    public static func single(_ figure: Figure) -> FigureOutput { .single(figure.frozen()) }
    public static func frames(_ figures: [Figure], labels: [String]) -> FigureOutput {
        .frames(figures.map { $0.frozen() }, labels: labels)
    }
}

/// Everything a lesson computed.
public struct LessonResult: Sendable {
    /// Top-level keys of `results.json`; `{{path}}` in the text reads from here.
    public var results: [String: JSONValue]
    /// Labels and conventions of the values the text shows, keyed by path.
    public var quantities: [String: Quantity]
    /// Figures by stable name (`marginal-density`, `latent-manifold`): `![caption](figure:name)`.
    public var figures: [String: FigureOutput]
    /// Tables by name: `{{table:name}}`.
    public var tables: [String: Table]
    /// The closed forms the lesson checked, sorted by name (also under `checks` in `results`).
    public var checks: [Check]

    public init(
        results: [String: JSONValue] = [:], quantities: [String: Quantity] = [:],
        figures: [String: FigureOutput] = [:], tables: [String: Table] = [:], checks: [Check] = []
    ) {
        self.results = results
        self.quantities = quantities
        self.figures = figures
        self.tables = tables
        self.checks = checks
    }
}
