import Foundation
import Testing
@testable import Plotting

/// A small figure exercising text, markers, contours, images and clipping in every format.
func sampleFigure() -> Figure {
    let figure = Figure(width: 300, height: 220, title: "Sample σ²")
    let axes = figure.subplots(rows: 1, columns: 2)
    axes[0].scatter(x: [0, 1, 2, 3], y: [1, 3, 2, 4], label: "x")
    axes[0].line(x: [0, 3], y: [1, 4], dash: .dashed, label: "fit")
    axes[0].xLabel = "z₁"
    axes[1].filledContour(ScalarGrid(x: -1...1, y: -1...1, nx: 30, ny: 30) { $0 * $0 + $1 * $1 })
    axes[1].heatmap(values: [0, 1, 2, 3], rows: 2, columns: 2)
    return figure
}

@Suite struct OutputTests {
    @Test(arguments: ImageFormat.allCases)
    func sameFigureGivesIdenticalBytes(format: ImageFormat) throws {
        let a = try sampleFigure().render(format, scale: 2)
        // Drawing other figures in between advances Cairo's process-wide id counters.
        _ = try Gallery.figures()[0].figure.render(format)
        let b = try sampleFigure().render(format, scale: 2)
        #expect(a == b)
        switch format {
        case .png: #expect(Array(a.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
        case .svg: #expect(String(decoding: a.prefix(5), as: UTF8.self) == "<?xml")
        case .pdf: #expect(String(decoding: a.prefix(5), as: UTF8.self) == "%PDF-")
        }
    }

    @Test func pdfDatesArePinned() throws {
        let text = String(decoding: try sampleFigure().render(.pdf), as: UTF8.self)
        #expect(text.contains("/CreationDate (20000101000000Z)"))
        #expect(text.contains("/ModDate (20000101000000Z)"))
    }

    @Test func svgIdsAreNumberedPerDocument() throws {
        let svg = String(decoding: try sampleFigure().render(.svg), as: UTF8.self)
        #expect(svg.contains("id=\"surface1\"") || !svg.contains("id=\"surface"))
        #expect(svg.contains("clip1"))
    }

    @Test func pngScaleSetsThePixelSize() throws {
        let image = try PNGDecoding.decode(try sampleFigure().render(.png, scale: 2))
        #expect(image.width == 600 && image.height == 440)
    }

    /// The bytes do not depend on the process: a second process (this test binary, filtered to the probe below)
    /// renders the same figure and reports its SHA-free fingerprint, the full byte arrays written to files.
    @Test func identicalBytesAcrossProcesses() throws {
        guard ProcessInfo.processInfo.environment["PLOTTING_PROBE_DIR"] == nil else { return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("plotting-probe-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let binary = try #require(Self.testBinary())
        let process = Process()
        process.executableURL = binary
        process.arguments = ["--testing-library", "swift-testing", "--filter", "OutputTests/determinismProbe"]
        var env = ProcessInfo.processInfo.environment
        env["PLOTTING_PROBE_DIR"] = dir.path
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        for format in ImageFormat.allCases {
            let other = try Data(contentsOf: dir.appendingPathComponent("sample.\(format.rawValue)"))
            #expect([UInt8](other) == (try sampleFigure().render(format, scale: 2)), "\(format)")
        }
    }

    /// Writes the sample figure when run as the probe of `identicalBytesAcrossProcesses` (which sets
    /// `PLOTTING_PROBE_DIR`); skipped otherwise.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["PLOTTING_PROBE_DIR"] != nil, "the helper process of identicalBytesAcrossProcesses, not a test of its own"))
    func determinismProbe() throws {
        let dir = try #require(ProcessInfo.processInfo.environment["PLOTTING_PROBE_DIR"])
        for format in ImageFormat.allCases {
            try sampleFigure().write(to: dir + "/sample.\(format.rawValue)", format: format, scale: 2)
        }
    }

    /// The xctest bundle/executable running the tests.
    static func testBinary() -> URL? {
        let path = CommandLine.arguments[0]
        return FileManager.default.isExecutableFile(atPath: path) ? URL(fileURLWithPath: path) : nil
    }

    @Test func unwritablePathIsATypedErrorNamingTheFile() {
        let path = "/nonexistent-directory-for-plotting/figure.png"
        do {
            try sampleFigure().write(to: path, format: .png)
            Issue.record("expected an error")
        } catch {
            guard case let .unwritable(p, reason) = error else { Issue.record("wrong error \(error)"); return }
            #expect(p == path && !reason.isEmpty)
            #expect(error.description.contains(path))
        }
    }

    @Test func invalidDataIsReported() {
        let figure = Figure()
        figure.addAxes().scatter(x: [1, 2, 3], y: [1, 2])
        #expect(throws: PlotError.invalidData("scatter: x has 3 values but y has 2")) { try figure.render(.svg) }
        let bad = Figure()
        bad.addAxes().filledContour(ScalarGrid(xs: [0, 1], ys: [0, 1], values: [1, 2, 3]))
        #expect(throws: PlotError.self) { try bad.render(.pdf) }
        #expect(throws: PlotError.self) { try Figure().render(.png, scale: 0) }
        let nan = Figure()
        nan.addAxes().scatter(x: [1, .nan], y: [1, 2])
        #expect(throws: PlotError.invalidData("scatter: x[1] is NaN")) { try nan.render(.png) }
        // A NaN in a line is a break, not an error.
        let gap = Figure()
        gap.addAxes().line(x: [0, 1, .nan, 3], y: [0, 1, 2, 3])
        #expect(throws: Never.self) { try gap.render(.png) }
    }
}

@Suite struct ConcurrencyTests {
    /// Different figures (and the same figure) rendered on several threads at once give the serial bytes. What crosses
    /// the threads is the frozen figures (`Figure` is not `Sendable`).
    @Test func concurrentRendersMatchSerialOnes() throws {
        let figures = Gallery.figures().prefix(6).map { $0.figure.frozen() }
        let formats: [ImageFormat] = [.png, .svg, .pdf]
        let jobs = figures.indices.flatMap { f in formats.map { (f, $0) } }
        let serial = try jobs.map { try figures[$0.0].render($0.1) }
        final class Results: @unchecked Sendable {
            var bytes: [[UInt8]?]
            let lock = NSLock()
            init(_ n: Int) { bytes = Array(repeating: nil, count: n) }
        }
        let results = Results(jobs.count)
        DispatchQueue.concurrentPerform(iterations: jobs.count) { k in
            let out = try? figures[jobs[k].0].render(jobs[k].1)
            results.lock.lock(); results.bytes[k] = out; results.lock.unlock()
        }
        for k in jobs.indices { #expect(results.bytes[k] == serial[k], "job \(k)") }
    }
}
