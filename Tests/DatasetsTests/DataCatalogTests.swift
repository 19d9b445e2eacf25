import Dispatch
import Foundation
import Synchronization
import Testing

@testable import Datasets

/// `DataCatalog`: data sets by name, read once on the first request (from any thread), what was read recorded for
/// the manifest, and a clear error naming the data set, file and folder when a file is missing or unusable.
@Suite struct DataCatalogTests {
    static let grid = DatasetName(rawValue: "grid")
    static let plain = DatasetName(rawValue: "plain")

    /// A root folder with `sets/grid.csv` (2 × 2 images, 3 rows) + `sets/grid_labels.csv`, and `sets/plain.csv`.
    final class Root {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lvm-catalog-\(UUID().uuidString)")
        init(labels: String = "label\n0\n1\n2\n", grid: String = "pixel_0_0,pixel_0_1,pixel_1_0,pixel_1_1\n1,2,3,4\n5,6,7,8\n9,10,11,12\n") throws {
            let sets = url.appendingPathComponent("sets")
            try FileManager.default.createDirectory(at: sets, withIntermediateDirectories: true)
            try grid.write(to: sets.appendingPathComponent("grid.csv"), atomically: true, encoding: .utf8)
            try labels.write(to: sets.appendingPathComponent("grid_labels.csv"), atomically: true, encoding: .utf8)
            try "a,b\n1,2\n3,4\n".write(to: sets.appendingPathComponent("plain.csv"), atomically: true, encoding: .utf8)
        }
        deinit { try? FileManager.default.removeItem(at: url) }

        func remove(_ file: String) throws { try FileManager.default.removeItem(at: url.appendingPathComponent(file)) }

        func catalog() -> DataCatalog {
            DataCatalog(root: url, entries: [
                .init(name: DataCatalogTests.grid, file: "sets/grid.csv", labelsFile: "sets/grid_labels.csv", labelRange: 0...2,
                      imageShape: .init(rows: 2, columns: 2), source: "made up for the tests"),
                .init(name: DataCatalogTests.plain, file: "sets/plain.csv", source: "made up too"),
            ])
        }
    }

    @Test func givesTheDataSetWithItsLabelsAndShape() throws {
        let root = try Root()
        let grid = try root.catalog().dataset(Self.grid)
        #expect(grid.count == 3 && grid.dimension == 4)
        #expect(grid.labels == [0, 1, 2])
        #expect(grid.imageShape == Dataset.ImageShape(rows: 2, columns: 2))
        #expect(grid.name == "grid.csv")
        let plain = try root.catalog().dataset(Self.plain)
        #expect(plain.labels == nil && plain.imageShape == nil)
    }

    /// Nothing is read before the first request; the second request gets the first one's data set even after the
    /// file has gone; only the data sets asked for are listed, in the order of the entries.
    @Test func readsOnceOnFirstRequestAndRecordsWhatItRead() throws {
        let root = try Root()
        let catalog = root.catalog()
        #expect(catalog.loadedFiles.isEmpty)
        _ = try catalog.dataset(Self.plain)
        #expect(catalog.loadedFiles.map(\.path) == ["sets/plain.csv"])
        _ = try catalog.dataset(Self.grid)
        #expect(catalog.loadedFiles.map(\.path) == ["sets/grid.csv", "sets/grid_labels.csv", "sets/plain.csv"])
        #expect(catalog.loadedFiles[0].url == root.url.appendingPathComponent("sets/grid.csv"))
        try root.remove("sets/grid.csv")
        #expect(try catalog.dataset(Self.grid).count == 3, "served from the first read")
    }

