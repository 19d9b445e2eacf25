import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The lock that makes builds into one `--out` take turns: an exclusive `flock(2)` on `.NAME.lvm-cache/lock`, the
/// tool's own folder beside `--out` (`OutputFolder.cacheFolder`).
///
/// A second build **waits** for the first, saying so ("another build (process N) is writing OUT; waiting …"), rather
/// than refusing: two builds of the same inputs — `make report` in two terminals, a `--watch` and a build by hand —
/// should both succeed, and the second then reuses the lessons the first computed (`IncrementalRebuild`), so waiting
/// costs little. Holding the lock for the whole build (not only for the swap) keeps the snapshots in the cache folder
/// and the report in `--out` from two different builds.
///
/// The kernel releases the lock when the process ends, however it ends (SIGKILL, power loss), so a dead build never
/// blocks the next one. When the build is done the lock file is removed (and the folder, when nothing else is in it,
/// so a failed first build or a `--single-file` build leaves nothing beside `--out`). That is safe because a build
/// that has locked a file checks that it is still the file at the path (same inode) and starts again otherwise.
final class BuildLock {
    private let descriptor: Int32
    let url: URL

    private init(descriptor: Int32, url: URL) {
        self.descriptor = descriptor
        self.url = url
    }

    /// Removes the lock file (and the folder when it is empty), then releases the lock.
    deinit {
        if owned {
            unlink(url.path)
            rmdir(url.deletingLastPathComponent().path)  // fails, as it should, when snapshots are in it
        }
        close(descriptor)
    }

    /// Takes the lock of `output`, waiting (after calling `waiting` once with the holder's process ID, when it is
    /// known) while another build holds it.
    static func acquire(for output: OutputFolder, waiting: (_ holder: Int32?) -> Void) throws(ReportError) -> BuildLock {
        let folder = output.cacheFolder
        let url = folder.appendingPathComponent("lock")
        var announced = false
        for _ in 0..<1000 {
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw .output(path: output.url.path, reason: "cannot create \(folder.path), where builds into it take turns (\(error.localizedDescription)); the folder that holds --out must be writable")
            }
            let fd = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            if fd < 0 && errno == ENOENT { continue }  // the folder was removed by a build that just finished
            guard fd >= 0 else {
                throw .output(path: output.url.path, reason: "cannot open the lock file \(url.path) (\(String(cString: strerror(errno)))); the folder that holds --out must be writable")
            }
            let lock = BuildLock(descriptor: fd, url: url)
            if flock(fd, LOCK_EX | LOCK_NB) != 0 {
                guard errno == EWOULDBLOCK else {
                    throw .output(path: output.url.path, reason: "cannot lock \(url.path) (\(String(cString: strerror(errno))))")
                }
                if !announced { waiting(lock.holder()); announced = true }
                while flock(fd, LOCK_EX) != 0 {
                    guard errno == EINTR else {
                        throw .output(path: output.url.path, reason: "cannot lock \(url.path) (\(String(cString: strerror(errno))))")
                    }
                }
            }
            // The file may have been removed (and another made) by the build that held it: lock the one at the path.
            var held = stat(), current = stat()
            guard fstat(fd, &held) == 0, stat(url.path, &current) == 0, held.st_ino == current.st_ino, held.st_dev == current.st_dev else {
                continue  // not owned: closed without removing anything
            }
            // Record who holds it, for the message of the next build that has to wait.
            let text = Array("\(getpid())\n".utf8)
            _ = ftruncate(fd, 0)
            _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
            lock.owned = true
            return lock
        }
        throw .output(path: output.url.path, reason: "cannot lock \(url.path): it kept being replaced by other builds")
    }

    /// Whether this build holds the lock on the file at the path (only then is it removed at the end).
    private var owned = false

    /// The process ID written by the build that holds the lock.
    private func holder() -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return nil }
        return Int32(String(decoding: buffer[..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
