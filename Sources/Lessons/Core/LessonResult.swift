import Foundation
import Plotting

/// A quantity shown on a page: its human label and the convention behind the number (1/N or 1/(N−1), natural log,
/// sign of eigenvectors...). Shown in the step's panel of numbers.
public struct Quantity: Sendable, Equatable {
    public var label: String
    public var convention: String?
    public init(_ label: String, convention: String? = nil) {
        self.label = label
        self.convention = convention
    }
}

/// A small table of computed values for the page (cells already formatted by the lesson).
public struct Table: Sendable, Equatable {
    public var columns: [String]
    public var rows: [[String]]
    public var caption: String?
    public init(columns: [String], rows: [[String]], caption: String? = nil) {
        self.columns = columns
        self.rows = rows
        self.caption = caption
    }
}

/// A figure of a lesson: one image, or frames of an iterative algorithm shown with a slider. It holds frozen figures
/// (`Sendable` values): the report renders them on background threads while the next lesson computes, and nothing
/// the lesson does to its `Figure` afterwards reaches them.
public enum FigureOutput: Sendable {
    case single(FrozenFigure)
    /// Frames in order, each with a short label (`iteration 3`, `σ² = 0.1`).
    case frames([FrozenFigure], labels: [String])

    /// One figure, frozen as it is now: lessons write `.single(figure)`.
    public static func single(_ figure: Figure) -> FigureOutput { .single(figure.frozen()) }

    /// Frames, each frozen as it is now: lessons write `.frames(figures, labels: labels)`.
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

    public init(
        results: [String: JSONValue] = [:], quantities: [String: Quantity] = [:],
        figures: [String: FigureOutput] = [:], tables: [String: Table] = [:]
    ) {
        self.results = results
        self.quantities = quantities
        self.figures = figures
        self.tables = tables
    }
}
