// swift-tools-version: 6.1
// lvm-lessons: step-through static reports that teach latent variable models (PCA → PPCA → nonlinear LVM).
import PackageDescription

/// Numerical targets are optimised even in debug builds so that `swift test` exercises them at a realistic speed.
let optimised: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "lvm-lessons",
    platforms: [.macOS(.v15)],  // Synchronization.Mutex (DataCatalog)
    products: [
        .executable(name: "lvm-lessons", targets: ["lvm-lessons"]),
        .library(name: "LinearAlgebra", targets: ["LinearAlgebra"]),
        .library(name: "Models", targets: ["Models"]),
        .library(name: "Plotting", targets: ["Plotting"]),
        .library(name: "Datasets", targets: ["Datasets"]),
        .library(name: "LessonKit", targets: ["LessonKit"]),
        .library(name: "Lessons", targets: ["Lessons"]),
        .library(name: "Report", targets: ["Report"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/JohnSundell/Ink", exact: "0.6.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", exact: "2.5.2"),
    ],
    targets: [
        // MARK: - Numerics
        .target(name: "LinearAlgebra", exclude: ["README.md"], swiftSettings: optimised),
        .target(name: "Models", dependencies: ["LinearAlgebra"], exclude: ["README.md"], swiftSettings: optimised),

        // MARK: - Figures
        .systemLibrary(
            name: "CCairo", pkgConfig: "cairo",
            providers: [.apt(["libcairo2-dev"])]),  // README.md sits beside the module map
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),  // deflate and crc32 for Plotting's PNG encoder
        .target(name: "Plotting", dependencies: ["CCairo", "CZlib"], exclude: ["README.md"], swiftSettings: optimised),

        // MARK: - Data
        // The only target that reads CSV files (through CSV.swift and its own fast path).
        .target(
            name: "Datasets",
            dependencies: ["LinearAlgebra", .product(name: "CSV", package: "CSV.swift")],
            exclude: ["README.md"], swiftSettings: optimised),

        // MARK: - Lessons, report and command line
        // The contract and the recorder every lesson uses; the report reads lessons only through it.
        .target(
            name: "LessonKit", dependencies: ["LinearAlgebra", "Plotting", "Datasets"],
            exclude: ["README.md"], swiftSettings: optimised),
        .target(
            name: "Lessons",
            dependencies: ["LessonKit", "LinearAlgebra", "Models", "Plotting", "Datasets"],
            exclude: ["README.md"], swiftSettings: optimised),
        .target(
            name: "Report", dependencies: ["LessonKit", "Datasets", "Plotting", .product(name: "Ink", package: "Ink")],
            exclude: ["README.md"]),
        .executableTarget(
            name: "lvm-lessons",
            dependencies: ["Report", "LessonKit", "Lessons", "Plotting", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            exclude: ["README.md"]),

        // MARK: - Implementation details of the tests
        .target(name: "_TestSupport", dependencies: ["LinearAlgebra"], path: "Sources/_TestSupport", exclude: ["README.md"]),

        // MARK: - Tests (mirror Sources)
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra", "_TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "LinearAlgebra", "_TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "PlottingTests", dependencies: ["Plotting", "_TestSupport"], resources: [.copy("Reference")]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Models", "LinearAlgebra", "_TestSupport"]),
        .testTarget(name: "LessonKitTests", dependencies: ["LessonKit", "LinearAlgebra", "Plotting", "Datasets"]),
        .testTarget(name: "LessonsTests", dependencies: ["Lessons", "LessonKit", "Report", "Datasets", "Models", "LinearAlgebra", "Plotting", "_TestSupport"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "LessonKit", "Lessons", "Datasets", "Plotting", "_TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["lvm-lessons", "Report", "LessonKit", "_TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
