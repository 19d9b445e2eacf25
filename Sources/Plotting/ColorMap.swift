import Foundation

/// Colour maps for scalar fields.
///
/// - `viridis`: perceptually uniform and readable in greyscale and by colour-blind readers (van der Walt & Smith,
///   matplotlib 2015). The 256-entry table is rebuilt here from viridis' ten published anchor colours
///   (#440154 … #FDE725, as in R's `viridis(10)`) interpolated in the Oklab space (Ottosson 2020), which keeps the
///   lightness steps even between anchors.
/// - `greys`: white (low) to black (high), for digit images drawn as ink on paper.
/// - `diverging`: blue–white–red for signed values (e.g. eigen-digits), ColorBrewer's RdBu ramp as recommended by
///   Paul Tol for colour-blind readers, also interpolated in Oklab. Callers centre its range on zero.
public enum ColorMap: Sendable, Equatable {
    case viridis, greys, diverging
    /// `greys`, except that NaN (a missing value) is drawn in vermillion instead of left transparent.
    case greysMarkingMissing

    /// The colour at `t` ∈ [0, 1] (clamped; NaN gives a transparent colour).
    public func color(at t: Double) -> Color {
        guard !t.isNaN else {
            return self == .greysMarkingMissing ? Self.missingColor : Color(red: 0, green: 0, blue: 0, alpha: 0)
        }
        let u = min(max(t, 0), 1)
        switch self {
        case .greys, .greysMarkingMissing:
            let v = 1 - u
            return Color(red: v, green: v, blue: v)
        case .viridis, .diverging:
            let table = self == .viridis ? ColorMapTables.viridis : ColorMapTables.diverging
            let (r, g, b) = table[Int((u * 255).rounded())]
            return Color(red: Double(r) / 255, green: Double(g) / 255, blue: Double(b) / 255)
        }
    }

    /// 8-bit RGB of the colour at `t`, for filling images quickly.
    /// The colour of a missing value in `greysMarkingMissing` (vermillion, 0xD55E00).
    public static let missingColor = Color(hex: 0xD55E00)

    func bytes(at t: Double) -> (UInt8, UInt8, UInt8, UInt8) {
        guard !t.isNaN else { return self == .greysMarkingMissing ? (0xD5, 0x5E, 0x00, 255) : (0, 0, 0, 0) }
        let u = min(max(t, 0), 1)
        switch self {
        case .greys, .greysMarkingMissing:
            let v = UInt8(((1 - u) * 255).rounded())
            return (v, v, v, 255)
        case .viridis:
            let (r, g, b) = ColorMapTables.viridis[Int((u * 255).rounded())]
            return (r, g, b, 255)
        case .diverging:
            let (r, g, b) = ColorMapTables.diverging[Int((u * 255).rounded())]
            return (r, g, b, 255)
        }
    }

    /// Whether the natural range of this map is symmetric about zero.
    var isDiverging: Bool { self == .diverging }
}

/// The sampled tables, built once (immutable, so safe to share between threads).
enum ColorMapTables {
    static let viridis: [(UInt8, UInt8, UInt8)] = table(anchors: [
        0x440154, 0x482878, 0x3E4A89, 0x31688E, 0x26828E, 0x1F9E89, 0x35B779, 0x6DCD59, 0xB4DE2C, 0xFDE725,
    ])
    static let diverging: [(UInt8, UInt8, UInt8)] = table(anchors: [
        0x2166AC, 0x4393C3, 0x92C5DE, 0xD1E5F0, 0xF7F7F7, 0xFDDBC7, 0xF4A582, 0xD6604D, 0xB2182B,
    ])

    /// 256 colours interpolated piecewise-linearly in Oklab between equally spaced anchors.
    static func table(anchors: [UInt32]) -> [(UInt8, UInt8, UInt8)] {
        let labs = anchors.map { Oklab(srgbHex: $0) }
        return (0..<256).map { i in
            let s = Double(i) / 255 * Double(labs.count - 1)
            let k = min(Int(s), labs.count - 2)
            let f = s - Double(k)
            let lab = Oklab(l: labs[k].l + f * (labs[k + 1].l - labs[k].l),
                            a: labs[k].a + f * (labs[k + 1].a - labs[k].a),
                            b: labs[k].b + f * (labs[k + 1].b - labs[k].b))
            return lab.srgbBytes
        }
    }
}

/// A colour in Oklab (Ottosson 2020): L lightness, a/b opponent axes.
struct Oklab {
    var l, a, b: Double

    init(l: Double, a: Double, b: Double) { self.l = l; self.a = a; self.b = b }

    init(srgbHex hex: UInt32) {
        func lin(_ c: UInt32) -> Double {
            let v = Double(c) / 255
            return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4)
        }
        let r = lin((hex >> 16) & 0xFF), g = lin((hex >> 8) & 0xFF), bl = lin(hex & 0xFF)
        let lm = cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * bl)
        let m = cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * bl)
        let s = cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * bl)
        l = 0.2104542553 * lm + 0.7936177850 * m - 0.0040720468 * s
        a = 1.9779984951 * lm - 2.4285922050 * m + 0.4505937099 * s
        b = 0.0259040371 * lm + 0.7827717662 * m - 0.8086757660 * s
    }

    var srgbBytes: (UInt8, UInt8, UInt8) {
        let lm = pow(l + 0.3963377774 * a + 0.2158037573 * b, 3)
        let m = pow(l - 0.1055613458 * a - 0.0638541728 * b, 3)
        let s = pow(l - 0.0894841775 * a - 1.2914855480 * b, 3)
        let r = 4.0767416621 * lm - 3.3077115913 * m + 0.2309699292 * s
        let g = -1.2684380046 * lm + 2.6097574011 * m - 0.3413193965 * s
        let bl = -0.0041960863 * lm - 0.7034186147 * m + 1.7076147010 * s
        func enc(_ v: Double) -> UInt8 {
            let c = min(max(v, 0), 1)
            let e = c <= 0.0031308 ? 12.92 * c : 1.055 * pow(c, 1 / 2.4) - 0.055
            return UInt8((e * 255).rounded())
        }
        return (enc(r), enc(g), enc(bl))
    }
}
