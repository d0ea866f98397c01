package es.clavepin.android

import android.content.BroadcastReceiver
import android.content.Context
import android.content.Intent
import es.clavepin.RequestId
import es.clavepin.ffi.PinsException

/**
 * The notification's "Copy PIN": asks the core for the PIN (refused once it has
 * expired or been used) and puts it on the clipboard. The notification stays: the
 * citizen may still need the code it shows; it goes when the PIN expires.
 */
class CopyPinReceiver : BroadcastReceiver() {
    override fun onReceive(context: Context, intent: Intent) {
        if (intent.action != ACTION_COPY) return
        val id = intent.getStringExtra(EXTRA_REQUEST_ID) ?: return
        val source = (context.applicationContext as? PinSourceHost)?.pinSource ?: return
        val content = try {
            source.clipboardContent(RequestId(id))
        } catch (e: PinsException) {
            // Expired, used or unknown: nothing to copy, and the notification is stale.
            null
        }
        if (content != null) SensitiveClipboard(context).copy(content, source.now())
    }

    companion object {
        const val ACTION_COPY = "es.clavepin.action.COPY_PIN"
        const val EXTRA_REQUEST_ID = "es.clavepin.extra.REQUEST_ID"
    }
}

/** Clears the clipboard when the copied PIN expires (an alarm set by [SensitiveClipboard]). */
class ClipboardClearReceiver : BroadcastReceiver() {
    override fun onReceive(context: Context, intent: Intent) {
        if (intent.action == ACTION_CLEAR) SensitiveClipboard(context).clearAtExpiry()
    }

    companion object {
        const val ACTION_CLEAR = "es.clavepin.action.CLEAR_CLIPBOARD"
    }
}
