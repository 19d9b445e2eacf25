/// The data-plane preset: a plot of 2-D data points x = (x₁, x₂).
///
/// Both coordinates are in the same units, so one unit must have the same length on both axes (`equalAspect`);
/// otherwise the picture of a covariance — the tilt of its ellipses, the angle between principal axes — is distorted.
extension Axes {
    /// Sets the axis labels (x₁ and x₂ unless given), `equalAspect = true`, and the limits that are given (a nil limit
    /// leaves the current one as it is). Draws exactly what setting the properties by hand draws:
    ///
    /// ```swift
    /// ax.dataPlane(x: -3...3, y: -2...2)
    /// // is ax.xLabel = "x₁"; ax.yLabel = "x₂"; ax.equalAspect = true; ax.xLimits = -3...3; ax.yLimits = -2...2
    /// ```
    @discardableResult
    public func dataPlane(x: ClosedRange<Double>? = nil, y: ClosedRange<Double>? = nil,
                          xLabel: String = "x₁", yLabel: String = "x₂") -> Axes {
        self.xLabel = xLabel
        self.yLabel = yLabel
        equalAspect = true
        if let x { xLimits = x }
        if let y { yLimits = y }
        return self
    }
}
