import Foundation

/// A length as a user writes it for a document: `246pt`, `3.4in`, `8.6cm`, `86mm`, `245bp`, with TeX's units:
/// `pt` is TeX's point (1/72.27 in, what `\columnwidth` is measured in), `bp` the PostScript "big point" (1/72 in,
/// the unit of Cairo, PDF and this module's figure sizes). `points` is the length in big points.
public struct Length: Sendable, Equatable, CustomStringConvertible {
    public enum Unit: String, Sendable, CaseIterable {
        case pt, bp, `in`, cm, mm
        /// Big points per unit.
        public var bigPoints: Double {
            switch self {
            case .pt: return 72 / 72.27
            case .bp: return 1
            case .in: return 72
            case .cm: return 72 / 2.54
            case .mm: return 72 / 25.4
            }
        }
    }

    public var value: Double
    public var unit: Unit

    /// The length in big points (1/72 in).
    public var points: Double { value * unit.bigPoints }

    /// As written, for TeX (`246pt`, `3.4in`).
    public var description: String {
        let v = value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
        return v + unit.rawValue
    }

    public init(value: Double, unit: Unit) { self.value = value; self.unit = unit }

    /// What a length may be: a positive number and one of the units, no space needed (`3.4in`, `3.4 in`).
    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case noUnit(String), unknownUnit(String, unit: String), notANumber(String), notPositive(String)
        public var description: String {
            let example = "give a number and a unit, e.g. 246pt, 3.4in, 8.6cm or 86mm (pt is TeX's point, bp 1/72 in)"
            switch self {
            case .noUnit(let s): return "'\(s)' has no unit: \(example)"
            case .unknownUnit(let s, let unit): return "'\(s)': unknown unit '\(unit)'; \(example)"
            case .notANumber(let s): return "'\(s)' is not a length: \(example)"
            case .notPositive(let s): return "'\(s)' must be positive: \(example)"
            }
        }
    }

    public init(parsing text: String) throws(ParseError) {
        let s = text.trimmingCharacters(in: .whitespaces)
        let numberPart = s.prefix { "0123456789.+-eE".contains($0) && $0 != "e" && $0 != "E" }
        let unitPart = s.dropFirst(numberPart.count).trimmingCharacters(in: .whitespaces).lowercased()
        guard !numberPart.isEmpty, let v = Double(numberPart), v.isFinite else { throw .notANumber(text) }
        guard !unitPart.isEmpty else { throw .noUnit(text) }
        guard let unit = Unit(rawValue: unitPart) else { throw .unknownUnit(text, unit: unitPart) }
        guard v > 0 else { throw .notPositive(text) }
        self.init(value: v, unit: unit)
    }
}
