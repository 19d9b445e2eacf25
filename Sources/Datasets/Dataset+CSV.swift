import CSV
import Foundation
import LinearAlgebra

/// Loading a data set from a CSV file, with a clear message for every way a file can be unusable.
///
/// The format: UTF-8 text (a byte-order mark is allowed), comma-separated, quoted cells allowed (RFC 4180, parsed by
/// yaslab/CSV.swift), a **header row of unique, non-empty column names**, then one observation per line with one
/// number per column. Spaces around cells are ignored; blank lines are skipped. Numbers are read by Swift's
/// `Double(_:)` (`1.5`, `-2`, `3e-4`); constant columns are valid.
///
/// What is refused, each with the file, the line (1-based, the header is line 1), the column (1-based) and what to do:
/// a missing or unreadable file, a folder, a file larger than `Dataset.maximumFileSize`, a binary file (a NUL byte, or
/// bytes that are not UTF-8), an empty file, a header without data rows, a header that is numbers (no header), a
/// header separated by `;` or tabs, an empty, duplicate or too long (`Dataset.maximumColumnNameLength`) column name,
/// more than `Dataset.maximumColumns` columns,
/// a row with too few or too many cells, a non-numeric cell, ±∞ (also overflow such as `1e999`), a column or a row
/// whose every cell is missing, and fewer than two data rows.
///
/// Missing values: an empty cell, `NA`, `N/A` or `NaN` (any case) is a missing value, NaN in `values`, counted in
/// `Dataset.missing` with the place of the first. Other markers (`null`, `?`, `-`) are refused with a message that
/// names the accepted ones. The lessons that need every value refuse such a data set (`Dataset.requireComplete`).
///
/// Image data: when the header names every column `pixel_R_C` (R = image row, C = image column, 0-based) covering a
/// full grid read row by row — as the digits do — `imageShape` is set, and the lessons draw the rows as images. No
/// other guess is made (a 4-column table is not a 2 × 2 image); name your columns that way to get image figures.
extension Dataset {
    /// Files larger than this (256 MiB) are refused before reading: the lessons keep the whole matrix and several
    /// copies of it in memory, and a teacher's data set for a lesson is far smaller.
    public static let maximumFileSize = 256 * 1024 * 1024
    /// Data with more columns than this are refused: the lessons form the d × d covariance and its
    /// eigendecomposition, O(d³) work (1024 columns take seconds; more would take minutes).
    public static let maximumColumns = 1024
    /// Column names longer than this (in characters) are refused: they label axes and table rows.
    public static let maximumColumnNameLength = 256

    /// Loads a CSV with a header row of column names and numeric cells (see the extension's documentation for the
    /// format and every refused case).
    ///
    /// With `labelColumn`, that column holds one class per row (names or integers, e.g. `setosa` or `3`): it is left
    /// out of the values and becomes `labels` (indices into `classNames`, the distinct classes in numeric order when
    /// every class is an integer, else in Unicode order).
    public static func load(csv url: URL, labelColumn: String? = nil) throws(DatasetError) -> Dataset {
        try parse(csvBytes: try readBytes(path: url.path), path: url.path, name: url.lastPathComponent, labelColumn: labelColumn)
    }

    /// `load(csv:)` through the general CSV reader only (no fast path): for tests that compare the two.
    static func loadWithGeneralReader(csv url: URL) throws(DatasetError) -> Dataset {
        try parse(csvBytes: try readBytes(path: url.path), path: url.path, name: url.lastPathComponent, generalReaderOnly: true)
    }

