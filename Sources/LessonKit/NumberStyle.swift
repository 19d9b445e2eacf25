/// How a number is shown on a page: in the text (`{{path}}` uses `.significant(4)`; `{{path|.3f}}`, `{{path|.2e}}`,
/// `{{path|%}}`, `{{path|.2%}}`, `{{path|.5g}}`, `{{path|int}}` choose another) and in table cells
/// (`TableCell.number(x, style)`). The report formats both the same way; `results.json` always keeps full precision.
public enum NumberStyle: Sendable, Hashable, Codable {
    /// `n` significant digits, trailing zeros dropped; plain for 10⁻³ ≤ |x| < 10⁵ (after rounding), else m × 10ⁿ.
    case significant(Int)
    /// `n` digits after the point.
    case fixed(Int)
    /// Scientific with `n` digits after the point: `1.23 × 10⁻⁵`; exponents −1, 0 and 1 are written plainly with the
    /// same significant digits (`0.339`, `3.39`, `33.9`).
    case scientific(Int)
    /// The value × 100 with `n` decimals and a `%` sign.
    case percent(Int)
    /// Rounded to the nearest integer (ties away from zero).
    case integer
    /// `n` digits after the point with an explicit sign: `+0.50`, `−0.47`.
    case signedFixed(Int)

    public static let `default` = NumberStyle.significant(4)
}
