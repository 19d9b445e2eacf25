import Foundation
import LessonKit

/// The files written beside a figure by `lvm-lessons figures`: `NAME.tex` (a LaTeX `figure` environment) and
/// `NAME.md` (Markdown), with the caption the lesson text gives the figure — `![caption](figure:NAME)` — its `$math$`
/// kept as TeX and its `{{value}}` references replaced by the computed numbers.
///
/// The TeX caption is written for pdfLaTeX: TeX's special characters in the prose are escaped, the Unicode the
/// texts use in prose (Greek letters, −, ×, ≈, ≤, …) becomes the TeX command, `*emphasis*` becomes `\emph{}`,
/// `**bold**` `\textbf{}`, a code span `\texttt{}`.
public enum FigureSnippets {
    /// A figure's caption as the lesson text writes it, with the results it may refer to.
    public struct Caption: Sendable {
        public var markdown: String
        public var results: [String: JSONValue]
        public init(markdown: String, results: [String: JSONValue]) { self.markdown = markdown; self.results = results }
    }

    /// The captions of every figure a lesson text shows, by figure name (the first one, if a figure is shown twice).
    public static func captions(in text: LessonText) -> [String: String] {
        var out: [String: String] = [:]
        for source in [text.introduction] + text.steps.map(\.body) {
            let c = Array(source.text)
            var i = 0
            while i + 1 < c.count {
                if c[i] == "!", c[i + 1] == "[", let (caption, target, end) = LessonMarkdown.parseImage(c, at: i) {
                    if target.hasPrefix("figure:") {
                        let name = String(target.dropFirst("figure:".count)).trimmingCharacters(in: .whitespaces)
                        if out[name] == nil { out[name] = caption }
                    }
                    i = end
                } else {
                    i += 1
                }
            }
        }
        return out
    }

    /// `NAME.tex`: the alt text as a comment, then a `figure` environment that includes the figure at `widthTeX`
    /// (a TeX length, e.g. `246pt`), with the caption and `\label{fig:LESSON-NAME}`. `graphic` is the path given to
    /// `\includegraphics`, without extension (LaTeX picks the PDF).
    public static func tex(lesson: String, name: String, graphic: String, widthTeX: String, caption: Caption?) -> String {
        let alt = caption.map { plain($0) } ?? name
        var out = "% \(lesson)/\(name), drawn by lvm-lessons \(ToolInfo.version).\n"
        out += "% Alt text: " + alt.replacingOccurrences(of: "\n", with: " ") + "\n"
        out += "% Needs \\usepackage{graphicx} and, for the caption's symbols, \\usepackage{amsmath,amssymb}.\n"
        out += "\\begin{figure}[tbp]\n  \\centering\n"
        out += "  \\includegraphics[width=\(widthTeX)]{\(graphic)}\n"
        if let caption { out += "  \\caption{\(tex(caption))}\n" }
        out += "  \\label{fig:\(lesson)-\(name)}\n\\end{figure}\n"
        return out
    }

