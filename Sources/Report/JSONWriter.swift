import LessonKit

/// Writes a `JSONValue` as JSON text for `results.json` and `manifest.json`.
///
/// - Object keys are sorted (by Unicode scalar values, the same on every machine), so equal values give equal bytes.
/// - Doubles keep full precision: Swift's `description`, the shortest text that reads back as the same `Double`
///   (`0.1`, `1e-05`, `100.0`), which is valid JSON.
/// - NaN and ±∞ have no JSON form: they are written as `null` and reported in `warnings` with their path.
/// - Two-space indentation; an array holding only scalars stays on one line so long vectors remain readable.
public enum JSONWriter {
    public static func serialize(_ value: JSONValue, warnings: inout [String], path: String = "") -> String {
        var out = ""
        write(value, indent: 0, path: path, into: &out, warnings: &warnings)
        return out + "\n"
    }

    private static func write(_ value: JSONValue, indent: Int, path: String, into out: inout String, warnings: inout [String]) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .integer(let i): out += String(i)
        case .number(let x):
            if x.isFinite {
                out += x.description
            } else {
                out += "null"
                warnings.append("\(path.isEmpty ? "value" : path) is \(x) and was written as null in JSON")
            }
        case .string(let s): out += "\"" + Escaping.jsonString(s) + "\""
        case .array(let elements):
            if elements.isEmpty { out += "[]"; return }
            if elements.allSatisfy(isScalar) {
                out += "["
                for (i, e) in elements.enumerated() {
                    if i > 0 { out += ", " }
                    write(e, indent: indent, path: join(path, String(i)), into: &out, warnings: &warnings)
                }
                out += "]"
                return
            }
            out += "[\n"
            for (i, e) in elements.enumerated() {
                out += String(repeating: "  ", count: indent + 1)
                write(e, indent: indent + 1, path: join(path, String(i)), into: &out, warnings: &warnings)
                out += i == elements.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: "  ", count: indent) + "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{\n"
            let keys = members.keys.sorted(by: scalarOrder)
            for (i, key) in keys.enumerated() {
                out += String(repeating: "  ", count: indent + 1) + "\"" + Escaping.jsonString(key) + "\": "
                write(members[key]!, indent: indent + 1, path: join(path, key), into: &out, warnings: &warnings)
                out += i == keys.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: "  ", count: indent) + "}"
        }
    }

    /// Key order: lexicographic on Unicode scalar values (locale-independent).
    static func scalarOrder(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
    }

    private static func isScalar(_ v: JSONValue) -> Bool {
        switch v {
        case .array, .object: return false
        default: return true
        }
    }

    private static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }
}
