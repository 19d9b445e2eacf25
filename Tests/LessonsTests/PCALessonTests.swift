import Datasets
import Foundation
import LessonKit
import LinearAlgebra
import Models
import Plotting
import Testing

@testable import Lessons
import Report

/// The repository's `Lessons/` folder (texts and data).
let lessonsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Lessons")

/// The shipped data sets of the repository's `Lessons/`, each read once for all the tests that ask for it.
let sharedData = LessonData.catalog(in: lessonsFolder)

/// The digits (1797 × 64), from `sharedData`.
let sharedDigits: Dataset = try! sharedData.dataset(.digits)

/// A user data set without images: correlated columns with names, as a teacher's CSV would give.
func userTable(rows: Int, columns: Int, seed: UInt64) -> Dataset {
    var generator = Xoshiro256StarStar(seed: seed)
    var elements: [Double] = []
    for _ in 0..<rows {
        let common = generator.nextStandardNormal()
        for j in 0..<columns { elements.append(10 * Double(j) + common * Double(j + 1) + generator.nextStandardNormal()) }
    }
    return Dataset(name: "table.csv", columnNames: (0..<columns).map { "measurement \($0 + 1)" },
                   values: Matrix(rows: rows, columns: columns, elements: elements))
}

/// S = (1/N) Σₙ (xₙ − μ)(xₙ − μ)ᵀ summed with plain loops (no `Statistics`), for tests that check PCA against it.
func plainCovariance(_ x: Matrix) -> Matrix {
    let (n, d) = (x.rows, x.columns)
    let mean = (0..<d).map { j in (0..<n).reduce(0.0) { $0 + x[$1, j] } / Double(n) }
    var s = Matrix.zeros(d, d)
    for i in 0..<d {
        for j in 0...i {
            let sum = (0..<n).reduce(0.0) { $0 + (x[$1, i] - mean[i]) * (x[$1, j] - mean[j]) }
            s[i, j] = sum / Double(n)
            s[j, i] = s[i, j]
        }
    }
    return s
}

/// The PCA tests' data by name: the digits (nil: the lesson's default) or a seeded user table or image set.
func pcaTestData(_ kind: String) -> Dataset? {
    switch kind {
    case "user table d=2": return userTable(rows: 40, columns: 2, seed: 1)
    case "user table d=6": return userTable(rows: 30, columns: 6, seed: 2)
    case "user images 3x3":
        var images = userTable(rows: 25, columns: 9, seed: 3)
        images.columnNames = (0..<9).map { "pixel_\($0 / 3)_\($0 % 3)" }
        images.imageShape = Dataset.ImageShape(rows: 3, columns: 3)
        return images
    default: return nil
    }
}

func pcaContext(seed: UInt64 = 7, userData: Dataset? = nil) -> LessonContext {
    LessonContext(lesson: "pca", seed: seed, quick: true, data: sharedData, userData: userData)
}

@Suite struct PCALessonTests {
    static let figureNames: Set<String> = [
        "point-cloud", "data-overview", "centring", "principal-axes", "projection", "variance-vs-angle", "angle-sweep-steps", "scree",
        "error-vs-q", "mean-and-components", "reconstructions", "pc-projection", "what-pca-misses", "angle-sweep",
    ]

    /// Every reference of `Lessons/01-pca.md` resolves — for the digits and for user data of several kinds — and
    /// every value shown has a label.
    @Test(arguments: ["digits", "user table d=2", "user table d=6", "user images 3x3"])
    func textReferencesResolve(_ kind: String) throws {
        let userData = pcaTestData(kind)
        let result = try PCALesson().run(pcaContext(userData: userData))
        // Every reference resolves through the report's own renderer, every shown value has a label (the contract).
        try LessonContractTests.expectReferencesResolve(PCALesson(), lessonsFolder: lessonsFolder, result: result)
        let text = try LessonText.load(lessonsFolder.appendingPathComponent("01-pca.md"))
        #expect(text.steps.count == 8)  // steps 1–8 of the story, one function each in PCALesson.run
        // image data: the components also as a two-frame sequence (one scale / each its own), with its print version
        let images = userData == nil || userData?.imageShape != nil
        #expect(Set(result.figures.keys) == Self.figureNames.union(images ? ["mean-and-components-steps"] : []))
        // Every figure renders.
        for (name, output) in result.figures {
            switch output {
            case .single(let figure):
                #expect(try figure.render(.png, scale: 1).count > 1000, "\(name) (\(kind))")
            case let .frames(frames, labels):
                #expect(frames.count == labels.count && frames.count >= 2, "\(name)")
                #expect(try frames[1].render(.png, scale: 1).count > 1000, "\(name) (\(kind))")
            }
        }
    }

