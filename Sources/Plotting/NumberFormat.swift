import Foundation

/// Numbers for figure text (annotations, legend labels, titles), written the way the axes write them: a real minus
/// sign (U+2212), no "−0", and m×10ⁿ with superscripts for very large or small magnitudes.
public enum NumberFormat {
    /// `value` with `significantDigits` significant digits (trailing zeros dropped), e.g. −3.186, 0.0129, 2.5×10⁻⁶.
    public static func significant(_ value: Double, digits significantDigits: Int = 4) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "∞" : Ticks.minus + "∞") }
        guard value != 0 else { return "0" }
        let digits = max(1, significantDigits)
        let e = Int(floor(log10(abs(value)) + 1e-12))
        if e >= 6 || e <= -5 {
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

    private static func trimmed(_ s: String) -> String {
        guard s.contains(".") else { return s }
        var t = s
        while t.hasSuffix("0") { t.removeLast() }
        if t.hasSuffix(".") { t.removeLast() }
        return t
    }
}
