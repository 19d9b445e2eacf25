/// Sizes and colours of the decorations, in points, chosen to read like matplotlib's defaults at figure size.
enum Theme {
    static let tickLabelSize = 9.0
    static let axisLabelSize = 10.0
    static let titleSize = 11.0
    static let figureTitleSize = 12.0
    static let legendSize = 9.0
    static let tickLength = 3.5
    static let minorTickLength = 2.0
    static let tickPad = 3.0
    static let labelPad = 4.0
    static let titlePad = 6.0
    static let outerPad = 6.0
    static let textColor = Color(hex: 0x1A1A1A)
    static let frameColor = Color(hex: 0x3A3A3A)
    static let frameWidth = 0.8
    static let gridColor = Color.grey(0.9)
    static let gridWidth = 0.6
    static let colorBarGap = 10.0
    static let colorBarWidth = 11.0
    /// Fraction of the data range added on each side by automatic limits.
    static let margin = 0.05
}
