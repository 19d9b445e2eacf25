import Foundation
import LessonKit
import Lessons
import Testing
@testable import Report

@Suite struct ValueFormatterTests {
    @Test(arguments: [
        (0.012345678, NumberStyle.significant(4), "0.01235"),
        (3.5, .significant(4), "3.5"),
        (-2.0, .significant(4), "\u{2212}2"),
        (1234567.0, .significant(4), "1.235\u{2009}×\u{2009}10<sup>6</sup>"),
        (-1.25e-7, .significant(4), "\u{2212}1.25\u{2009}×\u{2009}10<sup>\u{2212}7</sup>"),
        (12345.6, .significant(4), "12346"),
        (0.001, .significant(4), "0.001"),
        (0.0, .significant(4), "0"),
        (0.012345678, .fixed(3), "0.012"),
        (-0.0001, .fixed(2), "0.00"),
        (0.012345678, .scientific(2), "1.23\u{2009}×\u{2009}10<sup>\u{2212}2</sup>"),
        (3.3912, .scientific(2), "3.39"),
        (-3.3912, .scientific(2), "\u{2212}3.39"),
        (33.912, .scientific(2), "33.9"),
        (0.33912, .scientific(2), "0.339"),
        (9.996, .scientific(2), "10.0"),
        (339.12, .scientific(2), "3.39\u{2009}×\u{2009}10<sup>2</sup>"),
        (99999.4, .significant(4), "1\u{2009}×\u{2009}10<sup>5</sup>"),
        (123456.0, .significant(4), "1.235\u{2009}×\u{2009}10<sup>5</sup>"),
        (9.99996, .significant(4), "10"),
        (0.1234, .percent(1), "12.3%"),
        (2.5, .integer, "3"),
        (-2.5, .integer, "\u{2212}3"),
        (Double.nan, .significant(4), "NaN"),
        (-Double.infinity, .significant(4), "\u{2212}∞"),
    ])
    func html(value: Double, style: NumberStyle, expected: String) {
        #expect(ValueFormatter.format(value, style: style).html == expected)
    }

    /// The default style never writes a power 10⁰ (or 10¹ … 10⁴, 10⁻¹ … 10⁻³): plain notation there.
    @Test func defaultStyleNeverWritesSmallPowers() {
        var g = SplitMixForTest(seed: 7)
        for _ in 0..<2000 {
            let x = (g.next() - 0.5) * pow(10, 16 * g.next() - 8)
            if let e = ValueFormatter.format(x).exponent { #expect(!(-3...4).contains(e), "\(x) → exponent \(e)") }
            if let e = ValueFormatter.format(x, style: .scientific(2)).exponent { #expect(!(-1...1).contains(e), "\(x)") }
        }
    }

    @Test func texUsesAsciiMinusAndTimes() {
        #expect(ValueFormatter.format(-1.25e-7).tex == "-1.25\\times 10^{-7}")
        #expect(ValueFormatter.format(0.25, style: .percent(1)).tex == "25.0\\%")
    }

    @Test(arguments: [
        ("int", NumberStyle.integer), ("%", .percent(1)), (".2%", .percent(2)), (".3f", .fixed(3)), (".2e", .scientific(2)),
        (".5g", .significant(5)), (" .10f ", .fixed(10)),
    ])
    func specs(spec: String, style: NumberStyle) {
        #expect(NumberStyle(spec: spec) == style)
    }

    @Test(arguments: ["", "f", ".f", ".0g", ".3x", "3f", ".99f", "%%"])
    func badSpecs(spec: String) {
        #expect(NumberStyle(spec: spec) == nil)
    }

    /// Four significant digits of the default are really four: the shown value is within half a unit of the 4th digit.
    @Test func defaultKeepsFourSignificantDigits() {
        for x in [0.00123456, 0.0123456, 0.123456, 1.23456, 12.3456, 123.456, 1234.56] {
            let shown = Double(ValueFormatter.format(x).plain)!
            let unit = pow(10, floor(log10(x)) - 3)
            #expect(abs(shown - x) <= unit / 2 * (1 + 1e-12), "\(x) shown as \(shown)")
        }
    }
}

/// A tiny deterministic generator of uniform numbers in [0, 1) for the property test above.
struct SplitMixForTest {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Double((z ^ (z >> 31)) >> 11) / 9_007_199_254_740_992
    }
}

@Suite struct TypedTableCellTests {
    @Test func signedFixedShowsBothSigns() {
        #expect(ValueFormatter.format(0.5, style: .signedFixed(2)).html == "+0.50")
        #expect(ValueFormatter.format(-0.471, style: .signedFixed(2)).html == "\u{2212}0.47")
        #expect(ValueFormatter.format(-0.001, style: .signedFixed(2)).html == "+0.00")
    }

    @Test func tableCellsAreFormattedLikeValueReferences() {
        #expect(LessonMarkdown.cellHTML(.number(-1.25e-7, .scientific(2))) == "<span class=\"value\">" + ValueFormatter.format(-1.25e-7, style: .scientific(2)).html + "</span>")
        #expect(LessonMarkdown.cellHTML(.number(0.123456)) == "<span class=\"value\">0.1235</span>")
        #expect(LessonMarkdown.cellHTML(.integer(-3)) == "<span class=\"value\">\u{2212}3</span>")
        #expect(LessonMarkdown.cellHTML(.text("2-D <x>")) == "2-D &lt;x&gt;")
    }
}
