import Foundation

/// Reports the build's progress on standard error.
///
/// - `.lines`: one line per lesson, per step of a lesson's computation (the labels it reports) and per stage, each
///   with its time. A live bar is added when standard error is a terminal (`isatty`).
/// - `.quiet`: nothing but warnings (which always print: they say something is missing from the report).
/// The last line gives the path of `index.html` and the total time.
public final class ProgressReporter: @unchecked Sendable {
    public enum Mode: Sendable { case quiet, lines }

    private let mode: Mode
    private let live: Bool
    private let sink: @Sendable (String) -> Void
    private let lock = NSLock()
    private let clock = ContinuousClock()
    private var stepLabel: String?
    private var stepStart: ContinuousClock.Instant?
    private var lessonSlug = ""
    private var barShown = false
    private var lastBar: ContinuousClock.Instant?
    /// Warnings given during the build, in order (also for tests).
    public private(set) var warnings: [String] = []

    /// - Parameters:
    ///   - live: draw a progress bar (pass `isatty(2) != 0`).
    ///   - sink: where text goes (standard error by default).
    public init(mode: Mode, live: Bool = false, sink: (@Sendable (String) -> Void)? = nil) {
        self.mode = mode
        self.live = live && mode != .quiet
        self.sink = sink ?? { text in FileHandle.standardError.write(Data(text.utf8)) }
    }

    /// Standard error, live when it is a terminal.
    public static func standardError(quiet: Bool) -> ProgressReporter {
        ProgressReporter(mode: quiet ? .quiet : .lines, live: isatty(2) != 0)
    }

    public func warning(_ message: String) {
        lock.withLock {
            warnings.append(message)
            emit("warning: \(message)\n", always: true)
        }
    }

    public func line(_ text: String) {
        lock.withLock { emit(text + "\n") }
    }

    func lessonStarted(_ slug: String, index: Int, count: Int) {
        lock.withLock {
            lessonSlug = slug
            stepLabel = nil
            stepStart = nil
            emit("[\(index)/\(count)] \(slug)\n")
        }
    }

    /// A lesson's progress callback: a new label closes the previous step with its time; a fraction moves the bar.
    /// Labels that differ only in their numbers (`Adam step 50 of 1000`, `Adam step 100 of 1000`) are one step, shown
    /// with its last label.
    func lessonProgress(_ label: String, _ fraction: Double?) {
        lock.withLock {
            let now = clock.now
            if stepLabel.map(Self.stepKey) != Self.stepKey(label) {
                closeStep(at: now)
                stepStart = now
            }
            stepLabel = label
            if let fraction { drawBar(label.hasPrefix(lessonSlug + ":") ? label : "\(lessonSlug): \(label)", fraction, now: now) }
        }
    }

    /// Moves the live bar only (no line): used while the figures render.
    func bar(_ label: String, _ fraction: Double) {
        lock.withLock { drawBar(label, fraction, now: clock.now) }
    }

    private func drawBar(_ label: String, _ fraction: Double, now: ContinuousClock.Instant) {
        guard live else { return }
        if let last = lastBar, now - last < .milliseconds(80), fraction < 1 { return }
        lastBar = now
        let width = 24
        let filled = max(0, min(width, Int((fraction * Double(width)).rounded())))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        sink("\r\u{1B}[2K  \(bar) \(label) \(Int((fraction * 100).rounded()))%")
        barShown = true
    }

    /// Closes the lesson's last step.
    func lessonFinished(_ slug: String, duration: Duration) {
        lock.withLock {
            closeStep(at: clock.now)
            emit("  \(slug): computed in \(Self.seconds(duration))\n")
        }
    }

    func stage(_ text: String, duration: Duration) {
        lock.withLock { emit("  \(text) in \(Self.seconds(duration))\n") }
    }

    func finished(index: URL, duration: Duration) {
        lock.withLock { emit("Report: \(index.path) (built in \(Self.seconds(duration)))\n") }
    }

    private func closeStep(at now: ContinuousClock.Instant) {
        if let label = stepLabel, let start = stepStart {
            emit("    \(label) \(Self.seconds(now - start))\n")
        }
        stepLabel = nil
        stepStart = nil
    }

    private func emit(_ text: String, always: Bool = false) {
        guard mode == .lines || always else { return }
        if barShown {
            sink("\r\u{1B}[2K")
            barShown = false
        }
        sink(text)
    }

    /// A label with every run of digits replaced by `#`.
    static func stepKey(_ label: String) -> String {
        label.replacingOccurrences(of: "[0-9]+", with: "#", options: .regularExpression)
    }

    static func seconds(_ d: Duration) -> String {
        let s = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        return String(format: s < 10 ? "%.2f s" : "%.1f s", s)
    }
}
