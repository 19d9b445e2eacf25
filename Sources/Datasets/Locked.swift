import Foundation

/// A value behind a lock: `Synchronization.Mutex`'s interface (`withLock`) on a pthread mutex (`NSLock`).
///
/// Why not `Mutex`: on Linux it waits with futexes inside the (uninstrumented) Synchronization library, so
/// ThreadSanitizer does not see it lock and reports every access it protects as a data race (checked with a
/// ten-line program: correct code, three reports). ThreadSanitizer intercepts pthread mutexes, so with this lock
/// `swift test --sanitize=thread` reports only real races. The class is `@unchecked Sendable` because the lock,
/// not the compiler, guards `value`; nothing reaches `value` except through `withLock`.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<Result, E: Error>(_ body: (inout Value) throws(E) -> Result) throws(E) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
