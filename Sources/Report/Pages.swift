import LessonKit
import Plotting

/// A figure as it was written to the site, for the HTML that shows it.
struct RenderedFigure: Sendable {
    enum Kind: Sendable {
        case single
        /// Relative paths of the frame PNGs (from the lesson folder) and their labels.
        case frames(paths: [String], labels: [String])
    }
    var name: String
    var kind: Kind
    /// Formats written to `figures/` (PNG first); frames are PNG only.
    var formats: [ImageFormat]
    /// Size in points; the page shows the image at `LessonPage.cssPixelsPerPoint` CSS px per point.
    var width: Double
    var height: Double
    /// For frames: the name of their print version (`NAME-steps`, small multiples), when the lesson made one.
    var printVersion: String?
    /// The lesson's slug, for the command that makes the formats not written (`lvm-lessons figures LESSON/NAME`).
    var lesson = ""
    /// The size in points of the phone version (`NarrowFigure`), when the figure has one.
    var narrow: (width: Double, height: Double)? = nil
    /// The figure's title: set as text above the phone version, which has none.
    var title: String? = nil
    /// Whether a phone shows the figure at its nominal size, panning sideways (`NarrowFigure.PhoneLayout.pans`).
    var pans = false

    /// `<figure>`'s opening tag and, for a figure with a phone version, its title as text (shown on phones only).
    var openingHTML: String {
        let classes = "figure" + (kindIsFrames ? " frames" : "") + (pans ? " pans" : "")
        var html = "<figure class=\"\(classes)\" id=\"figure-\(Escaping.attribute(name))\">"
        if narrow != nil, let title, !title.isEmpty {
            html += "\n<p class=\"figure-title\" aria-hidden=\"true\">\(Escaping.html(title))</p>"
        }
        return html
    }

    private var kindIsFrames: Bool { if case .frames = kind { return true } else { return false } }

    /// The formats a build did not write are made on demand, in well under a second, by `lvm-lessons figures`: the
    /// figure's downloads say how (for notes: Latin Modern, no title, the width of the document).
    var onDemandHTML: String {
        let missing = [ImageFormat.svg, .pdf].filter { !formats.contains($0) }
        guard !missing.isEmpty, !lesson.isEmpty else { return "" }
        let list = missing.map(\.rawValue).joined(separator: ",")
        let names = missing.map { $0.rawValue.uppercased() }.joined(separator: ", ")
        let command = "lvm-lessons figures \(lesson)/\(name) --format \(list)"
        return " · <span class=\"on-demand\" style=\"white-space: normal\" title=\"Writes figures/\(Escaping.attribute(lesson))/\(Escaping.attribute(name)).{\(list)} for course notes (add --width 246pt, --style web)\">\(names): <code>\(Escaping.html(command))</code></span>"
    }
}

