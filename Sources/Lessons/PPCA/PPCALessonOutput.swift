import Foundation
import Plotting

/// What the PPCA lesson accumulates while its steps run: `results.json` members, the labels and conventions of the
/// values the text shows, figures and tables. Each step adds its own part; `PPCALesson.run` turns it into a
/// `LessonResult`.
struct PPCALessonOutput {
    var results: [String: JSONValue] = [:]
    var quantities: [String: Quantity] = [:]
    var figures: [String: FigureOutput] = [:]
    var tables: [String: Table] = [:]

    /// Registers the label (and convention) of a value the text refers to by `path`.
    mutating func label(_ path: String, _ label: String, convention: String? = nil) {
        quantities[path] = Quantity(label, convention: convention)
    }

    var lessonResult: LessonResult {
        LessonResult(results: results, quantities: quantities, figures: figures, tables: tables)
    }
}

/// Formatting of table cells (the page shows tables as given), with real minus signs (U+2212).
enum Cell {
    static func number(_ x: Double, digits: Int = 4) -> String {
        guard x.isFinite else { return x.isNaN ? "—" : (x > 0 ? "+∞" : "−∞") }
        if x != 0, abs(x) < 1e-3 || abs(x) >= 1e6 { return scientific(x) }
        return minus(String(format: "%.\(digits)g", x))
    }

    static func scientific(_ x: Double) -> String {
        guard x.isFinite else { return number(x) }
        return minus(String(format: "%.2e", x))
    }

    /// A signed value with two decimals, e.g. "+0.50", "−0.47".
    static func signed(_ x: Double) -> String { minus(String(format: "%+.2f", x)) }

    static func minus(_ s: String) -> String { s.replacingOccurrences(of: "-", with: "\u{2212}") }
}
