package es.clavepin.android

import android.app.AlarmManager
import android.content.ClipData
import android.content.ClipDescription
import android.content.ClipboardManager
import android.content.Context
import android.content.Intent
import android.os.SystemClock
import org.robolectric.RuntimeEnvironment
import es.clavepin.ffi.protocol.PinState
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config

@RunWith(RobolectricTestRunner::class)
@Config(sdk = [36], application = TestApplication::class)
class SensitiveClipboardTest {
    private val context: Context = RuntimeEnvironment.getApplication()
    private val clipboard = context.getSystemService(ClipboardManager::class.java)
    private val alarms = context.getSystemService(AlarmManager::class.java)

    private fun held(): String? = clipboard.primaryClip?.getItemAt(0)?.text?.toString()

    /** What the alarm does when it goes off. */
    private fun fireAlarm() {
        val alarm = shadowOf(alarms).nextScheduledAlarm!!
        ClipboardClearReceiver().onReceive(context, shadowOf(alarm.operation).savedIntent)
    }

    @Test
    fun `the PIN is marked sensitive so previews and keyboards do not keep it`() {
        SensitiveClipboard(context).copy(clip("X7K"), NOW)
        assertEquals("X7K", held())
        val extras = clipboard.primaryClipDescription!!.extras
        assertEquals(ClipDescription.EXTRA_IS_SENSITIVE, SensitiveClipboard.EXTRA_IS_SENSITIVE)
        assertTrue(extras.getBoolean(ClipDescription.EXTRA_IS_SENSITIVE))
    }

    @Test
    fun `clearing is set for the PIN's expiry on the core's clock, not the phone's`() {
        val before = SystemClock.elapsedRealtime()
        // The core says 540 s are left; the phone's own clock does not enter into it.
        SensitiveClipboard(context).copy(clip(secsLeft = 540), NOW)
        val alarm = shadowOf(alarms).nextScheduledAlarm!!
        assertEquals(AlarmManager.ELAPSED_REALTIME, alarm.type)
        assertEquals(before + 540_000, alarm.triggerAtTime)
    }

    @Test
    fun `at expiry the PIN is cleared`() {
        SensitiveClipboard(context).copy(clip("X7K"), NOW)
        fireAlarm()
        assertFalse(clipboard.hasPrimaryClip() && held() == "X7K")
    }

    @Test
    fun `what the citizen copied since is left alone`() {
        SensitiveClipboard(context).copy(clip("X7K"), NOW)
        clipboard.setPrimaryClip(ClipData.newPlainText("note", "my own text"))
        fireAlarm()
        assertEquals("my own text", held())
    }

    @Test
    fun `Copy PIN from the notification asks the core and copies a live PIN`() {
        val app = context as TestApplication
        var asked: String? = null
        app.pinSource.clipboardFor = { asked = it.value; clip("Q4R") }
        val copy = Intent(context, CopyPinReceiver::class.java)
            .setAction(CopyPinReceiver.ACTION_COPY)
            .putExtra(CopyPinReceiver.EXTRA_REQUEST_ID, "req-9")
        CopyPinReceiver().onReceive(context, copy)
        assertEquals("req-9", asked)
        assertEquals("Q4R", held())
    }

    @Test
    fun `Copy PIN on a PIN that meanwhile expired copies nothing`() {
        val app = context as TestApplication
        clipboard.setPrimaryClip(ClipData.newPlainText("note", "before"))
        app.pinSource.clipboardFor = { throw ended(PinState.EXPIRED) }
        val copy = Intent(context, CopyPinReceiver::class.java)
            .setAction(CopyPinReceiver.ACTION_COPY)
            .putExtra(CopyPinReceiver.EXTRA_REQUEST_ID, "req-1")
        CopyPinReceiver().onReceive(context, copy)
        assertEquals("before", held())
        assertTrue(shadowOf(alarms).scheduledAlarms.isEmpty())
    }
}
