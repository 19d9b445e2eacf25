import Datasets
import Foundation

extension DatasetName {
    /// The digits: 1797 images of 8 × 8 grey levels 0–16 with their labels 0–9 (`LessonData.digits`).
    public static let digits: DatasetName = "digits"
}

/// The data sets that ship with the lessons, in `Lessons/data/`: the entries of the build's `DataCatalog`, read (and
/// listed in the manifest) only when asked for by name. A new data set is an entry here, a `DatasetName` and its files.
public enum LessonData {
    /// `data/digits.csv` (columns `pixel_R_C`) and `data/digits_labels.csv` (same order): scikit-learn's copy of the
    /// UCI "Optical Recognition of Handwritten Digits" data (provenance in `Lessons/data/README.md`).
    public static let digits = DataCatalog.Entry(
        name: .digits, file: "data/digits.csv", labelsFile: "data/digits_labels.csv", labelRange: 0...9,
        imageShape: Dataset.ImageShape(rows: 8, columns: 8),
        source: "Lessons/data/digits.csv (UCI optical digits, 8 × 8, grey levels 0–16)")

    /// Every shipped data set, in the order the manifest lists their files.
    public static let entries: [DataCatalog.Entry] = [digits]

    public static func catalog(in lessonsDirectory: URL) -> DataCatalog {
        DataCatalog(root: lessonsDirectory, entries: entries)
    }
}
