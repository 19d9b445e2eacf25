// swift-tools-version: 6.1
// Benchmarks for lvm-lessons' LinearAlgebra: a plain release executable that times each kernel itself and prints
// one JSON line per kernel (see README.md for why this is not ordo-one/benchmark). Run through `./run`.
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
    ],
    swiftLanguageModes: [.v6]
)
