import Plotting

/// The phone version of a wide figure: the same figure re-laid out at `width` points (`FrozenFigure.resized`, the
/// re-flow of `lvm-lessons figures`), its panels stacked in one column, its text at its own size. A page serves it
/// with `<picture><source media="(max-width: 600px)">` in place of the figure.
///
/// Why a re-flowed variant and not the wide image with sideways panning: on a 390 px phone the text column is about
/// 360 px, so a 460 pt figure (575 px at `LessonPage.cssPixelsPerPoint`) is shrunk to 63 % and its 9 pt ticks are
/// 7 px; a 640 pt two-panel figure's are 5 px. Panning a larger image shows one part of one panel at a time and fights
/// the page's own scrolling; the stacked variant reads top to bottom like the text, costs one more render per figure
/// (≈ 0.4 s of CPU for the whole report, mostly while the lessons compute) and keeps every panel whole. At `width` =
/// 288 pt the variant fills that column at 1.25 px per point, so the ticks are ≈ 11 px (≥ 9 px down to a 320 px phone).
///
/// Only figures that need it get one: those whose smallest text (the ticks, `FigureStyle.web.tickLabelSize`) would be
/// under `minimumTextPixels` CSS px on a 390 px phone. Frames get one too (`frames/NAME/narrow/NNN.png`), so the
/// slider shows the phone version of every frame. A figure with an image table, whose columns cannot re-flow, pans
/// instead (`PhoneLayout.pans`): shown at its nominal size in a box that scrolls sideways.
enum NarrowFigure {
    /// The text column of a 390 px phone, in CSS px (the page's side padding is 0.9rem each side).
    static let phoneColumnPixels = 360.0
    /// The smallest text, in CSS px, that a figure may show on a 390 px phone.
    static let minimumTextPixels = 8.0
    /// The width of the variant in points: `phoneColumnPixels` at `LessonPage.cssPixelsPerPoint`.
    static let width = phoneColumnPixels / LessonPage.cssPixelsPerPoint
    /// Widths up to this (CSS px) get the variant (the page's `media` query; the style sheet's phone layout is 40rem).
    static let mediaQuery = "(max-width: 600px)"
    /// The smallest text in a figure of the report's style, in points.
    static let smallestTextPoints = FigureStyle.web.tickLabelSize
    /// A panel's height is at least this fraction of its width in the variant: a wide, flat panel (640 × 300 pt)
    /// scaled to 288 pt would leave its plot a strip between the title and the tick labels.
    static let minimumPanelAspect = 0.62

    /// The report's style, with a legend that would cover the data put under the plot (the panels are narrow), and
    /// without the figure's title: at 288 pt a long title would end in "…", so the page sets it as text above the
    /// phone image instead, where it wraps (`LessonPage.figureHTML`).
    static var style: FigureStyle {
        var s = FigureStyle.web
        s.legendBelowWhenCrowded = true
        s.showsFigureTitle = false
        return s
    }

    /// Whether a figure `points` wide shows text smaller than `minimumTextPixels` on a 390 px phone.
    static func isNeeded(width points: Double) -> Bool {
        let shown = min(points * LessonPage.cssPixelsPerPoint, phoneColumnPixels)
        return smallestTextPoints * shown / points < minimumTextPixels
    }

    /// How a figure is shown on a phone.
    enum PhoneLayout: Equatable {
        /// As on a laptop (its text is large enough).
        case asIs
        /// Its phone version (`variant(of:)`).
        case narrow
        /// At its nominal size in a box that pans sideways: a figure with an image table, whose captioned columns
        /// cannot be re-flowed or dropped (the reconstructions of each digit at q = 1, 2, 5 …).
        case pans
    }

    static func layout(of figure: FrozenFigure) -> PhoneLayout {
        guard isNeeded(width: figure.width) else { return .asIs }
        return figure.axes.contains(where: \.showsImageTable) ? .pans : .narrow
    }

    /// The phone variant of `figure`, or nil when its layout is not `.narrow`. Plots get at least
    /// `minimumPanelAspect` of the width in height; a figure with images keeps the height `resized` gives it (its
    /// tiles set it, and more would only add blank bands).
    static func variant(of figure: FrozenFigure) -> FrozenFigure? {
        guard layout(of: figure) == .narrow else { return nil }
        let stacked = figure.resized(width: width, style: style)
        if figure.axes.contains(where: \.showsImages) { return stacked }
        let minimum = (Double(stacked.rows) * width * minimumPanelAspect).rounded()
        return stacked.height >= minimum ? stacked : figure.resized(width: width, height: minimum, style: style)
    }

    /// `figures/narrow/NAME.png`, relative to the lesson folder.
    static func figurePath(_ name: String) -> String { "figures/narrow/\(name).png" }

    /// `frames/NAME/narrow/NNN.png` for the frame at `path` (`frames/NAME/NNN.png`).
    static func framePath(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "narrow/" + path }
        return path[..<slash] + "/narrow" + path[slash...]
    }
}
