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
    /// The lessons being computed, in the order they started (`LessonLog`); the first one's lines go out as they
    /// come, the others' wait in their buffer until every lesson started before them has finished.
    private var logs: [LessonLog] = []
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

    /// One lesson's lines: its step clock, and what it printed while another lesson's lines were going out.
    private struct LessonLog {
        var slug: String
        var stepLabel: String?
        var stepStart: ContinuousClock.Instant?
        var buffered: [String] = []
        var finished = false
    }

    /// A lesson starts: its `[index/count] slug` line opens its block. Several lessons may run at once (the report
    /// computes independent lessons concurrently): each block is printed whole, in the order the lessons started,
    /// so the output reads as if they had run one after the other, with each step's own time.
    func lessonStarted(_ slug: String, index: Int, count: Int) {
        lock.withLock {
            logs.append(LessonLog(slug: slug))
            emit(lesson: logs.count - 1, "[\(index)/\(count)] \(slug)\n")
        }
    }

    /// A lesson's progress callback: a new label closes the previous step with its time; a fraction moves the bar.
    /// Labels that differ only in their numbers (`Adam step 50 of 1000`, `Adam step 100 of 1000`) are one step, shown
    /// with its last label. `lesson`: the slug of the lesson reporting (nil: the lesson started last).
    func lessonProgress(_ label: String, _ fraction: Double?, lesson: String? = nil) {
        lock.withLock {
            let now = clock.now
            guard let k = index(of: lesson) else {
                if let fraction { drawBar(label, fraction, now: now) }
                return
            }
            if logs[k].stepLabel.map(Self.stepKey) != Self.stepKey(label) {
                closeStep(k, at: now)
                logs[k].stepStart = now
            }
            logs[k].stepLabel = label
            let slug = logs[k].slug
            if let fraction { drawBar(label.hasPrefix(slug + ":") ? label : "\(slug): \(label)", fraction, now: now) }
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

    /// Closes the lesson's last step and its block; the blocks of lessons that finished meanwhile follow.
    func lessonFinished(_ slug: String, duration: Duration) {
        lock.withLock {
            guard let k = index(of: slug) else { return }
            closeStep(k, at: clock.now)
            emit(lesson: k, "  \(slug): computed in \(Self.seconds(duration))\n")
            logs[k].finished = true
            while let first = logs.first, first.finished {
                logs.removeFirst()
                if let next = logs.first {
                    for text in next.buffered { emit(text) }
                    logs[0].buffered = []
                }
            }
        }
    }

    func stage(_ text: String, duration: Duration) {
        lock.withLock { emit("  \(text) in \(Self.seconds(duration))\n") }
    }

    func finished(index: URL, duration: Duration) {
        lock.withLock { emit("Report: \(index.path) (built in \(Self.seconds(duration)))\n") }
    }

    /// The log of the lesson `slug` still running (nil: the one started last).
    private func index(of slug: String?) -> Int? {
        guard let slug else { return logs.indices.last }
        return logs.lastIndex { $0.slug == slug }
    }

    private func closeStep(_ k: Int, at now: ContinuousClock.Instant) {
        if let label = logs[k].stepLabel, let start = logs[k].stepStart {
            emit(lesson: k, "    \(label) \(Self.seconds(now - start))\n")
        }
        logs[k].stepLabel = nil
        logs[k].stepStart = nil
    }

    /// A line of lesson k's block: out now if every lesson started before it has finished, else into its buffer.
    private func emit(lesson k: Int, _ text: String) {
        if k == 0 { emit(text) } else if mode == .lines { logs[k].buffered.append(text) }
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