    /// Many threads asking at once all get the same data set.
    /// A view (one per lesson computed at once) shares the loads but keeps its own requests; the catalogue it is a
    /// view of records every request.
    @Test func aViewSharesTheLoadsAndKeepsItsOwnRequests() throws {
        let root = try Root()
        let catalog = root.catalog()
        let (a, b) = (catalog.view(), catalog.view())
        _ = try a.dataset(Self.grid)
        try root.remove("sets/grid.csv")
        #expect(try b.dataset(Self.grid).count == 3, "b gets the data set a read")
        _ = try b.dataset(Self.plain)
        #expect(a.requested == [Self.grid])
        #expect(b.requested == [Self.grid, Self.plain])
        #expect(catalog.requested == [Self.grid, Self.grid, Self.plain])
        #expect(catalog.loadedNames == [Self.grid, Self.plain] && a.loadedNames == catalog.loadedNames)
    }

    @Test func concurrentRequestsGetTheSameDataSet() throws {
        let root = try Root()
        let catalog = root.catalog()
        let rows = Mutex<[Int]>([])
        DispatchQueue.concurrentPerform(iterations: 32) { k in
            let set = try? catalog.dataset(k.isMultiple(of: 2) ? Self.grid : Self.plain)
            rows.withLock { $0.append(set?.count ?? -1) }
        }
        #expect(rows.withLock { $0 }.sorted() == Array(repeating: 2, count: 16) + Array(repeating: 3, count: 16))
        #expect(catalog.loadedFiles.count == 3)
    }

    @Test func aMissingFileIsReportedWhenAskedForWithItsFolder() throws {
        let root = try Root()
        try root.remove("sets/grid_labels.csv")
        let catalog = root.catalog()
        _ = try catalog.dataset(Self.plain)  // the other data set is unaffected
        let error = DataCatalogError.missingFile(Self.grid, file: "sets/grid_labels.csv", root: root.url.path)
        #expect(throws: error) { try catalog.dataset(Self.grid) }
        #expect(throws: error, "the error is kept, like a data set") { try catalog.dataset(Self.grid) }
        #expect(error.description == "the grid data set needs sets/grid_labels.csv in \(root.url.path), which does not exist; restore the file shipped with the project")
        #expect(catalog.loadedFiles.map(\.path) == ["sets/plain.csv"], "a failed read is not fingerprinted")
    }

    @Test func anUnknownNameListsTheKnownOnes() throws {
        let root = try Root()
        let error = DataCatalogError.unknown("digitz", known: [Self.grid, Self.plain])
        #expect(throws: error) { try root.catalog().dataset("digitz") }
        #expect(error.description.contains("no data set is named 'digitz' in the catalogue (it holds 'grid', 'plain')"))
    }

    @Test(arguments: [
        ("label\n0\n1\n", "expected one column of 3 labels (one per row of the data) but found 1 column(s) and 2 row(s)"),
        ("label\n0\n1\n7\n", "line 4, column 1: label 7.0 is not a whole number in 0–2"),
        ("label\n0\n1.5\n2\n", "line 3, column 1: label 1.5 is not a whole number in 0–2"),
    ])
    func badLabelsSayWhatIsWrong(labels: String, message: String) throws {
        let root = try Root(labels: labels)
        do throws(DataCatalogError) {
            _ = try root.catalog().dataset(Self.grid)
            Issue.record("no error")
        } catch {
            guard case .unusable(Self.grid, let cause) = error else { Issue.record("\(error)"); return }
            #expect(cause.description.contains(message), "\(cause)")
            #expect(error.description.hasPrefix("the grid data set cannot be used: \(root.url.path)/sets/grid_labels.csv"))
            #expect(error.description.hasSuffix("; restore the file shipped with the project"))
        }
    }

    @Test func aHeaderThatIsNotTheDeclaredImageGridIsRefused() throws {
        let root = try Root(grid: "a,b,c,d\n1,2,3,4\n5,6,7,8\n9,10,11,12\n")
        #expect(throws: DataCatalogError.self) { try root.catalog().dataset(Self.grid) }
        do throws(DataCatalogError) { _ = try root.catalog().dataset(Self.grid) } catch {
            #expect(error.description.contains("sets/grid.csv, line 1: the header must name the pixels of 2 × 2 images pixel_R_C"), "\(error)")
        }
    }
}
