import Testing
@testable import LessonKit

@Suite struct JSONValueTests {
    @Test func pathsReachObjectsAndArrays() {
        let value: JSONValue = ["em": ["iterations": 12, "trace": [1.5, 2.5]]]
        #expect(value.value(at: "em.iterations") == .integer(12))
        #expect(value.value(at: "em.trace.1") == .number(2.5))
        #expect(value.value(at: "em.trace.2") == nil)
        #expect(value.value(at: "missing") == nil)
    }
}
