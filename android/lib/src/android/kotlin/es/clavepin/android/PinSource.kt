package es.clavepin.android

import es.clavepin.ffi.ClavePinDevice
import es.clavepin.ffi.core.ClipboardContent
import es.clavepin.ffi.core.Locale
import es.clavepin.ffi.core.NotificationContent
import es.clavepin.ffi.core.PushOutcome
import es.clavepin.ffi.core.PushTokenReport
import es.clavepin.ffi.protocol.DocumentNumber
import es.clavepin.ffi.protocol.PushPlatform
import es.clavepin.ffi.protocol.RequestId
import java.time.Instant

/**
 * What the platform code asks of the core: the few `ClavePinDevice` calls behind a
 * push, a notification and "Copy PIN". An interface, so the platform code is tested
 * without the native library; [ClavePinDevice.asPinSource] is the real one.
 */
interface PinSource {
    suspend fun handlePush(payload: String): PushOutcome

    suspend fun registerPushToken(platform: PushPlatform, token: String): PushTokenReport

    fun notification(requestId: RequestId, locale: Locale): NotificationContent

    fun pendingNotification(document: DocumentNumber, locale: Locale): NotificationContent

    fun clipboardContent(requestId: RequestId): ClipboardContent

    /** The core's clock, corrected by the service's: what expiry times are measured on. */
    fun now(): Instant
}

fun ClavePinDevice.asPinSource(): PinSource {
    val device = this
    return object : PinSource {
        override suspend fun handlePush(payload: String) = device.handlePush(payload)

        override suspend fun registerPushToken(platform: PushPlatform, token: String) =
            device.registerPushToken(platform, token)

        override fun notification(requestId: RequestId, locale: Locale) = device.notification(requestId, locale)

        override fun pendingNotification(document: DocumentNumber, locale: Locale) =
            device.pendingNotification(document, locale)

        override fun clipboardContent(requestId: RequestId) = device.clipboardContent(requestId)

        override fun now(): Instant = device.now()
    }
}

/**
 * Implemented by the app's `Application`: how a broadcast receiver, started by the
 * system with no activity around, reaches the core.
 */
interface PinSourceHost {
    val pinSource: PinSource
}
