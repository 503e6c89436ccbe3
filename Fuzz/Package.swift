// swift-tools-version:6.1
// libFuzzer targets (`make fuzz`): a separate package, built with `swift build -sanitize=fuzzer`.
import PackageDescription

let libraries: [Target.Dependency] = [
    .product(name: "OutcomeData", package: "SurvMeta"),
    .product(name: "MetaAnalysis", package: "SurvMeta"),
    .product(name: "Survival", package: "SurvMeta"),
]

let package = Package(
    name: "SurvMetaFuzz",
    dependencies: [.package(name: "SurvMeta", path: "..")],
    targets: [
        // Bytes → CSV reader (RFC 4180, BOM, CRLF, UTF-8 checks, number syntax).
        .executableTarget(name: "FuzzCSV", dependencies: libraries),
        // Bytes → CSV → study rows → effect-size conversions → pooling.
        .executableTarget(name: "FuzzStudyRows", dependencies: libraries),
        // Bytes → landmark rows (CI scale detection) and digitized-curve input → reconstruction.
        .executableTarget(name: "FuzzLandmark", dependencies: libraries),
    ],
    swiftLanguageModes: [.v5]
)
