package es.clavepin.android

import android.app.Notification
import android.app.NotificationChannel
import android.app.NotificationManager
import android.app.PendingIntent
import android.content.Context
import android.content.Intent
import android.graphics.drawable.Icon
import android.os.Build
import es.clavepin.ffi.core.NotificationContent
import es.clavepin.ffi.protocol.PinState

/**
 * The PIN notification, from the core's [NotificationContent]: the PIN and a "Copy
 * PIN" action once the phone is unlocked; on the lock screen a public version that
 * says a PIN arrived without showing it; gone by itself when the PIN expires. One per
 * citizen: a newer PIN replaces the older one.
 *
 * @param channelName the channel's name in the user's language (the app's resources).
 * @param smallIcon the app's monochrome notification icon.
 * @param openApp what tapping the notification opens (the app's PIN screen).
 */
class PinNotifications(
    private val context: Context,
    private val channelName: CharSequence,
    private val smallIcon: Int,
    private val openApp: PendingIntent? = null,
) {
    private val manager = context.getSystemService(NotificationManager::class.java)

    /** Creates the channel (again is harmless: the user's own settings are kept). */
    fun createChannel() {
        val channel = NotificationChannel(CHANNEL_ID, channelName, NotificationManager.IMPORTANCE_HIGH).apply {
            lockscreenVisibility = Notification.VISIBILITY_PRIVATE
            setShowBadge(false)
        }
        manager.createNotificationChannel(channel)
    }

    /**
     * Shows [content], or removes the citizen's notification when the PIN can no longer
     * be used (a push that arrives after the PIN expired or was used). Returns false
     * when nothing could be shown: the user turned notifications off, or has not
     * granted `POST_NOTIFICATIONS` (API 33+); the app then shows the PIN when opened.
     */
    fun show(content: NotificationContent): Boolean {
        val tag = tagFor(content)
        if (content.requestId != null && content.state != PinState.LIVE) {
            manager.cancel(tag, NOTIFICATION_ID)
            return false
        }
        if (!manager.areNotificationsEnabled()) return false
        createChannel()
        val public = Notification.Builder(context, CHANNEL_ID)
            .setSmallIcon(smallIcon)
            .setContentTitle(content.publicTitle)
            .setContentText(content.publicBody)
            .build()
        val builder = Notification.Builder(context, CHANNEL_ID)
            .setSmallIcon(smallIcon)
            .setContentTitle(content.title.reveal())
            .setContentText(content.body.reveal())
            .setStyle(Notification.BigTextStyle().bigText(content.body.reveal()))
            .setVisibility(Notification.VISIBILITY_PRIVATE)
            .setPublicVersion(public)
            .setCategory(Notification.CATEGORY_STATUS)
            .setOnlyAlertOnce(true)
            .setAutoCancel(true)
        openApp?.let(builder::setContentIntent)
        content.timeoutAfterSecs?.let { builder.setTimeoutAfter(it.toLong() * 1000) }
        val requestId = content.requestId
        val copyLabel = content.copyAction
        if (requestId != null && copyLabel != null) {
            builder.addAction(copyAction(requestId.value, copyLabel))
        }
        manager.notify(tag, NOTIFICATION_ID, builder.build())
        return true
    }

    /** Removes the citizen's notification (the PIN was copied, used or the citizen removed). */
    fun cancel(document: String) = manager.cancel(TAG_PREFIX + document, NOTIFICATION_ID)

    private fun copyAction(requestId: String, label: String): Notification.Action {
        // The intent carries the request's id, never the PIN: the receiver asks the core,
        // which refuses a PIN that has meanwhile expired or been used.
        val intent = Intent(context, CopyPinReceiver::class.java)
            .setAction(CopyPinReceiver.ACTION_COPY)
            .putExtra(CopyPinReceiver.EXTRA_REQUEST_ID, requestId)
        val pending = PendingIntent.getBroadcast(
            context,
            requestId.hashCode(),
            intent,
            PendingIntent.FLAG_IMMUTABLE or PendingIntent.FLAG_UPDATE_CURRENT,
        )
        val action = Notification.Action.Builder(Icon.createWithResource(context, smallIcon), label, pending)
        // From the lock screen the phone asks to be unlocked before the PIN is copied.
        if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.S) action.setAuthenticationRequired(true)
        return action.build()
    }

    private fun tagFor(content: NotificationContent) = TAG_PREFIX + content.document.normalised

    companion object {
        const val CHANNEL_ID = "clavepin.pins"
        const val NOTIFICATION_ID = 1
        const val TAG_PREFIX = "pin:"
    }
}
