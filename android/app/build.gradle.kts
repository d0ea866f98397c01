// The citizen's app: Compose screens over the library's CitizenApp, Firebase
// messaging for pushes. Everything else is in :lib, where it is tested.
plugins {
    alias(libs.plugins.android.application)
    alias(libs.plugins.kotlin.android)
    alias(libs.plugins.kotlin.compose)
    alias(libs.plugins.google.services) apply false
}

// Push needs the Firebase project's google-services.json here; without it the app
// builds and works on its direct channel alone (PINs arrive while it is open).
if (file("google-services.json").exists()) apply(plugin = "com.google.gms.google-services")

android {
    namespace = "es.clavepin.app"
    compileSdk = 36

    defaultConfig {
        applicationId = "es.clavepin.app"
        minSdk = 28
        targetSdk = 36
        versionCode = 1
        versionName = "0.1.0"
        // The PIN service; `-PserviceUrl=https://…` for another one.
        val serviceUrl = (project.findProperty("serviceUrl") as String?) ?: "https://pin.clave.example.es"
        buildConfigField("String", "SERVICE_URL", "\"$serviceUrl\"")
        // The host whose /approve links open the app (AndroidManifest.xml's app link).
        manifestPlaceholders["serviceHost"] = java.net.URI(serviceUrl).host
    }

    buildTypes {
        getByName("debug") {
            // The emulator reaches a `clavepin serve` on the development machine here
            // (src/debug/res/xml/network_security_config.xml allows it in the clear).
            buildConfigField("String", "SERVICE_URL", "\"http://10.0.2.2:8480\"")
        }
        getByName("release") {
            isMinifyEnabled = true
            isShrinkResources = true
            proguardFiles(getDefaultProguardFile("proguard-android-optimize.txt"), "proguard-rules.pro")
        }
    }

    buildFeatures {
        compose = true
        buildConfig = true
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
}

kotlin {
    jvmToolchain(17)
}

dependencies {
    implementation(project(":lib"))
    implementation(platform(libs.compose.bom))
    implementation(libs.compose.ui)
    implementation(libs.compose.material3)
    implementation(libs.compose.ui.tooling.preview)
    implementation(libs.activity.compose)
    implementation(libs.lifecycle.viewmodel.compose)
    implementation(libs.lifecycle.runtime.compose)
    implementation(platform(libs.firebase.bom))
    implementation(libs.firebase.messaging)
    // Scanning the log-in page's QR code, in Play services: no camera permission here.
    implementation(libs.play.services.code.scanner)
    debugImplementation(libs.compose.ui.tooling)
}
