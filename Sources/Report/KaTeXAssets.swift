import Foundation

/// KaTeX from Debian's `libjs-katex`, copied into `OUT/assets/katex/` so that the site renders math offline.
///
/// Copied: `katex.min.js`, `katex.min.css` and every file of `fonts/` (Debian links that folder to
/// `/usr/share/fonts/truetype/katex`; the files are read through the link). The style sheet refers to the fonts as
/// `url(fonts/…)`, relative to itself, so the copy keeps that layout. The auto-render extension is not needed: the
/// pages mark math as `<span class="math …">` and `site.js` calls `katex.render` on each span.
public enum KaTeXAssets {
    /// Where Debian installs KaTeX.
    public static let defaultDirectory = URL(fileURLWithPath: "/usr/share/javascript/katex")

    /// The files to copy, as site paths (`assets/katex/…`) and contents; nil when KaTeX is not installed there.
    static func files(in directory: URL) -> [(path: String, data: Data)]? {
        let fm = FileManager.default
        guard let script = try? Data(contentsOf: directory.appendingPathComponent("katex.min.js")),
            let style = try? Data(contentsOf: directory.appendingPathComponent("katex.min.css"))
        else { return nil }
        var files: [(String, Data)] = [("assets/katex/katex.min.js", script), ("assets/katex/katex.min.css", style)]
        let fonts = directory.appendingPathComponent("fonts").resolvingSymlinksInPath()
        guard let names = try? fm.contentsOfDirectory(atPath: fonts.path) else { return nil }
        for name in names.sorted() where !name.hasPrefix(".") {
            guard let data = try? Data(contentsOf: fonts.appendingPathComponent(name)) else { continue }
            files.append(("assets/katex/fonts/" + name, data))
        }
        return files
    }
}
