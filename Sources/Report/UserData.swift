import Datasets
import Foundation
import LessonKit

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

    /// Refuses data with missing cells when one of `lessons` takes `--data` but needs every value; the message names
    /// the first missing cell and `alternative`, the slug of a lesson that fits missing values (when nil, the first of
    /// `lessons` that does).
    static func requireComplete(_ data: Dataset, file: URL, for lessons: [any Lesson], alternative: String?) throws(ReportError) {
        guard data.missing != nil,
              let strict = lessons.first(where: { $0.acceptedOptions.contains(.data) && !$0.acceptsMissingValues }) else { return }
        let alternative = alternative ?? lessons.first { $0.acceptedOptions.contains(.data) && $0.acceptsMissingValues }?.slug
        do {
            try data.requireComplete(for: strict.slug, alternative: alternative)
        } catch {
            throw .data("cannot use --data \(file.path) for the \(strict.slug) lesson: \(error)")
        }
    }
}
