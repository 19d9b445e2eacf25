import Foundation
import Plotting

/// One input: the bytes (as UTF-8, invalid sequences replaced) cut at NUL bytes into up to eight strings — a title,
/// axis labels with their math (`_`, `^`, `\\`), legend labels, an annotation, a colour-bar label — of a small figure,
/// which is rendered as SVG, PDF and PNG. Every string must be escaped or drawn; nothing may crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFigureText(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    var parts = text.split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
    while parts.count < 8 { parts.append(parts.last ?? "") }
    let figure = Figure(width: 240, height: 180, title: parts[0])
    let axes = figure.addAxes()
    axes.xLabel = parts[1]
    axes.yLabel = parts[2]
    axes.line(x: [0, 1, 2], y: [0, 1, 0.5], label: parts[3])
    axes.scatter(x: [0.5, 1.5], y: [0.2, 0.8], label: parts[4])
    axes.text(parts[5], x: 1, y: 0.5)
    axes.horizontalLine(at: 0.25, label: parts[6])
    let second = figure.addAxes()
    second.heatmap(values: [0, 1, 2, 3], rows: 2, columns: 2, colorBarLabel: parts[7])
    for format in [ImageFormat.svg, .pdf, .png] {
        _ = try? figure.render(format, scale: 1)
    }
    return 0
}
