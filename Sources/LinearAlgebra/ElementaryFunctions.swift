#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Thin wrappers around the C math library, so the numerical files need no platform `import`.

@inlinable func naturalLog(_ x: Double) -> Double { log(x) }

extension Double {
    /// The natural logarithm (C library), as a method: `x.log()`.
    @inlinable func log() -> Double { naturalLog(self) }
}
@inlinable func exponential(_ x: Double) -> Double { exp(x) }
@inlinable func complementaryErrorFunction(_ x: Double) -> Double { erfc(x) }
@inlinable func cosine(_ x: Double) -> Double { cos(x) }

/// √(a² + b²) without destructive overflow or underflow.
@inlinable func hypotenuse(_ a: Double, _ b: Double) -> Double {
    let x = Swift.abs(a), y = Swift.abs(b)
    let big = Swift.max(x, y), small = Swift.min(x, y)
    if big == 0 || !big.isFinite { return big }
    let r = small / big
    return big * (1 + r * r).squareRoot()
}

/// Natural logarithm from IEEE-754 +, −, ×, ÷ only, so that it is bit-identical on every machine (used by the
/// random-number code, whose streams must not depend on the platform's libm). Accurate to about 1 ulp.
///
/// x = m · 2^e with m ∈ [√½, √2); log m = 2 atanh(s) = 2(s + s³/3 + s⁵/5 + …), s = (m − 1)/(m + 1), |s| ≤ 0.1716.
@usableFromInline
func portableLog(_ x: Double) -> Double {
    guard x > 0, x.isFinite else { return x == 0 ? -.infinity : (x.isNaN || x < 0 ? .nan : .infinity) }
    var m = x.significand             // [1, 2)
    var e = Double(x.exponent)
    if m > 1.4142135623730951 { m *= 0.5; e += 1 }
    let s = (m - 1) / (m + 1)
    let s2 = s * s
    // Horner evaluation of Σ_{k=0}^{12} s^{2k} / (2k + 1).
    var series = 1.0 / 25
    var k = 11
    while k >= 0 { series = series * s2 + 1 / Double(2 * k + 1); k -= 1 }
    let logM = 2 * s * series
    let ln2Hi = 0.6931471803691238, ln2Lo = 1.9082149292705877e-10
    return (e * ln2Hi + logM) + e * ln2Lo
}
