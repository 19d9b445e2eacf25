/// How a figure's text looks: the typeface, the sizes of ticks, labels, legend and titles, whether the figure title is
/// drawn, and whether symbols are set as math.
///
/// - `.web` is the report's style (DejaVu Sans, ticks 9 pt, axis labels 10 pt, the figure title drawn): what every
///   page shows, unchanged.
/// - `.notes(fontSize:)` is for course notes set in LaTeX: Latin Modern Roman (Debian's `fonts-lmodern`, the OpenType
///   Computer Modern), no figure title (the caption carries it), axis labels at `fontSize` (≥ 9 pt), tick labels and
///   the legend 1 pt smaller (≥ 8 pt), and symbols set as math (`MathText`): single letters italic (*x*₁, *f*_θ(*z*)),
///   subscripts and superscripts as smaller raised or lowered text instead of Unicode's small digits. The sizes are
///   the sizes at the figure's own width: render the figure at the width it will be printed (`FrozenFigure.resized`)
///   and `\includegraphics` it at that width, and 8 pt in the figure is 8 pt on paper, beside `\footnotesize`.
public struct FigureStyle: Sendable, Equatable {
    /// The font family of ordinary text (asked from fontconfig through Cairo's toy API).
    public var family: String
    /// Families tried, in order, for characters the family lacks.
    public var fallbackFamilies: [String]
    public var tickLabelSize: Double
    public var axisLabelSize: Double
    public var legendSize: Double
    public var axesTitleSize: Double
    public var figureTitleSize: Double
    /// Whether the figure's title is drawn (the notes style leaves it to the caption).
    public var showsFigureTitle: Bool
    /// Whether text is set as math (`MathText`): italic single letters, real sub- and superscripts.
    public var setsMath: Bool
    /// Whether a `.best` legend that would cover the data, and for which the plot is too narrow to give room on the
    /// right, goes under the plot (`LegendPosition.below`) instead of staying on the data.
    public var legendBelowWhenCrowded = false
    /// Whether a panel title too wide for its cell wraps onto more lines (instead of shrinking, then ending in "…").
    public var wrapsTitles = false

    /// The report's style: DejaVu Sans, the sizes of `Theme`.
    public static let web = FigureStyle(
        family: "DejaVu Sans", fallbackFamilies: ["DejaVu Serif", "DejaVu Sans Mono", "DejaVu Math TeX Gyre"],
        tickLabelSize: 9, axisLabelSize: 10, legendSize: 9, axesTitleSize: 11, figureTitleSize: 12,
        showsFigureTitle: true, setsMath: false)

    /// The serif family of the notes style, and the one used when it is not installed.
    public static let notesFamily = "Latin Modern Roman"
    public static let notesFallbackFamily = "DejaVu Serif"
    /// The face of math italic letters and of symbols Latin Modern Roman lacks (Greek, ∫, ∈): Latin Modern Math.
    public static let notesMathFamily = "Latin Modern Math"

    /// The smallest sizes the notes allow at print size.
    public static let minimumTickLabelSize = 8.0
    public static let minimumAxisLabelSize = 9.0

    /// The notes style with axis labels at `fontSize` points (at least 9) and ticks and legend 1 pt smaller (at least
    /// 8). `family` replaces Latin Modern Roman (the command line passes the fallback when it is not installed).
    public static func notes(fontSize: Double = 9, family: String = notesFamily) -> FigureStyle {
        let label = max(fontSize, minimumAxisLabelSize)
        let small = max(label - 1, minimumTickLabelSize)
        return FigureStyle(
            family: family, fallbackFamilies: [notesMathFamily, "DejaVu Serif", "DejaVu Sans", "DejaVu Math TeX Gyre"],
            tickLabelSize: small, axisLabelSize: label, legendSize: small, axesTitleSize: label, figureTitleSize: label + 1,
            showsFigureTitle: false, setsMath: true, legendBelowWhenCrowded: true, wrapsTitles: true)
    }
}

extension FigureStyle {
    /// Whether Latin Modern Roman (Debian's `fonts-lmodern`) is installed. Without it `notes(family:)` should be
    /// given `notesFallbackFamily`, and the user told.
    public static var notesFamilyIsInstalled: Bool { TextMeasurer.notesFamilyIsInstalled() }
}
