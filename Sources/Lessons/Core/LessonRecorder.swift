import Foundation
import Plotting

/// What every lesson records while it runs, in one place: values with their labels and conventions, figures, frame
/// sequences, tables and checks. A lesson's story calls it once per thing it shows; `result` hands it to the report.
///
/// A value and the words that describe it are recorded in **one** call, at the path the lesson text refers to
/// (`{{toy.mean.0}}`), so that the two cannot drift apart:
///
/// ```swift
/// page.group("toy") { page in
///     page.value("mean", pca.mean, "μ, the sample mean", .sampleMean)
///     page.label("mean.0", "μ₁, first coordinate of the mean")     // a part of a value already recorded
/// }
/// page.check("pca.identity.q1", method: "MSE(1) from the rows against λ₂",
///            expected: pca.discardedVariance(dimensions: 1), computed: pca.reconstructionMSE(x, dimensions: 1),
///            tolerance: 64 * .ulpOfOne * pca.totalVariance)
/// page.figure("projection", PCAFigures.projection(cloud, pca))
/// ```
///
/// Paths are dot-separated object keys (array elements are addressed by index when read, `eigenvalues.0`); `group`
/// prefixes every path recorded inside it. Figures are frozen when recorded, so a figure handed on cannot change.
public struct LessonRecorder {
    private var root: [String: JSONValue] = [:]
    private var quantities: [String: Quantity] = [:]
    private var figures: [String: FigureOutput] = [:]
    private var tables: [String: Table] = [:]
    private var checks: [String: Check] = [:]
    private var prefix: [String] = []

    public init() {}

    // MARK: - Values

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

    // MARK: - Figures and tables

    /// A figure by its stable name (`![caption](figure:name)` in the text); frozen here.
    public mutating func figure(_ name: String, _ figure: Figure) {
        precondition(figures[name] == nil, "LessonRecorder: figure `\(name)` recorded twice")
        figures[name] = .single(figure)
    }

    /// Frames of an iterative process shown with a slider, each with a short label (`iteration 3`, `σ² = 0.1`).
    public mutating func frames(_ name: String, _ frames: [(label: String, figure: Figure)]) {
        precondition(figures[name] == nil, "LessonRecorder: figure `\(name)` recorded twice")
        figures[name] = .frames(frames.map(\.figure), labels: frames.map(\.label))
    }

    /// A table by name (`{{table:name}}`); its number cells are formatted by the report.
    public mutating func table(_ name: String, _ table: Table) {
        precondition(tables[name] == nil, "LessonRecorder: table `\(name)` recorded twice")
        tables[name] = table
    }

    // MARK: - Checks

    /// A closed form checked on the page by an independent computation: both sides are stored, so that anyone (the
    /// tests, a reader of `results.json`) can recompute the difference. `results.json` lists every check under
    /// `checks`, sorted by name; `difference` = |expected − computed|, or that over |expected| when `relative`.
    @discardableResult
    public mutating func check(_ name: String, method: String, expected: Double, computed: Double, tolerance: Double,
                               relative: Bool = false) -> Check {
        precondition(checks[name] == nil, "LessonRecorder: check `\(name)` recorded twice")
        let check = Check(name: name, method: method, expected: expected, computed: computed, tolerance: tolerance,
                          relative: relative)
        checks[name] = check
        return check
    }

    // MARK: - The result

    /// Everything recorded, with `checks` added to the results (sorted by name).
    public var result: LessonResult {
        var results = root
        let sorted = checks.values.sorted { $0.name < $1.name }
        if !sorted.isEmpty { results["checks"] = .array(sorted.map(\.json)) }
        return LessonResult(results: results, quantities: quantities, figures: figures, tables: tables, checks: sorted)
    }

    // MARK: - Paths

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
/// eigenvector. Each lesson declares its conventions as static members (`extension Convention { static let … }`),
/// so one wording serves every value it applies to.
public struct Convention: Sendable, Equatable, ExpressibleByStringLiteral {
    public var text: String
    public init(_ text: String) { self.text = text }
    public init(stringLiteral text: String) { self.text = text }
}
