import Testing
@testable import Models
@Suite struct ModelsSkeletonTests { @Test func linksAgainstLinearAlgebra() { #expect(Bool(true)) } }
