package es.clavepin.android

import es.clavepin.ffi.PinsException
import es.clavepin.ffi.core.Locale
import es.clavepin.ffi.core.PushOutcome
import es.clavepin.ffi.core.PushTokenReport
import es.clavepin.ffi.protocol.PushPlatform
import org.json.JSONObject

/**
 * Where the app's `FirebaseMessagingService` hands over what FCM delivered: the data
 * message goes to the core unchanged (as a JSON object of its string fields; the core
 * ignores fields it does not know), the core's answer becomes the notification, and a
 * new token goes to the core, which registers it for every citizen on the phone (the
 * locked ones when next unlocked).
 */
class PushEntry(
    private val source: PinSource,
    private val notifications: PinNotifications,
    private val locale: () -> Locale,
) {
    /**
     * Returns what the core made of the message, or null when it refused it (a push
     * for another device, replayed, tampered with, or the store unavailable): nothing
     * is shown then, and nothing crashes the service.
     */
    suspend fun onMessage(data: Map<String, String>): PushOutcome? {
        val outcome = try {
            source.handlePush(JSONObject(data).toString())
        } catch (e: PinsException) {
            return null
        }
        val content = try {
            when (outcome) {
                is PushOutcome.Received -> source.notification(outcome.v1.requestId, locale())
                is PushOutcome.PendingUnlock -> source.pendingNotification(outcome.document, locale())
            }
        } catch (e: PinsException) {
            return outcome
        }
        notifications.show(content)
        return outcome
    }

    /** FCM's `onNewToken`: works in the background with every citizen locked. */
    suspend fun onNewToken(token: String): PushTokenReport? = try {
        source.registerPushToken(PushPlatform.FCM, token)
    } catch (e: PinsException) {
        // Kept by the core and registered on the next unlock or pull.
        null
    }
}
