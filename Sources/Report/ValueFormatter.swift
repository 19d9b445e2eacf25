import Foundation
import LessonKit

extension NumberStyle {
    /// Parses the part after `|`; nil for an unknown format.
    public init?(spec: String) {
        let s = spec.trimmingCharacters(in: .whitespaces)
        if s == "int" { self = .integer; return }
        if s == "%" { self = .percent(1); return }
        guard s.hasPrefix("."), s.count >= 3, let kind = s.last else { return nil }
        let digitsText = s.dropFirst().dropLast()
        guard let n = Int(digitsText), (0...17).contains(n) else { return nil }
        switch kind {
        case "f": self = .fixed(n)
        case "e": self = .scientific(n)
        case "g": guard n >= 1 else { return nil }; self = .significant(n)
        case "%": self = .percent(n)
        default: return nil
        }
    }
}

/// A formatted number in parts, so that each output (HTML text, TeX, plain text) writes it its own way.
public struct FormattedNumber: Sendable, Equatable {
    /// True when the shown value is negative (the mantissa carries no sign).
    public var negative: Bool
    /// Digits and point, e.g. `1.235`; `∞` or `NaN` for non-finite values.
    public var mantissa: String
    /// Power of ten when shown in scientific form.
    public var exponent: Int?
    /// `%` for percentages.
    public var suffix: String

    /// HTML text: a real minus sign (U+2212) and `× 10<sup>n</sup>`.
    public var html: String {
        var s = (negative ? "\u{2212}" : "") + mantissa
        if let exponent { s += "\u{2009}×\u{2009}10<sup>\(exponent < 0 ? "\u{2212}" : "")\(abs(exponent))</sup>" }
        return s + suffix
    }

    /// TeX for use inside `$…$`: `-1.235\times 10^{-5}`.
    public var tex: String {
        let m: String
        switch mantissa {
        case "∞": m = "\\infty"
        case "NaN": m = "\\text{NaN}"
        default: m = mantissa
        }
        var s = (negative ? "-" : "") + m
        if let exponent { s += "\\times 10^{\(exponent)}" }
        return s + (suffix == "%" ? "\\%" : suffix)
    }

    /// Plain text (terminal, `alt` texts): a real minus sign and `×10^n`.
    public var plain: String {
        var s = (negative ? "\u{2212}" : "") + mantissa
        if let exponent { s += "×10^\(exponent)" }
        return s + suffix
    }
}

/// Turns numbers into `FormattedNumber`s. Uses C's `printf` rounding (round-half-even on the binary value), which is
/// the same on every machine for the same `Double`.
public enum ValueFormatter {
    public static func format(_ x: Double, style: NumberStyle = .default) -> FormattedNumber {
        if x.isNaN { return FormattedNumber(negative: false, mantissa: "NaN", exponent: nil, suffix: "") }
        if x.isInfinite { return FormattedNumber(negative: x < 0, mantissa: "∞", exponent: nil, suffix: "") }
        switch style {
        case .fixed(let n):
            return signed(String(format: "%.\(n)f", x), exponent: nil, suffix: "")
        case .signedFixed(let n):
            var f = signed(String(format: "%.\(n)f", x), exponent: nil, suffix: "")
            if !f.negative { f.mantissa = "+" + f.mantissa }
            return f
        case .percent(let n):
            return signed(String(format: "%.\(n)f", x * 100), exponent: nil, suffix: "%")
        case .integer:
            return signed(String(format: "%.0f", x.rounded(.toNearestOrAwayFromZero)), exponent: nil, suffix: "")
        case .scientific(let n):
            let (m, e) = scientificParts(x, decimals: n)
            // No "× 10⁰" (nor 10¹, 10⁻¹): those are written plainly with the same significant digits (3.39, 33.9, 0.339).
            if (-1...1).contains(e) { return signed(String(format: "%.\(max(n - e, 0))f", x), exponent: nil, suffix: "") }
            return signed(m, exponent: e, suffix: "")
        case .significant(let n):
            if x == 0 { return FormattedNumber(negative: false, mantissa: "0", exponent: nil, suffix: "") }
            let (m, e) = scientificParts(x, decimals: max(n - 1, 0))
            if (-3..<5).contains(e) {
                let decimals = max(n - 1 - e, 0)
                return signed(trimmingZeros(String(format: "%.\(decimals)f", x)), exponent: nil, suffix: "")
            }
            return signed(trimmingZeros(m), exponent: e, suffix: "")
        }
    }

    /// An integer as text, with a real minus sign when `html`.
    public static func format(integer: Int) -> FormattedNumber {
        FormattedNumber(negative: integer < 0, mantissa: String(integer.magnitude), exponent: nil, suffix: "")
    }

    /// `%.{decimals}e` split into a signed mantissa and its exponent.
    private static func scientificParts(_ x: Double, decimals: Int) -> (String, Int) {
        let text = String(format: "%.\(decimals)e", x)
        let parts = text.split(separator: "e")
        return (String(parts[0]), Int(parts[1]) ?? 0)
    }

    private static func trimmingZeros(_ s: String) -> String {
        guard s.contains(".") else { return s }
        var t = Substring(s)
        while t.hasSuffix("0") { t = t.dropLast() }
        if t.hasSuffix(".") { t = t.dropLast() }
        return String(t)
    }

    /// Splits off the sign; a value that rounds to zero is shown without one (no `−0.000`).
    private static func signed(_ text: String, exponent: Int?, suffix: String) -> FormattedNumber {
        var negative = text.hasPrefix("-")
        let magnitude = negative ? String(text.dropFirst()) : text
        if negative, magnitude.allSatisfy({ $0 == "0" || $0 == "." }) { negative = false }
        return FormattedNumber(negative: negative, mantissa: magnitude, exponent: exponent, suffix: suffix)
    }
}
