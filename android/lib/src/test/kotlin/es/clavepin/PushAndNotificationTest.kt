package es.clavepin

import es.clavepin.ffi.PinsException
import es.clavepin.ffi.core.Locale
import es.clavepin.ffi.core.PushOutcome
import es.clavepin.ffi.localeForTag
import es.clavepin.ffi.protocol.PinState
import es.clavepin.ffi.protocol.PushPlatform
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** Push payloads as FCM delivers them, the notification they become, and secrets that never print. */
class PushAndNotificationTest {
    /** An activated, unlocked device with a push token, and the payload of a fresh PIN. */
    private suspend fun pushed(code: String): Triple<es.clavepin.ffi.ClavePinDevice, DocumentNumber, String> {
        val dni = Service.newCitizen()
        val device = Service.openDevice()
        Service.activate(device, dni)
        device.registerPushToken(PushPlatform.FCM, "fcm-token-$dni")
        Service.obtainPin(dni, code)
        return Triple(device, dni, Service.lastPushPayload())
    }

    @Test
    fun `a pushed PIN is stored, and the same payload again is refused as replayed`() = runBlocking<Unit> {
        val (device, _, payload) = pushed("PUSH")
        val outcome = device.handlePush(payload)
        assertTrue(outcome is PushOutcome.Received, "$outcome")
        assertEquals("PUSH", (outcome as PushOutcome.Received).v1.code)
        assertThrows<PinsException.ReplayedPush> { runBlocking { device.handlePush(payload) } }
    }

    @Test
    fun `a tampered payload is refused and changes nothing`() = runBlocking<Unit> {
        val (device, _, payload) = pushed("TAMP")
        val sealed = Regex("\"sealed\":\"([^\"]+)\"").find(payload)!!.groupValues[1]
        val flipped = sealed.dropLast(1) + (if (sealed.last() == 'A') 'B' else 'A')
        assertThrows<PinsException.TamperedPush> { runBlocking { device.handlePush(payload.replace(sealed, flipped)) } }
        assertTrue(device.history(null, 10u).isEmpty())
    }

    @Test
    fun `a payload for another device is foreign, and junk is malformed`() = runBlocking<Unit> {
        val (device, _, payload) = pushed("FRGN")
        val foreign = payload.replace(Regex("\"device_id\":\"[^\"]+\""), "\"device_id\":\"someone-elses\"")
        assertThrows<PinsException.ForeignPush> { runBlocking { device.handlePush(foreign) } }
        assertThrows<PinsException.MalformedPush> { runBlocking { device.handlePush("""{"data":{"v":"9"}}""") } }
        assertThrows<PinsException.MalformedPush> { runBlocking { device.handlePush("not json") } }
    }

    @Test
    fun `a payload with a field this version does not know is still read`() = runBlocking<Unit> {
        val (device, _, payload) = pushed("NEWF")
        val newer = payload.replace("\"v\":\"1\"", "\"v\":\"1\",\"site\":\"Agencia Tributaria\"")
        assertTrue(newer != payload)
        assertTrue(device.handlePush(newer) is PushOutcome.Received)
    }

    @Test
    fun `a push without the sealed PIN for a locked citizen asks for the pattern, without the PIN`() = runBlocking<Unit> {
        val (device, dni, payload) = pushed("LOCK")
        device.lock(dni)
        val bare = payload.replace(Regex(",?\"sealed\":\"[^\"]+\""), "")
        val outcome = device.handlePush(bare)
        assertEquals(PushOutcome.PendingUnlock(dni), outcome)
        val notification = device.pendingNotification(dni, Locale.ES)
        assertNull(notification.copyAction)
        assertEquals("Ha llegado un PIN. Abra Cl@ve PIN y dibuje su patrón para verlo.", notification.body.reveal())
    }

