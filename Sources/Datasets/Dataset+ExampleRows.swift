/// Rows to show as examples of a data set (a lesson's reconstructions, say).
extension Dataset {
    /// The first row of each label 0 ..< `count`, in label order, when the data have labels and each of them occurs;
    /// otherwise the rows k·(N − 1)/(count − 1) for k = 0 … count − 1 (integer division: first and last row
    /// included, duplicates removed for short files), ascending. `count` ≥ 2.
    public func exampleRows(count: Int) -> [Int] {
        precondition(count >= 2, "Dataset.exampleRows: count must be at least 2")
        if let labels {
            let chosen = (0..<count).compactMap { label in labels.firstIndex(of: label) }
            if chosen.count == count { return chosen }
        }
        let n = self.count
        return Array(Set((0..<count).map { $0 * (n - 1) / (count - 1) })).sorted()
    }
}
