import Dispatch
import Foundation

/// The fast reading of a plain numeric CSV, straight from the bytes and on every core: ASCII text without quotes,
/// BOM, NUL, tabs or stray carriage returns, lines ending in LF or CRLF, blank lines allowed, a header of names
/// without surrounding spaces, and every data cell a plain decimal number (`DecimalText`) that is finite.
///
/// Returns nil as soon as the file is anything else (including every kind of error); the caller then runs the general
/// CSV reader, which produces the same dataset or the precise message. The data lines are cut into chunks at line
/// ends; each chunk first counts its data rows, then converts its cells into its own slice of one preallocated
/// array, so the result — each cell converted on its own — does not depend on the number of chunks or threads.
struct PlainNumberCSV {
    /// The header cells, in order.
    var header: [String]
    /// The 1-based line of the header.
    var headerLine: Int
    /// Row-major values, `rows × header.count`.
    var values: [Double]
    var rows: Int
    /// The 1-based line of the last data row.
    var lastRowLine: Int

    /// Chunks of about this many bytes (at least one per core is made when the file is large enough).
    static let chunkBytes = 1 << 20

    init?(_ b: UnsafeBufferPointer<UInt8>) {
        let n = b.count
        // The header: the first non-blank line.
        var i = 0, line = 0
        var names: [String]?
        while i < n && names == nil {
            line += 1
            let end = Self.lineEnd(b, from: i)
            let stop = end > i && b[end - 1] == 0x0D ? end - 1 : end
            defer { i = end + 1 }
            if stop == i { continue }
            var cells: [String] = []
            var start = i
            for k in i...stop where k == stop || b[k] == 0x2C {
                let name = UnsafeBufferPointer(rebasing: b[start..<k])
                guard let first = name.first, let last = name.last, first != 0x20, last != 0x20,
                      name.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 }) else { return nil }
                cells.append(String(decoding: name, as: UTF8.self))
                start = k + 1
            }
            names = cells
        }
        guard let names else { return nil }
        let headerLine = line
        let columns = names.count
        let bodyStart = min(i, n)

        // Chunk boundaries just after a line feed (or at the end), so every chunk holds whole lines.
        var cuts = [bodyStart]
        let wanted = max(1, (n - bodyStart) / Self.chunkBytes)
        let chunkCount = max(wanted, min(ProcessInfo.processInfo.activeProcessorCount, (n - bodyStart) / 4096))
        let step = max(1, (n - bodyStart) / max(1, chunkCount))
        var cut = bodyStart + step
        while cut < n {
            let end = Self.lineEnd(b, from: cut)
            if end >= n { break }
            cuts.append(end + 1)
            cut = end + 1 + step
        }
        cuts.append(n)
        let chunks = cuts.count - 1

        // Pass 1: data rows and lines per chunk.
        let bounds = cuts
        guard let base = b.baseAddress else { return nil }
        let bytes = ChunkPointer(UnsafeMutablePointer(mutating: base))
        var rowCounts = [Int](repeating: 0, count: chunks)
        var lineCounts = [Int](repeating: 0, count: chunks)
        rowCounts.withUnsafeMutableBufferPointer { rowsOut in
            lineCounts.withUnsafeMutableBufferPointer { linesOut in
                let r = ChunkPointer(rowsOut.baseAddress!), l = ChunkPointer(linesOut.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: chunks) { c in
                    let b = UnsafeBufferPointer(start: UnsafePointer(bytes.base), count: n)
                    var i = bounds[c], rows = 0, lines = 0
                    while i < bounds[c + 1] {
                        let end = Self.lineEnd(b, from: i)
                        let stop = end > i && b[end - 1] == 0x0D ? end - 1 : end
                        lines += 1
                        if stop > i { rows += 1 }
                        i = end + 1
                    }
                    r.base[c] = rows; l.base[c] = lines
                }
            }
        }
        let rows = rowCounts.reduce(0, +)
        guard rows > 0 else { return nil }

        // Pass 2: convert each chunk into its rows of the result.
        var firstRow = [0], firstLine = [headerLine]
        for c in 0..<chunks {
            firstRow.append(firstRow[c] + rowCounts[c])
            firstLine.append(firstLine[c] + lineCounts[c])
        }
        var lastRowLines = [Int](repeating: 0, count: chunks)
        var ok = [Bool](repeating: true, count: chunks)
        let (rowStarts, lineStarts) = (firstRow, firstLine)
        let values = [Double](unsafeUninitializedCapacity: rows * columns) { out, initialized in
            let o = ChunkPointer(out.baseAddress!)
            lastRowLines.withUnsafeMutableBufferPointer { lastOut in
                ok.withUnsafeMutableBufferPointer { okOut in
                    let last = ChunkPointer(lastOut.baseAddress!), good = ChunkPointer(okOut.baseAddress!)
                    DispatchQueue.concurrentPerform(iterations: chunks) { c in
                        let b = UnsafeBufferPointer(start: UnsafePointer(bytes.base), count: n)
                        var i = bounds[c], line = lineStarts[c], index = rowStarts[c] * columns
                        while i < bounds[c + 1] {
                            line += 1
                            let end = Self.lineEnd(b, from: i)
                            let stop = end > i && b[end - 1] == 0x0D ? end - 1 : end
                            defer { i = end + 1 }
                            if stop == i { continue }
                            var start = i, count = 0
                            for k in i...stop where k == stop || b[k] == 0x2C {
                                guard count < columns, let value = DecimalText.parse(b, start, k), value.isFinite else {
                                    good.base[c] = false; return
                                }
                                o.base[index + count] = value
                                count += 1
                                start = k + 1
                            }
                            guard count == columns else { good.base[c] = false; return }
                            index += columns
                            last.base[c] = line
                        }
                    }
                }
            }
            // Doubles need no deinitialisation, so a partly written buffer can be dropped as it is.
            initialized = ok.allSatisfy { $0 } ? rows * columns : 0
        }
        guard ok.allSatisfy({ $0 }) else { return nil }
        self.header = names
        self.headerLine = headerLine
        self.values = values
        self.rows = rows
        self.lastRowLine = lastRowLines.last(where: { $0 > 0 }) ?? headerLine
    }

    /// The index of the next line feed at or after `i`, or `b.count`.
    private static func lineEnd(_ b: UnsafeBufferPointer<UInt8>, from i: Int) -> Int {
        guard i < b.count, let base = b.baseAddress else { return b.count }
        guard let found = memchr(base + i, 0x0A, b.count - i) else { return b.count }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }
}

/// A pointer shared by the chunks of `PlainNumberCSV`: each chunk writes only its own slots.
private struct ChunkPointer<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
    init(_ base: UnsafeMutablePointer<T>) { self.base = base }
}
