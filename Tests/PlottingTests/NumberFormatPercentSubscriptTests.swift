import Foundation
import Testing
import Plotting

/// `NumberFormat.percent` and `NumberFormat.subscript`, the figure-text forms of a share and of an index.
@Suite struct NumberFormatPercentSubscriptTests {
    /// The value × 100 with the given decimals as `fixed` writes it, then " %": the same text as C's "%.1f %%" for
    /// non-negative shares, a real minus sign for negative ones and no "−0.0 %".
    @Test(arguments: [0.0, 0.1234, 0.14895, 0.05, 1, 0.999_96, 1e-9, 0.4567891])
    func percentIsFixedOfAHundredTimesTheShare(_ share: Double) {
        #expect(NumberFormat.percent(share) == String(format: "%.1f %%", 100 * share))
        #expect(NumberFormat.percent(share, decimals: 3) == NumberFormat.fixed(100 * share, decimals: 3) + " %")
    }

    @Test func percentOfNegativeSharesUsesTheRealMinus() {
        #expect(NumberFormat.percent(-0.125) == "\u{2212}12.5 %")
        #expect(NumberFormat.percent(-0.000_01) == "0.0 %")
        #expect(NumberFormat.percent(0.5, decimals: 0) == "50 %")
    }

    /// Every digit maps to its subscript (U+2080 + digit), in order; negative numbers get "₋" (U+208B).
    @Test(arguments: [0, 1, 9, 10, 16, 40, 64, 1024, Int.max])
    func subscriptWritesEveryDigit(_ n: Int) {
        let expected = String(String(n).unicodeScalars.map { Character(Unicode.Scalar(0x2080 + $0.value - 0x30)!) })
        #expect(NumberFormat.subscript(n) == expected)
        #expect(NumberFormat.subscript(-n) == (n == 0 ? expected : "₋" + expected))
    }

    @Test func subscriptOfTheSmallestInteger() {
        #expect(NumberFormat.subscript(Int.min) == "₋₉₂₂₃₃₇₂₀₃₆₈₅₄₇₇₅₈₀₈")
    }
}
