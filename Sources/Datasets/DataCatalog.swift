import Foundation

/// The data sets the lessons may ask for, by name: `try catalog.dataset(.digits)`.
///
/// Each entry says where a data set's files are, relative to the catalogue's `root` (the lessons folder), and what is
/// known of it. A data set is read from its files on the **first** request only, and that result — the data set or
/// the error — is what every later request gets, from any thread: the loads are serialised by a lock (`Locked`), so two
/// lessons asking at once read the files once. A build that never asks for a data set never reads its files, and
/// a missing file is reported (by name, file and folder) only to the lesson that asks for it.
///
/// The catalogue records what it has loaded: `loadedFiles` lists the files of every data set read so far, in the
/// order of the entries, for the manifest's fingerprints.
///
/// The entries describe data that ship with the project (the Lessons module declares them, in `LessonData.swift`),
/// so a file that cannot be used is reported with "restore the file shipped with the project". A user's own file
/// (`--data FILE.csv`) is not in the catalogue: it is loaded with `Dataset.load(csv:)`, whose messages say how to fix
/// the file.
public final class DataCatalog: Sendable {
    /// One data set the catalogue can load.
    public struct Entry: Sendable, Equatable {
        /// The name lessons ask for (`.digits`).
        public var name: DatasetName
        /// The CSV file, relative to the catalogue's root (`data/digits.csv`): a header row of column names, then one
        /// row of numbers per observation (`Dataset.load(csv:)`).
        public var file: String
        /// A CSV of one column of whole-number class labels, one per row of `file` in the same order, relative to
        /// the root (`data/digits_labels.csv`); nil when the data have no labels.
        public var labelsFile: String?
        /// The labels `labelsFile` may hold (0...9 for the digits); nil for any whole number.
        public var labelRange: ClosedRange<Int>?
        /// When each row is an image, its shape: the header of `file` must name the pixels `pixel_R_C` of a grid of
        /// this shape, row by row (8 × 8 for the digits).
        public var imageShape: Dataset.ImageShape?
        /// What the pages say about where the data come from.
        public var source: String

        public init(
            name: DatasetName, file: String, labelsFile: String? = nil, labelRange: ClosedRange<Int>? = nil,
            imageShape: Dataset.ImageShape? = nil, source: String
        ) {
            self.name = name
            self.file = file
            self.labelsFile = labelsFile
            self.labelRange = labelRange
            self.imageShape = imageShape
            self.source = source
        }

        /// The entry's files relative to the root, the data first, then the labels.
        public var files: [String] { [file] + (labelsFile.map { [$0] } ?? []) }
    }

    /// A file the catalogue has read: its path relative to the root (the manifest's name for it) and where it is.
    public struct File: Sendable, Equatable {
        public var path: String
        public var url: URL
    }

    /// The folder the entries' files are relative to (the lessons folder).
    public let root: URL
    /// The data sets, in the order `loadedFiles` lists them. Names are unique.
    public let entries: [Entry]
    /// The outcome of the first request of each data set asked for so far (shared with every `view()`).
    private let outcomes: Locked<[DatasetName: Result<Dataset, DataCatalogError>]>
    /// Every request so far, in order, repeats included (a lesson that asks for a data set another lesson loaded
    /// still depends on it: the report's text-only rebuilds read this per lesson).
    private let requests = Locked<[DatasetName]>([])
    /// The catalogue this one is a view of: it is told of every request too.
    private let parent: DataCatalog?

    /// A catalogue of `entries` whose files are relative to `root`; nothing is read until a data set is asked for.
    /// Two entries must not share a name.
    public init(root: URL, entries: [Entry]) {
        precondition(Set(entries.map(\.name)).count == entries.count, "two catalogue entries share a name")
        self.root = root
        self.entries = entries
        self.outcomes = Locked([:])
        self.parent = nil
    }

    private init(viewOf parent: DataCatalog) {
        root = parent.root
        entries = parent.entries
        outcomes = parent.outcomes
        self.parent = parent
    }

    /// A view of this catalogue for one of several lessons computed at once: it shares the data sets loaded (each is
    /// still read once, whichever view asks first), and keeps its own `requested`, so each lesson's requests are
    /// known apart; every request is also recorded here.
    public func view() -> DataCatalog { DataCatalog(viewOf: self) }

    private func record(_ name: DatasetName) {
        requests.withLock { $0.append(name) }
        parent?.record(name)
    }

    /// The entry of `name`, or nil.
    public func entry(_ name: DatasetName) -> Entry? { entries.first { $0.name == name } }

