import Dispatch
import Foundation
import Synchronization
import Testing
@testable import Report
#if canImport(Glibc)
import Glibc
#endif

/// Faults while a build writes: a full disk, builds into one `--out` at once, a signal in the middle of the swap,
/// what a killed build left. In each case the previous report stays as it was and no temporary folder is left.
@Suite struct BuildFaultTests {
    /// What is beside `--out` (the scratch folder's entries).
    static func entries(_ scratch: Scratch) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: scratch.root.path)) ?? []).sorted()
    }

    @Test func tooLittleFreeSpaceIsRefusedBeforeWritingWithTheSizeNeeded() throws {
        let scratch = Scratch()
        let options = scratch.options(lessonsFolder: try scratch.lessonsFolder())
        _ = try ReportBuilder(options: options, progress: silentProgress()).build()
        let before = Scratch.tree(options.outputDirectory)
        let previousBytes = try Self.manifestBytes(options.outputDirectory)
        var small = options
        small.reuse = false
        small.freeSpace = { _ in (free: 100_000, block: 4096) }
        do {
            _ = try ReportBuilder(options: small, progress: silentProgress()).build()
            Issue.record("a build on a disk with 100 kB free succeeded")
        } catch {
            let message = error.description
            #expect(message.contains("not enough space"), "\(message)")
            #expect(message.contains("and 0.1 MB are free"), "\(message)")
            // The size needed is at least the files themselves; the previous report's is its manifest's sum.
            let needed = try #require(Self.megabytes(after: "the report needs ", in: message))
            #expect(needed * 1_000_000 >= Double(before.values.reduce(0) { $0 + $1.count }) - 50_000)
            #expect(message.contains("takes \(OutputFolder.megabytes(previousBytes))"), "\(message)")
        }
        #expect(Scratch.tree(options.outputDirectory) == before)
        #expect(Self.entries(scratch) == [".site.lvm-cache", "Lessons", "site"])
    }

    /// A real full disk (a 2 MB tmpfs; needs root and mount, so it runs where those exist, as in CI's container):
    /// the free-space check is told there is plenty, so the writes themselves hit ENOSPC.
    @Test(.enabled(if: TmpfsMount.available)) func aDiskThatFillsUpWhileWritingRemovesTheTemporaryFolder() throws {
        let scratch = Scratch()
        let lessons = try scratch.lessonsFolder()
        let disk = try TmpfsMount(megabytes: 2, at: scratch.root.appendingPathComponent("disk"))
        defer { disk.unmount() }
        var options = scratch.options(lessonsFolder: lessons)
        options.outputDirectory = disk.url.appendingPathComponent("site")
        // Leave about 300 kB free: less than the report needs.
        let free = try #require(OutputFolder.freeSpace(disk.url)).free
        try Data(count: max(0, free - 300_000)).write(to: disk.url.appendingPathComponent("filler"))
        options.freeSpace = { _ in (free: 1 << 40, block: 4096) }
        do {
            _ = try ReportBuilder(options: options, progress: silentProgress()).build()
            Issue.record("a build into a 2 MB file system succeeded")
        } catch {
            #expect(error.description.contains("not enough space on the disk"), "\(error.description)")
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: disk.url.path).sorted()
        #expect(left == ["filler"], "\(left)")
    }

    /// Two builds into one `--out`: the second waits (and says so) until the first has swapped its report in.
    @Test func aSecondBuildWaitsForTheFirst() throws {
        let scratch = Scratch()
        let options = scratch.options(lessonsFolder: try scratch.lessonsFolder())
        let firstInCompute = DispatchSemaphore(value: 0)
        let releaseFirst = DispatchSemaphore(value: 0)
        let order = Mutex<[String]>([])
        var first = options
        first.stageHook = { stage in
            if stage == .compute { firstInCompute.signal(); releaseFirst.wait() }
        }
        let firstOptions = first
        let firstDone = DispatchSemaphore(value: 0)
        let firstResult = Mutex<Result<BuildSummary, ReportError>?>(nil)
        Thread {
            let r = Result { () throws(ReportError) in try ReportBuilder(options: firstOptions, progress: silentProgress()).build() }
            order.withLock { $0.append("first finished") }
            firstResult.withLock { $0 = r }
            firstDone.signal()
        }.start()
        firstInCompute.wait()

        let waited = DispatchSemaphore(value: 0)
        let secondProgress = ProgressReporter(mode: .quiet, sink: { line in if line.contains("is writing") { waited.signal() } })
        var second = options
        second.seed = 8
        let secondOptions = second
        let secondDone = DispatchSemaphore(value: 0)
        let secondResult = Mutex<Result<BuildSummary, ReportError>?>(nil)
        Thread {
            let r = Result { () throws(ReportError) in try ReportBuilder(options: secondOptions, progress: secondProgress).build() }
            order.withLock { $0.append("second finished") }
            secondResult.withLock { $0 = r }
            secondDone.signal()
        }.start()
        #expect(waited.wait(timeout: .now() + 30) == .success, "the second build did not say it waits")
        #expect(secondProgress.warnings.contains { $0.contains("another build (process \(getpid())) is writing \(options.outputDirectory.path)") },
                "\(secondProgress.warnings)")
        usleep(300_000)
        #expect(order.withLock { $0 }.isEmpty, "the second build went on while the first held the lock")
        releaseFirst.signal()
        firstDone.wait()
        secondDone.wait()
        #expect(order.withLock { $0 } == ["first finished", "second finished"])
        #expect(throws: Never.self) { try firstResult.withLock { $0 }!.get() }
        #expect(throws: Never.self) { try secondResult.withLock { $0 }!.get() }
        let manifest = String(decoding: Scratch.tree(options.outputDirectory)["manifest.json"]!, as: UTF8.self)
        #expect(manifest.contains("\"seed\": \"8\""))
        #expect(Self.entries(scratch) == [".site.lvm-cache", "Lessons", "site"])
    }

    /// A signal between the swap's two renames: the clean-up puts the previous report back and removes the new one.
    @Test func theCleanUpPutsBackAReportMovedAsideByTheSwap() throws {
        let scratch = Scratch()
        let options = scratch.options(lessonsFolder: try scratch.lessonsFolder())
        _ = try ReportBuilder(options: options, progress: silentProgress()).build()
        let before = Scratch.tree(options.outputDirectory)
        let output = OutputFolder(options.outputDirectory)
        try FileManager.default.moveItem(at: output.url, to: output.backup)
        try FileManager.default.createDirectory(at: output.temporary, withIntermediateDirectories: true)
        try Data("unfinished".utf8).write(to: output.temporary.appendingPathComponent("index.html"))
        BuildInterruption().cleanUp(.init(temporary: output.temporary, backup: (moved: output.backup, home: output.url)))
        #expect(Scratch.tree(options.outputDirectory) == before)
        #expect(Self.entries(scratch) == [".site.lvm-cache", "Lessons", "site"])

        // After the second rename the new report is home: the clean-up only removes the old one.
        try FileManager.default.copyItem(at: output.url, to: output.backup)
        BuildInterruption().cleanUp(.init(temporary: output.backup, backup: nil))
        #expect(Scratch.tree(options.outputDirectory) == before)
        #expect(Self.entries(scratch) == [".site.lvm-cache", "Lessons", "site"])
    }

    @Test func whatAKilledBuildLeftIsRemovedWithANote() throws {
        let scratch = Scratch()
        let options = scratch.options(lessonsFolder: try scratch.lessonsFolder())
        let dead = scratch.root.appendingPathComponent(".site.lvm-build-99999998")
        try FileManager.default.createDirectory(at: dead.appendingPathComponent("demo"), withIntermediateDirectories: true)
        let progress = silentProgress()
        _ = try ReportBuilder(options: options, progress: progress).build()
        #expect(Self.entries(scratch) == [".site.lvm-cache", "Lessons", "site"])
        #expect(progress.warnings.contains { $0.contains("removed .site.lvm-build-99999998, the unfinished report of a build that was killed") },
                "\(progress.warnings)")
    }

    @Test func bytesOnDiskCountWholeBlocks() {
        var files = SiteFiles()
        files.add("a/x.png", Data(count: 1))
        files.add("a/y.png", Data(count: 4097))
        files.add("index.html", Data(count: 0))
        // 1 + 2 + 0 blocks of data, folders "a" and "" plus the report's own, and one block of manifest.
        #expect(files.bytesOnDisk(block: 4096) == (3 + 3 + 1) * 4096)
    }

    static func manifestBytes(_ out: URL) throws -> Int {
        let data = try Data(contentsOf: out.appendingPathComponent("manifest.json"))
        let files = try #require((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["files"] as? [[String: Any]])
        return files.reduce(0) { $0 + ($1["bytes"] as! Int) }
    }

    static func megabytes(after prefix: String, in text: String) -> Double? {
        guard let range = text.range(of: prefix) else { return nil }
        return Double(text[range.upperBound...].prefix { $0.isNumber || $0 == "." })
    }
}

/// A small tmpfs mounted for one test (root only).
struct TmpfsMount {
    let url: URL

    static let available: Bool = {
        guard getuid() == 0 else { return false }
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("lvm-tmpfs-probe-\(getpid())")
        guard let mount = try? TmpfsMount(megabytes: 1, at: probe) else { return false }
        mount.unmount()
        return true
    }()

    init(megabytes: Int, at url: URL) throws {
        self.url = url
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/mount")
        process.arguments = ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", url.path]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            try? FileManager.default.removeItem(at: url)
            throw CocoaError(.fileWriteNoPermission)
        }
    }

    func unmount() {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/umount")
        process.arguments = [url.path]
        try? process.run()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: url)
    }
}
