/// Small style vocabularies shared by the marks and the axes.

/// The shape drawn at each point of a scatter mark.
public enum Marker: Sendable, CaseIterable {
    case circle, square, triangle, diamond, cross, plus
}

/// The stroke pattern of a line. Dash lengths scale with the line width (like matplotlib's), so a thick dashed line
/// keeps its rhythm.
public enum Dash: Sendable, CaseIterable {
    case solid, dashed, dotted

    /// On/off lengths in points for a line of width `width`; empty for a solid line.
    func pattern(width: Double) -> [Double] {
        let w = max(width, 0.75)
        switch self {
        case .solid: return []
        case .dashed: return [3.7 * w, 1.6 * w]
        case .dotted: return [1 * w, 1.65 * w]
        }
    }
}

/// How data values map to positions along an axis.
public enum AxisScale: Sendable {
    /// Position proportional to the value.
    case linear
    /// Position proportional to log₁₀ of the value; non-positive values are not drawn.
    case log10
}

/// Where the legend box goes. `.best` scores the four inside corners and the four side middles by how many mark
/// points (scatter points, line/ellipse/arrow vertices, band and bar interiors, contour lines, filled-contour band
/// boundaries, text) each would cover and takes the least covered; if even that one covers more than two points, the
/// legend goes to `.outsideRight` automatically (unless the plot would lose more than half its width).
public enum LegendPosition: Sendable {
    case best, upperLeft, upperRight, lowerLeft, lowerRight, outsideRight, none
    /// Under the plot, below the x-axis label: where the notes style puts a `.best` legend that would cover the data
    /// and cannot go to the right of a narrow plot (`FigureStyle.legendBelowWhenCrowded`).
    case below
}

/// Horizontal alignment of a text annotation relative to its anchor point.
public enum TextAnchor: Sendable {
    case left, center, right
}
