import Foundation

/// Makes Cairo's SVG output reproducible. Cairo numbers surfaces, patterns, clips, masks and images from counters
/// that live for the whole process (`id="surface42"`), so the same figure drawn twice gets different ids. This
/// rewrites every such id — and every reference to it (`#surface42`, `url(#clip3)`) — with a counter per document,
/// in order of first appearance. Glyph ids (`glyph0-1`) are already per document and are left alone.
enum SVGNormalizer {
    static let prefixes = ["surface", "pattern", "clip", "mask", "image", "source", "linear", "radial", "filter"]

    static func normalize(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var maps: [String: [String: Int]] = [:]
        let prefixBytes = prefixes.map { Array($0.utf8) }
        var i = 0
        let n = bytes.count
        func isWordByte(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x5F || b == 0x2D }
        while i < n {
            // An id or reference starts after `"` or `#`.
            let b = bytes[i]
            out.append(b)
            i += 1
            guard b == 0x22 || b == 0x23 else { continue }
            for (p, prefix) in prefixBytes.enumerated() {
                let end = i + prefix.count
                guard end < n, Array(bytes[i..<end]) == prefix else { continue }
                var k = end
                while k < n, bytes[k] >= 0x30, bytes[k] <= 0x39 { k += 1 }
                guard k > end, k >= n || !isWordByte(bytes[k]) else { continue }
                let number = String(decoding: bytes[end..<k], as: UTF8.self)
                let name = prefixes[p]
                var map = maps[name, default: [:]]
                let id: Int
                if let existing = map[number] { id = existing } else { id = map.count + 1; map[number] = id; maps[name] = map }
                out.append(contentsOf: prefix)
                out.append(contentsOf: Array(String(id).utf8))
                i = k
                break
            }
        }
        return out
    }
}
