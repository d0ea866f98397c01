// swift-tools-version:5.9
// The ClavePIN Swift package: the uniffi-generated bindings (Sources/ClavePIN/Generated,
// Sources/ClavePINFFI/include) plus a small Swift layer, over the Rust library built
// as an XCFramework by scripts/build-xcframework.sh on a Mac (iPhone, simulator and
// macOS slices; `swift test` runs on the macOS one). See ios/README.md.
import PackageDescription

let package = Package(
    name: "ClavePIN",
    platforms: [.iOS(.v16), .macOS(.v13)],
    products: [
        .library(name: "ClavePIN", targets: ["ClavePIN"]),
    ],
    targets: [
        // libclavepin_ffi.a for each Apple platform, built from bindings/ (staticlib)
        // by scripts/build-xcframework.sh.
        .binaryTarget(name: "ClavePINRust", path: "build/ClavePINRust.xcframework"),
        // The C headers and module maps uniffi generates, one per Rust crate.
        .target(name: "ClavePINFFI", dependencies: ["ClavePINRust"], path: "Sources/ClavePINFFI"),
        .target(name: "ClavePIN", dependencies: ["ClavePINFFI"], path: "Sources/ClavePIN"),
        .testTarget(name: "ClavePINTests", dependencies: ["ClavePIN"], path: "Tests/ClavePINTests"),
    ]
)
