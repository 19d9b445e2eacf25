import Foundation
import Plotting

/// What every lesson records while it runs: values with their labels and conventions, figures, frame sequences, tables
/// and checks; `result` hands it all to the report. A value and the words that describe it are recorded in **one**
/// call, at the path the lesson text refers to (`{{toy.mean.0}}`), so that the two cannot drift apart. Paths are
/// dot-separated object keys (array elements by index when read, `eigenvalues.0`). Figures are frozen when recorded.
public struct LessonRecorder {
    private var root: [String: JSONValue] = [:]
    private var quantities: [String: Quantity] = [:]
    private var figures: [String: FigureOutput] = [:]
    private var tables: [String: Table] = [:]
    private var checks: [String: Check] = [:]
    private var prefix: [String] = []

    private var observer: (@Sendable (String, FigureOutput) -> Void)? = nil

    public init() {}

    /// A recorder that tells `context.figureRecorded` of each figure as it is recorded.
    public init(observing context: LessonContext) { observer = context.figureRecorded }

    /// Stores `value` at `path` and the label (and convention) the step's panel of numbers shows beside it.
    public mutating func value(_ path: String, _ value: some JSONRepresentable, _ label: String, _ convention: Convention? = nil) {
        store(value.json, at: path)
        quantities[fullPath(path)] = Quantity(label, convention: convention?.text)
    }

    /// Stores `value` at `path` for `results.json` only: a value no page shows needs no label.
    public mutating func store(_ value: some JSONRepresentable, at path: String) {
        let parts = fullPath(path).split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        precondition(!parts.contains(""), "LessonRecorder: empty key in path `\(fullPath(path))`")
        Self.set(value.json, at: parts[...], in: &root)
    }

    /// Labels a part of a value recorded before (`eigenvalues.0`, `W.1.0`): what the page shows for that part.
    public mutating func label(_ path: String, _ label: String, _ convention: Convention? = nil) {
        quantities[fullPath(path)] = Quantity(label, convention: convention?.text)
    }

    /// Records everything `body` records under `key` (paths inside are relative to it).
    public mutating func group(_ key: String, _ body: (inout LessonRecorder) throws -> Void) rethrows {
        prefix.append(key)
        defer { prefix.removeLast() }
        try body(&self)
    }

    /// A figure by its stable name (`![caption](figure:name)` in the text); frozen here.
    public mutating func figure(_ name: String, _ figure: Figure) {
        precondition(figures[name] == nil, "LessonRecorder: figure `\(name)` recorded twice")
        figures[name] = .single(figure)
        observer?(name, figures[name]!)
    }

    /// Frames of an iterative process shown with a slider, each with a short label (`iteration 3`, `σ² = 0.1`).
    /// A frame sequence (an animation on the page) and its print version, `NAME-steps`: the frames at `steps`
    /// (indices into `frames`) as small multiples, `columns` to a row, 640 pt wide (`cellAspect`: see
    /// `FrozenFigure.smallMultiples`).
    public mutating func frames(_ name: String, _ frames: [(label: String, figure: Figure)], steps: [Int], columns: Int,
                                title: String, cellAspect: Double? = nil) {
        precondition(figures[name] == nil, "LessonRecorder: figure `\(name)` recorded twice")
        let frozen = frames.map { $0.figure.frozen() }
        figures[name] = .frames(frozen, labels: frames.map(\.label))
        figures[FigureOutput.stepsName(of: name)] = .single(FrozenFigure.smallMultiples(
            steps.map { frozen[$0] }, labels: steps.map { frames[$0].label }, columns: columns, width: 640, title: title,
            cellAspect: cellAspect))
        observer?(name, figures[name]!)
        observer?(FigureOutput.stepsName(of: name), figures[FigureOutput.stepsName(of: name)]!)
    }

    /// A table by name (`{{table:name}}`); its number cells are formatted by the report.
    public mutating func table(_ name: String, _ table: Table) {
        precondition(tables[name] == nil, "LessonRecorder: table `\(name)` recorded twice")
        tables[name] = table
    }

    /// A closed form checked on the page by an independent computation: both sides are stored, so that anyone (the
    /// tests, a reader of `results.json`) can recompute the difference.
    @discardableResult
    public mutating func check(_ name: String, method: String, expected: Double, computed: Double, tolerance: Double,
                               relative: Bool = false) -> Check {
        precondition(checks[name] == nil, "LessonRecorder: check `\(name)` recorded twice")
        let check = Check(name: name, method: method, expected: expected, computed: computed, tolerance: tolerance,
                          relative: relative)
        checks[name] = check
        return check
    }

    /// Everything recorded, with `checks` added to the results (sorted by name).
    public var result: LessonResult {
        var results = root
        let sorted = checks.values.sorted { $0.name < $1.name }
        if !sorted.isEmpty { results["checks"] = .array(sorted.map(\.json)) }
        return LessonResult(results: results, quantities: quantities, figures: figures, tables: tables, checks: sorted)
    }

    private func fullPath(_ path: String) -> String { (prefix + [path]).joined(separator: ".") }

    private static func set(_ value: JSONValue, at parts: ArraySlice<String>, in object: inout [String: JSONValue]) {
        let key = parts.first!
        if parts.count == 1 { object[key] = value; return }
        var child: [String: JSONValue]
        switch object[key] {
        case .object(let members)?: child = members
        case nil: child = [:]
        case .some(let other):
            preconditionFailure("LessonRecorder: `\(key)` holds \(other), not an object, so `\(parts.joined(separator: "."))` cannot be set")
        }
        set(value, at: parts.dropFirst(), in: &child)
        object[key] = .object(child)
    }
}

/// What a recorded value stands for, stated once beside it: 1/N or 1/(N−1), natural log, per sample, the sign of an
/// eigenvector. Each lesson declares its conventions as static members, so one wording serves every value.
public struct Convention: Sendable, Equatable, ExpressibleByStringLiteral {
    public var text: String
    public init(_ text: String) { self.text = text }
    public init(stringLiteral text: String) { self.text = text }
}
