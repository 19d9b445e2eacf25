import Foundation
import LessonKit
import Testing
@testable import Report

/// `--single-file`: the test lesson as `demo.html` and `index.html`, each holding everything it shows.
@Suite struct SingleFileTests {
    static let katexInstalled = FileManager.default.fileExists(atPath: "/usr/share/javascript/katex/katex.min.js")

    /// The value of every `name="…"` attribute in `html`, with the tag it sits in.
    static func attributes(_ html: String) -> [(tag: String, name: String, value: String)] {
        let tag = try! NSRegularExpression(pattern: #"<([a-z]+)\b([^>]*)>"#)
        let attribute = try! NSRegularExpression(pattern: #"\b(src|href|data-src|srcset)="([^"]*)""#)
        let ns = html as NSString
        var found: [(String, String, String)] = []
        for m in tag.matches(in: html, range: NSRange(location: 0, length: ns.length)) {
            let name = ns.substring(with: m.range(at: 1))
            let attributes = ns.substring(with: m.range(at: 2))
            let a = attributes as NSString
            for n in attribute.matches(in: attributes, range: NSRange(location: 0, length: a.length)) {
                found.append((name, a.substring(with: n.range(at: 1)), a.substring(with: n.range(at: 2))))
            }
        }
        return found
    }

    static func pngWidth(_ data: Data) -> Int { [UInt8](data)[16..<20].reduce(0) { $0 << 8 | Int($1) } }

    @Test func everyPageIsOneFileHoldingItsStylesScriptsFontsAndImages() throws {
        let scratch = Scratch()
        var options = scratch.options(lessonsFolder: try scratch.lessonsFolder())
        options.singleFile = true
        options.scale = 2
        _ = try ReportBuilder(options: options, progress: silentProgress()).build()
        let tree = Scratch.tree(options.outputDirectory)
        #expect(Set(tree.keys) == ["index.html", "demo.html", "manifest.json"])
        #expect(String(decoding: tree["manifest.json"]!, as: UTF8.self).contains(#""singleFile": true"#))
        #expect(NetworkScan.loads(in: options.outputDirectory) == [])

        let page = String(decoding: tree["demo.html"]!, as: UTF8.self)
        #expect(!page.contains("<link") && !page.contains("<script src"))
        // Nothing is loaded from another file: every src and data-src is a data: URL; links go to fragments or to the
        // other pages of the set (or the web: the text's own links, followed only when clicked) only.
        var images: [String: Data] = [:]
        for (tag, name, value) in Self.attributes(page) {
            if tag == "a" && name == "href" {
                #expect(value.hasPrefix("#") || value == "index.html" || value.hasPrefix("https://"), "link \(value)")
                continue
            }
            #expect(value.hasPrefix("data:image/png;base64,"), "\(tag) \(name)=\(value.prefix(60))")
            images[value] = Data(base64Encoded: String(value.dropFirst("data:image/png;base64,".count)))
        }
        let frames = Self.attributes(page).filter { $0.name == "data-src" }.map(\.value)
        #expect(frames.count == 3)
        // Figures at --scale (460 pt → 920 px), frames at the lower single-file scale (300 pt → 300 px).
        #expect(frames.allSatisfy { images[$0].map(Self.pngWidth) == 300 })
        #expect(images.values.contains { Self.pngWidth($0) == 920 })
        #expect(!page.contains("results.json") && !page.contains("figures/"))
        if Self.katexInstalled {
            #expect(page.contains("@font-face") && page.contains("src:url(data:font/woff2;base64,"))
            #expect(!page.contains("url(fonts/"))
            #expect(page.contains("katex.render("), "site.js is inlined")
            // The scripts come after the page's elements (they cannot be deferred).
            #expect(page.range(of: "<script>")!.lowerBound > page.range(of: "<nav class=\"lesson-links\"")!.lowerBound)
        }
        let index = String(decoding: tree["index.html"]!, as: UTF8.self)
        #expect(index.contains(#"<a href="demo.html">"#))
        #expect(!index.contains("<link") && !index.contains("<script src"))
    }

    @Test func inlinedTextCannotCloseItsElement() {
        #expect(SingleFileAssets.elementContent("a = '</script>'; b = '</SCRIPT'", element: "script") == #"a = '<\/script>'; b = '<\/SCRIPT'"#)
        #expect(SingleFileAssets.elementContent("x { content: '</style>' }", element: "style") == #"x { content: '<\/style>' }"#)
        #expect(SingleFileAssets.elementContent("if (a </b/) {}", element: "script") == "if (a </b/) {}")
    }

    @Test func katexFontsBecomeWOFF2DataURLs() {
        let css = "@font-face{font-family:A;src:url(fonts/A.woff2) format('woff2'),url(fonts/A.woff) format('woff'),url(fonts/A.ttf) format('truetype');font-weight:400}"
            + "@font-face{font-family:B;src:url(fonts/B.woff2) format('woff2'),url(fonts/B.ttf) format('truetype')}"
        let inlined = SingleFileAssets.inliningFonts(css, fonts: ["k/fonts/A.woff2": Data([1, 2, 3])], prefix: "k/")
        #expect(inlined == "@font-face{font-family:A;src:url(data:font/woff2;base64,AQID) format('woff2');font-weight:400}"
            + "@font-face{font-family:B;src:url(fonts/B.woff2) format('woff2'),url(fonts/B.ttf) format('truetype')}")
    }
}
