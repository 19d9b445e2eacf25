import Testing
@testable import Plotting

@Suite struct FontTests {
    /// The Unicode math the lessons use has glyphs in DejaVu Sans (regular and bold), so nothing prints as a box.
    @Test func unicodeMathHasGlyphs() throws {
        let measurer = try TextMeasurer()
        let text = "σ² z₁ z₂ μ Wᵀ ∫ Σ λₖ ρᵢⱼ ε ∼ ≈ ≤ ≥ ‖x‖ ∂ ∇ θ φ π ½ × − ⁻¹ 10⁻² ℝ ∈ → ← ± √ ∞ ·"
        #expect(measurer.missingCharacters(text, weight: .regular) == [])
        #expect(measurer.missingCharacters(text, weight: .bold) == [])
        // Characters DejaVu Sans lacks get a look-alike: ⟂ → ⊥ (table), 𝒩 → N (compatibility form).
        #expect(measurer.missingCharacters("n ⟂ W, 𝒩(0, 1)") == [])
        #expect(abs(measurer.measure("⟂", size: 10, weight: .regular).width - measurer.measure("⊥", size: 10, weight: .regular).width) < 1e-9)
        #expect(abs(measurer.measure("𝒩", size: 10, weight: .regular).width - measurer.measure("N", size: 10, weight: .regular).width) < 1e-9)
        // The check itself can fail: no DejaVu face has CJK ideographs.
        #expect(measurer.missingCharacters("x漢") == ["漢"])
    }

    @Test func textExtentsGrowWithSizeAndLength() throws {
        let m = try TextMeasurer()
        let a = m.measure("μ", size: 9, weight: .regular), b = m.measure("μμ", size: 9, weight: .regular)
        let c = m.measure("μ", size: 18, weight: .regular)
        #expect(abs(b.width - 2 * a.width) < 1e-9)
        #expect(abs(c.width - 2 * a.width) < 1e-6 && abs(c.ascent - 2 * a.ascent) < 1e-6)
    }
}
