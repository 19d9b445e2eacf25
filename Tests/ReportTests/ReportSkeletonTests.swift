import Testing
@testable import Report
@Suite struct ReportSkeletonTests { @Test func builds() { #expect(Bool(true)) } }
