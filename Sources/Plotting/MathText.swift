/// Figure text set the way TeX sets math, within what Cairo's toy text API can draw (one face and size per run, no
/// shaping): the notes style (`FigureStyle.setsMath`) draws every label, tick and legend entry through this.
///
/// The rules, applied to the Unicode the lessons write (`z₁`, `fθ(z)`, `x̂ₙ`, `WWᵀ + σ²I`, `log p(x)`, `10⁻²`):
/// - A letter standing alone (not part of a word of two or more letters) is a variable: it becomes its Mathematical
///   Italic character (U+1D434…, `x` → 𝑥, `σ` → 𝜎, `h` → ℎ), drawn from Latin Modern Math — TeX's math italic, not
///   the slanted text italic. Words (`log`, `KL`, `ELBO`, `nats`) stay upright, as `\log` and `\mathrm{KL}` do.
///   Upper-case Greek stays upright (TeX's `\Sigma`, `\Phi`).
/// - A single Latin letter followed directly by lower-case Greek letters (`fθ`) is that letter with a Greek subscript
///   (`f_\theta`), the lessons' way of writing a parameterised function.
/// - Unicode subscripts and superscripts (`₁`, `ₙ`, `ᵢ`, `²`, `⁻¹`, `ᵀ`) become the base characters at
///   `MathText.scriptScale` of the size, lowered by `subscriptDrop` or raised by `superscriptRise` (TeX's
///   `\scriptstyle`, about 7 pt beside 10 pt); letters in them are indices, all italic (`uᵢⱼ` → 𝑢 with 𝑖𝑗 below);
///   `ᵀ` is an upright T, as in `W^\mathsf{T}`.
/// - An apostrophe between letters joins them into one word (`Minka's`, `point's` stay upright text).
/// - Digits, operators, brackets and everything else are drawn as they are.
///
/// What the toy API cannot do, and so this does not do: kerning between runs, italic correction before a
/// superscript, stacked sub- and superscripts (`x₁²` sets them one after the other), fractions, radicals.
enum MathText {
    /// One run: text at one script level (0 = the baseline, −1 = subscript, +1 = superscript).
    struct Piece: Equatable {
        var text: String
        var level: Int
    }

    static let scriptScale = 0.7
    /// Shifts of the script baseline, as fractions of the surrounding text's size.
    static let subscriptDrop = 0.2
    static let superscriptRise = 0.38

    /// The pieces of `text`, neighbouring characters of one level merged.
    static func pieces(_ text: String) -> [Piece] {
        let chars = Array(text)
        var out: [Piece] = []
        func emit(_ s: String, _ level: Int) {
            if let last = out.last, last.level == level { out[out.count - 1].text += s } else { out.append(Piece(text: s, level: level)) }
        }
        var k = 0
        while k < chars.count {
            let c = chars[k]
            if script[c] != nil {
                // A run of script characters: letters in it that stand alone are variables; ᵀ is an upright T.
                var j = k
                var run: [(original: Character, base: Character, level: Int)] = []
                while j < chars.count, let s = script[chars[j]] { run.append((chars[j], s.0, s.1)); j += 1 }
                var i = 0
                while i < run.count {
                    var m = i
                    while m < run.count, run[m].original != "ᵀ", isLetter(run[m].base), run[m].level == run[i].level { m += 1 }
                    if m > i {
                        for ch in run[i..<m].map(\.base) { emit(italic(ch), run[i].level) }
                        i = m
                    } else {
                        emit(String(run[i].base), run[i].level); i += 1
                    }
                }
                k = j
                continue
            }
            if isLetter(c) {
                var j = k
                // An apostrophe between letters belongs to the word (point's, Minka's, PPCA's: not a variable s).
                while j < chars.count, isLetter(chars[j])
                        || (j > k && "'’".contains(chars[j]) && j + 1 < chars.count && isLetter(chars[j + 1])) { j += 1 }
                let word = Array(chars[k..<j])
                let transposed = j < chars.count && chars[j] == "ᵀ"
                if word.count == 1 || (transposed && word.allSatisfy { $0.isUppercase && isLatin($0) })
                    || isProductOfTwo(word, followedBy: chars[j...]) {
                    // A variable, or a product of matrices (WWᵀ).
                    for ch in word { emit(italic(ch), 0) }
                } else if isLatin(word[0]), word.dropFirst().allSatisfy(isLowerGreek) {
                    emit(italic(word[0]), 0)
                    for g in word.dropFirst() { emit(italic(g), -1) }
                } else {
                    emit(String(word), 0)
                }
                k = j
                continue
            }
            emit(String(c), 0)
            k += 1
        }
        return out
    }