    @Test
    fun `the notification shows the live PIN with Copy PIN, and the lock-screen version never does`() = runBlocking<Unit> {
        val (device, _, payload) = pushed("NOTE")
        val received = (device.handlePush(payload) as PushOutcome.Received).v1
        val pin = checkNotNull(device.screen().latest?.pin).reveal()
        val es = device.notification(received.requestId, localeForTag("es-ES"))
        assertEquals("Cl@ve PIN: $pin", es.title.reveal())
        assertTrue(es.body.reveal().startsWith("PIN $pin para el código NOTE. Caduca en 10 min"), es.body.reveal())
        assertEquals("Copiar PIN", es.copyAction)
        assertFalse(es.publicTitle.contains(pin) || es.publicBody.contains(pin))
        assertEquals("Copia el PIN", device.notification(received.requestId, localeForTag("ca-ES")).copyAction)
        assertEquals("Kopiatu PINa", device.notification(received.requestId, localeForTag("eu")).copyAction)
        assertEquals("Copiar PIN", device.notification(received.requestId, Locale.GL).copyAction)
    }

    @Test
    fun `a used PIN's notification offers no Copy PIN and says it was used`() = runBlocking<Unit> {
        val (device, dni, payload) = pushed("USED")
        val received = (device.handlePush(payload) as PushOutcome.Received).v1
        val pin = checkNotNull(device.screen().latest?.pin).reveal()
        assertEquals(200, Service.verify(received.requestId.value, "USED", pin))
        device.refreshStates(dni)
        val used = device.notification(received.requestId, Locale.EN)
        assertEquals(PinState.USED, used.state)
        assertNull(used.copyAction)
        assertNull(used.timeoutAt)
        assertFalse(used.title.reveal().contains(pin) || used.body.reveal().contains(pin))
        val copy = assertThrows<PinsException.PinEnded> { device.clipboardContent(received.requestId) }
        assertEquals(PinState.USED, copy.state)
        assertEquals("This PIN was already used to sign in; each PIN works once.", used.body.reveal())
    }

    @Test
    fun `on a family phone the notification says whose PIN it is, masked`() = runBlocking<Unit> {
        val device = Service.openDevice()
        val first = Service.newCitizen()
        val second = Service.newCitizen()
        Service.activate(device, first)
        Service.activate(device, second)
        val requestId = Service.obtainPin(second, "FAML")
        device.pull(second)
        val notification = device.notification(device.history(second, 1u).single().requestId, Locale.ES)
        val masked = "•••" + second.normalised.takeLast(4)
        assertTrue(notification.title.reveal().startsWith("Cl@ve PIN para $masked: "), notification.title.reveal())
        assertFalse(notification.title.reveal().contains(second.normalised))
        assertEquals(requestId, notification.requestId?.value)
    }

    @Test
    fun `a push token refreshed while everyone is locked is kept and registered after unlocking`() = runBlocking<Unit> {
        val dni = Service.newCitizen()
        val device = Service.openDevice()
        Service.activate(device, dni)
        device.lockAll()
        val report = device.registerPushToken(PushPlatform.FCM, "rotated-$dni")
        assertEquals(listOf(dni), report.pending)
        assertTrue(report.registered.isEmpty())
        device.unlock(dni, patternOf(1, 2, 3, 6))
        device.pull(dni) // sends what was waiting
        Service.obtainPin(dni, "TOKN")
        val (_, outbox) = Service.call("GET", "/operator/outbox/push?after=0", operator = true)
        assertTrue(outbox.contains("\"token\":\"rotated-$dni\""), "the push went to the new token")
        assertThrows<PinsException.InvalidPushToken> { runBlocking { device.registerPushToken(PushPlatform.FCM, "") } }
    }

    @Test
    fun `the PIN never prints in the toString of the screen, the clipboard or the notification`() = runBlocking<Unit> {
        val (device, _, payload) = pushed("SECR")
        val received = (device.handlePush(payload) as PushOutcome.Received).v1
        val latest = checkNotNull(device.screen().latest)
        val pin = checkNotNull(latest.pin).reveal()
        val clipboard = device.clipboardContent(received.requestId)
        assertEquals(pin, clipboard.text.reveal())
        val notification = device.notification(received.requestId, Locale.ES)
        for (printed in listOf(latest.toString(), device.screen().toString(), clipboard.toString(), notification.toString())) {
            assertFalse(printed.contains(pin), printed)
            assertTrue(printed.contains("SecretText(***)"), printed)
        }
    }
}
