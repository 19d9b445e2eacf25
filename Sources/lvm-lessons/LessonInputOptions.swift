import ArgumentParser
import Foundation
import LessonKit
import Lessons
import Report

/// What the lessons compute from: `--seed`, `--data` with `--labels` and `--standardize`, `--latent-dim`, `--quick`.
/// Shared by `build` and `figures` (`@OptionGroup`), so a figure for the notes is drawn from the same numbers as the
/// page that shows it.
struct LessonInputOptions: ParsableArguments {
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("The seed of the random numbers (same seed, same bytes): a whole number 0 … 2⁶⁴ − 1.", valueName: "N"))
    var seed: UInt64 = ToolInfo.defaultSeed

    @Option(name: .customLong("data"), help: ArgumentHelp(BuildCommand.help(.data, "a CSV with a header row of column names, then numbers"), valueName: "FILE.csv"))
    var dataPath: String?

    @Option(name: .customLong("labels"), help: ArgumentHelp(
        "With --data: the column that holds each row's class (names or integers). It colours the scatters and is left out of the numbers.",
        valueName: "COLUMN"))
    var labelColumn: String?

    @Flag(name: .customLong("standardize"), help: "With --data: centre each column and divide it by its standard deviation (1/N), as scikit-learn's StandardScaler. Constant columns are refused.")
    var standardize = false

    @Option(name: .customLong("latent-dim"), help: ArgumentHelp(BuildCommand.help(.latentDimension, "1 ≤ q < number of columns"), valueName: "Q"))
    var latentDimension: Int?

    @Flag(help: "Fewer iterations and grid points: for tests and drafts.")
    var quick = false

    /// `--data` as a URL relative to the working directory.
    var dataFile: URL? {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        return dataPath.map { URL(fileURLWithPath: $0, relativeTo: cwd).standardizedFileURL }
    }

    /// Checks the values, and that some lesson of `lessons` takes `--data` and `--latent-dim` when they are given
    /// (the message names the lessons that do and how to add one: `add` is `"--lesson "` for build, empty for
    /// figures, whose arguments name the lessons).
    func check(for lessons: [any Lesson], add: String) throws {
        if let q = latentDimension {
            guard q >= 1 else {
                throw ValidationError("--latent-dim \(q): the latent dimension must be at least 1 (and less than the number of data columns).")
            }
            try requireATaker(of: .latentDimension, in: lessons, add: add)
        }
        if let dataPath {
            let url = URL(fileURLWithPath: dataPath)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
                throw ValidationError("--data \(dataPath): no such file. Pass a CSV file with a header row of column names, then one row of numbers per observation.")
            }
            guard FileManager.default.isReadableFile(atPath: url.path) else {
                throw ValidationError("--data \(dataPath): the file cannot be read. Check its permissions.")
            }
            try requireATaker(of: .data, in: lessons, add: add)
        }
        if dataPath == nil, labelColumn != nil || standardize {
            throw ValidationError("\(labelColumn != nil ? "--labels" : "--standardize") applies to your own data: add --data FILE.csv, or leave it out.")
        }
        if let labelColumn, labelColumn.isEmpty {
            throw ValidationError("--labels is empty. Give the name of the column that holds the classes, as the CSV header spells it.")
        }
    }

    /// Throws unless one of `lessons` declares `option` (`Lesson.acceptedOptions`); the message names the lessons
    /// that do.
    func requireATaker(of option: LessonOption, in lessons: [any Lesson], add: String) throws {
        guard option.takers(in: lessons).isEmpty else { return }
        let takers = option.takers(in: LessonCatalog.all).map(\.slug)
        switch takers.count {
        case 0:
            throw ValidationError("\(option.flag) applies to none of the lessons; leave it out.")
        case 1 where add.isEmpty:
            throw ValidationError("\(option.flag) applies only to the \(takers[0]) lesson; name it (\(takers[0]) or \(takers[0])/NAME) or leave out \(option.flag).")
        case 1:
            throw ValidationError("\(option.flag) applies only to the \(takers[0]) lesson; add \(add)\(takers[0]) or leave out \(option.flag).")
        default:
            throw ValidationError("\(option.flag) applies only to the \(BuildCommand.both(takers)) lessons; \(add.isEmpty ? "name one of them" : "add one of them with " + add.trimmingCharacters(in: .whitespaces)) or leave out \(option.flag).")
        }
    }
}
