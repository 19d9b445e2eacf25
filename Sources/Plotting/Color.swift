/// An sRGB colour with straight (not premultiplied) alpha, components in [0, 1].
///
/// Roles: the same role has the same colour in every lesson, so a reader learns once that, for instance, vermillion
/// means "posterior". The role colours come from the Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"),
/// which stays distinguishable for the common forms of colour-vision deficiency.
public struct Color: Sendable, Equatable, Hashable {
    public var red: Double
    public var green: Double
    public var blue: Double
    public var alpha: Double

    public init(red: Double, green: Double, blue: Double, alpha: Double = 1) {
        self.red = Self.clamp(red)
        self.green = Self.clamp(green)
        self.blue = Self.clamp(blue)
        self.alpha = Self.clamp(alpha)
    }

    /// A colour from a 24-bit hexadecimal value, e.g. `Color(hex: 0x0072B2)`.
    public init(hex: UInt32, alpha: Double = 1) {
        self.init(red: Double((hex >> 16) & 0xFF) / 255, green: Double((hex >> 8) & 0xFF) / 255,
                  blue: Double(hex & 0xFF) / 255, alpha: alpha)
    }

    /// The same colour with its alpha multiplied by `factor`.
    public func withAlpha(_ factor: Double) -> Color {
        Color(red: red, green: green, blue: blue, alpha: alpha * factor)
    }

    /// A grey of the given lightness (0 black, 1 white).
    public static func grey(_ lightness: Double, alpha: Double = 1) -> Color {
        Color(red: lightness, green: lightness, blue: lightness, alpha: alpha)
    }

    public static let white = Color(red: 1, green: 1, blue: 1)
    public static let black = Color(red: 0, green: 0, blue: 0)

    // MARK: - Roles

    /// Observed data points: a neutral dark blue-grey that recedes behind the model.
    public static let data = Color(hex: 0x4A5A73)
    /// The fitted model, its density or its curve: Okabe–Ito blue.
    public static let model = Color(hex: 0x0072B2)
    /// Exact closed forms, the truth, principal axes: near-black.
    public static let reference = Color(hex: 0x1A1A1A)
    /// PCA projections and reconstructions: Okabe–Ito orange.
    public static let projection = Color(hex: 0xE69F00)
    /// Posterior means and ellipses: Okabe–Ito vermillion.
    public static let posterior = Color(hex: 0xD55E00)
    /// Draws from a model: Okabe–Ito bluish green.
    public static let samples = Color(hex: 0x009E73)
    /// A chosen point: Okabe–Ito reddish purple.
    public static let highlight = Color(hex: 0xCC79A7)

    /// Qualitative colours for class labels 0–9 (indices wrap modulo 10).
    ///
    /// Paul Tol's "muted" qualitative scheme (nine colours designed to stay distinct under deuteranopia,
    /// protanopia and tritanopia; https://personal.sron.nl/~pault/) plus a dark grey as the tenth. The colours also
    /// span a range of lightness, but several share a grey value: in a greyscale print pair them with distinct
    /// markers (`Marker.allCases`) when classes must be told apart.
    public static func category(_ i: Int) -> Color {
        let palette: [UInt32] = [0x332288, 0x88CCEE, 0x44AA99, 0x117733, 0x999933,
                                 0xDDCC77, 0xCC6677, 0x882255, 0xAA4499, 0x555555]
        let index = ((i % palette.count) + palette.count) % palette.count
        return Color(hex: palette[index])
    }

    private static func clamp(_ v: Double) -> Double {
        v.isNaN ? 0 : min(max(v, 0), 1)
    }
}
