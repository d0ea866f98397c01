package es.clavepin.android

import android.app.Notification
import android.app.NotificationManager
import android.content.Context
import org.robolectric.RuntimeEnvironment
import es.clavepin.ffi.core.Locale
import es.clavepin.ffi.core.PushOutcome
import es.clavepin.ffi.protocol.PushPlatform
import kotlinx.coroutines.runBlocking
import org.json.JSONObject
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config

@RunWith(RobolectricTestRunner::class)
@Config(sdk = [36], application = TestApplication::class)
class PushEntryTest {
    private val context: Context = RuntimeEnvironment.getApplication()
    private val manager = context.getSystemService(NotificationManager::class.java)
    private val source = FakePinSource()
    private val entry = PushEntry(source, PinNotifications(context, "PIN", android.R.drawable.ic_lock_idle_lock)) { Locale.ES }

    private fun shown(): List<Notification> = shadowOf(manager).allNotifications

    @Test
    fun `the data message reaches the core unchanged, and the PIN is shown`() = runBlocking {
        val data = mapOf("v" to "1", "sealed" to "qrs+/=", "nueva_opción" to "ñ \"quoted\"")
        val outcome = entry.onMessage(data)
        assertTrue(outcome is PushOutcome.Received)
        val forwarded = JSONObject(source.payloads.single())
        assertEquals(data, forwarded.keys().asSequence().associateWith { forwarded.getString(it) })
        assertEquals("PIN X7K", shown().single().extras.getString(Notification.EXTRA_TITLE))
    }

    @Test
    fun `a PIN for a locked citizen says one arrived, without it`() = runBlocking {
        source.outcome = { PushOutcome.PendingUnlock(ANA) }
        entry.onMessage(mapOf("v" to "1"))
        val title = shown().single().extras.getString(Notification.EXTRA_TITLE)
        assertEquals("Ha llegado un PIN", title)
    }

    @Test
    fun `a refused push shows nothing and does not crash the service`() = runBlocking {
        source.outcome = { throw es.clavepin.ffi.PinsException.ForeignPush("not for this device") }
        assertNull(entry.onMessage(mapOf("v" to "1")))
        assertTrue(shown().isEmpty())
    }

    @Test
    fun `a new token goes to the core as FCM's, unchanged`() = runBlocking {
        val report = entry.onNewToken("fcm:token/with+chars")
        assertEquals(listOf(PushPlatform.FCM to "fcm:token/with+chars"), source.tokens)
        assertEquals(listOf(ANA), report!!.registered)
    }
}
