import Testing
@testable import LinearAlgebra

@Suite struct MatrixSkeletonTests {
    @Test func rowMajorStorage() {
        let m = Matrix(rows: 2, columns: 3, elements: [1, 2, 3, 4, 5, 6])
        #expect(m.elements[1 * 3 + 2] == 6)
    }
}