    @Test func resultsHoldTheDataSetKeysForTheDigits() throws {
        let result = try PCALesson().run(pcaContext())
        let r = JSONValue.object(result.results)
        #expect(r.value(at: "n") == .integer(sharedDigits.count))
        #expect(r.value(at: "d") == .integer(sharedDigits.dimension))
        for key in ["mean", "eigenvalues", "explained_variance_ratio", "components", "reconstruction_mse", "conventions"] {
            #expect(result.results[key] != nil, "\(key)")
        }
        guard case let .array(mse)? = r.value(at: "reconstruction_mse"), case let .array(components)? = r.value(at: "components")
        else { Issue.record("shapes"); return }
        #expect(mse.count == sharedDigits.dimension + 1)  // q = 0 … D
        #expect(components.count == min(sharedDigits.dimension, PCALesson.storedComponents))
        // Counted here from the data: the columns whose every value equals the first row's, and the eigenvalues of a
        // covariance summed here that are zero up to PCA's declared threshold. Each constant column is a direction of
        // zero variance, so there are at least as many zero eigenvalues as constant columns.
        let x = sharedDigits.values
        let constantColumns = (0..<x.columns).filter { j in (0..<x.rows).allSatisfy { x[$0, j] == x[0, j] } }.count
        #expect(constantColumns > 0, "the digits have blank border pixels")
        #expect(r.value(at: "constant_columns") == .integer(constantColumns))
        let eigenvalues = try SymmetricEigen(of: plainCovariance(x)).eigenvalues
        let total = eigenvalues.reduce(0, +)
        let zeroEigenvalues = eigenvalues.filter { $0 <= PCALesson.zeroEigenvalueFraction * total }.count
        #expect(zeroEigenvalues >= constantColumns)
        #expect(r.value(at: "zero_eigenvalues") == .integer(zeroEigenvalues))
        guard case let .number(difference)? = r.value(at: "identity_max_relative_difference") else { Issue.record("difference"); return }
        #expect(difference <= 64 * 64 * Double.ulpOfOne)
        #expect(r.value(at: "data.is_images") == .bool(true))
    }

    /// Step 5: on the angle grid, the largest variance and the smallest error both fall within half a grid step of
    /// the angle of u₁, and they are λ₁ and λ₂ up to the curvature of a cosine over half a step.
    @Test func sweepExtremesSitAtTheFirstEigenvector() throws {
        let result = try PCALesson().run(pcaContext(seed: 11))
        let toy = JSONValue.object(result.results)
        func number(_ path: String) throws -> Double {
            guard case let .number(x)? = toy.value(at: path) else { throw CancellationError() }
            return x
        }
        let step = try number("toy.sweep.step_degrees")
        let angle = try number("toy.angle_degrees")
        for key in ["toy.sweep.argmax_variance_degrees", "toy.sweep.argmin_error_degrees"] {
            let found = try number(key)
            let distance = min(abs(found - angle), 180 - abs(found - angle))
            #expect(distance <= step / 2 + 1e-9, "\(key) = \(found), u₁ at \(angle)")
        }
        let (l1, l2) = (try number("toy.eigenvalues.0"), try number("toy.eigenvalues.1"))
        // V(θ) = λ₁ cos²(θ − θ₁) + λ₂ sin²(θ − θ₁): half a step off costs at most (λ₁ − λ₂) sin²(step/2).
        let curvature = (l1 - l2) * pow(sin(step / 2 * .pi / 180), 2) + 1e-12
        #expect(abs(try number("toy.sweep.max_variance") - l1) <= curvature)
        #expect(abs(try number("toy.sweep.min_error") - l2) <= curvature)
        #expect(abs(try number("toy.identity_difference_q1")) <= 64 * Double.ulpOfOne * (l1 + l2))
        #expect(try number("toy.sweep.sum_spread") <= 64 * Double.ulpOfOne * (l1 + l2))
        // Step 7: A and B share their code, C is reconstructed exactly but is 8 standard deviations out.
        #expect(abs(try number("toy.limits.a.z") - (try number("toy.limits.b.z"))) <= 1e-12 * l1)
        #expect(try number("toy.limits.c.squared_error") <= 1e-20 + 64 * Double.ulpOfOne * l1)
        // x = μ + a√λ₁u₁ + b√λ₂u₂ has (x − μ)ᵀS⁻¹(x − μ) = a² + b² (1, 17 and 64 for A, B and C).
        for point in PCALesson.limitPoints {
            let key = "toy.limits.\(point.name.lowercased())"
            #expect(try number(key + ".along_sd") == point.along && number(key + ".across_sd") == point.across)
            let expected = point.along * point.along + point.across * point.across
            #expect(abs(try number(key + ".mahalanobis_squared") - expected) <= 1e-12 * expected, "\(point.name)")
        }
    }

