/// The standard normal distribution N(0, 1): log density, cumulative distribution Φ and quantile Φ⁻¹.
public enum StandardNormal {
    /// ½ log(2π).
    public static let halfLogTwoPi = 0.918_938_533_204_672_7

    /// log φ(z) = −z²/2 − ½ log(2π) (natural log).
    public static func logDensity(_ z: Double) -> Double { -0.5 * z * z - halfLogTwoPi }

    /// φ(z) = exp(−z²/2)/√(2π).
    public static func density(_ z: Double) -> Double { exponential(logDensity(z)) }

    /// Φ(z) = ½ erfc(−z/√2), accurate in relative terms in the lower tail (Φ(−30) ≈ 4.9e−198 is not rounded to 0).
    public static func cdf(_ z: Double) -> Double {
        0.5 * complementaryErrorFunction(-z * 0.707_106_781_186_547_5)
    }

    /// Φ⁻¹(p) for p ∈ [0, 1] (−∞ at 0, +∞ at 1, NaN outside).
    ///
    /// P. J. Acklam's rational approximation (relative error < 1.15·10⁻⁹; published on his web page, 2003) followed
    /// by one Halley step on Φ(x) − q = 0, which brings the error to about machine precision:
    /// e = Φ(x) − q, u = e/φ(x), x ← x − u/(1 + x u/2). The computation is done for q = min(p, 1 − p) in the lower
    /// tail, where Φ is evaluated in relative precision, and reflected: Φ⁻¹(p) = −Φ⁻¹(1 − p).
    public static func quantile(_ p: Double) -> Double {
        guard p >= 0 && p <= 1 else { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if p == 0.5 { return 0 }
        let lower = p < 0.5
        let q = lower ? p : 1 - p          // q ∈ (0, 0.5)
        var x = acklam(q)
        let e = cdf(x) - q
        let u = e * 2.506_628_274_631_000_5 * exponential(0.5 * x * x)
        x -= u / (1 + 0.5 * x * u)
        return lower ? x : -x
    }

    /// Acklam's approximation of Φ⁻¹(q) for q ∈ (0, 0.5].
    private static func acklam(_ q: Double) -> Double {
        let a = (-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00)
        let b = (-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                 6.680131188771972e+01, -1.328068155288572e+01)
        let c = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                 -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00)
        let d = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00)
        if q < 0.02425 {
            let t = (-2 * naturalLog(q)).squareRoot()
            return (((((c.0 * t + c.1) * t + c.2) * t + c.3) * t + c.4) * t + c.5) /
                ((((d.0 * t + d.1) * t + d.2) * t + d.3) * t + 1)
        }
        let t = q - 0.5
        let r = t * t
        return (((((a.0 * r + a.1) * r + a.2) * r + a.3) * r + a.4) * r + a.5) * t /
            (((((b.0 * r + b.1) * r + b.2) * r + b.3) * r + b.4) * r + 1)
    }
}
