import LinearAlgebra

/// A random stream per (seed, lesson, step), so that one more draw in one step changes no number of any other step,
/// and two lessons that need the same random data (the 2-D cloud) get it from one function. The step's id is the
/// 64-bit FNV-1a hash of the UTF-8 text `lesson/step` (Fowler, Noll & Vo); the generator is xoshiro256** seeded with
/// SplitMix64(seed) XOR SplitMix64(id) — the first output of a SplitMix64 started at each, so that nearby seeds and
/// nearby ids give unrelated streams. Renaming a step changes its numbers.
public enum StepRandom {
    public static func generator(seed: UInt64, lesson: String, step: String) -> Xoshiro256StarStar {
        Xoshiro256StarStar(seed: mixedSeed(seed: seed, lesson: lesson, step: step))
    }

    /// The seed of that generator (exposed for the tests).
    public static func mixedSeed(seed: UInt64, lesson: String, step: String) -> UInt64 {
        var a = SplitMix64(seed: seed), b = SplitMix64(seed: fnv1a("\(lesson)/\(step)"))
        return a.next() ^ b.next()
    }

    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
