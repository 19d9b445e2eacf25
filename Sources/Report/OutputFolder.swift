import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `--out` folder and the safe way of replacing it.
///
/// A build writes the whole site into a temporary folder beside `--out` (same parent, so renames stay on one file
/// system): `.NAME.lvm-build-PID`. Only when every file is written is it swapped in:
/// `out → .NAME.lvm-old-PID`, `temp → out`, then the old folder is deleted. A failure or a crash before the swap
/// leaves `out` untouched; a crash between the two renames leaves the old report in `.NAME.lvm-old-PID`, which the
/// next build puts back. Leftovers of dead builds (their process no longer exists) are removed by the next build.
///
/// Refusals (checked before anything is computed or written):
/// - `out` exists and is not a folder;
/// - `out` is non-empty and holds no `manifest.json` written by this tool — unless `force`;
/// - `out` is, or contains, the working directory, the lessons folder, the data file or the home folder — always,
///   even with `force`, because replacing it would delete them.
/// Nothing outside `out` and those two sibling folders is ever deleted.
struct OutputFolder {
    let url: URL
    let parent: URL
    let name: String
    private let fm = FileManager.default

    init(_ url: URL) {
        self.url = url.standardizedFileURL
        parent = self.url.deletingLastPathComponent()
        name = self.url.lastPathComponent
    }

    var temporaryPrefix: String { ".\(name).lvm-build-" }
    var backupPrefix: String { ".\(name).lvm-old-" }
    var temporary: URL { parent.appendingPathComponent(temporaryPrefix + String(getpid())) }
    var backup: URL { parent.appendingPathComponent(backupPrefix + String(getpid())) }
    /// Where the lessons' snapshots are kept between builds (`LessonSnapshot`): `.NAME.lvm-cache`, beside `out`.
    var cacheFolder: URL { parent.appendingPathComponent(".\(name).lvm-cache") }

