import Foundation

/// Numbers for figure text (annotations, legend labels, titles), written the way the axes write them: a real minus
/// sign (U+2212), no "−0", and m×10ⁿ with superscripts only outside 10⁻³ ≤ |x| < 10⁵ (so never "×10⁰"), the same
/// rule as the pages' `{{path}}` numbers.
public enum NumberFormat {
    /// `value` with `significantDigits` significant digits (trailing zeros dropped), e.g. −3.186, 0.0129, 2.5×10⁻⁶.
    public static func significant(_ value: Double, digits significantDigits: Int = 4) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "∞" : Ticks.minus + "∞") }
        guard value != 0 else { return "0" }
        let digits = max(1, significantDigits)
        let e = Int(floor(log10(abs(value)) + 1e-12))
        if e >= 5 || e <= -4 {
            let mantissa = value / pow(10, Double(e))
            var m = trimmed(Ticks.fixed(mantissa, decimals: digits - 1))
            if m == "10" || m == Ticks.minus + "10" { m = m.replacingOccurrences(of: "10", with: "1"); return m + "×10" + Ticks.superscript(e + 1) }
            return m + "×10" + Ticks.superscript(e)
        }
        return trimmed(Ticks.fixed(value, decimals: max(0, digits - 1 - e)))
    }

    /// `value` with exactly `decimals` decimals and a real minus sign, e.g. fixed(−0.5, decimals: 2) = "−0.50".
    public static func fixed(_ value: Double, decimals: Int) -> String {
        Ticks.fixed(value, decimals: max(0, decimals))
    }

    /// `value` in m×10ⁿ form with `decimals` decimals in the mantissa and a real minus, e.g. −1.25×10⁻⁷; for exponents
    /// −1, 0 and 1 the number is written plainly with the same significant digits (0.339, 3.39, 33.9), never ×10⁰.
    public static func scientific(_ value: Double, decimals: Int = 2) -> String {
        guard value.isFinite else { return significant(value) }
        guard value != 0 else { return fixed(0, decimals: max(0, decimals)) }
        let d = max(0, decimals)
        let text = String(format: "%.\(d)e", value)
        let parts = text.split(separator: "e")
        let e = Int(parts[1]) ?? 0
        if (-1...1).contains(e) { return fixed(value, decimals: max(d - e, 0)) }
        return fixed(Double(parts[0]) ?? 0, decimals: d) + "×10" + Ticks.superscript(e)
    }

    /// A fraction as a percentage with `decimals` decimals and a real minus sign, followed by a space and "%", as
    /// figure text writes it: percent(0.1234) = "12.3 %".
    public static func percent(_ fraction: Double, decimals: Int = 1) -> String {
        fixed(100 * fraction, decimals: decimals) + " %"
    }

    /// An integer in Unicode subscript digits, with "₋" for a negative one: subscript(16) = "₁₆", as in "u₁₆".
    public static func `subscript`(_ n: Int) -> String {
        let digits: [Character] = ["₀", "₁", "₂", "₃", "₄", "₅", "₆", "₇", "₈", "₉"]
        let text = String(n.magnitude).map { String(digits[Int(String($0))!]) }.joined()
        return n < 0 ? "₋" + text : text
    }

    /// `value` in fixed notation with the decimals that `significantDigits` significant digits need — trailing zeros
    /// kept, at most 8 decimals, never scientific — and a real minus: fixedSignificant(0.5, digits: 3) = "0.500",
    /// fixedSignificant(−1.2345, digits: 3) = "−1.23", fixedSignificant(52.81, digits: 3) = "52.8",
    /// fixedSignificant(4, digits: 1) = "4". The decimals are max(0, n − 1 − ⌊log₁₀|x|⌋); zero is "0" and a value
    /// that is not finite "—". For labels that line up in a legend or a frame sequence (σ² = 0.00550, 0.0100).
    public static func fixedSignificant(_ value: Double, digits significantDigits: Int) -> String {
        guard value.isFinite else { return "—" }
        guard value != 0 else { return "0" }
        let decimals = max(0, significantDigits - 1 - Int(floor(log10(abs(value)))))
        return Ticks.fixed(value, decimals: min(decimals, 8))
    }

    private static func trimmed(_ s: String) -> String {
        guard s.contains(".") else { return s }
        var t = s
        while t.hasSuffix("0") { t.removeLast() }
        if t.hasSuffix(".") { t.removeLast() }
        return t
    }
}
