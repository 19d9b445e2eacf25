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
                if let data = try? Data(contentsOf: url, options: .alwaysMapped) { hashes.append((label, SHA256.hex(data))) }
            }
            result.withLock { $0 = hashes }
            done.leave()
        }
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