    /// The angle sweep's frames start on the x₁ axis (0°) and step evenly the short way onto u₁'s angle, so the still
    /// image (the last frame) shows the best line; and every figure fits a slide (nominal width ≤ 640 pt).
    @Test func sweepEndsOnTheFirstEigenvectorAndFiguresFitASlide() throws {
        let result = try PCALesson().run(pcaContext(seed: 11))
        guard case let .number(angle)? = JSONValue.object(result.results).value(at: "toy.angle_degrees"),
              case let .frames(frames, labels)? = result.figures["angle-sweep"]
        else { Issue.record("angle or frames missing"); return }
        #expect(labels.first == "θ = 0.0°")
        #expect(labels.last == "θ = " + NumberFormat.fixed(angle, decimals: 1) + "°")
        let sweep = PCALesson.AngleSweep(quick: true)
        #expect(frames.count == labels.count && frames.count == sweep.frameCount)
        // Even steps of the short way from 0° to θ₁ (up to the labels' rounding to 0.1°).
        let span = angle <= 90 ? angle : angle - 180
        let steps = labels.compactMap { label in Double(label.dropFirst(4).dropLast()) }
        #expect(steps.count == labels.count)
        for (a, b) in zip(steps, steps.dropFirst()) {
            let gap = (b - a + 540).truncatingRemainder(dividingBy: 180) - (span < 0 ? 180 : 0)
            #expect(abs(gap - span / Double(sweep.frameCount - 1)) <= 0.1 + 1e-9, "frames \(a)° → \(b)°")
        }
        for (name, output) in result.figures {
            switch output {
            case .single(let figure): #expect(figure.width <= 640, "\(name) is \(figure.width) pt wide")
            case .frames(let frames, _): #expect(frames.allSatisfy { $0.width <= 640 }, "\(name)")
            }
        }
    }

    @Test func sameSeedSameResultsAndFigures() throws {
        let first = try PCALesson().run(pcaContext(seed: 5))
        let second = try PCALesson().run(pcaContext(seed: 5))
        let other = try PCALesson().run(pcaContext(seed: 6))
        #expect(first.results == second.results)
        #expect(first.results["toy"] != other.results["toy"])
        #expect(first.results["eigenvalues"] == other.results["eigenvalues"], "the digits do not depend on the seed")
        for name in ["point-cloud", "principal-axes", "variance-vs-angle"] {
            guard case let .single(a)? = first.figures[name], case let .single(b)? = second.figures[name] else {
                Issue.record("\(name) missing"); continue
            }
            #expect(try a.render(.png) == b.render(.png), "\(name)")
        }
    }

    /// The cloud is the one the PCA and PPCA lessons share (its own random stream), whatever else the lesson does.
    @Test func theCloudIsTheSharedOne() throws {
        let result = try PCALesson().run(pcaContext(seed: 21))
        let cloud = Toy2D.standardCloud(seed: 21)
        #expect(result.results["toy"]?.value(at: "first_point") == .numbers(cloud.row(0)))
        #expect(result.results["toy"]?.value(at: "n") == .integer(cloud.rows))
        #expect(result.results["toy"]?.value(at: "mean") == .numbers(try PCA(fitting: cloud).mean))
    }

    @Test func oneColumnIsRefusedWithAMessage() throws {
        let one = Dataset(name: "one.csv", columnNames: ["x"], values: Matrix(rows: 3, columns: 1, elements: [1, 2, 3]))
        #expect(throws: PCALessonError.needsTwoColumns(file: "one.csv", columns: 1)) {
            try PCALesson().run(pcaContext(userData: one))
        }
        #expect(PCALessonError.needsTwoColumns(file: "one.csv", columns: 1).description.contains("at least two numeric columns"))
    }
}

/// Every figure renders at scale 2 into a PNG of exactly 2 × its size in points (read from the PNG header), for the
/// digits, a user table and, when `$PCA_USER_CSV` is set, that file. When `$PCA_FIGURES_DIR` is set the PNGs are also
/// written there, for looking at them.
@Suite struct PCAFigureExport {
    @Test func figuresRenderAtScaleTwo() throws {
        let folder = ProcessInfo.processInfo.environment["PCA_FIGURES_DIR"]
        if let folder { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        var runs: [(String, Dataset?)] = [("digits", nil), ("table", userTable(rows: 60, columns: 5, seed: 4))]
        if let extra = ProcessInfo.processInfo.environment["PCA_USER_CSV"] {
            runs.append(("user", try Dataset.load(csv: URL(fileURLWithPath: extra))))
        }
        func check(_ figure: FrozenFigure, _ name: String) throws {
            let png = try figure.render(.png, scale: 2)
            #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "\(name): PNG signature")
            let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
            #expect(width == Int((figure.width * 2).rounded()) && height == Int((figure.height * 2).rounded()), "\(name)")
            if let folder { try Data(png).write(to: URL(fileURLWithPath: "\(folder)/\(name).png")) }
        }
        for (prefix, data) in runs {
            let result = try PCALesson().run(pcaContext(userData: data))
            for (name, output) in result.figures {
                switch output {
                case .single(let figure): try check(figure, "\(prefix)-\(name)")
                case .frames(let frames, _):
                    for (k, frame) in frames.enumerated() { try check(frame, "\(prefix)-\(name)-\(k)") }
                }
            }
        }
    }
}
