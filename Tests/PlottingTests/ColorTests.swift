import Foundation
import Testing
@testable import Plotting

@Suite struct ColorTests {
    func oklab(_ c: Color) -> Oklab {
        let hex = UInt32((c.red * 255).rounded()) << 16 | UInt32((c.green * 255).rounded()) << 8 | UInt32((c.blue * 255).rounded())
        return Oklab(srgbHex: hex)
    }

    /// Viridis is perceptually ordered: its Oklab lightness rises monotonically from dark purple to yellow.
    @Test func viridisLightnessIsMonotonic() {
        let l = (0...255).map { oklab(ColorMap.viridis.color(at: Double($0) / 255)).l }
        for k in 1..<l.count { #expect(l[k] >= l[k - 1] - 1e-3, "at \(k)") }
        #expect(ColorMap.viridis.color(at: 0) == Color(hex: 0x440154))
        #expect(ColorMap.viridis.color(at: 1) == Color(hex: 0xFDE725))
        // matplotlib's viridis(0.5) is #21918C; the Oklab reconstruction stays within a few 8-bit levels.
        let mid = ColorMap.viridis.color(at: 0.5)
        #expect(abs(mid.red * 255 - 0x21) <= 4 && abs(mid.green * 255 - 0x91) <= 4 && abs(mid.blue * 255 - 0x8C) <= 4)
    }

    @Test func greysAndDivergingEnds() {
        #expect(ColorMap.greys.color(at: 0) == .white && ColorMap.greys.color(at: 1) == .black)
        let centre = ColorMap.diverging.color(at: 0.5)
        #expect(centre.red > 0.95 && centre.green > 0.95 && centre.blue > 0.95)
        let low = ColorMap.diverging.color(at: 0), high = ColorMap.diverging.color(at: 1)
        #expect(low.blue > low.red && high.red > high.blue)
        // Both arms darken symmetrically away from the centre.
        #expect(abs(oklab(low).l - oklab(high).l) < 0.08)
        #expect(ColorMap.viridis.color(at: .nan).alpha == 0)
    }

    /// The ten class colours are pairwise distinct in Oklab (ΔE_ok > 0.08) and wrap modulo 10.
    @Test func categoriesAreDistinct() {
        let colors = (0..<10).map(Color.category)
        #expect(Set(colors).count == 10)
        for i in 0..<10 {
            for j in (i + 1)..<10 {
                let a = oklab(colors[i]), b = oklab(colors[j])
                let d = ((a.l - b.l) * (a.l - b.l) + (a.a - b.a) * (a.a - b.a) + (a.b - b.b) * (a.b - b.b)).squareRoot()
                #expect(d > 0.08, "category \(i) vs \(j): ΔE \(d)")
            }
        }
        #expect(Color.category(13) == Color.category(3) && Color.category(-1) == Color.category(9))
    }

    @Test func rolesAreDistinct() {
        let roles: [Color] = [.data, .model, .reference, .projection, .posterior, .samples, .highlight]
        #expect(Set(roles).count == roles.count)
        #expect(Color(red: 2, green: -1, blue: 0.5, alpha: 3) == Color(red: 1, green: 0, blue: 0.5, alpha: 1))
    }
}