    /// The data set in `bytes`, the contents of the file `path` (named in messages): the fast path for plain numeric
    /// files (`PlainNumberCSV`), else the general reader. `bytes` is consumed: the text is made from it without a
    /// second copy. (The fuzz targets call this with arbitrary bytes.)
    static func parse(csvBytes bytes: consuming Data, path: String, name: String, labelColumn: String? = nil,
                      generalReaderOnly: Bool = false) throws(DatasetError) -> Dataset {
        var parser = CSVTable(path: path, labelColumn: labelColumn)
        if labelColumn == nil, !generalReaderOnly,
            let plain = bytes.withUnsafeBytes({ PlainNumberCSV($0.bindMemory(to: UInt8.self)) })
        {
            bytes = Data()  // the text is not needed any more: free it before the matrix is made
            try parser.adopt(plain)
        } else {
            let text = try decodeText(bytes, path: path)
            bytes = Data()
            try parser.parse(text)
        }
        return try parser.dataset(name: name)
    }

    // MARK: - Image data

    /// The image shape when the names are exactly `pixel_0_0, pixel_0_1, …, pixel_{R−1}_{C−1}` in row-major order.
    static func imageShape(columnNames names: [String]) -> Dataset.ImageShape? {
        var cells: [(Int, Int)] = []
        for name in names {
            let parts = name.split(separator: "_", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0] == "pixel", let r = Int(parts[1]), let c = Int(parts[2]), r >= 0, c >= 0
            else { return nil }
            cells.append((r, c))
        }
        guard let last = cells.last else { return nil }
        let (rows, columns) = (last.0 + 1, last.1 + 1)
        guard rows * columns == cells.count else { return nil }
        for (index, cell) in cells.enumerated() where cell != (index / columns, index % columns) { return nil }
        return Dataset.ImageShape(rows: rows, columns: columns)
    }

    // MARK: - Reading the bytes

    private static func readBytes(path: String) throws(DatasetError) -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadable(path: path, reason: "no such file; check the path (it is read relative to the folder you run the command in)")
        }
        guard !isDirectory.boolValue else {
            throw .unreadable(path: path, reason: "this is a folder, not a file; give the path of a .csv file")
        }
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let size = (attributes?[.size] as? NSNumber)?.intValue ?? 0
        guard size <= maximumFileSize else {
            throw .unreadable(path: path, reason: "the file is \(megabytes(size)) but at most \(megabytes(maximumFileSize)) are accepted; take a random sample of the rows (for example `shuf -n 20000`, keeping the header line) and try again")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(path: path, reason: "the file cannot be read (check its permissions)")
        }
        guard data.count <= maximumFileSize else {  // it grew between the two looks
            throw .unreadable(path: path, reason: "the file is \(megabytes(data.count)) but at most \(megabytes(maximumFileSize)) are accepted; take a sample of the rows and try again")
        }
        return data
    }

    private static func megabytes(_ bytes: Int) -> String {
        String(format: "%.1f MiB", Double(bytes) / 1_048_576)
    }

    /// The text of the file: refuses NUL bytes (binary files, UTF-16 text) and invalid UTF-8, naming the line and the
    /// byte offset (0-based) of the first bad byte; drops a UTF-8 byte-order mark.
    private static func decodeText(_ bytes: Data, path: String) throws(DatasetError) -> String {
        func line(atOffset offset: Int) -> Int { 1 + bytes.prefix(offset).lazy.filter { $0 == 0x0A }.count }
        if let nul = bytes.firstIndex(of: 0) {
            throw .invalid(path: path, row: line(atOffset: nul), column: nil,
                           reason: "a NUL byte at byte offset \(nul): this looks like a binary file (or UTF-16 text), not a CSV; export the data as CSV with UTF-8 encoding")
        }
        var iterator = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        var offset = 0
        decoding: while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded): offset += encoded.count
            case .emptyInput: break decoding
            case .error:
                throw .invalid(path: path, row: line(atOffset: offset), column: nil,
                               reason: "the bytes at byte offset \(offset) are not UTF-8 text: this is a binary file or text in another encoding; export the data as CSV with UTF-8 encoding")
            }
        }
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        return text
    }
}

