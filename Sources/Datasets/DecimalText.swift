import Foundation

/// Reading a plain decimal number (`[+-]digits[.digits][(e|E)[+-]digits]`, also `.5` and `5.`) from bytes, with the
/// same result as the C library's `strtod` — the correctly rounded conversion that `Double(_:)` uses — bit for bit.
///
/// Most numbers in data files have few significant digits (`-0.899655`, `3.07205e-05`), and for those the exact
/// answer takes one floating-point operation (Clinger's fast path: W. D. Clinger, "How to read floating point numbers
/// accurately", PLDI 1990): when the digits form an integer w ≤ 2⁵³ and the decimal exponent e has |e| ≤ 22, both w
/// and 10^|e| are exact doubles, so `w · 10^e` (or `w / 10^−e`) is a single correctly rounded operation — the correctly
/// rounded value of the decimal. Everything else (more than 19 significant digits, w > 2⁵³, |e| > 22, overflow,
/// subnormals) goes to `strtod`.
enum DecimalText {
    /// 10⁰ … 10²², each exactly representable as a double.
    private static let exactPowers: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// The value of `b[start..<end]` when it is a plain decimal number (the grammar above, nothing else: no spaces,
    /// no `inf`/`nan`, no hexadecimal), else nil. May be ±∞ for overflowing input such as `1e999`, as `strtod` gives.
    static func parse(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
        var k = start
        var negative = false
        if k < end && (b[k] == 0x2B || b[k] == 0x2D) { negative = b[k] == 0x2D; k += 1 }
        var w: UInt64 = 0                 // the significant digits read so far, as an integer
        var significant = 0               // how many digits are in w (leading zeros are not)
        var exponent = 0                  // the value is w · 10^exponent
        var exact = true                  // false once a digit does not fit in w
        var mantissaDigits = 0
        while k < end, b[k] &- 0x30 < 10 {
            let d = UInt64(b[k] &- 0x30)
            if w == 0 && d == 0 {
                // a leading zero: no significance
            } else if significant < 19 {
                w = w &* 10 &+ d; significant += 1
            } else {
                exact = false
            }
            k += 1; mantissaDigits += 1
        }
        if k < end && b[k] == 0x2E {
            k += 1
            while k < end, b[k] &- 0x30 < 10 {
                let d = UInt64(b[k] &- 0x30)
                if w == 0 && d == 0 {
                    exponent -= 1
                } else if significant < 19 {
                    w = w &* 10 &+ d; significant += 1; exponent -= 1
                } else {
                    exact = false
                }
                k += 1; mantissaDigits += 1
            }
        }
        guard mantissaDigits > 0 else { return nil }
        if k < end && (b[k] == 0x65 || b[k] == 0x45) {
            k += 1
            var negativeExponent = false
            if k < end && (b[k] == 0x2B || b[k] == 0x2D) { negativeExponent = b[k] == 0x2D; k += 1 }
            var e = 0, exponentDigits = 0
            while k < end, b[k] &- 0x30 < 10 {
                if e < 100_000 { e = e * 10 + Int(b[k] &- 0x30) }   // larger exponents saturate (strtod decides)
                k += 1; exponentDigits += 1
            }
            guard exponentDigits > 0 else { return nil }
            exponent += negativeExponent ? -e : e
        }
        guard k == end else { return nil }
        if exact && w <= 1 << 53 && exponent >= -22 && exponent <= 22 {
            let magnitude = exponent >= 0 ? Double(w) * exactPowers[exponent] : Double(w) / exactPowers[-exponent]
            return negative ? -magnitude : magnitude
        }
        return slow(b, start, end)
    }

    /// `strtod` on a copy of the bytes (NUL-terminated).
    private static func slow(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Double {
        let length = end - start
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { cell in
            for m in 0..<length { cell[m] = CChar(bitPattern: b[start + m]) }
            cell[length] = 0
            return strtod(cell.baseAddress!, nil)
        }
    }
}
