import Foundation

/// `--single-file`: every page of the site as one self-contained HTML file — `OUT/index.html` and `OUT/LESSON.html` —
/// that works alone in an empty folder, from `file://`, offline.
///
/// What is inlined, and how:
/// - `site.css` and KaTeX's style sheet in `<style>` elements; KaTeX's fonts as `data:font/woff2;base64,…` URLs (the
///   WOFF2 files only: every browser that runs KaTeX reads WOFF2, and the WOFF/TTF fallbacks would triple the size).
/// - KaTeX's script and `site.js` in `<script>` elements at the end of `<body>` (inline scripts cannot be deferred,
///   so they run after the page's elements exist, as `defer` does for the linked files); `</script` inside a script
///   would end the element and is written `<\/script`.
/// - Every figure and every frame as a `data:image/png;base64,…` URL (RFC 2397). Frames are rendered at a lower
///   scale than figures (`BuildOptions.singleFileFrameScale`): a slider shows one of many frames, and they are most of
///   the bytes.
/// The figures' SVG/PDF files and `results.json` are not embedded (they are downloads, not part of reading the page);
/// `--single-file` refuses other formats than PNG.
struct SingleFileAssets {
    /// `site.css`.
    var siteStyle: String
    /// `site.js`.
    var siteScript: String
    /// KaTeX's style sheet with its fonts inlined, and its script; nil when KaTeX is not installed.
    var katexStyle: String?
    var katexScript: String?
    /// Rendered PNGs by site path (`pca/figures/NAME.png`, `pca/frames/NAME/001.png`).
    var images: [String: Data]

    init(katex: [(path: String, data: Data)]?, images: [String: Data]) {
        siteStyle = SiteStyle.css
        siteScript = SiteScript.js
        self.images = images
        if let katex {
            let files = Dictionary(katex.map { ($0.path, $0.data) }, uniquingKeysWith: { a, _ in a })
            katexScript = files["assets/katex/katex.min.js"].map { String(decoding: $0, as: UTF8.self) }
            katexStyle = files["assets/katex/katex.min.css"].map {
                Self.inliningFonts(String(decoding: $0, as: UTF8.self), fonts: files, prefix: "assets/katex/")
            }
        }
    }

    /// The `data:` URL of `bytes`.
    static func dataURL(_ bytes: Data, type: String) -> String {
        "data:\(type);base64," + bytes.base64EncodedString()
    }

    /// KaTeX's `@font-face` rules with `src` reduced to the WOFF2 file as a `data:` URL. A rule whose WOFF2 file is
    /// missing keeps its `src` as it was (the font then falls back, as it would in a site without that file).
    static func inliningFonts(_ css: String, fonts: [String: Data], prefix: String) -> String {
        let rule = try! NSRegularExpression(pattern: #"src:url\((fonts/[^)]+\.woff2)\) format\(['"]woff2['"]\)[^;}]*"#)
        let ns = css as NSString
        var result = ""
        var last = 0
        for match in rule.matches(in: css, range: NSRange(location: 0, length: ns.length)) {
            let file = ns.substring(with: match.range(at: 1))
            guard let data = fonts[prefix + file] else { continue }
            result += ns.substring(with: NSRange(location: last, length: match.range.location - last))
            result += "src:url(\(dataURL(data, type: "font/woff2"))) format('woff2')"
            last = match.range.location + match.range.length
        }
        return result + ns.substring(from: last)
    }

    /// `text` as the content of a `<script>` or `<style>` element: `</` followed by the element's name would close
    /// it early, so the slash is escaped (valid in JavaScript strings and regular expressions, and in CSS).
    static func elementContent(_ text: String, element: String) -> String {
        let pattern = try! NSRegularExpression(pattern: "</(\(element))", options: [.caseInsensitive])
        let ns = text as NSString
        return pattern.stringByReplacingMatches(in: text, range: NSRange(location: 0, length: ns.length), withTemplate: "<\\\\/$1")
    }

    /// The `data:` URL of the PNG at `path` (a site path); nil when it was not rendered.
    func image(_ path: String) -> String? {
        images[path].map { Self.dataURL($0, type: "image/png") }
    }

    /// The style elements of a page's `<head>`.
    func headElements() -> String {
        var html = ""
        if let katexStyle { html += "<style>\n\(Self.elementContent(katexStyle, element: "style"))\n</style>\n" }
        return html + "<style>\n\(Self.elementContent(siteStyle, element: "style"))</style>\n"
    }

    /// The scripts, placed at the end of `<body>`.
    func bodyEndElements() -> String {
        var html = ""
        if let katexScript { html += "<script>\(Self.elementContent(katexScript, element: "script"))</script>\n" }
        return html + "<script>\n\(Self.elementContent(siteScript, element: "script"))</script>\n"
    }
}
