import Dispatch
import Foundation

/// The figures of a build, rendered by whichever thread is free: one background worker from the moment a lesson's
/// figures exist (so they render while the next lesson computes and while the pages are written), then every core at
/// the render stage (`drain`). Results are kept by job index, so the files and their bytes never depend on which
/// thread rendered what or when.
final class RenderQueue: @unchecked Sendable {
    typealias Files = Result<[(String, Data)], ReportError>

    private let lock = NSLock()
    private var jobs: [ReportBuilder.RenderJob] = []
    private var results: [Files?] = []
    private var next = 0
    private var finished = 0
    private var workerRunning = false
    private let worker = DispatchGroup()
    private let render: @Sendable (ReportBuilder.RenderJob) -> Files

    init(render: @escaping @Sendable (ReportBuilder.RenderJob) -> Files) {
        self.render = render
    }

    /// Queues `newJobs` and makes sure the background worker is taking jobs; returns their indices.
    @discardableResult
    func add(_ newJobs: [ReportBuilder.RenderJob]) -> Range<Int> {
        let (range, start): (Range<Int>, Bool) = lock.withLock {
            let range = jobs.count..<(jobs.count + newJobs.count)
            jobs += newJobs
            results += Array(repeating: nil, count: newJobs.count)
            let start = !workerRunning && !newJobs.isEmpty
            if start { workerRunning = true; worker.enter() }
            return (range, start)
        }
        if start {
            DispatchQueue.global().async { [self] in
                while let k = take(asWorker: true) { run(k) }
            }
        }
        return range
    }

    /// Renders every job not yet taken on all cores, then waits for the background worker's last job.
    /// `progress` receives the fraction of all queued jobs that are done.
    func drain(progress: (@Sendable (Double) -> Void)? = nil) {
        DispatchQueue.concurrentPerform(iterations: RenderQueueCores.count) { _ in
            while let k = take(asWorker: false) {
                run(k)
                if let progress { progress(lock.withLock { Double(finished) / Double(max(jobs.count, 1)) }) }
            }
        }
        worker.wait()
    }

    /// The files of the jobs in `range`, in job order (after `drain`).
    func results(_ range: Range<Int>) -> [Files] {
        lock.withLock {
            range.map { k in
                results[k] ?? .failure(.figure(lesson: jobs[k].lesson, name: jobs[k].name, reason: "not rendered"))
            }
        }
    }

    /// The next job's index; the worker marks itself stopped (under the same lock) when none is left.
    private func take(asWorker: Bool) -> Int? {
        lock.withLock {
            guard next < jobs.count else {
                if asWorker { workerRunning = false; worker.leave() }
                return nil
            }
            next += 1
            return next - 1
        }
    }

    private func run(_ k: Int) {
        let job = lock.withLock { jobs[k] }
        let files = render(job)
        lock.withLock { results[k] = files; finished += 1 }
    }
}

/// The number of threads `RenderQueue.drain` uses.
enum RenderQueueCores {
    static let count = max(1, ProcessInfo.processInfo.activeProcessorCount)
}