/// The shell shared by every page: head with the style sheets and scripts, the site header.
enum PageLayout {
    /// With `inline` (`--single-file`), the style sheets go into `<head>` and the scripts to the end of `<body>`
    /// instead of being linked (see `SingleFileAssets`).
    static func document(title: String, siteTitle: String, bodyClass: String, assetsPrefix: String, homeHref: String, katex: Bool, main: String,
                         inline: SingleFileAssets? = nil) -> String {
        var head = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="\(ToolInfo.name) \(ToolInfo.version)">
        <title>\(Escaping.html(title))</title>

        """
        if let inline {
            head += inline.headElements() + "</head>\n"
        } else {
            if katex {
                head += "<link rel=\"stylesheet\" href=\"\(assetsPrefix)katex/katex.min.css\">\n"
            }
            head += "<link rel=\"stylesheet\" href=\"\(assetsPrefix)site.css\">\n"
            if katex {
                head += "<script src=\"\(assetsPrefix)katex/katex.min.js\" defer></script>\n"
            }
            head += "<script src=\"\(assetsPrefix)site.js\" defer></script>\n</head>\n"
        }
        return head + """
        <body class="\(bodyClass)">
        <header class="site-header"><a class="home" href="\(homeHref)">\(Escaping.html(siteTitle))</a></header>
        \(main)
        \(inline?.bodyEndElements() ?? "")</body>
        </html>

        """
    }
}

/// `OUT/LESSON/index.html`: the steps of one lesson, one at a time with JavaScript, all of them without it and in print.
struct LessonPage {
    struct Step {
        var titleHTML: String
        var bodyHTML: String
        var numbers: [NumberRow]
    }

    typealias NumberRow = NumbersPanel.Row

    struct Neighbour {
        var title: String
        var href: String
    }

    var title: String
    var siteTitle: String
    var introductionHTML: String
    var steps: [Step]
    var previousLesson: Neighbour?
    var nextLesson: Neighbour?
    var katex: Bool
    /// `--single-file`: everything inlined; the page sits beside `index.html` and links no `results.json`.
    var inline: SingleFileAssets? = nil

    func html() -> String {
        var main = "<div class=\"layout\">\n"
        main += "<details class=\"step-list\" open>\n<summary>Steps (\(steps.count))</summary>\n<ol>\n"
        for (i, step) in steps.enumerated() {
            main += "<li><a href=\"#step-\(i + 1)\">\(step.titleHTML)</a></li>\n"
        }
        main += "</ol>\n</details>\n<main id=\"content\">\n<h1>\(Escaping.html(title))</h1>\n"
        if !introductionHTML.isEmpty { main += "<div class=\"introduction\">\n\(introductionHTML)</div>\n" }
        for (i, step) in steps.enumerated() {
            main += "<section class=\"step\" id=\"step-\(i + 1)\" aria-labelledby=\"step-\(i + 1)-title\">\n"
            main += "<p class=\"step-count\">Step \(i + 1) of \(steps.count)</p>\n"
            main += "<h2 id=\"step-\(i + 1)-title\">\(step.titleHTML)</h2>\n"
            main += step.bodyHTML
            if !step.numbers.isEmpty { main += NumbersPanel(rows: step.numbers, step: i + 1).html() }
            main += "</section>\n"
        }
        main += """
        <nav class="step-buttons" aria-label="Step navigation">
        <button type="button" class="prev" aria-label="Previous step">← Previous</button>
        <span class="position" aria-live="polite"></span>
        <button type="button" class="next" aria-label="Next step">Next →</button>
        </nav>
        <nav class="lesson-links" aria-label="Lessons">

        """
        if let p = previousLesson { main += "<a class=\"previous-lesson\" href=\"\(Escaping.attribute(p.href))\">← \(Escaping.html(p.title))</a>\n" }
        main += "<a href=\"\(inline == nil ? "../" : "")index.html\">All lessons</a>\n"
        if let n = nextLesson { main += "<a class=\"next-lesson\" href=\"\(Escaping.attribute(n.href))\">\(Escaping.html(n.title)) →</a>\n" }
        if inline == nil { main += "<a href=\"results.json\">results.json</a>\n" }
        main += "</nav>\n</main>\n</div>"
        return PageLayout.document(
            title: "\(title) — \(siteTitle)", siteTitle: siteTitle, bodyClass: "lesson", assetsPrefix: "../assets/",
            homeHref: inline == nil ? "../index.html" : "index.html", katex: katex, main: main, inline: inline)
    }

    /// The HTML of a figure reference: the image with its size, the caption, and links to every file written.
    /// CSS pixels per figure point on the page. A CSS px is 1/96 in and a point 1/72 in, so 1.25 shows a figure a bit
    /// smaller than its print size but large enough that 9 pt text reads as ≈ 11 px on a laptop; a 640 pt (slide) figure
    /// is then 800 px, inside the 52rem (832 px) text column. The CSS caps every image at the column width (phones), and
    /// the PNGs are written at scale 2 by default, so they stay sharp. A click opens the PNG at full size. On phones a
    /// figure with a phone version (`NarrowFigure`) shows that instead, through `<picture>`.
    static let cssPixelsPerPoint = 1.25

    /// `width="…" height="…"` in CSS px for a size in points.
    static func sizeAttributes(width: Double, height: Double) -> String {
        "width=\"\(Int((width * cssPixelsPerPoint).rounded()))\" height=\"\(Int((height * cssPixelsPerPoint).rounded()))\""
    }

    /// The image of a figure: an `<img>` at its nominal size, inside a `<picture>` whose `<source>` serves the phone
    /// version (`narrowSrc`) on narrow screens. Both carry their width in points and the size of their smallest text
    /// (`data-width-pt`, `data-text-pt`), which the page's self-test turns into CSS px.
    static func pictureHTML(_ figure: RenderedFigure, src: String, narrowSrc: String?, alt: String) -> String {
        let text = "data-text-pt=\"\(NumberText.short(NarrowFigure.smallestTextPoints))\""
        let img = "<img src=\"\(Escaping.attribute(src))\" alt=\"\(alt)\" \(sizeAttributes(width: figure.width, height: figure.height)) data-width-pt=\"\(NumberText.short(figure.width))\" \(text)>"
        guard let narrow = figure.narrow, let narrowSrc else { return img }
        return "<picture><source media=\"\(NarrowFigure.mediaQuery)\" srcset=\"\(Escaping.attribute(narrowSrc))\" \(sizeAttributes(width: narrow.width, height: narrow.height)) data-width-pt=\"\(NumberText.short(narrow.width))\" \(text)>"
            + img + "</picture>"
    }

    ///
    /// With `image` (`--single-file`), every image is the `data:` URL it returns for a path relative to the lesson
    /// folder; the image is then no link and there are no file links (the page is the only file).
    static func figureHTML(_ figure: RenderedFigure, captionHTML: String, captionText: String, image: ((String) -> String)? = nil) -> String {
        let name = Escaping.attribute(figure.name)
        let alt = Escaping.attribute(captionText.isEmpty ? figure.name : captionText)
        if let image { return embeddedFigureHTML(figure, captionHTML: captionHTML, alt: alt, image: image) }
        switch figure.kind {
        case .single:
            let links = figure.formats.map { "<a href=\"figures/\(name).\($0.fileExtension)\">\($0.rawValue.uppercased())</a>" }
            let picture = pictureHTML(figure, src: "figures/\(figure.name).png", narrowSrc: NarrowFigure.figurePath(figure.name), alt: alt)
            return """
            \(figure.openingHTML)
            <a class="figure-image" href="figures/\(name).png" title="Open the full-size PNG">\(picture)</a>
            <figcaption><span class="caption">\(captionHTML)</span> <span class="downloads">\(links.joined(separator: " · "))\(figure.onDemandHTML)</span></figcaption>
            </figure>
            """
        case let .frames(paths, labels):
            let count = paths.count
            let lastFrameLinks = figure.formats.map { "<a href=\"figures/\(name).\($0.fileExtension)\">\($0.rawValue.uppercased())</a>" }
            let printLinks = figure.printVersion.map { steps in
                " <span class=\"downloads print-version\">for print: " + figure.formats.map { "<a href=\"figures/\(steps).\($0.fileExtension)\">\($0.rawValue.uppercased())</a>" }
                    .joined(separator: " · ") + "</span>"
            } ?? ""
            var items = ""
            for (path, label) in zip(paths, labels) {
                let narrow = figure.narrow == nil ? "" : " data-narrow-src=\"\(Escaping.attribute(NarrowFigure.framePath(path)))\""
                items += "<li data-src=\"\(Escaping.attribute(path))\"\(narrow)>\(Escaping.html(label))</li>"
            }
            let picture = pictureHTML(figure, src: paths[0], narrowSrc: NarrowFigure.framePath(paths[0]), alt: alt)
            return """
            \(figure.openingHTML)
            <a class="figure-image" href="\(Escaping.attribute(paths[0]))" title="Open this frame's full-size PNG">\(picture)</a>
            <div class="frame-controls">
            <button type="button" class="play" aria-label="Play the frames">▶ Play</button>
            <input type="range" min="1" max="\(count)" value="1" step="1" aria-label="Frame">
            <output class="frame-label">\(Escaping.html(labels[0])) (1/\(count))</output>
            </div>
            <ol class="frame-labels" hidden>\(items)</ol>
            <figcaption><span class="caption">\(captionHTML)</span> <span class="downloads"><a class="frame-link" href="\(Escaping.attribute(paths[0]))">this frame (PNG)</a> · last frame: \(lastFrameLinks.joined(separator: " · "))\(figure.onDemandHTML)</span>\(printLinks)</figcaption>
            </figure>
            """
        }
    }
}

extension LessonPage {
    /// A figure of a `--single-file` page: the image as a `data:` URL (for frames, every frame's), no file links.
    static func embeddedFigureHTML(_ figure: RenderedFigure, captionHTML: String, alt: String, image: (String) -> String) -> String {
        let name = Escaping.attribute(figure.name)
        switch figure.kind {
        case .single:
            let picture = pictureHTML(figure, src: image("figures/\(figure.name).png"), narrowSrc: image(NarrowFigure.figurePath(figure.name)), alt: alt)
            return """
            \(figure.openingHTML)
            <div class="figure-image embedded">\(picture)</div>
            <figcaption><span class="caption">\(captionHTML)</span></figcaption>
            </figure>
            """
        case let .frames(paths, labels):
            let count = paths.count
            var items = ""
            for (path, label) in zip(paths, labels) {
                let narrow = figure.narrow == nil ? "" : " data-narrow-src=\"\(Escaping.attribute(image(NarrowFigure.framePath(path))))\""
                items += "<li data-src=\"\(Escaping.attribute(image(path)))\"\(narrow)>\(Escaping.html(label))</li>"
            }
            let picture = pictureHTML(figure, src: image(paths[0]), narrowSrc: image(NarrowFigure.framePath(paths[0])), alt: alt)
            return """
            \(figure.openingHTML)
            <div class="figure-image embedded">\(picture)</div>
            <div class="frame-controls">
            <button type="button" class="play" aria-label="Play the frames">▶ Play</button>
            <input type="range" min="1" max="\(count)" value="1" step="1" aria-label="Frame">
            <output class="frame-label">\(Escaping.html(labels[0])) (1/\(count))</output>
            </div>
            <ol class="frame-labels" hidden>\(items)</ol>
            <figcaption><span class="caption">\(captionHTML)</span></figcaption>
            </figure>
            """
        }
    }
}

/// `OUT/index.html`: the site's text from `Lessons/index.md` with the lesson cards.
struct IndexPage {
    struct Card {
        var slug: String
        var title: String
        var summaryHTML: String
        var stepCount: Int
    }

    var title: String
    var bodyHTML: String
    var katex: Bool
    /// `--single-file`: everything inlined.
    var inline: SingleFileAssets? = nil

    /// The lesson cards; `singleFile` links `LESSON.html` instead of `LESSON/index.html`.
    static func cardsHTML(_ cards: [Card], singleFile: Bool = false) -> String {
        var html = "<ol class=\"cards\">\n"
        for (i, card) in cards.enumerated() {
            let slug = Escaping.attribute(card.slug)
            html += """
            <li class="card"><a href="\(slug)\(singleFile ? ".html" : "/index.html")">
            <span class="card-number">Lesson \(i + 1) · \(card.stepCount) steps</span>
            <span class="card-title">\(Escaping.html(card.title))</span>
            <span class="card-summary">\(card.summaryHTML)</span>
            </a></li>

            """
        }
        return html + "</ol>\n"
    }

    func html() -> String {
        PageLayout.document(
            title: title, siteTitle: title, bodyClass: "index", assetsPrefix: "assets/", homeHref: "index.html",
            katex: katex, main: "<main id=\"content\" class=\"index-main\">\n<h1>\(Escaping.html(title))</h1>\n\(bodyHTML)</main>", inline: inline)
    }
}

// MARK: - A lesson's page from its text and result

extension ReportBuilder {
    /// The HTML of one lesson: its introduction and steps with their references resolved, each step's numbers
    /// panel, and warnings for values without a `Quantity` and for figures or tables the text does not show.
    func lessonPage(_ item: ComputedLesson, previous: LessonPage.Neighbour?, next: LessonPage.Neighbour?, katex: Bool, siteTitle: String,
                    inline: SingleFileAssets? = nil) throws(ReportError) -> String {
        let result = item.snapshot
        var figures = Dictionary(uniqueKeysWithValues: result.figures.map { ($0.key, renderedFigure($0.key, $0.value, lessonSlug: item.lesson.slug)) })
        // A frame sequence's print version is offered beside the animation, not placed on its own.
        var printVersions: Set<String> = []
        for (name, figure) in result.figures {
            guard figure.frameLabels != nil, result.figures[FigureOutput.stepsName(of: name)] != nil else { continue }
            figures[name]?.printVersion = FigureOutput.stepsName(of: name)
            printVersions.insert(FigureOutput.stepsName(of: name))
        }
        let targets = LessonMarkdown.Targets(
            fileName: item.text.fileName, results: .object(result.results), tables: result.tables,
            figure: { name, captionHTML, captionText in
                figures[name].map { figure in
                    LessonPage.figureHTML(figure, captionHTML: captionHTML, captionText: captionText, image: inline.map { assets in
                        { path in assets.image("\(item.lesson.slug)/\(path)") ?? path }
                    })
                }
            },
            figureNames: Array(figures.keys))
        var introduction = LessonMarkdown(targets: targets)
        let introductionHTML = try introduction.renderBlock(item.text.introduction)
        var usedFigures = Set(introduction.usedFigures), usedTables = Set(introduction.usedTables)
        var steps: [LessonPage.Step] = []
        for step in item.text.steps {
            var markdown = LessonMarkdown(targets: targets)
            let title = try markdown.renderInline(step.title.text, line: step.title.firstLine)
            let body = try markdown.renderBlock(step.body)
            usedFigures.formUnion(markdown.usedFigures)
            usedTables.formUnion(markdown.usedTables)
            var rows: [LessonPage.NumberRow] = []
            var seen = Set<String>()
            for used in markdown.usedValues where seen.insert(used.path).inserted {
                let quantity = Self.quantity(for: used.path, in: result.quantities)
                if quantity == nil {
                    progress.warning("\(item.text.fileName): {{\(used.path)}} has no Quantity (label and convention) in the \(item.lesson.slug) lesson's results; its panel shows the key")
                }
                let value = ValueText(result.results.isEmpty ? .null : (JSONValue.object(result.results).value(at: used.path) ?? .null), style: used.style)
                rows.append(LessonPage.NumberRow(label: quantity?.label ?? used.path, valueHTML: value?.spanHTML ?? "", convention: quantity?.convention, path: used.path))
            }
            steps.append(LessonPage.Step(titleHTML: title, bodyHTML: body, numbers: rows))
        }
        for name in figures.keys.sorted() where !usedFigures.contains(name) && !printVersions.contains(name) {
            progress.warning("\(item.text.fileName): figure `\(name)` is computed but not shown; its files are in \(item.lesson.slug)/figures/")
        }
        for name in result.tables.keys.sorted() where !usedTables.contains(name) {
            progress.warning("\(item.text.fileName): table `\(name)` is computed but not shown; place it with {{table:\(name)}}")
        }
        return LessonPage(
            title: item.text.title, siteTitle: siteTitle, introductionHTML: introductionHTML, steps: steps,
            previousLesson: previous, nextLesson: next, katex: katex, inline: inline
        ).html()
    }

    /// The quantity of `path`, or of its longest prefix (`eigenvalues` for `eigenvalues.0`), labelled for a reader:
    /// indices counted from 1 and names with spaces for underscores (`eigenvalues.1` → "eigenvalue λ (no. 2)",
    /// `probes.0.log_px` → "… (no. 1, log px)"); the key itself is behind the panel's "show keys".
    static func quantity(for path: String, in quantities: [String: Quantity]) -> Quantity? {
        if let q = quantities[path] { return q }
        var parts = path.split(separator: ".").map(String.init)
        var suffix: [String] = []
        while parts.count > 1 {
            suffix.insert(parts.removeLast(), at: 0)
            if var q = quantities[parts.joined(separator: ".")] {
                let readable = suffix.map { part in
                    Int(part).map { "no. \($0 + 1)" } ?? part.replacingOccurrences(of: "_", with: " ")
                }
                q.label += " (" + readable.joined(separator: ", ") + ")"
                return q
            }
        }
        return nil
    }
}
