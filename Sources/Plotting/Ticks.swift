import Foundation

/// Tick placement and labels.
///
/// Linear axes use "nice" steps 1, 2 or 5 × 10ᵏ: the smallest such step that puts at most `maxCount` ticks inside
/// the limits. Labels use the fewest decimals the step needs and a real minus sign (U+2212). Log₁₀ axes put major
/// ticks at powers of ten, labelled 10⁻², 10⁰, 10³ with Unicode superscripts, and unlabelled minor ticks at 2…9 × 10ᵏ.
enum Ticks {
    /// The minus sign used in every label.
    static let minus = "\u{2212}"

    /// Candidate steps in increasing order starting near `span / maxCount`.
    static func niceStep(span: Double, maxCount: Int, minimumStep: Double = 0) -> Double {
        let raw = max(span / Double(max(maxCount, 1)), minimumStep, .leastNormalMagnitude)
        let magnitude = pow(10, floor(Foundation.log10(raw)))
        for m in [1.0, 2, 5, 10] where m * magnitude >= raw * (1 - 1e-9) {
            return m * magnitude
        }
        return 10 * magnitude
    }

    /// The next nice step after `step` (1 → 2 → 5 → 10 …).
    static func nextStep(after step: Double) -> Double {
        let magnitude = pow(10, floor(Foundation.log10(step) + 1e-9))
        let m = (step / magnitude).rounded()
        switch m {
        case ..<1.5: return 2 * magnitude
        case ..<3.5: return 5 * magnitude
        default: return 10 * magnitude
        }
    }

    /// Multiples of `step` inside [lower, upper] (with a tolerance of 10⁻⁹ step), exact zero where it belongs.
    static func values(lower: Double, upper: Double, step: Double) -> [Double] {
        guard step > 0, lower.isFinite, upper.isFinite, upper >= lower else { return [] }
        let first = Int((lower / step - 1e-9).rounded(.up)), last = Int((upper / step + 1e-9).rounded(.down))
        guard last >= first, last - first < 10_000 else { return [] }
        return (first...last).map { k in k == 0 ? 0 : Double(k) * step }
    }

    /// Nice linear ticks with at most `maxCount` values between `lower` and `upper`.
    static func linear(lower: Double, upper: Double, maxCount: Int, minimumStep: Double = 0) -> (values: [Double], step: Double) {
        guard upper > lower else { return ([lower], 1) }
        var step = niceStep(span: upper - lower, maxCount: maxCount, minimumStep: minimumStep)
        var v = values(lower: lower, upper: upper, step: step)
        while v.count > max(maxCount, 2) {
            step = nextStep(after: step)
            v = values(lower: lower, upper: upper, step: step)
        }
        return (v, step)
    }

    /// Labels for linear ticks spaced by `step`.
    static func labels(_ values: [Double], step: Double) -> [String] {
        let largest = values.map(abs).max() ?? 0
        if largest >= 1e5 || (step < 1e-4 && largest < 1e-3) {
            return values.map(scientific)
        }
        let decimals = max(0, Int(-floor(Foundation.log10(step) + 1e-9)))
        return values.map { fixed($0, decimals: decimals) }
    }

    /// Labels for values that are not evenly spaced (e.g. density levels at 1, 2, 3 Mahalanobis units): each with two
    /// significant digits (more for its integer part), trailing zeros dropped.
    static func significantLabels(_ values: [Double]) -> [String] {
        values.map { v in
            guard v != 0 else { return "0" }
            let e = Int(floor(Foundation.log10(abs(v)) + 1e-12))
            if e >= 5 || e <= -5 { return scientific(v) }
            var s = fixed(v, decimals: max(0, 1 - e))
            if s.contains(".") {
                while s.hasSuffix("0") { s.removeLast() }
                if s.hasSuffix(".") { s.removeLast() }
            }
            return s
        }
    }

