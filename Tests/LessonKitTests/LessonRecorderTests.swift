import Datasets
import Foundation
import LinearAlgebra
import Synchronization
import Plotting
import Testing
@testable import LessonKit

@Suite struct LessonRecorderTests {
    @Test func aValueAndItsLabelAreRecordedAtOnePath() {
        var page = LessonRecorder()
        page.group("toy") { page in
            page.value("mean", [3.0, 2.0], "μ, the sample mean", "1/N")
            page.label("mean.0", "μ₁")
            page.group("fit") { page in page.value("iterations", 12, "EM iterations") }
        }
        page.store("hidden", at: "raw")
        let result = page.result
        #expect(result.results["toy"]?.value(at: "mean.1") == .number(2))
        #expect(result.results["toy"]?.value(at: "fit.iterations") == .integer(12))
        #expect(result.results["raw"] == .string("hidden"))
        #expect(result.quantities["toy.mean"] == Quantity("μ, the sample mean", convention: "1/N"))
        #expect(result.quantities["toy.mean.0"] == Quantity("μ₁"))
        #expect(result.quantities["toy.fit.iterations"]?.label == "EM iterations")
        #expect(result.quantities["raw"] == nil)
    }

    /// `LessonRecorder(observing:)` tells the context of each figure as it is recorded (a frame sequence and its
    /// print version `NAME-steps`), so `lvm-lessons figures` can render it while the lesson computes on.
    @Test func anObservingRecorderReportsEachFigureWhenRecorded() throws {
        let seen = Mutex<[String]>([])
        var context = LessonContext(lesson: "t", seed: 1, quick: true, data: DataCatalog(root: URL(fileURLWithPath: "/"), entries: []))
        context.figureRecorded = { name, _ in seen.withLock { $0.append(name) } }
        var page = LessonRecorder(observing: context)
        page.figure("a", Figure(width: 100, height: 80))
        #expect(seen.withLock { $0 } == ["a"], "before the lesson ends")
        page.frames("b", [("1", Figure(width: 100, height: 80)), ("2", Figure(width: 100, height: 80))], steps: [0, 1], columns: 2,
                    title: "B")
        #expect(seen.withLock { $0 } == ["a", "b", "b-steps"])
        #expect(Set(page.result.figures.keys) == ["a", "b", "b-steps"])
        var quiet = LessonRecorder()
        quiet.figure("c", Figure(width: 100, height: 80))
        #expect(seen.withLock { $0 }.count == 3, "a recorder without a context tells nobody")
    }

    @Test func checksKeepBothSidesSortedByName() {
        var page = LessonRecorder()
        page.check("b.relative", method: "m", expected: 4, computed: 3, tolerance: 0.3, relative: true)
        page.check("a.absolute", method: "m", expected: 1, computed: 1.5, tolerance: 0.1)
        let result = page.result
        #expect(result.checks.map(\.name) == ["a.absolute", "b.relative"])
        #expect(result.checks[0].difference == 0.5 && !result.checks[0].holds)
        #expect(result.checks[1].difference == 0.25 && result.checks[1].holds)
        guard case .array(let entries)? = result.results["checks"] else { Issue.record("no checks list"); return }
        #expect(entries.count == 2)
        #expect(entries[0].value(at: "name") == "a.absolute")
        #expect(entries[0].value(at: "expected") == .number(1) && entries[0].value(at: "computed") == .number(1.5))
        #expect(entries[0].value(at: "difference") == .number(0.5) && entries[0].value(at: "tolerance") == .number(0.1))
        #expect(entries[0].value(at: "relative") == nil)
        #expect(entries[1].value(at: "relative") == .bool(true))
    }

    @Test func aNaNCheckDoesNotHold() {
        #expect(!Check(name: "n", method: "m", expected: .nan, computed: 1, tolerance: 1).holds)
    }

    @Test func figuresFramesAndTablesByName() {
        var page = LessonRecorder()
        page.figure("one", Figure())
        page.frames("many", [(label: "a", figure: Figure()), (label: "b", figure: Figure())], steps: [0, 1], columns: 2,
                    title: "both")
        page.table("t", Table(columns: ["q", "x"], rows: [[1, .number(2.5, .fixed(1))]]))
        let result = page.result
        #expect(result.figures.keys.sorted() == ["many", "many-steps", "one"])
        if case .frames(let frames, let labels)? = result.figures["many"] {
            #expect(frames.count == 2 && labels == ["a", "b"])
        } else { Issue.record("frames not recorded") }
        // The print version: both frames side by side, 640 pt wide, each panel titled with its frame's label.
        if case .single(let steps)? = result.figures["many-steps"] {
            #expect(steps.width == 640 && steps.columns == 2 && steps.rows == 1 && steps.title == "both")
            #expect(steps.axes.map(\.title) == ["a", "b"])
        } else { Issue.record("no print version") }
        #expect(result.tables["t"]?.rows == [[.integer(1), .number(2.5, .fixed(1))]])
    }
}

@Suite struct StepRandomTests {
    @Test func eachStepHasItsOwnStream() {
        var a = StepRandom.generator(seed: 7, lesson: "pca", step: "sweep")
        var b = StepRandom.generator(seed: 7, lesson: "pca", step: "sweep")
        var c = StepRandom.generator(seed: 7, lesson: "pca", step: "data")
        var d = StepRandom.generator(seed: 7, lesson: "ppca", step: "sweep")
        var e = StepRandom.generator(seed: 8, lesson: "pca", step: "sweep")
        let first = (0..<4).map { _ in a.next() }
        #expect(first == (0..<4).map { _ in b.next() })
        #expect(first != (0..<4).map { _ in c.next() })
        #expect(first != (0..<4).map { _ in d.next() })
        #expect(first != (0..<4).map { _ in e.next() })
    }

    @Test func theMixedSeedIsSplitMixOfSeedXorSplitMixOfTheFNVHash() {
        // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c (the published test vector).
        #expect(StepRandom.fnv1a("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(StepRandom.fnv1a("") == 0xcbf2_9ce4_8422_2325)
        var s = SplitMix64(seed: 5), h = SplitMix64(seed: StepRandom.fnv1a("l/s"))
        #expect(StepRandom.mixedSeed(seed: 5, lesson: "l", step: "s") == s.next() ^ h.next())
    }
}