    /// The data set `name`, read from its files on the first request; later requests (from any thread) get the same
    /// data set, or the same error.
    public func dataset(_ name: DatasetName) throws(DataCatalogError) -> Dataset {
        guard let entry = entry(name) else { throw .unknown(name, known: entries.map(\.name)) }
        record(name)
        let root = self.root
        return try outcomes.withLock { (outcomes) throws(DataCatalogError) -> Dataset in
            if let outcome = outcomes[name] { return try outcome.get() }
            let outcome = Result { () throws(DataCatalogError) -> Dataset in try Self.load(entry, root: root) }
            outcomes[name] = outcome
            return try outcome.get()
        }
    }

    /// The files of every data set loaded so far without error, in the order of `entries` (data, then labels).
    public var loadedFiles: [File] {
        files(of: loadedNames)
    }

    /// The names of the data sets loaded so far without error.
    public var loadedNames: Set<DatasetName> {
        outcomes.withLock { outcomes in
            Set(outcomes.compactMap { name, outcome in (try? outcome.get()) == nil ? nil : name })
        }
    }

    /// Every request made so far, in order, repeats included.
    public var requested: [DatasetName] { requests.withLock { $0 } }

    /// The files of the entries named in `names`, in the order of `entries` (data, then labels).
    public func files(of names: Set<DatasetName>) -> [File] {
        entries.filter { names.contains($0.name) }.flatMap { entry in
            entry.files.map { File(path: $0, url: root.appendingPathComponent($0)) }
        }
    }

    /// The files of every entry, whether loaded or not.
    public var allFiles: [File] { files(of: Set(entries.map(\.name))) }

    // MARK: - Loading an entry

    private static let restore = "; restore the file shipped with the project"

    static func load(_ entry: Entry, root: URL) throws(DataCatalogError) -> Dataset {
        for file in entry.files where !FileManager.default.fileExists(atPath: root.appendingPathComponent(file).path) {
            throw .missingFile(entry.name, file: file, root: root.path)
        }
        do throws(DatasetError) {
            let url = root.appendingPathComponent(entry.file)
            var set = try Dataset.load(csv: url)
            if let shape = entry.imageShape, set.imageShape != shape {
                throw DatasetError.invalid(
                    path: url.path, row: 1, column: nil,
                    reason: "the header must name the pixels of \(shape.rows) × \(shape.columns) images pixel_R_C (row R, column C)" + restore)
            }
            if let labelsFile = entry.labelsFile {
                set.labels = try labels(root.appendingPathComponent(labelsFile), count: set.count, range: entry.labelRange)
            }
            return set
        } catch {
            throw .unusable(entry.name, error)
        }
    }

    /// One whole-number label per row (in `range` when given), from a one-column CSV.
    static func labels(_ url: URL, count: Int, range: ClosedRange<Int>?) throws(DatasetError) -> [Int] {
        let labels = try Dataset.load(csv: url)
        guard labels.dimension == 1, labels.count == count else {
            throw .invalid(path: url.path, row: nil, column: nil,
                           reason: "expected one column of \(count) labels (one per row of the data) but found \(labels.dimension) column(s) and \(labels.count) row(s)" + restore)
        }
        var ints: [Int] = []
        ints.reserveCapacity(count)
        for (i, value) in labels.values.elements.enumerated() {
            let allowed = range.map { "a whole number in \($0.lowerBound)–\($0.upperBound)" } ?? "a whole number"
            guard value.rounded() == value, abs(value) < 0x1p53, range.map({ $0.contains(Int(value)) }) ?? true else {
                throw .invalid(path: url.path, row: i + 2, column: 1, reason: "label \(value) is not \(allowed)" + restore)
            }
            ints.append(Int(value))
        }
        return ints
    }
}

/// Why the catalogue cannot give a data set. The description names the data set, the file and the folder.
public enum DataCatalogError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No entry has this name.
    case unknown(DatasetName, known: [DatasetName])
    /// A file of the entry is not in the catalogue's root (`file` is relative to `root`).
    case missingFile(DatasetName, file: String, root: String)
    /// A file of the entry is there but cannot be used.
    case unusable(DatasetName, DatasetError)

    public var description: String {
        switch self {
        case let .unknown(name, known):
            let names = known.map { "'\($0)'" }.joined(separator: ", ")
            return "no data set is named '\(name)' in the catalogue (it holds \(known.isEmpty ? "none" : names)); add an entry for it or ask for one of those"
        case let .missingFile(name, file, root):
            return "the \(name) data set needs \(file) in \(root), which does not exist; restore the file shipped with the project"
        case let .unusable(name, error):
            return "the \(name) data set cannot be used: \(error)"
        }
    }
}