    /// Whether `values` are evenly spaced (relative tolerance 10⁻⁶ of the step).
    static func isEvenlySpaced(_ values: [Double]) -> Bool {
        guard values.count > 2 else { return true }
        let step = values[1] - values[0]
        return zip(values, values.dropFirst()).allSatisfy { abs(($1 - $0) - step) <= 1e-6 * abs(step) }
    }

    /// `value` with `decimals` decimals and a real minus sign; never "−0".
    static func fixed(_ value: Double, decimals: Int) -> String {
        var s = String(format: "%.\(decimals)f", value)
        if s.hasPrefix("-") {
            let digits = s.dropFirst()
            if digits.allSatisfy({ $0 == "0" || $0 == "." }) { return String(digits) }
            s = minus + digits
        }
        return s
    }

    /// A value as m×10ⁿ (n in superscripts); zero as "0".
    static func scientific(_ value: Double) -> String {
        guard value != 0 else { return "0" }
        let exponent = Int(floor(Foundation.log10(abs(value)) + 1e-12))
        let mantissa = value / pow(10, Double(exponent))
        var m = String(format: "%.3g", mantissa)
        if m.hasPrefix("-") { m = minus + m.dropFirst() }
        if m == "1" { return "10" + superscript(exponent) }
        if m == minus + "1" { return minus + "10" + superscript(exponent) }
        return m + "×10" + superscript(exponent)
    }

    /// An integer written with Unicode superscript digits and minus (⁻).
    static func superscript(_ n: Int) -> String {
        let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        var s = String(abs(n)).map { digits[Int(String($0))!] }.map(String.init).joined()
        if n < 0 { s = "⁻" + s }
        return s
    }

    /// Log₁₀ ticks for positive limits: majors at 10ᵏ (every `stride` decades so that at most `maxCount` fit),
    /// minors at 2…9 × 10ᵏ when majors are one decade apart. If the range holds fewer than two powers of ten, falls
    /// back to nice linear values (labelled plainly) as majors.
    static func log10(lower: Double, upper: Double, maxCount: Int) -> (major: [Double], labels: [String], minor: [Double]) {
        guard lower > 0, upper > lower else { return ([], [], []) }
        let lo = Foundation.log10(lower), hi = Foundation.log10(upper)
        let first = Int((lo - 1e-9).rounded(.up)), last = Int((hi + 1e-9).rounded(.down))
        if last - first + 1 < 3 {
            // Less than three powers of ten in range: label m × 10ᵏ for the densest mantissa set that fits,
            // written plainly (5, 10, 20, 50), with the other integers m as minor ticks.
            let sets: [[Double]] = [[1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 5], [1, 5], [1]]
            func multiples(_ ms: [Double]) -> [Double] {
                var out: [Double] = []
                for k in (first - 1)...(last + 1) {
                    for m in ms {
                        let v = m * pow(10, Double(k))
                        if v >= lower * (1 - 1e-12) && v <= upper * (1 + 1e-12) { out.append(v) }
                    }
                }
                return out
            }
            let all = multiples(sets[0])
            var major = multiples(sets.last!)
            for set in sets {
                let candidate = multiples(set)
                if candidate.count <= max(maxCount, 1) { major = candidate; break }
            }
            let labels = major.map { v -> String in
                let decimals = max(0, Int(-floor(Foundation.log10(v) + 1e-9)))
                return fixed(v, decimals: decimals)
            }
            return (major, labels, all.filter { v in !major.contains { abs($0 - v) <= 1e-12 * v } })
        }
        var stride = 1
        while (last - first) / stride + 1 > max(maxCount, 2) { stride += 1 }
        let exponents = Swift.stride(from: first, through: last, by: stride).map { $0 }
        let major = exponents.map { pow(10, Double($0)) }
        let labels = exponents.map { "10" + superscript($0) }
        var minor: [Double] = []
        if stride == 1 {
            for k in (first - 1)...last {
                for m in 2...9 {
                    let v = Double(m) * pow(10, Double(k))
                    if v >= lower * (1 - 1e-12) && v <= upper * (1 + 1e-12) { minor.append(v) }
                }
            }
        }
        return (major, labels, minor)
    }
}
