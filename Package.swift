// swift-tools-version:6.1
// SurvMeta: survival-outcome meta-analysis on LAPACK.
import PackageDescription

let package = Package(
    name: "SurvMeta",
    products: [
        .executable(name: "survmeta", targets: ["survmeta"]),
        .library(name: "StatNumerics", targets: ["StatNumerics"]),
        .library(name: "MetaAnalysis", targets: ["MetaAnalysis"]),
        .library(name: "Survival", targets: ["Survival"]),
        .library(name: "OutcomeData", targets: ["OutcomeData"]),
        .library(name: "Reporting", targets: ["Reporting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // Debian's liblapacke-dev (pkg-config "lapacke"); see Sources/CLapacke/module.modulemap.
        .systemLibrary(
            name: "CLapacke",
            path: "Sources/CLapacke",
            pkgConfig: "lapacke",
            providers: [.apt(["liblapacke-dev"])]
        ),
        .target(name: "StatNumerics", dependencies: ["CLapacke"]),
        .target(name: "MetaAnalysis", dependencies: ["StatNumerics"]),
        .target(name: "Survival", dependencies: ["StatNumerics"]),
        .target(name: "OutcomeData", dependencies: ["StatNumerics", "MetaAnalysis", "Survival"]),
        .target(name: "Reporting", dependencies: ["StatNumerics", "MetaAnalysis", "Survival", "OutcomeData"]),
        .executableTarget(
            name: "survmeta",
            dependencies: [
                "StatNumerics", "MetaAnalysis", "Survival", "OutcomeData", "Reporting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Shared helpers for the test targets only (tolerance checks, fixture paths, CSV fixtures).
        .target(name: "TestSupport", dependencies: ["StatNumerics"], path: "Sources/TestSupport"),
        .testTarget(name: "StatNumericsTests", dependencies: ["StatNumerics", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "MetaAnalysisTests", dependencies: ["MetaAnalysis", "OutcomeData", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "SurvivalTests", dependencies: ["Survival", "OutcomeData", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "OutcomeDataTests", dependencies: ["OutcomeData", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "ReportingTests", dependencies: ["Reporting", "TestSupport"]),
        .testTarget(name: "SurvmetaCLITests", dependencies: ["TestSupport"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v5]
)
