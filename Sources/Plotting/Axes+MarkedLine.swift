extension Axes {
    /// A line through (x[k], y[k]) with a marker at every point, in one colour; the line carries the legend entry.
    /// Draws exactly what `line(…, label:)` followed by `scatter(…)` of the same points draws.
    public func markedLine(x: [Double], y: [Double], color: Color = .model, width: Double = 1.5, dash: Dash = .solid,
                           marker: Marker = .circle, size: Double = 3, label: String? = nil) {
        line(x: x, y: y, color: color, width: width, dash: dash, label: label)
        scatter(x: x, y: y, color: color, size: size, marker: marker)
    }
}
