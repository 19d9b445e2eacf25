/// Seeded pseudo-random numbers whose streams are identical on every run and every machine.
///
/// `Xoshiro256StarStar` is Blackman & Vigna's xoshiro256** 1.0 ("Scrambled linear pseudorandom number generators",
/// ACM TOMS 47(4), 2021; reference C code at prng.di.unimi.it). Its 256-bit state is filled from the 64-bit seed by
/// four outputs of SplitMix64 (Steele, Lea & Flood, OOPSLA 2014), as its authors recommend. There is no global
/// generator: create one from a seed and pass it `inout` to everything that draws.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
    private var s0, s1, s2, s3: UInt64

    /// A generator whose state is four successive SplitMix64 outputs starting from `seed`.
    public init(seed: UInt64) {
        var splitMix = SplitMix64(seed: seed)
        s0 = splitMix.next(); s1 = splitMix.next(); s2 = splitMix.next(); s3 = splitMix.next()
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, 45)
        return result
    }

    @inline(__always) private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

/// SplitMix64 (Steele, Lea & Flood 2014): a 64-bit counter passed through a bijective mixer. Used to seed
/// `Xoshiro256StarStar`; also a valid (if small-state) generator on its own.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension RandomNumberGenerator {
    /// A uniform draw from [0, 1): the top 53 bits of `next()` times 2⁻⁵³ (every multiple of 2⁻⁵³ equally likely).
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A standard normal draw by Marsaglia's polar method (Marsaglia & Bray 1964): draw (u, v) uniform in the square
    /// (−1, 1)², reject unless 0 < s = u² + v² < 1, and return u·√(−2 log s / s). Each call consumes its own pairs
    /// (the second normal of a pair is discarded, so no hidden state is needed). The logarithm is `portableLog`,
    /// built from IEEE-754 arithmetic and √ only, so the stream is bit-identical across machines and C libraries.
    public mutating func nextStandardNormal() -> Double {
        while true {
            let u = 2 * nextUniform() - 1
            let v = 2 * nextUniform() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                return u * (-2 * portableLog(s) / s).squareRoot()
            }
        }
    }

    /// `count` independent standard normal draws.
    public mutating func nextStandardNormals(count: Int) -> [Double] {
        (0..<count).map { _ in nextStandardNormal() }
    }
}
