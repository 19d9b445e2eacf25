/// Markers with an edge: each point is a marker of radius `size + edgeWidth` in the edge colour with the marker of
/// radius `size` on top, so points stay visible on a dark field (a white edge) or stand apart from every class colour
/// (a black edge).
///
/// It adds the two scatter marks the lessons used to write by hand — every edge disc first, then every dot — so a
/// figure converted to it draws exactly the same commands (and the same bytes):
///
/// ```swift
/// ax.outlinedScatter(x: xs, y: ys, color: .data, size: 2.5, edgeWidth: 1.5, alpha: 1, label: "data")
/// // is ax.scatter(x: xs, y: ys, color: .white, size: 4, alpha: 1)
/// //    ax.scatter(x: xs, y: ys, color: .data, size: 2.5, alpha: 1, label: "data")
/// ```
/// The PPCA highlight (`outlinedHighlight`) is `edgeColor: .black, edgeWidth: 2.2, marker: .diamond, alpha: 1`; the
/// nonlinear lesson's white rims are `size: 1.1, edgeWidth: 0.7, alpha: 0.9, edgeAlpha: 0.85`. Only the dots carry
/// the legend entry. Overlapping points' edges lie under all dots, not between them.
extension Axes {
    /// - Parameters:
    ///   - edgeColor: the edge's colour (white by default).
    ///   - edgeWidth: the edge's width in points: the edge disc's radius minus `size`.
    ///   - alpha: the dots' opacity; `edgeAlpha` the edges' (nil: the same as `alpha`).
    public func outlinedScatter(x: [Double], y: [Double], color: Color = .data, colors: [Color]? = nil, size: Double = 3,
                                marker: Marker = .circle, alpha: Double = 1, edgeColor: Color = .white,
                                edgeWidth: Double = 1.5, edgeAlpha: Double? = nil, label: String? = nil) {
        scatter(x: x, y: y, color: edgeColor, size: size + edgeWidth, marker: marker, alpha: edgeAlpha ?? alpha)
        scatter(x: x, y: y, color: color, colors: colors, size: size, marker: marker, alpha: alpha, label: label)
    }
}
