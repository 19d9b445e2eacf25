import Dispatch
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a build must undo when it is stopped by a signal (SIGINT from Ctrl-C, SIGTERM, SIGHUP when the terminal
/// closes): the temporary folder it is writing, or — between the two renames of the swap — the previous report, which
/// is put back. Then the process ends by the same signal (exit status 128 + N, as the shell expects).
///
/// The command line makes one and passes it in `BuildOptions.interruption`; the builder tells it what exists at each
/// moment. The signals are received by a `DispatchSource` (the default action is turned off), so the clean-up runs on
/// an ordinary thread, not in a signal handler; it takes the same lock as the swap, so it never sees a half-done swap.
/// A build killed by SIGKILL cannot clean up: the next build into the same `--out` removes what it left
/// (`OutputFolder.recoverLeftovers`).
///
/// `build --watch` does not use it: there a signal waits until the build in progress has finished (`WatchLoop`).
public final class BuildInterruption: Sendable {
    /// What exists beside `--out` that an interrupted build must remove or put back.
    struct Pending: Sendable {
        var temporary: URL?
        /// During the swap: the previous report moved aside, and where it belongs.
        var backup: (moved: URL, home: URL)?
    }

    private let pending = Mutex(Pending())
    private let sources = Mutex<[DispatchSourceSignal]>([])

    public init() {}

    /// The signals that stop a build and are cleaned up after.
    public static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Starts receiving `signals`: on one, cleans up and ends the process by it.
    public func install() {
        sources.withLock { sources in
            guard sources.isEmpty else { return }
            for signalNumber in Self.signals {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
                source.setEventHandler { [self] in stop(by: signalNumber) }
                source.resume()
                sources.append(source)
            }
        }
    }

    /// Removes the temporary folder (or puts the previous report back), then ends the process by `signalNumber`.
    func stop(by signalNumber: Int32) -> Never {
        // Held until the process ends, so the build cannot start a swap after the clean-up.
        pending.withLock { pending in
            cleanUp(pending)
            FileHandle.standardError.write(Data("\nstopped by \(Self.name(signalNumber)); the previous report was left as it was and the unfinished one removed\n".utf8))
            // The default action again, unblocked on this thread (dispatch's threads block signals), then the signal.
            signal(signalNumber, SIG_DFL)
            var set = sigset_t()
            sigemptyset(&set)
            sigaddset(&set, signalNumber)
            pthread_sigmask(SIG_UNBLOCK, &set, nil)
            raise(signalNumber)
            exit(128 + signalNumber)
        }
    }

    /// The clean-up itself: a report moved aside by a swap goes back home (only when home is empty: the swap's second
    /// rename had not happened), then the unfinished folder is removed.
    func cleanUp(_ pending: Pending) {
        if let backup = pending.backup, !FileManager.default.fileExists(atPath: backup.home.path) {
            _ = rename(backup.moved.path, backup.home.path)
        }
        if let temp = pending.temporary { removeTree(temp) }
    }

    /// `removeItem`, repeated a few times: the writing threads may add a file while the folder is being removed.
    private func removeTree(_ url: URL) {
        for _ in 0..<20 {
            try? FileManager.default.removeItem(at: url)
            guard FileManager.default.fileExists(atPath: url.path) else { return }
            usleep(10_000)
        }
    }

    // MARK: - What the builder reports

    func writing(_ temp: URL?) {
        pending.withLock { $0.temporary = temp }
    }

    /// Runs `body` (the swap's renames) with the clean-up held off; `body` records what now exists in `pending`.
    func swapping(_ body: (inout Pending) throws(ReportError) -> Void) throws(ReportError) {
        try pending.withLock { (pending: inout Pending) throws(ReportError) -> Void in try body(&pending) }
    }

    static func name(_ signalNumber: Int32) -> String {
        switch signalNumber {
        case SIGINT: return "SIGINT (Ctrl-C)"
        case SIGTERM: return "SIGTERM"
        case SIGHUP: return "SIGHUP"
        default: return "signal \(signalNumber)"
        }
    }
}
