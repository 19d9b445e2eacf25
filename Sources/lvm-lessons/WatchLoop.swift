import Dispatch
import Foundation
import Report
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `build --watch`: builds, then polls the inputs (the lesson texts, `index.md`, `--data` and the shipped data files)
/// every `interval` and builds again when one of them changed (size, modification time or appearance), printing
/// what changed, which lessons were reused and how long it took. A failed build is reported and the loop goes on:
/// the previous report stays as it was, and the next save of the text tries again.
///
/// Ctrl-C (SIGINT), SIGTERM or SIGHUP ends it cleanly: during a build the signal is held until the build has finished (so
/// `--out` is never left half-written), then the loop stops with status 0.
struct WatchLoop {
    var files: [URL]
    var output: URL
    var interval: Duration = .milliseconds(300)
    var print: (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }

    /// What is known of one watched file: its size and modification time, or nil when it does not exist.
    typealias Stamp = [String: String]

    func stamp() -> Stamp {
        var stamp: Stamp = [:]
        for url in files {
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path) else {
                stamp[url.path] = "missing"
                continue
            }
            let size = (attributes[.size] as? NSNumber)?.int64Value ?? -1
            let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? -1
            stamp[url.path] = "\(size) \(modified)"
        }
        return stamp
    }

    /// Runs `build` once, then again after every change, until SIGINT, SIGTERM or SIGHUP. Each build takes the lock of
    /// `--out` (`ReportBuilder`), so a build by hand into the same folder waits for the watch's build and vice versa.
    func run(build: () throws -> BuildSummary) {
        let stop = Atomic<Bool>(false)
        var sources: [DispatchSourceSignal] = []
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { stop.store(true, ordering: .sequentiallyConsistent) }
            source.resume()
            sources.append(source)
        }
        defer { for source in sources { source.cancel() } }

        var last = stamp()
        attempt(build, after: nil)
        print("watching \(files.count) files for changes (lesson texts, index.md, data); Ctrl-C to stop")
        while !stop.load(ordering: .sequentiallyConsistent) {
            Thread.sleep(forTimeInterval: Double(interval.components.attoseconds) * 1e-18 + Double(interval.components.seconds))
            let now = stamp()
            guard now != last else { continue }
            let changed = now.keys.filter { now[$0] != last[$0] }.sorted().map { URL(fileURLWithPath: $0).lastPathComponent }
            last = now
            attempt(build, after: changed.joined(separator: ", ") + " changed")
        }
        print("stopped watching \(output.path)")
    }

    private func attempt(_ build: () throws -> BuildSummary, after reason: String?) {
        let start = ContinuousClock.now
        do {
            let summary = try build()
            let reused = summary.reusedLessons.isEmpty ? "" : " (reused: \(summary.reusedLessons.joined(separator: ", ")))"
            let what = reason.map { "rebuilt after \($0)" } ?? "built"
            print("\(what) in \(Self.seconds(ContinuousClock.now - start))\(reused)")
        } catch {
            print("error: \(error)\nthe previous report in \(output.path) is unchanged; watching for the next change")
        }
    }

    static func seconds(_ d: Duration) -> String {
        String(format: "%.2f s", Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
    }
}
