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
                }
            }
        }
    }

    static func isRunning(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }

    /// Writes every file into a fresh temporary folder and returns it.
    func writeTemporary(_ files: SiteFiles) throws(ReportError) -> URL {
        let temp = temporary
        do {
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
            if fm.fileExists(atPath: temp.path) { try fm.removeItem(at: temp) }
            try fm.createDirectory(at: temp, withIntermediateDirectories: false)
        } catch {
            throw .output(path: url.path, reason: "cannot create the temporary folder \(temp.path) (\(error.localizedDescription)); check that the parent folder is writable")
        }
        // Folders first (in order), then the files on every core: each file is written by exactly one thread.
        let sorted = files.sorted
        let targets = sorted.map { temp.appendingPathComponent($0.0) }
        for folder in Set(targets.map { $0.deletingLastPathComponent().path }).sorted() {
            do { try fm.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
                throw .io(path: folder, reason: "cannot create the folder (\(error.localizedDescription)); check free space and permissions")
            }
        }
        let failures = ResultSlots<Void>(count: sorted.count)
        DispatchQueue.concurrentPerform(iterations: sorted.count) { k in
            do { try sorted[k].1.write(to: targets[k]) } catch {
                failures.set(k, .failure(.io(path: targets[k].path, reason: "cannot write (\(error.localizedDescription)); check free space and permissions")))
            }
        }
        for k in sorted.indices { if case .failure(let error)? = failures.get(k) { throw error } }
        return temp
    }

    /// Replaces `out` by `temp`; on failure the previous report is put back.
    func swap(in temp: URL) throws(ReportError) {
        let old = backup
        var hadOld = false
        if fm.fileExists(atPath: url.path) {
            guard rename(url.path, old.path) == 0 else {
                throw .output(path: url.path, reason: "cannot move the previous report aside (\(String(cString: strerror(errno)))); the new one is in \(temp.path)")
            }
            hadOld = true
        }
        guard rename(temp.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            if hadOld { _ = rename(old.path, url.path) }
            throw .output(path: url.path, reason: "cannot move the new report into place (\(reason)); the previous report was kept")
        }
        if hadOld { try? fm.removeItem(at: old) }
    }

    /// Deletes the temporary folder after a failed build.
    func discard(_ temp: URL) {
        try? fm.removeItem(at: temp)
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
}
