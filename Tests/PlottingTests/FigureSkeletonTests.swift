import Testing
@testable import Plotting

@Suite struct FigureSkeletonTests {
    @Test func pngHasSignatureAndIsDeterministic() throws {
        let figure = Figure(width: 100, height: 80, title: "t")
        let a = try figure.render(.png), b = try figure.render(.png)
        #expect(Array(a.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(a == b)
    }
}
