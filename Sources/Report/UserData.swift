import Datasets
import Foundation

/// `--data FILE.csv` (with `--labels COLUMN` and `--standardize`) read for the lessons that take it: one loader for
/// `build` (`ReportBuilder`) and `figures` (`FigureExport`), so both refuse a bad file with the same message.
enum UserData {
    static func load(_ file: URL, labelColumn: String?, standardize: Bool) throws(ReportError) -> Dataset {
        do {
            let loaded = try Dataset.load(csv: file, labelColumn: labelColumn)
            return standardize ? try loaded.standardized() : loaded
        } catch {
            throw .data("cannot use --data \(file.path): \(error). Fix the file (a header row of column names, then one row of numbers per observation) or leave out --data")
        }
    }
}
