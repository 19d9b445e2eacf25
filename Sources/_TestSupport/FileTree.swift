import Foundation

/// The files of a folder, for tests that compare whole output trees (reproducibility, "previous report intact").
public enum FileTree {
    /// Every regular file under `folder` with its bytes, keyed by its path relative to `folder`.
    public static func contents(of folder: URL) -> [String: Data] {
        var files: [String: Data] = [:]
        let base = folder.standardizedFileURL.path
        guard let e = FileManager.default.enumerator(atPath: base) else { return [:] }
        while let relative = e.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let path = base + "/" + relative
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[relative] = FileManager.default.contents(atPath: path)
            }
        }
        return files
    }
}
