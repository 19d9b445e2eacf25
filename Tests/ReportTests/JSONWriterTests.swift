import Foundation
import LessonKit
import Lessons
import Testing
@testable import Report

@Suite struct JSONWriterTests {
    @Test func sortedKeysFullPrecisionAndNullForNonFinite() throws {
        let value: JSONValue = ["b": [0.1, 1e-5, 100.0], "a": ["z": 1, "y": .number(.nan)], "c": "q\"\\\n"]
        var warnings: [String] = []
        let text = JSONWriter.serialize(value, warnings: &warnings)
        #expect(text == """
        {
          "a": {
            "y": null,
            "z": 1
          },
          "b": [0.1, 1e-05, 100.0],
          "c": "q\\"\\\\\\n"
        }

        """)
        #expect(warnings == ["a.y is nan and was written as null in JSON"])
    }

    /// Every finite Double survives a round trip through the text exactly (shortest round-trip representation),
    /// read back by an independent parser.
    @Test func doublesRoundTrip() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15  // SplitMix64, fixed seed
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        var numbers: [Double] = [0, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1 / 3, -2.5e-300, 6.02214076e23]
        for _ in 0..<200 { numbers.append(Double(bitPattern: next() & 0xFFEF_FFFF_FFFF_FFFF)) }
        var warnings: [String] = []
        let text = JSONWriter.serialize(.numbers(numbers), warnings: &warnings)
        // Read back with the C library's strtod (Swift's Double(String)), not with the code that wrote them.
        let body = text.trimmingCharacters(in: .whitespacesAndNewlines).dropFirst().dropLast()
        let parsed = body.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        #expect(parsed == numbers.map { Optional($0) })
        #expect(warnings.isEmpty)
    }
}
