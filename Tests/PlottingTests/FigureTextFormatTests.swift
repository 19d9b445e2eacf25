import Foundation
import Testing
@testable import Plotting

/// `NumberFormat.fixedSignificant` and `NumberFormat.subscript`: the two forms of figure text the nonlinear
/// lesson needs beyond `significant`, `fixed` and `scientific`.
@Suite struct FigureTextFormatTests {
    @Test(arguments: [
        (0.5, 3, "0.500"), (-1.2345, 3, "\u{2212}1.23"), (52.816, 3, "52.8"), (4.0, 1, "4"), (-2.0, 1, "\u{2212}2"),
        (0.0054995, 2, "0.0055"), (0.0054995, 3, "0.00550"), (0.25, 2, "0.25"), (0.77201, 3, "0.772"),
        (1234.5, 2, "1234"), (0.0, 3, "0"), (-0.0, 3, "0"), (1e-12, 2, "0.00000000"),
    ])
    func fixedSignificantKeepsTrailingZerosAndUsesARealMinus(value: Double, digits: Int, text: String) {
        #expect(NumberFormat.fixedSignificant(value, digits: digits) == text)
    }

    @Test func fixedSignificantHasTheDecimalsThatTheSignificantDigitsNeed() {
        // the decimals are n − 1 − ⌊log₁₀|x|⌋: the text has n significant digits whenever that is at most 8
        for exponent in -6...4 {
            for digits in 1...4 {
                let value = 3.0 * pow(10, Double(exponent))
                let text = NumberFormat.fixedSignificant(value, digits: digits)
                let significant = text.filter(\.isNumber).drop { $0 == "0" }
                let decimals = digits - 1 - exponent
                if decimals <= 8 { #expect(significant.count == max(digits, exponent + 1), "\(value) → \(text)") }
                #expect(Double(text) == (value * pow(10, Double(min(max(decimals, 0), 8)))).rounded() / pow(10, Double(min(max(decimals, 0), 8))), "\(value) → \(text)")
            }
        }
    }

    @Test func notFiniteIsADash() {
        #expect(NumberFormat.fixedSignificant(.nan, digits: 2) == "—")
        #expect(NumberFormat.fixedSignificant(.infinity, digits: 2) == "—")
    }

    @Test func subscriptDigitsWriteEveryDigit() {
        #expect(NumberFormat.subscript(0) == "₀")
        #expect(NumberFormat.subscript(1) == "₁")
        #expect(NumberFormat.subscript(1234567890) == "₁₂₃₄₅₆₇₈₉₀")
        #expect(NumberFormat.subscript(-12) == "₋₁₂")
        // one subscript character per decimal digit, each U+2080 + the digit
        for n in [7, 42, 305, 9_999] {
            let scalars = NumberFormat.subscript(n).unicodeScalars.map(\.value)
            #expect(scalars == String(n).unicodeScalars.map { 0x2080 + $0.value - 0x30 })
        }
    }
}