    /// Whether `folder` holds a manifest written by this tool.
    static func holdsOurManifest(_ folder: URL) -> Bool {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("manifest.json")),
            let text = String(data: data, encoding: .utf8)
        else { return false }
        return text.contains("\"tool\": \"\(ToolInfo.name)\"")
    }

    /// The size of the report now in `out`: the sum of the bytes its `manifest.json` lists, when it has one.
    var previousSize: Int? {
        guard let data = try? Data(contentsOf: url.appendingPathComponent("manifest.json")),
            let manifest = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let files = manifest["files"] as? [[String: Any]]
        else { return nil }
        return files.reduce(0) { $0 + (($1["bytes"] as? Int) ?? 0) }
    }

    func check(force: Bool, protected: [URL]) throws(ReportError) {
        let path = url.path
        guard name != "/" && !name.isEmpty && url.path != "/" else {
            throw .output(path: path, reason: "the root folder cannot be the output; pass --out with a folder of its own")
        }
        for p in protected {
            let q = p.standardizedFileURL.resolvingSymlinksInPath().path
            let o = url.resolvingSymlinksInPath().path
            if q == o || q.hasPrefix(o.hasSuffix("/") ? o : o + "/") {
                throw .output(path: path, reason: "it is or contains \(q), which a build would delete; pass --out with a folder of its own, e.g. --out output")
            }
        }
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else {
            throw .output(path: path, reason: "it is a file, not a folder; pass --out with a folder name")
        }
        let contents = (try? fm.contentsOfDirectory(atPath: path)) ?? []
        if !contents.isEmpty && !Self.holdsOurManifest(url) && !force {
            throw .output(path: path, reason: "the folder is not empty and holds no manifest.json of \(ToolInfo.name), so it is not a report this tool wrote; choose another --out, empty it, or pass --force to replace it")
        }
    }

    /// Removes what dead builds left beside `out`, and puts back a report that a crash left in a backup folder.
    func recoverLeftovers(progress: ProgressReporter) {
        guard let siblings = try? fm.contentsOfDirectory(atPath: parent.path) else { return }
        for entry in siblings.sorted() {
            for prefix in [temporaryPrefix, backupPrefix] where entry.hasPrefix(prefix) {
                guard let pid = Int32(entry.dropFirst(prefix.count)), pid != getpid(), !Self.isRunning(pid) else { continue }
                let leftover = parent.appendingPathComponent(entry)
                if prefix == backupPrefix && !fm.fileExists(atPath: url.path) && Self.holdsOurManifest(leftover) {
                    if rename(leftover.path, url.path) == 0 {
                        progress.warning("put back the previous report from \(entry), left by an interrupted build")
                    }
                } else {
                    try? fm.removeItem(at: leftover)
                    let what = prefix == temporaryPrefix ? "the unfinished report" : "the replaced report"
                    progress.warning("removed \(entry), \(what) of a build that was killed (process \(pid)) before it could clean up")
                }
            }
        }
    }

    static func isRunning(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }

    /// Writes every file into a fresh temporary folder and returns it. Before writing, the free space of the file
    /// system is compared with the size of the files (`freeSpace`); on any failure the temporary folder is removed.
    func writeTemporary(_ files: SiteFiles, interruption: BuildInterruption, previousSize: Int?,
                        freeSpace: (URL) -> (free: Int, block: Int)? = OutputFolder.freeSpace) throws(ReportError) -> URL {
        let temp = temporary
        do {
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
            if fm.fileExists(atPath: temp.path) { try fm.removeItem(at: temp) }
            interruption.writing(temp)
            try fm.createDirectory(at: temp, withIntermediateDirectories: false)
        } catch {
            discard(temp, interruption: interruption)
            throw .output(path: url.path, reason: "cannot create the temporary folder \(temp.path) (\(error.localizedDescription)); check that the parent folder is writable")
        }
        do throws(ReportError) {
            let space = freeSpace(parent)
            let needed = files.bytesOnDisk(block: space?.block ?? 4096)
            if let free = space?.free, free < needed {
                throw .output(path: url.path, reason: spaceMessage(needed: needed, free: free, previousSize: previousSize))
            }
            // Folders first (in order), then the files on every core: each file is written by exactly one thread.
            let sorted = files.sorted
            let targets = sorted.map { temp.appendingPathComponent($0.0) }
            for folder in Set(targets.map { $0.deletingLastPathComponent().path }).sorted() {
                do { try fm.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
                    throw writeError(folder, error, needed: needed, previousSize: previousSize, what: "cannot create the folder")
                }
            }
            let failures = ResultSlots<Void>(count: sorted.count)
            DispatchQueue.concurrentPerform(iterations: sorted.count) { k in
                do { try sorted[k].1.write(to: targets[k]) } catch {
                    failures.set(k, .failure(writeError(targets[k].path, error, needed: needed, previousSize: previousSize, what: "cannot write")))
                }
            }
            for k in sorted.indices { if case .failure(let error)? = failures.get(k) { throw error } }
        } catch {
            discard(temp, interruption: interruption)
            throw error
        }
        return temp
    }

    /// The bytes free to this user on the file system of `folder` and its block size (`statvfs`), or nil when it
    /// cannot be asked.
    static func freeSpace(_ folder: URL) -> (free: Int, block: Int)? {
        var info = statvfs()
        guard statvfs(folder.path, &info) == 0 else { return nil }
        return (free: Int(info.f_bavail) * Int(info.f_frsize), block: max(512, Int(info.f_frsize)))
    }

    /// "Not enough space": what the report needs (the sum of its files, known exactly before writing), what is free,
    /// and the size of the previous report from its manifest, which is freed when the new one replaces it.
    func spaceMessage(needed: Int, free: Int?, previousSize: Int?) -> String {
        var text = "not enough space on the disk: the report needs \(Self.megabytes(needed))"
        if let free { text += " in \(parent.path), and \(Self.megabytes(free)) are free" }
        if let previousSize {
            text += "; the previous report in \(name) takes \(Self.megabytes(previousSize)) (its manifest.json) and stays until the new one is complete, so both must fit at once"
        }
        return text + ". Free some space (or build into another --out with --out DIR) and build again; nothing was changed"
    }

    /// A failed write, with the "not enough space" message when the disk is full (ENOSPC, EDQUOT).
    private func writeError(_ path: String, _ error: any Error, needed: Int, previousSize: Int?, what: String) -> ReportError {
        let code = ((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError)?.code ?? (error as NSError).code
        let full = code == Int(ENOSPC) || code == Int(EDQUOT) || (error as NSError).code == NSFileWriteOutOfSpaceError
        if full { return .output(path: url.path, reason: spaceMessage(needed: needed, free: Self.freeSpace(parent)?.free, previousSize: previousSize)) }
        return .io(path: path, reason: "\(what) (\(error.localizedDescription)); check free space and permissions")
    }

    static func megabytes(_ bytes: Int) -> String {
        String(format: "%.1f MB", Double(bytes) / 1_000_000)
    }

    /// Replaces `out` by `temp`; on failure the previous report is put back. The renames run with `interruption`'s
    /// clean-up held off, and it always knows what to undo: the backup before the second rename, the old report (to
    /// delete) after it.
    func swap(in temp: URL, interruption: BuildInterruption) throws(ReportError) {
        let old = backup
        let url = self.url
        var hadOld = false
        try interruption.swapping { (pending: inout BuildInterruption.Pending) throws(ReportError) -> Void in
            if fm.fileExists(atPath: url.path) {
                guard rename(url.path, old.path) == 0 else {
                    throw .output(path: url.path, reason: "cannot move the previous report aside (\(String(cString: strerror(errno)))); the new one is in \(temp.path)")
                }
                hadOld = true
                pending.backup = (moved: old, home: url)
            }
            guard rename(temp.path, url.path) == 0 else {
                let reason = String(cString: strerror(errno))
                if hadOld { _ = rename(old.path, url.path) }
                pending.backup = nil
                throw .output(path: url.path, reason: "cannot move the new report into place (\(reason)); the previous report was kept")
            }
            pending.backup = nil
            pending.temporary = hadOld ? old : nil
        }
        if hadOld { try? fm.removeItem(at: old) }
        interruption.writing(nil)
    }

    /// Deletes the temporary folder after a failed build.
    func discard(_ temp: URL, interruption: BuildInterruption) {
        try? fm.removeItem(at: temp)
        interruption.writing(nil)
    }
}

/// The site's files in memory, by path relative to `--out`; written in sorted order.
struct SiteFiles {
    private(set) var files: [String: Data] = [:]
    /// SHA-256 digests already known (of files taken from the previous report, checked against its manifest), so
    /// the manifest does not hash them again.
    private(set) var knownDigests: [String: String] = [:]

    mutating func add(_ path: String, _ data: Data, digest: String? = nil) {
        files[path] = data
        knownDigests[path] = digest
    }
    mutating func add(_ path: String, text: String) { files[path] = Data(text.utf8) }

    var sorted: [(String, Data)] { files.keys.sorted(by: JSONWriter.scalarOrder).map { ($0, files[$0]!) } }
    var count: Int { files.count }

    /// The space the files take on a file system with blocks of `block` bytes: each file rounded up to whole blocks,
    /// one block per folder, and room for `manifest.json` (about 160 bytes per file).
    func bytesOnDisk(block: Int) -> Int {
        let folders = Set(files.keys.map { ($0 as NSString).deletingLastPathComponent }).count + 1
        let data = files.values.reduce(0) { $0 + ($1.count + block - 1) / block * block }
        return data + folders * block + (160 * files.count + block - 1) / block * block
    }
}
