// swift-tools-version: 6.1
// Benchmarks for lvm-lessons: plain release executables that time the LinearAlgebra kernels (lvm-bench), the
// Plotting benchmark figure (lvm-plot-bench) and the lessons' trainings (lvm-train-bench) themselves and print one
// JSON line per measurement (see README.md for why this is not ordo-one/benchmark). Run through `./run`.
import PackageDescription

let package = Package(
    name: "lvm-lessons-benchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "lvm-lessons", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "lvm-bench",
            dependencies: [.product(name: "LinearAlgebra", package: "lvm-lessons")]),
        .executableTarget(
            name: "lvm-plot-bench",
            dependencies: [.product(name: "Plotting", package: "lvm-lessons")]),
        .executableTarget(
            name: "lvm-train-bench",
            dependencies: [.product(name: "Models", package: "lvm-lessons"),
                           .product(name: "Datasets", package: "lvm-lessons"),
                           .product(name: "LinearAlgebra", package: "lvm-lessons")]),
    ],
    swiftLanguageModes: [.v6]
)
