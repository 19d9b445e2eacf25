import LinearAlgebra
import Testing
import _TestSupport

@Suite("SVD")
struct SVDTests {
    /// ‖A − UΣVᵀ‖/‖A‖ ≤ 20 max(m,n) ε, ‖UᵀU − I‖ and ‖VᵀV − I‖ ≤ 20 max(m,n) ε, σ descending and ≥ 0, thin shapes.
    static func checkDecomposition(_ a: Matrix, _ s: SVD, sourceLocation: SourceLocation = #_sourceLocation) {
        let k = min(a.rows, a.columns)
        let tolerance = 20 * Double(max(a.rows, a.columns, 1)) * machineEpsilon
        #expect(s.u.rows == a.rows && s.u.columns == k, sourceLocation: sourceLocation)
        #expect(s.v.rows == a.columns && s.v.columns == k, sourceLocation: sourceLocation)
        #expect(s.singularValues.count == k, sourceLocation: sourceLocation)
        #expect(relativeResidual(a, s.recompose()) <= tolerance, sourceLocation: sourceLocation)
        #expect(orthonormalityError(s.u) <= tolerance, sourceLocation: sourceLocation)
        #expect(orthonormalityError(s.v) <= tolerance, sourceLocation: sourceLocation)
        #expect(s.singularValues.allSatisfy { $0 >= 0 }, sourceLocation: sourceLocation)
        #expect(zip(s.singularValues, s.singularValues.dropFirst()).allSatisfy { $0 >= $1 }, sourceLocation: sourceLocation)
    }

    /// Square, tall (2n + 1) × n and wide n × (n + 5) random matrices.
    @Test(arguments: residualSizes)
    func residualsOnRandomMatrices(n: Int) throws {
        var g = generator(n + 900)
        for (m, c) in [(n, n), (2 * n + 1, n), (n, n + 5)] {
            let a = TestMatrices.gaussian(m, c, using: &g)
            Self.checkDecomposition(a, try SVD(of: a))
        }
    }

    @Test func singularValuesAreSquareRootsOfGramEigenvalues() throws {
        var g = generator(77)
        let a = TestMatrices.gaussian(40, 12, using: &g)
        let s = try SVD(of: a).singularValues
        let lambda = try SymmetricEigen(of: a.transposeTimes(a)).eigenvalues
        for (sigma, l) in zip(s, lambda) { #expect((sigma * sigma).isApproximatelyEqual(to: l, relativeTolerance: 1e-11)) }
    }

    @Test func tallSkinnyLikeTheDigits() throws {
        var g = generator(78)
        let a = TestMatrices.gaussian(1797, 64, using: &g)
        Self.checkDecomposition(a, try SVD(of: a))
    }

    @Test func oneByOneAndVectors() throws {
        let s = try SVD(of: Matrix([[-3]]))
        #expect(s.singularValues == [3])
        #expect(s.u[0, 0] * s.v[0, 0] == -1)
        let column = Matrix([[3], [4]])
        let t = try SVD(of: column)
        #expect(t.singularValues == [5])
        Self.checkDecomposition(column, t)
        Self.checkDecomposition(column.transposed, try SVD(of: column.transposed))
    }

    @Test func identityAndDiagonal() throws {
        let i = try SVD(of: .identity(6))
        #expect(i.singularValues == [Double](repeating: 1, count: 6))
        Self.checkDecomposition(.identity(6), i)
        let d = Matrix(diagonal: [2, -5, 0.5])
        let s = try SVD(of: d)
        #expect(s.singularValues == [5, 2, 0.5])
        Self.checkDecomposition(d, s)
    }

    @Test func zeroMatrixGivesOrthonormalFactors() throws {
        let s = try SVD(of: .zeros(5, 3))
        #expect(s.singularValues == [0, 0, 0])
        Self.checkDecomposition(.zeros(5, 3), s)
    }

    @Test func zeroRowAndColumn() throws {
        var g = generator(12)
        var a = TestMatrices.gaussian(9, 7, using: &g)
        for j in 0..<7 { a[4, j] = 0 }
        for i in 0..<9 { a[i, 2] = 0 }
        let s = try SVD(of: a)
        Self.checkDecomposition(a, s)
        #expect(s.singularValues.last! <= 20 * 9 * machineEpsilon * s.singularValues[0])
    }

    @Test(arguments: [(30, 20, 3), (20, 30, 5), (50, 50, 1)])
    func rankDeficient(m: Int, n: Int, rank: Int) throws {
        var g = generator(m * n + rank)
        let a = TestMatrices.rankDeficient(m, n, rank: rank, using: &g)
        let s = try SVD(of: a)
        Self.checkDecomposition(a, s)
        for sigma in s.singularValues[rank...] { #expect(sigma <= 20 * Double(max(m, n)) * machineEpsilon * s.singularValues[0]) }
        #expect(s.singularValues[rank - 1] > 1e-3 * s.singularValues[0])
    }

    @Test func hilbertTenConditionNumber() throws {
        let s = try SVD(of: TestMatrices.hilbert(10))
        Self.checkDecomposition(TestMatrices.hilbert(10), s)
        // κ₂(H₁₀) = σ₁/σ₁₀ ≈ 1.6·10¹³ (Todd 1954); a normwise-stable method gets its order of magnitude.
        let condition = s.singularValues[0] / s.singularValues[9]
        #expect(condition > 1e13 && condition < 3e13)
    }

    @Test func nonFiniteInputThrows() {
        #expect(throws: LinearAlgebraError.self) { try SVD(of: Matrix([[1, 2], [.infinity, 3]])) }
        do { _ = try SVD(of: Matrix([[1, .nan]])) } catch {
            guard case .nonFinite = error else { Issue.record("expected .nonFinite, got \(error)"); return }
        }
    }
}

@Suite("SVD and SymmetricEigen near the ends of the exponent range")
struct ExtremeScaleTests {
    /// Scaling A by a power of two scales σ exactly (both decompositions rescale internally, so squares of
    /// 10^±200 never overflow or underflow).
    @Test(arguments: [0x1p-700, 0x1p-300, 0x1p300, 0x1p700])
    func singularValuesScale(factor: Double) throws {
        var g = generator(55)
        let a = TestMatrices.gaussian(12, 5, using: &g)
        let reference = try SVD(of: a).singularValues
        let scaled = try SVD(of: factor * a)
        SVDTests.checkDecomposition(factor * a, scaled)
        for (s, r) in zip(scaled.singularValues, reference) { #expect((s / factor).isApproximatelyEqual(to: r, relativeTolerance: 1e-13)) }
    }

    @Test(arguments: [0x1p-700, 0x1p-300, 0x1p300, 0x1p700])
    func eigenvaluesScale(factor: Double) throws {
        var g = generator(56)
        let a = TestMatrices.symmetric(9, using: &g)
        let reference = try SymmetricEigen(of: a).eigenvalues
        let scaled = try SymmetricEigen(of: factor * a)
        SymmetricEigenTests.checkDecomposition(factor * a, scaled)
        for (s, r) in zip(scaled.eigenvalues, reference) {
            #expect(abs(s / factor - r) <= 1e-13 * abs(reference[0]))
        }
    }
}
