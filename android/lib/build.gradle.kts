// The library as an Android library module. Its sources are the same directories the
// Maven builds compile here, not copies: src/main/kotlin (the generated bindings and
// the Kotlin layer) and src/android/kotlin (the platform code); the Robolectric tests
// are src/robolectric/kotlin. The JVM tests in src/test/kotlin need a running service
// and the desktop library, so they stay with lib/pom.xml.
plugins {
    alias(libs.plugins.android.library)
    alias(libs.plugins.kotlin.android)
}

android {
    namespace = "es.clavepin"
    compileSdk = 36

    defaultConfig {
        // 28: StrongBox, ClipboardManager.clearPrimaryClip, and the packed relocations
        // the native library is linked with.
        minSdk = 28
        consumerProguardFiles("consumer-rules.pro")
    }

    sourceSets {
        getByName("main") {
            kotlin.srcDirs("src/main/kotlin", "src/android/kotlin")
            jniLibs.srcDirs(layout.buildDirectory.dir("rustJniLibs"))
        }
        getByName("test") {
            kotlin.srcDirs("src/robolectric/kotlin", "src/testFixtures/kotlin")
        }
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    testOptions.unitTests.isIncludeAndroidResources = true
}

kotlin {
    jvmToolchain(17)
}

dependencies {
    // JNA's AAR carries its own native dispatch library for every ABI.
    implementation(libs.jna) { artifact { type = "aar" } }
    implementation(libs.kotlinx.coroutines.android)

    testImplementation(libs.robolectric)
    testImplementation(libs.junit4)
}

// The Rust library for each ABI the app ships, from the workspace's `mobile` profile
// (size first, see Cargo.toml) with cargo-ndk: scripts/build-android-libs.sh, which
// carries the same SQLite build flags as the other platforms' scripts.
val cargoNdk by tasks.registering(Exec::class) {
    val workspace = rootDir.parentFile
    val out = layout.buildDirectory.dir("rustJniLibs")
    workingDir = workspace
    inputs.dir(workspace.resolve("core/src"))
    inputs.dir(workspace.resolve("protocol/src"))
    inputs.dir(workspace.resolve("bindings/src"))
    inputs.file(workspace.resolve("Cargo.lock"))
    outputs.dir(out)
    commandLine("scripts/build-android-libs.sh", out.get().asFile.path)
}
tasks.named("preBuild") { dependsOn(cargoNdk) }
