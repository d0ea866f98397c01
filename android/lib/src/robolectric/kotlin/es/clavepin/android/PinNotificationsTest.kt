package es.clavepin.android

import android.app.Notification
import android.app.NotificationManager
import android.content.Context
import org.robolectric.RuntimeEnvironment
import es.clavepin.SecretText
import es.clavepin.ffi.protocol.PinState
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config

@RunWith(RobolectricTestRunner::class)
@Config(sdk = [36], application = TestApplication::class)
class PinNotificationsTest {
    private val context: Context = RuntimeEnvironment.getApplication()
    private val manager = context.getSystemService(NotificationManager::class.java)
    private lateinit var notifications: PinNotifications

    @Before
    fun setUp() {
        notifications = PinNotifications(context, "PIN", android.R.drawable.ic_lock_idle_lock)
    }

    private fun shown(): List<Notification> = shadowOf(manager).allNotifications

    @Test
    fun `the channel alerts and keeps its content off the lock screen`() {
        notifications.createChannel()
        val channel = manager.getNotificationChannel(PinNotifications.CHANNEL_ID)
        assertEquals(NotificationManager.IMPORTANCE_HIGH, channel.importance)
        assertEquals(Notification.VISIBILITY_PRIVATE, channel.lockscreenVisibility)
    }

    @Test
    fun `a live PIN shows once unlocked, and the lock screen only says a PIN arrived`() {
        assertTrue(notifications.show(livePin()))
        val notification = shown().single()
        assertEquals("PIN X7K", notification.extras.getString(Notification.EXTRA_TITLE))
        assertEquals(Notification.VISIBILITY_PRIVATE, notification.visibility)
        val public = notification.publicVersion
        assertEquals("Cl@ve PIN", public.extras.getString(Notification.EXTRA_TITLE))
        val lockScreen = public.extras.getCharSequence(Notification.EXTRA_TEXT).toString()
        assertFalse("the PIN is not on the lock screen: $lockScreen", lockScreen.contains("X7K"))
        assertEquals(0, public.actions?.size ?: 0)
    }

    @Test
    fun `it goes by itself when the PIN expires`() {
        notifications.show(livePin(secsLeft = 540u))
        assertEquals(540_000L, shown().single().timeoutAfter)
    }

    @Test
    fun `Copy PIN needs the phone unlocked and its intent carries the request, never the PIN`() {
        notifications.show(livePin(request = "req-7"))
        val action = shown().single().actions.single()
        assertEquals("Copiar PIN", action.title.toString())
        assertTrue(action.isAuthenticationRequired)
        val intent = shadowOf(action.actionIntent).savedIntent
        assertEquals(CopyPinReceiver.ACTION_COPY, intent.action)
        assertEquals("req-7", intent.getStringExtra(CopyPinReceiver.EXTRA_REQUEST_ID))
        val extras = intent.extras!!
        for (key in extras.keySet()) {
            assertFalse("no PIN in the intent", extras.get(key).toString().contains("X7K"))
        }
    }

    @Test
    fun `a newer PIN replaces the citizen's older one, and each citizen has their own`() {
        notifications.show(livePin(request = "req-1", pin = "AAA"))
        notifications.show(livePin(request = "req-2", pin = "BBB"))
        notifications.show(livePin(request = "req-3", who = JOHN, pin = "CCC"))
        val titles = shown().map { it.extras.getString(Notification.EXTRA_TITLE).orEmpty() }.sorted()
        assertEquals(listOf("PIN BBB", "PIN CCC"), titles)
    }

    @Test
    fun `a push that arrives after the PIN ended removes the notification instead of showing it`() {
        notifications.show(livePin())
        val late = livePin().copy(
            title = SecretText("PIN caducado"),
            copyAction = null,
            state = PinState.EXPIRED,
            timeoutAt = null,
            timeoutAfterSecs = null,
        )
        assertFalse(notifications.show(late))
        assertTrue(shown().isEmpty())
    }

    @Test
    fun `the pending-unlock notification has no PIN, no action and no timeout`() {
        val pending = FakePinSource().pendingNotification(ANA, es.clavepin.ffi.core.Locale.ES)
        assertTrue(notifications.show(pending))
        val notification = shown().single()
        assertNull(notification.actions)
        assertEquals(0L, notification.timeoutAfter)
    }

    @Test
    fun `with notifications turned off nothing is posted and the caller is told`() {
        shadowOf(manager).setNotificationsEnabled(false)
        assertFalse(notifications.show(livePin()))
        assertTrue(shown().isEmpty())
    }
}
