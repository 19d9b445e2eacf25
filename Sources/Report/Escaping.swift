/// Escaping of every string that reaches the site's HTML, JSON or TeX from a data file, a lesson file or a lesson's
/// computed labels. All escaping of the report lives in this one file so that it can be read and tested at once.
///
/// Rules:
/// - Element text: `&`, `<`, `>` become entities (`html`).
/// - Attribute values are always written in double quotes: additionally `"` and `'` (`attribute`).
/// - Lesson Markdown prose is pre-escaped before Ink (`markdownProse`): `&`, `<` and `"` become entities, so a lesson
///   text can hold no raw HTML, and a `"` cannot leave a link's `href="…"`. Ink keeps entities as they are.
/// - JSON strings: `"`, `\` and control characters (`jsonString`).
public enum Escaping {
    /// Text placed between tags.
    public static func html(_ text: String) -> String {
        replacing(text) {
            switch $0 {
            case "&": "&amp;"
            case "<": "&lt;"
            case ">": "&gt;"
            default: nil
            }
        }
    }

    /// A value placed inside a double-quoted attribute.
    public static func attribute(_ text: String) -> String {
        replacing(text) {
            switch $0 {
            case "&": "&amp;"
            case "<": "&lt;"
            case ">": "&gt;"
            case "\"": "&quot;"
            case "'": "&#39;"
            default: nil
            }
        }
    }

    /// Lesson prose on its way into Ink: no raw HTML can pass, quotes cannot break out of attributes Ink writes.
    /// `>` is left alone because it starts a Markdown block quote (Ink escapes it in text itself).
    public static func markdownProse(_ text: String) -> String {
        replacing(text) {
            switch $0 {
            case "&": "&amp;"
            case "<": "&lt;"
            case "\"": "&quot;"
            default: nil
            }
        }
    }

    /// `text` with every scalar for which `replacement` returns a string replaced by it, the others kept.
    /// Text with nothing to replace is returned as it is (a figure inlined as a multi-megabyte `data:` URL is
    /// scanned once, not copied scalar by scalar).
    private static func replacing(_ text: String, _ replacement: (Unicode.Scalar) -> String?) -> String {
        guard text.unicodeScalars.contains(where: { replacement($0) != nil }) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if let entity = replacement(scalar) { out += entity } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }

    /// The body of a JSON string literal (without the surrounding quotes), per RFC 8259 §7.
    public static func jsonString(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    let hex = String(scalar.value, radix: 16, uppercase: false)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// Whether a lesson slug or figure name can be used as a file or folder name and in a URL as it is: lowercase
    /// kebab-case (`a`–`z`, `0`–`9`, `-`, not starting with `-`). Names that are not are refused, never escaped.
    public static func isSafeFileName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first != "-" else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}
