// swift-tools-version:6.1
// SurvMeta's benchmarks (`make bench`): a separate package so `make test` and CI never build it.
import PackageDescription

let package = Package(
    name: "SurvMetaBenchmarks",
    dependencies: [
        .package(name: "SurvMeta", path: ".."),
    ],
    targets: [
        // Counts malloc/calloc/realloc calls by interposing glibc's allocator (forwarding to __libc_*).
        .target(name: "CMallocCounter", path: "Sources/CMallocCounter"),
        .executableTarget(
            name: "SurvMetaBench",
            dependencies: [
                "CMallocCounter",
                .product(name: "StatNumerics", package: "SurvMeta"),
                .product(name: "MetaAnalysis", package: "SurvMeta"),
                .product(name: "Survival", package: "SurvMeta"),
                .product(name: "OutcomeData", package: "SurvMeta"),
            ],
            path: "Sources/SurvMetaBench",
            swiftSettings: [.unsafeFlags(["-Ounchecked"])]
        ),
    ],
    swiftLanguageModes: [.v5]
)