/// The rows of a CSV file as they are read, with the line bookkeeping that the messages need.
private struct CSVTable {
    let path: String
    /// The column named by `--labels`, and its index once the header is read.
    let labelColumn: String?
    var labelIndex: Int?
    var labelCells: [String] = []
    var header: [String] = []
    var headerLine = 0
    var elements: [Double] = []
    var rowCount = 0
    var lastRowLine = 0
    /// Missing cells: how many, in how many rows, the first one, and per column how many.
    var missingCount = 0
    var rowsWithMissing = 0
    var firstMissing: MissingValues.Cell?
    var missingPerColumn: [Int] = []

    init(path: String, labelColumn: String? = nil) {
        self.path = path
        self.labelColumn = labelColumn
    }

    mutating func parse(_ text: String) throws(DatasetError) {
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: false, trimFields: true)
        } catch {
            throw .invalid(path: path, row: nil, column: nil, reason: "cannot be read as CSV (\(error)); save it as comma-separated UTF-8 text")
        }
        var line = 1  // the line on which the next row starts
        while let row = reader.next() {
            let rowLine = line
            line += 1 + row.reduce(0) { count, cell in
                count + (cell.utf8.contains(10) || cell.utf8.contains(13) ? cell.filter(\.isNewline).count : 0)
            }
            if row.count == 1 && row[0].isEmpty { continue }  // a blank line
            if header.isEmpty {
                try readHeader(row, line: rowLine)
            } else {
                try readData(row, line: rowLine)
            }
        }
        if let error = reader.error {
            throw .invalid(path: path, row: nil, column: nil, reason: "cannot be read as CSV (\(error)); save it as comma-separated UTF-8 text")
        }
    }

    private mutating func readHeader(_ row: [String], line: Int) throws(DatasetError) {
        if row.count == 1, let separator = [(";", "semicolons"), ("\t", "tabs")].first(where: { row[0].contains($0.0) }) {
            throw .invalid(path: path, row: line, column: nil,
                           reason: "the header is one cell containing \(separator.1): only commas separate columns here; save the file as comma-separated CSV")
        }
        if row.count == 1, Self.isNumbersSeparatedBySpaces(row[0]) {
            throw .invalid(path: path, row: line, column: nil,
                           reason: "the first line is numbers separated by spaces: add a header line naming each column, and separate the columns with commas")
        }
        if row.allSatisfy({ Double($0) != nil }) {
            throw .invalid(path: path, row: line, column: nil,
                           reason: "the first line holds numbers, not column names: add a header line naming each column (for example x1,x2,…)")
        }
        var seen: [String: Int] = [:]
        for (index, name) in row.enumerated() {
            guard !name.isEmpty else {
                let hint = index == 0 ? " (an unnamed first column is often a row index: save without it, e.g. pandas `index=False`)"
                    : index == row.count - 1 ? " (a comma at the end of the header line makes an extra, unnamed column)" : ""
                throw .invalid(path: path, row: line, column: index + 1,
                               reason: "column \(index + 1) has no name in the header; name every column\(hint)")
            }
            guard name.count <= Dataset.maximumColumnNameLength else {
                throw .invalid(path: path, row: line, column: index + 1,
                               reason: "the name of column \(index + 1) is \(name.count) characters long, but at most \(Dataset.maximumColumnNameLength) are accepted (names label the axes and tables); is the first line a header? Shorten the name")
            }
            if let first = seen[name] {
                throw .invalid(path: path, row: line, column: index + 1,
                               reason: "the column name \(quoted(name)) appears twice (columns \(first + 1) and \(index + 1)); column names must be unique: rename one of them")
            }
            seen[name] = index
        }
        if let labelColumn {
            guard let index = row.firstIndex(of: labelColumn) else {
                let names = row.prefix(12).map(quoted).joined(separator: ", ") + (row.count > 12 ? ", …" : "")
                throw .invalid(path: path, row: line, column: nil,
                               reason: "--labels names the column \(quoted(labelColumn)), but the header has no column of that name; the columns are \(names)")
            }
            guard row.count >= 2 else {
                throw .invalid(path: path, row: line, column: index + 1,
                               reason: "the label column \(quoted(labelColumn)) is the only column; the lessons need at least one column of numbers besides it")
            }
            labelIndex = index
        }
        guard row.count <= Dataset.maximumColumns else {
            throw .invalid(path: path, row: line, column: nil,
                           reason: "\(row.count) columns, but at most \(Dataset.maximumColumns) are accepted (the lessons work with the d × d covariance); keep fewer columns")
        }
        header = row
        headerLine = line
    }

    private mutating func readData(_ row: [String], line: Int) throws(DatasetError) {
        let dataRow = rowCount + 1
        guard row.count == header.count else {
            let firstBad = min(row.count, header.count) + 1
            let hint = row.count > header.count && row.last == "" ? " (a comma at the end of the line makes an empty extra cell)" : ""
            throw .invalid(path: path, row: line, column: firstBad,
                           reason: "data row \(dataRow) has \(row.count) cell\(row.count == 1 ? "" : "s") but the header names \(header.count) columns\(hint); every row needs exactly one value per column")
        }
        var missingInRow = 0
        for (index, cell) in row.enumerated() {
            let place = "the cell of column \(quoted(header[index])) in data row \(dataRow)"
            if index != labelIndex, cell.isEmpty || Self.missingMarkers.contains(cell.lowercased()) {
                if firstMissing == nil {
                    firstMissing = MissingValues.Cell(line: line, column: index + 1, columnName: header[index], dataRow: dataRow,
                                                      spelling: cell.isEmpty ? "an empty cell" : quoted(cell))
                }
                if missingPerColumn.isEmpty { missingPerColumn = [Int](repeating: 0, count: header.count) }
                missingPerColumn[index] += 1
                missingInRow += 1
                elements.append(.nan)
                continue
            }
            if index == labelIndex {
                guard !cell.isEmpty else {
                    throw .invalid(path: path, row: line, column: index + 1,
                                   reason: "\(place) is empty; every row of the label column needs a class: fill it in or remove the row")
                }
                labelCells.append(cell)
                continue
            }
            guard let value = Double(cell) else {
                let lower = cell.lowercased()
                let what = ["null", "none", "?", "-"].contains(lower)
                    ? "marks a missing value in a way this reader does not accept (write an empty cell, NA or NaN)" : "is not a number"
                let multiline = cell.contains(where: \.isNewline) ? " (it runs over several lines: is a \" quote left open?)"
                    : Self.isNumbersSeparatedBySpaces(cell) ? " (it holds several numbers separated by spaces: separate the columns with commas)" : ""
                throw .invalid(path: path, row: line, column: index + 1,
                               reason: "\(place) is \(quoted(cell)), which \(what)\(multiline); every cell must be a number such as 1.5, -2 or 3e-4: fix it, or remove the row or the column\(labelColumn == nil ? "; if the column holds class names, pass it with --labels \(quoted(header[index]))" : "")")
            }
            guard value.isFinite else {
                let what = value.isNaN ? "NaN (not a number) written in a form not read as a missing value" : (cell.lowercased().contains("inf") ? "infinite" : "too large for a 64-bit float (it overflows to infinity)")
                throw .invalid(path: path, row: line, column: index + 1,
                               reason: "\(place) is \(quoted(cell)), which is \(what); every value must be finite: fix it or remove the row")
            }
            elements.append(value)
        }
        let valueCount = header.count - (labelIndex == nil ? 0 : 1)
        if missingInRow == valueCount {
            throw .invalid(path: path, row: line, column: nil,
                           reason: "every value of data row \(dataRow) is missing; a row with nothing observed says nothing about the data: remove it")
        }
        if missingInRow > 0 { missingCount += missingInRow; rowsWithMissing += 1 }
        rowCount += 1
        lastRowLine = line
    }

    /// The spellings (in lower case) of a missing value, besides an empty cell.
    static let missingMarkers: Set<String> = ["na", "n/a", "nan"]

    /// True for text such as `59 2 32.1`: two or more numbers separated by spaces or tabs.
    // MARK: - Fast path for plain numeric files

    /// Takes a plain numeric file read by `PlainNumberCSV` (on every core, straight from the bytes; nil for anything
    /// else, including every kind of error, and the caller then runs the general reader, which gives the same dataset
    /// or the precise message). The header goes through `readHeader`, so its checks and messages are the general
    /// path's. Same bytes in ⇒ same doubles out (`DecimalText` gives `strtod`'s correctly rounded values).
    mutating func adopt(_ plain: PlainNumberCSV) throws(DatasetError) {
        try readHeader(plain.header, line: plain.headerLine)
        elements = plain.values
        rowCount = plain.rows
        lastRowLine = plain.lastRowLine
    }

    static func isNumbersSeparatedBySpaces(_ text: String) -> Bool {
        let tokens = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        return tokens.count >= 2 && tokens.allSatisfy { Double($0) != nil }
    }

    func dataset(name: String) throws(DatasetError) -> Dataset {
        guard !header.isEmpty else {
            throw .invalid(path: path, row: nil, column: nil,
                           reason: "the file is empty; it needs a header line of column names and at least two rows of numbers")
        }
        guard rowCount > 0 else {
            throw .invalid(path: path, row: headerLine, column: nil,
                           reason: "the file has a header but no data rows; add at least two rows of numbers below the header")
        }
        guard rowCount >= 2 else {
            throw .invalid(path: path, row: lastRowLine, column: nil,
                           reason: "only one data row; at least two are needed to estimate a mean and a covariance: add more rows")
        }
        if let column = missingPerColumn.firstIndex(of: rowCount) {
            throw .invalid(path: path, row: headerLine, column: column + 1,
                           reason: "every value of column \(quoted(header[column])) is missing (all \(rowCount) rows); a column with nothing observed cannot be fitted: remove it")
        }
        let missing = firstMissing.map { MissingValues(count: missingCount, rows: rowsWithMissing, first: $0) }
        guard let labelIndex else {
            var dataset = Dataset(name: name, columnNames: header,
                                  values: Matrix(rows: rowCount, columns: header.count, elements: elements),
                                  imageShape: Dataset.imageShape(columnNames: header))
            dataset.missing = missing
            return dataset
        }
        var names = header
        let labelName = names.remove(at: labelIndex)
        // Integer classes (every cell an integer, "3" and "03" the same class) in numeric order, else names in
        // Unicode order.
        let classes: [String], labels: [Int]
        let integers = labelCells.compactMap { Int($0) }
        if integers.count == labelCells.count {
            let sorted = Set(integers).sorted()
            let index = Dictionary(uniqueKeysWithValues: sorted.enumerated().map { ($1, $0) })
            (classes, labels) = (sorted.map(String.init), integers.map { index[$0]! })
        } else {
            let sorted = Set(labelCells).sorted()
            let index = Dictionary(uniqueKeysWithValues: sorted.enumerated().map { ($1, $0) })
            (classes, labels) = (sorted, labelCells.map { index[$0]! })
        }
        var dataset = Dataset(name: name, columnNames: names,
                              values: Matrix(rows: rowCount, columns: names.count, elements: elements),
                              labels: labels, imageShape: Dataset.imageShape(columnNames: names))
        dataset.classNames = classes
        dataset.labelColumn = labelName
        dataset.missing = missing
        return dataset
    }

    private func quoted(_ text: String) -> String {
        let short = text.count > 40 ? String(text.prefix(40)) + "…" : text
        return "\"" + short.replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r") + "\""
    }
}