    /// `Wz`, `Wẑ`, `Wzₗ`: a capital and a small Latin letter followed by a script, an operator, a closing bracket or
    /// the end — the product W z of the lessons' `Wz + μ`, not a word (`In data`, `Of` are followed by a word).
    static func isProductOfTwo(_ word: [Character], followedBy rest: ArraySlice<Character>) -> Bool {
        guard word.count == 2, isLatin(word[0]), word[0].isUppercase, isLatin(word[1]), word[1].isLowercase else { return false }
        guard let next = rest.first(where: { $0 != " " }) else { return true }
        if script[rest.first!] != nil { return true }
        return "+−-=),;|]".contains(next)
    }

    /// Whether a character is a letter (its first scalar; `x̂` counts, with its accent).
    static func isLetter(_ c: Character) -> Bool {
        guard let s = c.unicodeScalars.first else { return false }
        return isLatin(c) || isGreek(s)
    }

    static func isLatin(_ c: Character) -> Bool {
        guard let v = c.unicodeScalars.first?.value else { return false }
        return (0x41...0x5A).contains(v) || (0x61...0x7A).contains(v)
    }

    static func isGreek(_ s: Unicode.Scalar) -> Bool {
        (0x391...0x3A9).contains(s.value) || (0x3B1...0x3C9).contains(s.value) || s.value == 0x3D5 || s.value == 0x3F5
    }

    static func isLowerGreek(_ c: Character) -> Bool {
        guard let v = c.unicodeScalars.first?.value else { return false }
        return (0x3B1...0x3C9).contains(v) || v == 0x3D5 || v == 0x3F5
    }

    /// The Mathematical Italic form of a letter (its combining marks kept); upper-case Greek and anything else
    /// unchanged.
    static func italic(_ c: Character) -> String {
        var scalars = Array(c.unicodeScalars)
        guard let first = scalars.first else { return String(c) }
        let v = first.value
        var mapped: UInt32? = nil
        switch v {
        case 0x68: mapped = 0x210E                              // ℎ: the italic h sits in Letterlike Symbols
        case 0x41...0x5A: mapped = 0x1D434 + (v - 0x41)
        case 0x61...0x7A: mapped = 0x1D44E + (v - 0x61)
        case 0x3B1...0x3C9: mapped = 0x1D6FC + (v - 0x3B1)
        case 0x3F5: mapped = 0x1D716                            // ϵ
        case 0x3D5: mapped = 0x1D719                            // ϕ
        default: break
        }
        guard let m = mapped, let scalar = Unicode.Scalar(m) else { return String(c) }
        scalars[0] = scalar
        var s = ""
        s.unicodeScalars.append(contentsOf: scalars)
        return s
    }

    /// Unicode's sub- and superscript characters: their base character and level.
    static let script: [Character: (Character, Int)] = {
        var t: [Character: (Character, Int)] = [:]
        let sub: [(Character, Character)] = [("₀", "0"), ("₁", "1"), ("₂", "2"), ("₃", "3"), ("₄", "4"), ("₅", "5"), ("₆", "6"),
            ("₇", "7"), ("₈", "8"), ("₉", "9"), ("₊", "+"), ("₋", "−"), ("₌", "="), ("₍", "("), ("₎", ")"), ("ₐ", "a"),
            ("ₑ", "e"), ("ₒ", "o"), ("ₓ", "x"), ("ₕ", "h"), ("ₖ", "k"), ("ₗ", "l"), ("ₘ", "m"), ("ₙ", "n"), ("ₚ", "p"),
            ("ₛ", "s"), ("ₜ", "t"), ("ᵢ", "i"), ("ⱼ", "j"), ("ᵣ", "r"), ("ᵤ", "u"), ("ᵥ", "v"), ("ᵦ", "β"), ("ᵧ", "γ"),
            ("ᵨ", "ρ"), ("ᵩ", "φ"), ("ᵪ", "χ")]
        let sup: [(Character, Character)] = [("⁰", "0"), ("¹", "1"), ("²", "2"), ("³", "3"), ("⁴", "4"), ("⁵", "5"), ("⁶", "6"),
            ("⁷", "7"), ("⁸", "8"), ("⁹", "9"), ("⁺", "+"), ("⁻", "−"), ("⁼", "="), ("⁽", "("), ("⁾", ")"), ("ⁿ", "n"),
            ("ⁱ", "i"), ("ᵈ", "d"), ("ᵏ", "k"), ("ᵠ", "q"), ("ᵗ", "t"), ("ᵀ", "T")]
        for (k, v) in sub { t[k] = (v, -1) }
        for (k, v) in sup { t[k] = (v, 1) }
        return t
    }()
}
