// The Android build: the library (the core's bindings, its Kotlin layer and the
// platform code) and the citizen's app. Needs the Android SDK and NDK, cargo-ndk
// and Google's Maven repository; see android/README.md.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "clavepin"
include(":lib", ":app")
