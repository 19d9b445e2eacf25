import Foundation

/// Finds anything in a built site that would load a resource over the network.
///
/// The rule (loads, not mentions):
/// - HTML: an `http:`, `https:` or protocol-relative `//` URL in a loading attribute (`src`, `href`, `srcset`,
///   `poster`, `data`, `action`, `background`) of any element except `<a>` (a link is followed only when clicked),
///   or in a `url(...)`/`@import` of inline CSS.
/// - CSS: such a URL in `url(...)` or any `@import`.
/// - JavaScript: any global call that fetches (`fetch(` — not a method `.fetch(` —, `XMLHttpRequest`, `import(`, `importScripts`, `new Worker`,
///   `sendBeacon`, `WebSocket`, `EventSource`). URL strings alone are mentions: KaTeX's script names the SVG and
///   MathML XML namespaces (`http://www.w3.org/...`), which are identifiers, not downloads.
/// Everything else (PNG, SVG, PDF, JSON, fonts) loads nothing by itself... except SVG, which is scanned like HTML.
enum NetworkScan {
    static let remote = #"(?i)^\s*['"]?\s*(https?:|//)"#

    static func loads(in folder: URL) -> [String] {
        var found: [String] = []
        for (path, data) in Scratch.tree(folder).sorted(by: { $0.key < $1.key }) {
            let ext = (path as NSString).pathExtension.lowercased()
            guard ["html", "css", "js", "svg"].contains(ext), let text = String(data: data, encoding: .utf8) else { continue }
            switch ext {
            case "html", "svg": found += htmlLoads(text).map { "\(path): \($0)" }
            case "css": found += cssLoads(text).map { "\(path): \($0)" }
            default: found += jsLoads(text).map { "\(path): \($0)" }
            }
        }
        return found
    }

    static func htmlLoads(_ text: String) -> [String] {
        var found: [String] = []
        let tag = try! NSRegularExpression(pattern: #"<([A-Za-z][A-Za-z0-9:-]*)\b([^>]*)>"#)
        let attribute = try! NSRegularExpression(pattern: #"(?i)\b(src|href|srcset|poster|data|action|background|xlink:href)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)"#)
        let ns = text as NSString
        for m in tag.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            let name = ns.substring(with: m.range(at: 1)).lowercased()
            let attributes = ns.substring(with: m.range(at: 2))
            if name == "a" { continue }
            let a = attributes as NSString
            for am in attribute.matches(in: attributes, range: NSRange(location: 0, length: a.length)) {
                let value = a.substring(with: am.range(at: 2))
                if value.range(of: remote, options: .regularExpression) != nil { found.append("<\(name) \(a.substring(with: am.range))>") }
            }
        }
        return found + cssLoads(text)
    }

    static func cssLoads(_ text: String) -> [String] {
        var found: [String] = []
        let url = try! NSRegularExpression(pattern: #"(?i)url\(\s*['"]?\s*(https?:|//)[^)]*\)"#)
        let ns = text as NSString
        for m in url.matches(in: text, range: NSRange(location: 0, length: ns.length)) { found.append(ns.substring(with: m.range)) }
        if text.range(of: "@import", options: .caseInsensitive) != nil { found.append("@import") }
        return found
    }

    static func jsLoads(_ text: String) -> [String] {
        // Global calls only: KaTeX's parser has its own `.fetch()` method, which reads the next token.
        [#"(?<![.\w$])fetch\s*\("#, #"(?<![.\w$])import\s*\("#, #"\bXMLHttpRequest\b"#, #"\bimportScripts\b"#,
         #"\bnew\s+(Shared)?Worker\b"#, #"\bsendBeacon\b"#, #"\bWebSocket\b"#, #"\bEventSource\b"#]
            .filter { text.range(of: $0, options: .regularExpression) != nil }
    }
}
