package es.clavepin.android

import android.app.AlarmManager
import android.app.PendingIntent
import android.content.ClipData
import android.content.ClipboardManager
import android.content.Context
import android.content.Intent
import android.os.PersistableBundle
import android.os.SystemClock
import es.clavepin.ffi.core.ClipboardContent
import java.time.Duration
import java.time.Instant
import java.util.UUID

/**
 * "Copy PIN": the PIN on the clipboard marked sensitive (keyboards, clipboard
 * previews and managers must not keep or show it), cleared when it expires unless
 * the citizen has copied something else since.
 *
 * The clearing is an alarm, so it happens even if the process is gone by then. On a
 * phone (Android 10+) an app in the background cannot read the clipboard, so at
 * clearing time it may not see whether the clip is still ours; it then relies on the
 * change listener, which only hears changes while the process lives. Robolectric's
 * clipboard is always readable: that case is covered by [clearAtExpiry]'s fallback,
 * not by the tests' device.
 */
class SensitiveClipboard(private val context: Context) {
    private val clipboard = context.getSystemService(ClipboardManager::class.java)
    private val prefs = context.getSharedPreferences(PREFS, Context.MODE_PRIVATE)

    /**
     * Copies [content]'s PIN; [now] is the core's clock, on which `clearAt` is
     * measured (the phone's own clock may be minutes off).
     */
    fun copy(content: ClipboardContent, now: Instant) {
        val marker = UUID.randomUUID().toString()
        val clip = ClipData.newPlainText(LABEL, content.text.reveal())
        clip.description.extras = PersistableBundle().apply {
            putBoolean(EXTRA_IS_SENSITIVE, true)
            putString(EXTRA_MARKER, marker)
        }
        prefs.edit().putString(KEY_MARKER, marker).putBoolean(KEY_REPLACED, false).apply()
        clipboard.setPrimaryClip(clip)
        watchForReplacement(marker)
        val wait = Duration.between(now, content.clearAt).coerceAtLeast(Duration.ZERO)
        context.getSystemService(AlarmManager::class.java).set(
            AlarmManager.ELAPSED_REALTIME,
            SystemClock.elapsedRealtime() + wait.toMillis(),
            clearIntent(),
        )
    }

    /**
     * Clears the clipboard if it still holds the PIN copied last; returns whether it
     * did. Called by [ClipboardClearReceiver] when the PIN expires.
     */
    fun clearAtExpiry(): Boolean {
        val marker = prefs.getString(KEY_MARKER, null) ?: return false
        prefs.edit().remove(KEY_MARKER).apply()
        val description = clipboard.primaryClipDescription
        val ours = if (description != null) {
            description.extras?.getString(EXTRA_MARKER) == marker
        } else {
            // Unreadable (the background on Android 10+) or empty: clear unless a change
            // was heard since the copy.
            !prefs.getBoolean(KEY_REPLACED, false)
        }
        if (ours) clipboard.clearPrimaryClip()
        return ours
    }

    private fun watchForReplacement(marker: String) {
        listener?.let(clipboard::removePrimaryClipChangedListener)
        val watching = ClipboardManager.OnPrimaryClipChangedListener {
            val now = clipboard.primaryClipDescription?.extras?.getString(EXTRA_MARKER)
            if (now != marker) prefs.edit().putBoolean(KEY_REPLACED, true).apply()
        }
        listener = watching
        clipboard.addPrimaryClipChangedListener(watching)
    }

    private fun clearIntent(): PendingIntent = PendingIntent.getBroadcast(
        context,
        0,
        Intent(context, ClipboardClearReceiver::class.java).setAction(ClipboardClearReceiver.ACTION_CLEAR),
        PendingIntent.FLAG_IMMUTABLE or PendingIntent.FLAG_UPDATE_CURRENT,
    )

    companion object {
        const val LABEL = "ClavePIN"
        /** `ClipDescription.EXTRA_IS_SENSITIVE` (API 33), by value so older phones get it too. */
        const val EXTRA_IS_SENSITIVE = "android.content.extra.IS_SENSITIVE"
        const val EXTRA_MARKER = "es.clavepin.clip"
        private const val PREFS = "clavepin.clipboard"
        private const val KEY_MARKER = "marker"
        private const val KEY_REPLACED = "replaced"

        /** One listener per process, replaced on each copy. */
        @Volatile
        private var listener: ClipboardManager.OnPrimaryClipChangedListener? = null
    }
}
