package es.clavepin

import es.clavepin.ffi.ActivationException
import es.clavepin.ffi.NetworkException
import es.clavepin.ffi.PlatformException
import es.clavepin.ffi.PlatformKeyStore
import es.clavepin.ffi.core.ActivationProgress
import es.clavepin.ffi.core.CitizenState
import es.clavepin.ffi.core.Locale
import es.clavepin.ffi.protocol.ErrorCode
import es.clavepin.ffi.protocol.PinState
import java.nio.file.Files
import kotlinx.coroutines.flow.filterIsInstance
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** Activation and the first PIN, through JNA against a real `clavepin serve`. */
class DeviceTest {
    @Test
    fun `a citizen activates the device, gets a PIN and signs in with it`() = runBlocking<Unit> {
        val dni = Service.newCitizen()
        val device = Service.openDevice()
        val started = device.startActivation(dni, Service.VALIDITY, false, Service.today)
        assertTrue(started is ActivationProgress.AwaitingCode, "$started")
        val bound = device.submitActivationCode(Service.lastSmsCode())
        assertTrue(bound is ActivationProgress.AwaitingPattern, "$bound")
        device.setPattern(dni, patternOf(1, 2, 3, 6))
        assertEquals(CitizenState.ACTIVE, device.citizens().single().state)

        val requestId = Service.obtainPin(dni, "KTLN")
        assertEquals(1, device.pull(dni).size)
        val latest = checkNotNull(device.screen().latest)
        assertEquals("KTLN", latest.code)
        assertEquals(PinState.LIVE, latest.state)
        assertTrue(latest.countdown.secondsLeft in 590u..600u, "${latest.countdown.secondsLeft}")
        val pin = checkNotNull(latest.pin).reveal()
        assertEquals(200, Service.verify(requestId, "KTLN", pin.lowercase()))

        // The Flow emits the screen at once.
        val screen = withTimeout(5_000) { device.screenUpdates().filterIsInstance<ScreenUpdate.Shown>().first().screen }
        assertEquals(requestId, screen.latest?.requestId?.value)
    }

    @Test
    fun `activation refusals arrive typed, with the service's code and tries left`() = runBlocking<Unit> {
        val dni = Service.newCitizen()
        val device = Service.openDevice()
        val mismatch = assertThrows<ActivationException.Network> { runBlocking { device.startActivation(dni, "31/01/2031", false, Service.today) } }
        val refused = mismatch.error as NetworkException.Refused
        assertEquals(ErrorCode.CONTRAST_DATA_MISMATCH, refused.refusal.code)
        device.startActivation(dni, Service.VALIDITY, false, Service.today)
        val wrong = if (Service.lastSmsCode() == "000000") "111111" else "000000"
        val wrongCode = assertThrows<ActivationException.Network> { runBlocking { device.submitActivationCode(wrong) } }
        val refusal = (wrongCode.error as NetworkException.Refused).refusal
        assertEquals(ErrorCode.WRONG_CODE, refusal.code)
        assertEquals(2u, refusal.triesLeft)
        assertEquals("El código SMS no es correcto. Le quedan 2 intentos.", wrongCode.toString())
    }

    @Test
    fun `a malformed contrast datum says which rule it breaks, in the device's language`() = runBlocking<Unit> {
        val device = Service.openDevice(locale = Locale.EN)
        val dni = DocumentNumber.parse("12345678Z")
        val e = assertThrows<ActivationException.InvalidIdentity> { runBlocking { device.startActivation(dni, "31-13-2030", false, Service.today) } }
        assertEquals(es.clavepin.ffi.protocol.IdentityException.NotACalendarDate::class, e.reason::class)
        assertEquals("Write the date as DD/MM/YYYY, as it appears on the card.", e.toString())
        device.setLocale(Locale.GL)
        val gl = assertThrows<ActivationException.InvalidIdentity> { runBlocking { device.startActivation(dni, "31-13-2030", false, Service.today) } }
        assertTrue(gl.toString().startsWith("Escriba a data"), gl.toString())
        assertTrue(gl.message!!.isNotBlank())
    }

    @Test
    fun `a failing platform key store is a platform error, not a crash`() {
        val broken = object : PlatformKeyStore {
            override fun wrap(dataKey: ByteArray): ByteArray = throw PlatformException.Failure("keystore locked")
            override fun unwrapKey(wrapped: ByteArray): ByteArray = throw PlatformException.Failure("keystore locked")
        }
        assertThrows<PlatformException.Failure> { Service.openDevice(keyStore = broken) }
    }

    @Test
    fun `the store opens again with its key, and another key says the key is unavailable`() {
        val dir = Files.createTempDirectory("device")
        val keys = Service.keyStore()
        Service.openDevice(dir, keys)
        Service.openDevice(dir, keys).citizens()
        val e = assertThrows<PlatformException.KeyUnavailable> { Service.openDevice(dir, Service.keyStore()) }
        assertTrue(e.toString().isNotBlank())
    }
}
