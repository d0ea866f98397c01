package es.clavepin.app

import android.app.Application
import android.app.PendingIntent
import android.content.Intent
import android.content.res.Configuration
import android.os.Build
import android.provider.Settings
import es.clavepin.android.KeystoreKey
import es.clavepin.android.PinNotifications
import es.clavepin.android.PinSource
import es.clavepin.android.PinSourceHost
import es.clavepin.android.PushEntry
import es.clavepin.android.asPinSource
import es.clavepin.ffi.ClavePinDevice
import es.clavepin.ffi.DeviceSettings
import es.clavepin.ffi.PlatformException
import es.clavepin.ffi.core.Locale
import es.clavepin.ffi.localeForTag
import es.clavepin.ffi.setAsideLostStore
import java.io.File

/**
 * The process's one device: the store (in `noBackupFilesDir`, which no backup takes),
 * its Keystore key and the PIN service. The receivers and the push service reach the
 * core through it, with no activity around.
 */
class ClavePinApplication : Application(), PinSourceHost {
    val device: ClavePinDevice by lazy { openDevice() }
    override val pinSource: PinSource by lazy { device.asPinSource() }
    val notifications: PinNotifications by lazy {
        PinNotifications(this, getString(R.string.channel_pins), R.drawable.ic_notification, openApp())
    }
    val push: PushEntry by lazy { PushEntry(pinSource, notifications) { locale } }

    /** True when this start found a store it could not open and set it aside (the app says so once). */
    @Volatile
    var storeSetAside = false

    /** The phone's language, as the core names it (Catalan, Galician and Basque have their own texts). */
    val locale: Locale
        get() = localeForTag(resources.configuration.locales[0].toLanguageTag())

    override fun onCreate() {
        super.onCreate()
        notifications.createChannel()
    }

    override fun onConfigurationChanged(newConfig: Configuration) {
        super.onConfigurationChanged(newConfig)
        device.setLocale(locale)
    }

    private fun openDevice(): ClavePinDevice {
        val dir = File(noBackupFilesDir, "clavepin").apply { mkdirs() }.path
        // Debug builds talk to the development service on the emulator's host,
        // http://10.0.2.2:8480; release builds refuse plain HTTP off the phone.
        val settings = DeviceSettings(
            locale = locale,
            plainHttpOffLoopback = BuildConfig.DEBUG,
            deviceName = phoneName(),
            deviceModel = Build.MODEL,
        )
        return try {
            ClavePinDevice.open(dir, BuildConfig.SERVICE_URL, KeystoreKey.keyStore(this), settings)
        } catch (e: PlatformException.KeyUnavailable) {
            // The key that opens the store is gone (the lock screen was removed, or the
            // data came from elsewhere): keep the old store aside, start with a new key.
            setAsideLostStore(dir, KeystoreKey.keyStore(this), locale)
            storeSetAside = true
            ClavePinDevice.open(dir, BuildConfig.SERVICE_URL, KeystoreKey.renew(this), settings)
        }
    }

    /**
     * What the citizen's "My devices" page calls this phone: the name its owner gave it
     * (Settings, About phone), else its model. The core cleans and shortens it.
     */
    private fun phoneName(): String =
        Settings.Global.getString(contentResolver, Settings.Global.DEVICE_NAME)?.takeIf { it.isNotBlank() } ?: Build.MODEL

    private fun openApp(): PendingIntent = PendingIntent.getActivity(
        this,
        0,
        Intent(this, MainActivity::class.java).addFlags(Intent.FLAG_ACTIVITY_SINGLE_TOP),
        PendingIntent.FLAG_IMMUTABLE,
    )
}
