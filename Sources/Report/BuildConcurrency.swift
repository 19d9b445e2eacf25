import Dispatch
import Foundation
import Synchronization

// The build's two small concurrency helpers: fingerprints computed in the background, and results written by index
// from concurrent jobs. Their state is behind a `Mutex`, so the compiler checks that they are `Sendable`.

/// SHA-256 fingerprints of input files, computed on a background thread from the moment they are asked for; `value`
/// waits for them. A file that cannot be read is left out (the build reports its own error for it).
final class InputFingerprints: Sendable {
    private let result = Mutex<[(String, String)]>([])
    private let done = DispatchGroup()

    init(_ files: [(String, URL)]) {
        done.enter()
        DispatchQueue.global().async { [self] in
            var hashes: [(String, String)] = []
            for (label, url) in files {
                if let digest = Self.digest(of: url) { hashes.append((label, digest)) }
            }
            result.withLock { $0 = hashes }
            done.leave()
        }
    }

    /// The SHA-256 of a file, read 1 MiB at a time (a mapped or whole read of a 200 MB `--data` file would add its
    /// size to the build's peak memory while the same file is being parsed).
    static func digest(of url: URL) -> String? {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? handle.close() }
        var hasher = SHA256()
        while true {
            let chunk: Data?
            do { chunk = try handle.read(upToCount: 1 << 20) } catch { return nil }
            guard let chunk, !chunk.isEmpty else { break }  // nil or empty: the end of the file
            hasher.update(chunk)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// The (name, hex digest) pairs in the order given.
    var value: [(String, String)] {
        done.wait()
        return result.withLock { $0 }
    }
}

/// Results written by index from concurrent jobs.
final class ResultSlots<T: Sendable>: Sendable {
    private let slots: Mutex<[Result<T, ReportError>?]>
    init(count: Int) { slots = Mutex(Array(repeating: nil, count: count)) }
    func set(_ i: Int, _ r: Result<T, ReportError>) { slots.withLock { $0[i] = r } }
    func get(_ i: Int) -> Result<T, ReportError>? { slots.withLock { $0[i] } }
}

/// Figures rendering on background threads while their lesson computes, by name (`FigureExport.run`).
final class BackgroundRenders: Sendable {
    typealias Images = (files: [(String, Data)], width: Double)
    private let results = Mutex<[String: Result<Images, ReportError>]>([:])
    private let group = DispatchGroup()

    /// Renders `work` on a global queue under `name`.
    func start(_ name: String, _ work: @escaping @Sendable () throws(ReportError) -> Images) {
        group.enter()
        DispatchQueue.global().async { [self] in
            let r: Result<Images, ReportError>
            do throws(ReportError) { r = .success(try work()) } catch { r = .failure(error) }
            results.withLock { $0[name] = r }
            group.leave()
        }
    }

    /// Waits for every render started.
    func wait() { group.wait() }

    /// The files of `name` (after `wait`), nil if it was not started; throws its rendering error.
    func result(_ name: String) throws(ReportError) -> Images? {
        guard let r = results.withLock({ $0[name] }) else { return nil }
        return try r.get()
    }
}
