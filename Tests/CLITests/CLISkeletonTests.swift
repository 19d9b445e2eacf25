import Testing
@Suite struct CLISkeletonTests { @Test func builds() { #expect(Bool(true)) } }
