import Foundation
import Testing

/// `--data` with missing cells from the command line: the linear-family lesson fits them and reports how many there
/// were; the PCA lesson refuses the same file, naming its first missing cell and the lesson that takes it.
@Suite struct MissingValuesCLITests {
    let lessons = CLIRunner.repository.appendingPathComponent("Lessons").path

    @Test func theLinearFamilyLessonFitsATableWithMissingCells() throws {
        let folder = TemporaryFolder()
        var text = "height,width,depth,weight\n"
        // A fixed table: 40 rows of a one-factor model written with a deterministic recurrence, 7 cells missing.
        var state: UInt64 = 12345
        func uniform() -> Double { state = state &* 6364136223846793005 &+ 1442695040888963407; return Double(state >> 11) / Double(1 << 53) }
        var missing = 0
        for row in 0..<40 {
            let z = uniform() * 4 - 2
            var cells = [2 * z, z + 0.3 * uniform(), -z + 0.5 * uniform(), 0.5 * z + uniform()].map { String($0) }
            if row % 6 == 3 { cells[row % 4] = row % 12 == 3 ? "" : "NA"; missing += 1 }
            text += cells.joined(separator: ",") + "\n"
        }
        let csv = folder.url.appendingPathComponent("table.csv")
        try Data(text.utf8).write(to: csv)
        let run = try CLIRunner.run(["build", "--lesson", "linear-family", "--quick", "--quiet", "--lessons", lessons,
                                     "--data", csv.path, "--latent-dim", "1"], in: folder.url)
        #expect(run.status == 0, "\(run.stderr)")
        let results = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.url.appendingPathComponent("output/linear-family/results.json"))) as? [String: Any]
        let missingData = results?["missing_data"] as? [String: Any]
        let user = missingData?["user"] as? [String: Any]
        #expect(user?["missing_cells"] as? Int == missing)
        let fa = results?["factor_analysis"] as? [String: Any]
        #expect((fa?["noise_variances"] as? [Double])?.count == 4)

        let refused = try CLIRunner.run(["build", "--lesson", "pca", "--quick", "--quiet", "--lessons", lessons, "--data", csv.path,
                                         "--out", "pca-site"], in: folder.url)
        #expect(refused.status != 0)
        for phrase in ["line 5, column 4", "The pca lesson needs every value", "--lesson linear-family"] {
            #expect(refused.stderr.contains(phrase), "\(phrase) in \(refused.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.url.appendingPathComponent("pca-site").path))
    }
}
