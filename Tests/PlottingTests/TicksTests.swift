import Foundation
import Testing
@testable import Plotting

@Suite struct TicksTests {
    /// Every step is 1, 2 or 5 × 10ᵏ, every tick is a multiple of it inside the range, and there are at most maxCount.
    @Test(arguments: [(0.0, 10.0, 6), (-3.7, 12.2, 5), (0.001, 0.0093, 8), (-250.0, -3.0, 4), (1e-6, 3e-6, 5), (99.0, 101.0, 7)])
    func niceSteps(lower: Double, upper: Double, maxCount: Int) {
        let (values, step) = Ticks.linear(lower: lower, upper: upper, maxCount: maxCount)
        let mantissa = step / pow(10, floor(log10(step) + 1e-9))
        #expect([1.0, 2, 5].contains { abs(mantissa - $0) < 1e-9 }, "step \(step)")
        #expect(values.count <= maxCount && values.count >= 2)
        for v in values {
            #expect(v >= lower - 1e-9 * step && v <= upper + 1e-9 * step)
            #expect(abs(v / step - (v / step).rounded()) < 1e-9)
        }
    }

    @Test func labelsUseRealMinusAndNoNegativeZero() {
        let values = Ticks.values(lower: -1.0, upper: 1.0, step: 0.5)
        #expect(Ticks.labels(values, step: 0.5) == ["\u{2212}1.0", "\u{2212}0.5", "0.0", "0.5", "1.0"])
        #expect(Ticks.fixed(-0.0001, decimals: 2) == "0.00")
        #expect(!Ticks.labels(values, step: 0.5).joined().contains("-"))
        #expect(Ticks.labels([0, 2e5, 4e5], step: 2e5) == ["0", "2×10⁵", "4×10⁵"])
    }

    @Test func unevenLevelsGetSignificantDigits() {
        #expect(Ticks.significantLabels([0.0017, 0.024, 0.07, 0.11, -0.5, 0, 123.4]) ==
                ["0.0017", "0.024", "0.07", "0.11", "\u{2212}0.5", "0", "123"])
        #expect(Ticks.isEvenlySpaced([0, 0.1, 0.2, 0.30000000000000004]))
        #expect(!Ticks.isEvenlySpaced([0.0017, 0.024, 0.07]))
    }

    @Test func logTicksAtPowersOfTenWithSuperscripts() {
        let t = Ticks.log10(lower: 0.004, upper: 300, maxCount: 10)
        #expect(t.major == [0.01, 0.1, 1, 10, 100])
        #expect(t.labels == ["10⁻²", "10⁻¹", "10⁰", "10¹", "10²"])
        #expect(t.minor.contains(0.005) && t.minor.contains(200) && !t.minor.contains(400))
        // Too many decades for the room: every other decade.
        let sparse = Ticks.log10(lower: 1e-8, upper: 1e8, maxCount: 5)
        #expect(sparse.labels.count <= 5 && sparse.minor.isEmpty)
        #expect(Ticks.superscript(-12) == "⁻¹²")
        // Less than three powers of ten: plain labels at 1, 2, 5 × 10ᵏ (or sparser) and integer minors.
        let short = Ticks.log10(lower: 4, upper: 64, maxCount: 5)
        #expect(short.major == [5, 10, 20, 50] && short.labels == ["5", "10", "20", "50"])
        #expect(short.minor.contains(4) && short.minor.contains(30) && !short.minor.contains(20))
        let tiny = Ticks.log10(lower: 0.015, upper: 0.04, maxCount: 5)
        #expect(tiny.labels == ["0.02", "0.03", "0.04"])
    }

    @Test func paddingRespectsStickyEdges() {
        let plain = FrozenAxes.padded(0...10, log: false, sticky: [])
        #expect(abs(plain.lowerBound + 0.5) < 1e-12 && abs(plain.upperBound - 10.5) < 1e-12)
        let bars = FrozenAxes.padded(0...10, log: false, sticky: [0])
        #expect(bars.lowerBound == 0 && abs(bars.upperBound - 10.5) < 1e-12)
        let log = FrozenAxes.padded(1...100, log: true, sticky: [])
        #expect(abs(log10(log.lowerBound) + 0.1) < 1e-12 && abs(log10(log.upperBound) - 2.1) < 1e-12)
        let single = FrozenAxes.padded(3...3, log: false, sticky: [])
        #expect(single.lowerBound < 3 && single.upperBound > 3)
    }
}

@Suite struct NumberFormatTests {
    @Test func significantDigitsWithARealMinus() {
        #expect(NumberFormat.significant(-3.18594) == "\u{2212}3.186")
        #expect(NumberFormat.significant(0.012912, digits: 3) == "0.0129")
        #expect(NumberFormat.significant(2.5e-6, digits: 2) == "2.5×10⁻⁶")
        #expect(NumberFormat.significant(1234567, digits: 3) == "1.23×10⁶")
        #expect(NumberFormat.significant(9.9996e6, digits: 3) == "1×10⁷")
        #expect(NumberFormat.significant(-0.0) == "0")
        #expect(NumberFormat.significant(120) == "120")
        #expect(NumberFormat.fixed(-0.5, decimals: 2) == "\u{2212}0.50")
        #expect(NumberFormat.fixed(-0.001, decimals: 2) == "0.00")
        #expect(NumberFormat.significant(99_000) == "99000")
        #expect(NumberFormat.significant(123_456) == "1.235×10⁵")
        #expect(NumberFormat.significant(-0.00012) == "\u{2212}1.2×10⁻⁴")
        #expect(NumberFormat.significant(0.0012) == "0.0012")
        #expect(NumberFormat.scientific(-1.25e-7) == "\u{2212}1.25×10⁻⁷")
        #expect(NumberFormat.scientific(3.3912) == "3.39")
        #expect(NumberFormat.scientific(-33.912) == "\u{2212}33.9")
        #expect(NumberFormat.scientific(0.0) == "0.00")
    }
}
