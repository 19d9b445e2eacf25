import Foundation
import LinearAlgebra
import Testing

@testable import Datasets

/// Empty cells, `NA`, `N/A` and `NaN` are missing values: NaN in the matrix, counted, the first one located, and
/// refused with that place by a lesson that needs every value.
@Suite struct MissingValuesTests {
    @Test func missingCellsAreReadAsNaNAndCounted() throws {
        let file = try TemporaryCSV(text: "a,b,c\n1,2,3\n4,,6\nNA,8,nan\n10,N/A,12\n13,14,15\n")
        let data = try Dataset.load(csv: file.url)
        let missing = try #require(data.missing)
        #expect(missing.count == 4)
        #expect(missing.rows == 3)
        #expect(missing.first == MissingValues.Cell(line: 3, column: 2, columnName: "b", dataRow: 2, spelling: "an empty cell"))
        let nan = data.values.elements.indices.filter { data.values.elements[$0].isNaN }
        #expect(nan == [4, 6, 8, 10])
        #expect(data.values[4, 2] == 15)
    }

    @Test func aCompleteFileHasNoMissingValues() throws {
        let file = try TemporaryCSV(text: "a,b\n1,2\n3,4\n")
        #expect(try Dataset.load(csv: file.url).missing == nil)
    }

    @Test func missingCellsWithALabelColumn() throws {
        let file = try TemporaryCSV(text: "a,kind,b\n1,x,\n2,y,3\n,x,5\n")
        let data = try Dataset.load(csv: file.url, labelColumn: "kind")
        #expect(data.missing?.count == 2)
        #expect(data.missing?.first.column == 3)
        #expect(data.labels == [0, 1, 0])
    }

    @Test func requireCompleteNamesTheFirstMissingCellAndTheLessonThatFitsIt() throws {
        let file = try TemporaryCSV(text: "a,b\n1,2\n3,4\n5,NA\n")
        let data = try Dataset.load(csv: file.url)
        let error = #expect(throws: DatasetError.self) { try data.requireComplete(for: "pca", alternative: "linear-family") }
        let text = String(describing: error!)
        for phrase in ["line 4, column 2", "column \"b\" in data row 3", "(\"NA\")", "the only missing cell", "The pca lesson needs every value", "--lesson linear-family"] {
            #expect(text.contains(phrase), "\(phrase) in \(text)")
        }
    }

    @Test func standardisingSkipsTheMissingCells() throws {
        let file = try TemporaryCSV(text: "a,b\n1,2\n3,\n5,6\n")
        let data = try Dataset.load(csv: file.url).standardized()
        let means = try #require(data.standardization?.means)
        #expect(means == [3, 4])
        #expect(data.values[1, 1].isNaN)
        #expect(abs(data.values[0, 1] + 1) < 1e-15 && abs(data.values[2, 1] - 1) < 1e-15)
    }
}
