import Foundation
import LinearAlgebra
import Testing

@testable import Datasets

/// `--labels COLUMN` (a class column left out of the numbers) and `--standardize` (StandardScaler's 1/N scaling).
@Suite struct LabelsAndStandardizationTests {
    @Test func aColumnOfNamesBecomesLabelsAndLeavesTheNumbers() throws {
        let file = try TemporaryCSV(text: "a,species,b\n1,versicolor,2\n3,setosa,4\n5,versicolor,6\n")
        let data = try Dataset.load(csv: file.url, labelColumn: "species")
        #expect(data.columnNames == ["a", "b"])
        #expect(data.values == Matrix(rows: 3, columns: 2, elements: [1, 2, 3, 4, 5, 6]))
        #expect(data.classNames == ["setosa", "versicolor"])            // Unicode order
        #expect(data.labels == [1, 0, 1])
        #expect(data.labelColumn == "species")
        #expect(data.className(0) == "setosa")
    }

    @Test func integerClassesAreOrderedByValue() throws {
        let file = try TemporaryCSV(text: "x,y,class\n1,2,10\n3,4,9\n5,6,010\n7,8,2\n")
        let data = try Dataset.load(csv: file.url, labelColumn: "class")
        #expect(data.classNames == ["2", "9", "10"])                    // numeric, not "10" < "2"; "010" is class 10
        #expect(data.labels == [2, 1, 2, 0])
    }

    @Test func aMissingLabelColumnAndATextColumnSayWhatToDo() throws {
        let file = try TemporaryCSV(text: "a,species\n1,setosa\n2,virginica\n")
        #expect { try Dataset.load(csv: file.url, labelColumn: "kind") } throws: { error in
            "\(error)".contains("no column of that name") && "\(error)".contains("\"species\"")
        }
        #expect { try Dataset.load(csv: file.url) } throws: { error in
            "\(error)".contains("is not a number") && "\(error)".contains("--labels \"species\"")
        }
        let empty = try TemporaryCSV(text: "a,species\n1,setosa\n2,\n")
        #expect { try Dataset.load(csv: empty.url, labelColumn: "species") } throws: { error in
            "\(error)".contains("needs a class")
        }
    }

    /// Every column: mean 0 and 1/N variance 1, recomputed here; the means and deviations are kept.
    @Test func standardisingCentresAndScalesEveryColumnWithOneOverN() throws {
        let x = Matrix(rows: 4, columns: 2, elements: [1, 10, 2, 20, 3, 30, 6, 0])
        let data = try Dataset(name: "t.csv", columnNames: ["a", "b"], values: x).standardized()
        for j in 0..<2 {
            let column = (0..<4).map { data.values[$0, j] }
            let mean = column.reduce(0, +) / 4
            let variance = column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 4
            #expect(abs(mean) <= 1e-15 && abs(variance - 1) <= 1e-14)
        }
        #expect(data.standardization?.means == [3, 15])
        #expect(abs(data.standardization!.standardDeviations[0] - (3.5).squareRoot()) <= 1e-15)   // (4 + 1 + 0 + 9)/4
    }

    @Test func aConstantColumnIsRefusedByName() {
        let x = Matrix(rows: 3, columns: 2, elements: [1, 0.1, 2, 0.1, 3, 0.1])
        #expect { try Dataset(name: "t.csv", columnNames: ["a", "flat"], values: x).standardized() } throws: { error in
            "\(error)".contains("\"flat\"") && "\(error)".contains("constant")
        }
    }
}
