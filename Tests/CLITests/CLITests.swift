import Foundation
import Report
import Testing

/// The command line as a user meets it: the built binary, its help, its errors and exit codes, and the safety of
/// `--out`. Builds use `--lesson pca --quick` with the repository's lesson texts to stay fast.
@Suite struct CLITests {
    let lessons = CLIRunner.repository.appendingPathComponent("Lessons").path

    @Test func helpListsTheSubcommandsAndEveryBuildOption() throws {
        let folder = TemporaryFolder()
        let root = try CLIRunner.run(["--help"], in: folder.url)
        #expect(root.status == 0)
        for word in ["build", "list", "gallery", "handout", "--version"] { #expect(root.stdout.contains(word), "\(word)") }
        let build = try CLIRunner.run(["build", "--help"], in: folder.url)
        #expect(build.status == 0)
        for option in ["--lesson <NAME>", "--out <DIR>", "--format <LIST>", "--seed <N>", "--data <FILE.csv>", "--latent-dim <Q>",
                       "--quick", "--lessons <DIR>", "--scale <N>", "--quiet", "--force", "--single-file"] {
            #expect(build.stdout.contains(option), "\(option)")
        }
        #expect(build.stdout.contains("(default: output)") && build.stdout.contains("(default: png)"))
        // What the lessons declare: the lesson names and which lessons take --data and --latent-dim.
        let help = build.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(help.contains("A lesson to build: pca, ppca, linear-family, nonlinear or vae."), "\(help)")
        #expect(help.contains("For the pca, ppca and linear-family lessons.") && help.contains("For the ppca and linear-family lessons."), "\(help)")
    }

    @Test func versionIsTheToolVersion() throws {
        let folder = TemporaryFolder()
        let run = try CLIRunner.run(["--version"], in: folder.url)
        #expect(run.status == 0)
        #expect(run.stdout == ToolInfo.version + "\n")
    }

    @Test(arguments: [
        (["build", "--lesson", "pcaa"], "unknown lesson 'pcaa' in --lesson. Choose from pca, ppca, linear-family, nonlinear, vae"),
        (["build", "--format", "png,gif"], "unknown format 'gif' in --format"),
        (["build", "--scale", "0"], "Give a PNG scale with 0 < N ≤ 8"),
        (["build", "--scale", "nan"], "Give a PNG scale"),
        (["build", "--latent-dim", "0"], "the latent dimension must be at least 1"),
        (["build", "--latent-dim", "2", "--lesson", "pca"], "--latent-dim applies only to the ppca and linear-family lessons; add one of them with --lesson"),
        (["build", "--seed", "-1"], "The value '-1' is invalid for '--seed <N>'"),
        (["build", "--data", "does-not-exist.csv"], "--data does-not-exist.csv: no such file. Pass a CSV file"),
        (["build", "--data", "x.csv", "--lesson", "nonlinear"], "--data applies only to the pca, ppca and linear-family lessons; add one of them with --lesson or leave out --data."),
        (["build", "--lessons", "/no/such/folder"], "--lessons /no/such/folder: no such folder"),
        (["build", "--bogus"], "Unknown option '--bogus'"),
        (["build", "--single-file", "--format", "svg"], "--single-file embeds the figures as PNG only; leave out --format"),
        (["build", "--lessons", "."], "has no 01-pca.md. Pass --lessons with the folder that holds the lesson texts"),
        (["frobnicate"], "Unexpected argument 'frobnicate'"),
    ])
    func badOptionsSayWhatToDo(arguments: [String], message: String) throws {
        let folder = TemporaryFolder()
        try "a,b\n1,2\n".write(to: folder.url.appendingPathComponent("x.csv"), atomically: true, encoding: .utf8)
        let run = try CLIRunner.run(arguments + (arguments.first != "build" || arguments.contains("--lessons") ? [] : ["--lessons", lessons]), in: folder.url)
        #expect(run.status != 0)
        #expect(run.stderr.contains(message), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.url.appendingPathComponent("output").path), "nothing written")
    }

    /// The command line names no data file: a lessons folder with the texts but no data is accepted, and the build
    /// fails, writing nothing, when a lesson asks for the missing data set.
    @Test func missingShippedDataFailWhenALessonAsksForThem() throws {
        let folder = TemporaryFolder()
        let texts = folder.url.appendingPathComponent("texts")
        try FileManager.default.createDirectory(at: texts, withIntermediateDirectories: true)
        for name in ["01-pca.md", "02-ppca.md", "04-nonlinear-lvm.md", "index.md"] {
            try FileManager.default.copyItem(at: URL(fileURLWithPath: lessons).appendingPathComponent(name), to: texts.appendingPathComponent(name))
        }
        let run = try CLIRunner.run(["build", "--lesson", "pca", "--quick", "--lessons", "texts"], in: folder.url)
        #expect(run.status == 1)
        #expect(run.stderr.contains("error: the pca lesson asked for data: the digits data set needs data/digits.csv in \(texts.path), which does not exist; restore the file shipped with the project, or pass --lessons"), "\(run.stderr)")
        #expect(folder.entries == ["texts"], "nothing written")
    }

    @Test func unreadableDataFailsBeforeAnythingIsWritten() throws {
        let folder = TemporaryFolder()
        try "".write(to: folder.url.appendingPathComponent("empty.csv"), atomically: true, encoding: .utf8)
        let run = try CLIRunner.run(["build", "--lesson", "pca", "--quick", "--lessons", lessons, "--data", "empty.csv"], in: folder.url)
        #expect(run.status == 1)
        #expect(run.stderr.contains("error: cannot use --data"), "\(run.stderr)")
        #expect(run.stderr.contains("or leave out --data"))
        #expect(folder.entries == ["empty.csv"])
    }

    @Test func buildWritesTheSiteAndEndsWithItsPath() throws {
        let folder = TemporaryFolder()
        let run = try CLIRunner.run(["build", "--lesson", "pca", "--quick", "--lessons", lessons, "--seed", "3"], in: folder.url)
        #expect(run.status == 0, "\(run.stderr)")
        let last = run.stderr.split(separator: "\n").last.map(String.init) ?? ""
        let index = folder.url.appendingPathComponent("output/index.html").standardizedFileURL.path
        #expect(last.hasPrefix("Report: \(index) (built in "), "\(last)")
        #expect(run.stderr.contains("[1/1] pca"))
        let tree = CLIRunner.tree(folder.url.appendingPathComponent("output"))
        #expect(tree["index.html"] != nil && tree["pca/index.html"] != nil && tree["pca/results.json"] != nil && tree["manifest.json"] != nil)
        #expect(tree["ppca/index.html"] == nil)
        let manifest = String(decoding: tree["manifest.json"]!, as: UTF8.self)
        #expect(manifest.contains(#""seed": "3""#) && manifest.contains(#""quick": true"#))
        #expect(!manifest.contains(folder.url.path))
        #expect(folder.entries == [".output.lvm-cache", "output"], "no temporary folders left (the snapshots of the lessons are kept beside the report)")
    }

    @Test func quietPrintsNoProgress() throws {
        let folder = TemporaryFolder()
        let run = try CLIRunner.run(["build", "--lesson", "pca", "--quick", "--quiet", "--lessons", lessons], in: folder.url)
        #expect(run.status == 0)
        #expect(run.stderr.split(separator: "\n").allSatisfy { $0.hasPrefix("warning: ") }, "\(run.stderr)")
        #expect(run.stdout.isEmpty)
    }

    @Test func twoBuildsGiveByteIdenticalTrees() throws {
        let folder = TemporaryFolder()
        for out in ["a", "b"] {
            let run = try CLIRunner.run(["build", "--lesson", "pca", "--quick", "--quiet", "--lessons", lessons, "--out", out], in: folder.url)
            #expect(run.status == 0, "\(run.stderr)")
        }
        let a = CLIRunner.tree(folder.url.appendingPathComponent("a")), b = CLIRunner.tree(folder.url.appendingPathComponent("b"))
        #expect(a.count > 5)
        #expect(a == b)
    }

    @Test func refusesAFolderItDidNotWriteUnlessForced() throws {
        let folder = TemporaryFolder()
        let out = folder.url.appendingPathComponent("output")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try "mine".write(to: out.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let refused = try CLIRunner.run(["build", "--lesson", "pca", "--quick", "--lessons", lessons], in: folder.url)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("holds no manifest.json of lvm-lessons") && refused.stderr.contains("--force"), "\(refused.stderr)")
        #expect(CLIRunner.tree(out).keys.sorted() == ["notes.txt"])
        let forced = try CLIRunner.run(["build", "--lesson", "pca", "--quick", "--quiet", "--lessons", lessons, "--force"], in: folder.url)
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(CLIRunner.tree(out)["notes.txt"] == nil && CLIRunner.tree(out)["manifest.json"] != nil)
    }

    @Test func refusesToReplaceTheWorkingDirectory() throws {
        let folder = TemporaryFolder()
        try "keep".write(to: folder.url.appendingPathComponent("keep.txt"), atomically: true, encoding: .utf8)
        let run = try CLIRunner.run(["build", "--lesson", "pca", "--quick", "--lessons", lessons, "--out", ".", "--force"], in: folder.url)
        #expect(run.status == 1)
        #expect(run.stderr.contains("which a build would delete"), "\(run.stderr)")
        #expect(folder.entries == ["keep.txt"])
    }

    /// The process is killed (SIGKILL, no clean-up) before a stage: the previous report is intact, and the next build
    /// removes what the killed one left and succeeds.
    @Test(arguments: ["compute", "write", "manifest", "swap"])
    func aKilledBuildLeavesThePreviousReport(stage: String) throws {
        let folder = TemporaryFolder()
        let first = try CLIRunner.run(["build", "--lesson", "pca", "--quick", "--quiet", "--lessons", lessons], in: folder.url)
        #expect(first.status == 0, "\(first.stderr)")
        let out = folder.url.appendingPathComponent("output")
        let before = CLIRunner.tree(out)
        let killed = try CLIRunner.run(["build", "--lesson", "pca", "--quick", "--quiet", "--lessons", lessons, "--seed", "5"],
                                       in: folder.url, environment: ["LVM_LESSONS_CRASH_BEFORE": stage])
        #expect(killed.signalled && killed.status == 9, "status \(killed.status): \(killed.stderr)")
        #expect(CLIRunner.tree(out) == before)
        let next = try CLIRunner.run(["build", "--lesson", "pca", "--quick", "--quiet", "--lessons", lessons, "--seed", "5"], in: folder.url)
        #expect(next.status == 0, "\(next.stderr)")
        #expect(folder.entries == [".output.lvm-cache", "output"], "leftovers removed: \(folder.entries)")
        #expect(CLIRunner.tree(out)["manifest.json"] != before["manifest.json"])
    }

    @Test func listShowsLessonsAndSteps() throws {
        let folder = TemporaryFolder()
        let run = try CLIRunner.run(["list", "--lessons", lessons], in: folder.url)
        #expect(run.status == 0)
        for slug in ["pca — ", "ppca — ", "linear-family — ", "nonlinear — ", "vae — "] { #expect(run.stdout.contains(slug)) }
        #expect(run.stdout.contains("    1. "))
        // The options each lesson declares, under that lesson only.
        let sections = run.stdout.components(separatedBy: "\n").split { !$0.hasPrefix(" ") }.map { $0.joined(separator: "\n") }
        #expect(sections.count == 5)
        #expect(sections[0].contains("    --data: ") && !sections[0].contains("--latent-dim"))
        #expect(sections[1].contains("    --data: ") && sections[1].contains("    --latent-dim: "))
        #expect(sections[2].contains("    --data: ") && sections[2].contains("    --latent-dim: "))
        #expect(!sections[3].contains("    --"))
        #expect(!sections[4].contains("    --"))
    }

    @Test func lessonsAreFoundFromTheExecutableWhenNotInTheWorkingDirectory() throws {
        let folder = TemporaryFolder()
        let run = try CLIRunner.run(["list"], in: folder.url)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("pca — "))
    }

    @Test func galleryDrawsEveryMark() throws {
        let folder = TemporaryFolder()
        let run = try CLIRunner.run(["gallery", "--out", "g", "--format", "png,svg", "--scale", "1"], in: folder.url)
        #expect(run.status == 0, "\(run.stderr)")
        let files = CLIRunner.tree(folder.url.appendingPathComponent("g")).keys
        #expect(files.contains { $0.hasSuffix(".png") } && files.contains { $0.hasSuffix(".svg") })
        #expect(!files.contains { $0.hasSuffix(".pdf") })
        // --format repeated, and the shared --scale check.
        let repeated = try CLIRunner.run(["gallery", "--out", "h", "--format", "svg", "--format", "PDF", "--scale", "1"], in: folder.url)
        #expect(repeated.status == 0, "\(repeated.stderr)")
        let kinds = Set(CLIRunner.tree(folder.url.appendingPathComponent("h")).keys.map { $0.split(separator: ".").last! })
        #expect(kinds == ["svg", "pdf"])
        let bad = try CLIRunner.run(["gallery", "--out", "i", "--format", "gif", "--scale", "9"], in: folder.url)
        #expect(bad.status != 0 && bad.stderr.contains("unknown format 'gif' in --format"), "\(bad.stderr)")
        let scale = try CLIRunner.run(["gallery", "--out", "i", "--scale", "9"], in: folder.url)
        #expect(scale.status != 0 && scale.stderr.contains("Give a PNG scale with 0 < N ≤ 8"), "\(scale.stderr)")
    }
}