    /// `NAME.md`: the image with its alt text, then the caption (Markdown, `$math$` kept, values expanded).
    public static func markdown(lesson: String, name: String, image: String, caption: Caption?) -> String {
        let alt = caption.map { plain($0) } ?? name
        var out = "![\(alt.replacingOccurrences(of: "]", with: "\\]"))](\(image))\n"
        if let caption { out += "\n*Figure \(lesson)/\(name).* " + expanded(caption, math: { $0.tex }, prose: { $0.plain }) + "\n" }
        return out
    }

    // MARK: - Caption conversions

    /// The caption as plain text (alt text): math delimiters and Markdown marks dropped, values as plain numbers.
    static func plain(_ c: Caption) -> String {
        LessonMarkdown.plainText(expanded(c, math: { $0.plain }, prose: { $0.plain }))
    }

    /// The caption with every `{{path|style}}` replaced: `math` formats one inside `$…$`, `prose` one outside.
    /// An unknown reference is left as written (the report's build is where texts are checked).
    static func expanded(_ c: Caption, math: (ValueText) -> String, prose: (ValueText) -> String) -> String {
        var out = "", inMath = false
        var rest = Substring(c.markdown)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            let before = rest[..<open.lowerBound]
            out += before
            inMath = before.reduce(inMath) { $1 == "$" ? !$0 : $0 }
            let reference = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            let parts = reference.split(separator: "|", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            let style = parts.count == 2 ? NumberStyle(spec: parts[1]) : nil
            if let value = JSONValue.object(c.results).value(at: parts.first ?? ""), let text = ValueText(value, style: style) {
                out += inMath ? math(text) : prose(text)
            } else {
                out += "{{" + reference + "}}"
            }
            rest = rest[close.upperBound...]
        }
        return out + rest
    }

    /// The caption as a TeX paragraph: math kept (values as TeX numbers), prose escaped, numbers in prose set as math.
    static func tex(_ c: Caption) -> String {
        // Values first, each marked so that the prose escaping below leaves it alone.
        let marked = expanded(c, math: { $0.tex }, prose: { "\u{E010}" + $0.tex + "\u{E011}" })
        var out = ""
        var chars = Array(marked)[...]
        var emphasis = false, bold = false, quoteOpen = false
        while let ch = chars.first {
            chars = chars.dropFirst()
            switch ch {
            case "\u{E010}":
                var number = ""
                while let n = chars.first, n != "\u{E011}" { number.append(n); chars = chars.dropFirst() }
                chars = chars.dropFirst()
                out += number.hasPrefix("\\text{") ? number : "$" + number + "$"
            case "\\" where chars.first == "$":
                out += "\\$"; chars = chars.dropFirst()
            case "$":
                // Math, up to the closing dollar (display math `$$` is not used in captions; it is kept as is).
                var math = ""
                while let m = chars.first, m != "$" { math.append(m); chars = chars.dropFirst() }
                chars = chars.dropFirst()
                out += "$" + math + "$"
            case "`":
                var code = ""
                while let m = chars.first, m != "`" { code.append(m); chars = chars.dropFirst() }
                chars = chars.dropFirst()
                out += "\\texttt{" + ValueText.texText(code) + "}"
            case "\"":
                // Straight double quotes as TeX's opening and closing ones (T1 would print two closing quotes).
                out += quoteOpen ? "''" : "``"; quoteOpen.toggle()
            case "*", "_":
                if chars.first == ch {
                    chars = chars.dropFirst()
                    out += bold ? "}" : "\\textbf{"; bold.toggle()
                } else {
                    out += emphasis ? "}" : "\\emph{"; emphasis.toggle()
                }
            default:
                if let level = scripts[ch] {
                    // A run of Unicode sub- or superscripts is one script: Φ⁻¹ → $\Phi^{-1}$, not a double superscript.
                    var run = level.1
                    while let next = chars.first, let s = scripts[next], s.0 == level.0 { run += s.1; chars = chars.dropFirst() }
                    out += "$" + level.0 + "{" + run + "}$"
                } else if let command = proseSymbols[ch] { out += command } else { out += ValueText.texText(String(ch)) }
            }
        }
        if emphasis { out += "}" }
        if bold { out += "}" }
        // Neighbouring math pieces (`$\\lambda$$_i$`) become one (`$\\lambda_i$`).
        return out.replacingOccurrences(of: "$$", with: "")
    }

    /// Unicode sub- and superscripts in prose: `^` or `_` and the TeX of the character.
    static let scripts: [Character: (String, String)] = {
        var t: [Character: (String, String)] = [:]
        for (c, v) in zip("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789") { t[c] = ("^", String(v)) }
        for (c, v) in zip("₀₁₂₃₄₅₆₇₈₉", "0123456789") { t[c] = ("_", String(v)) }
        for (c, v) in [("⁻", "-"), ("⁺", "+"), ("ᵀ", "\\top "), ("ᵈ", "d"), ("ᵏ", "k"), ("ⁿ", "n")] { t[Character(c)] = ("^", v) }
        for (c, v) in [("ₙ", "n"), ("ᵢ", "i"), ("ⱼ", "j"), ("ₖ", "k")] { t[Character(c)] = ("_", v) }
        return t
    }()

    /// Unicode the lesson texts write in prose, as pdfLaTeX input.
    static let proseSymbols: [Character: String] = {
        var t: [Character: String] = ["−": "$-$", "×": "$\\times$", "≈": "$\\approx$", "≤": "$\\le$", "≥": "$\\ge$",
            "±": "$\\pm$", "→": "$\\to$", "⇒": "$\\Rightarrow$", "∞": "$\\infty$", "·": "$\\cdot$", "…": "\\dots{}",
            "–": "--", "—": "---", "‖": "$\\|$", "≠": "$\\ne$", "∈": "$\\in$", "°": "$^\\circ$", "’": "'", "‘": "`",
            "“": "``", "”": "''", "²": "$^2$", "ᵀ": "$^\\top$", "₁": "$_1$", "₂": "$_2$", "ₙ": "$_n$", "%": "\\%",
            "\u{00A0}": "~", "√": "$\\surd$", "ᵢ": "$_i$", "ⱼ": "$_j$", "₃": "$_3$", "ₖ": "$_k$", "³": "$^3$",
            "∫": "$\\int$", "∑": "$\\sum$", "⟂": "$\\perp$", "⁻": "$^{-}$", "¹": "$^1$", "ℓ": "$\\ell$",
            "ᵈ": "$^d$", "ᵏ": "$^k$", "ⁿ": "$^n$", "ẑ": "$\\hat{z}$", "x̂": "$\\hat{x}$", "ŷ": "$\\hat{y}$",
            "p̂": "$\\hat{p}$"]
        let greek: [(Character, String)] = [("α", "alpha"), ("β", "beta"), ("γ", "gamma"), ("δ", "delta"), ("ε", "varepsilon"),
            ("θ", "theta"), ("λ", "lambda"), ("μ", "mu"), ("π", "pi"), ("ρ", "rho"), ("σ", "sigma"), ("τ", "tau"), ("φ", "varphi"),
            ("χ", "chi"), ("ω", "omega"), ("Σ", "Sigma"), ("Φ", "Phi"), ("Λ", "Lambda"), ("Δ", "Delta")]
        for (c, name) in greek { t[c] = "$\\" + name + "$" }
        return t
    }()
}
