package es.clavepin

import es.clavepin.ffi.ActivationException
import es.clavepin.ffi.ClavePinDevice
import es.clavepin.ffi.DeviceSettings
import es.clavepin.ffi.NetworkException
import es.clavepin.ffi.UnlockException
import es.clavepin.ffi.core.Locale
import java.nio.file.Files
import java.nio.file.Path
import java.security.MessageDigest
import java.security.cert.CertificateFactory
import java.util.Base64
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** A phone whose clock is wrong, and the service over TLS. */
class ClockAndTlsTest {
    @Test
    fun `a phone seven minutes fast activates and gets its PINs, and keeps the correction across a restart`() =
        wrongClock(SkewedService, -425L..-415L)

    @Test
    fun `a phone seven minutes slow does the same`() = wrongClock(AheadService, 415L..425L)

    private fun wrongClock(service: TestService, offset: LongRange) = runBlocking<Unit> {
        val dni = service.newCitizen()
        val dir = Files.createTempDirectory("device")
        val keys = service.keyStore()
        val device = service.openDevice(dir, keys)
        service.activate(device, dni)
        assertTrue(device.clockOffsetSecs() in offset, "learned: ${device.clockOffsetSecs()} s")
        service.obtainPin(dni, "SKEW")
        assertEquals(1, device.pull(dni).size)
        val latest = checkNotNull(device.screen().latest)
        // What the app hands the platform is a duration: right whatever the phone's clock says.
        assertTrue(device.clipboardContent(latest.requestId).clearAfterSecs in 590u..600u)
        val counted = device.countdownFlow(latest.expiresAt).first().secondsLeft
        assertTrue(counted in 590u..600u, "the app's own countdown is corrected too: $counted")
        val shown = latest.countdown.secondsLeft
        assertTrue(shown in 590u..600u, "the countdown is on the service's time: $shown s")

        // A cold start: the correction is there before any request.
        val again = service.openDevice(dir, keys)
        assertTrue(again.clockOffsetSecs() in offset)
        again.unlock(dni, patternOf(1, 2, 3, 6))
        service.obtainPin(dni, "SKW2")
        assertEquals(1, again.pull(dni).size)
        // Waits after wrong patterns keep their rule on the wrong clock.
        again.lock(dni)
        repeat(5) { assertThrows<UnlockException.WrongPattern> { runBlocking { again.unlock(dni, patternOf(9, 8, 7, 4)) } } }
        val wait = assertThrows<UnlockException.Wait> { runBlocking { again.unlock(dni, patternOf(1, 2, 3, 6)) } }
        assertTrue(wait.waitSecs in 1L..30L, "${wait.waitSecs} s")
    }

    private val tlsUrl: String = System.getProperty("clavepin.tls.url")
    private val ca: ByteArray = Files.readAllBytes(Path.of(System.getProperty("clavepin.tls.ca")))

    private fun tlsDevice(roots: List<ByteArray>, pins: List<String> = emptyList()) =
        ClavePinDevice.open(
            Files.createTempDirectory("device").toString(), tlsUrl, Service.keyStore(),
            DeviceSettings(Locale.EN, 1000u, null, roots, pins),
        )

    /** Any refusal from the service shows the TLS handshake succeeded. */
    private fun answeredOverTls(device: ClavePinDevice) {
        val e = assertThrows<ActivationException.Network> {
            runBlocking { device.startActivation(DocumentNumber.parse("12345678Z"), Service.VALIDITY, false, Service.today) }
        }
        assertTrue(e.error is NetworkException.Refused, "${e.error}")
    }

    private fun untrusted(device: ClavePinDevice) {
        val e = assertThrows<ActivationException.Network> {
            runBlocking { device.startActivation(DocumentNumber.parse("12345678Z"), Service.VALIDITY, false, Service.today) }
        }
        assertTrue(e.error is NetworkException.Untrusted, "${e.error}")
        assertTrue(e.toString().startsWith("The connection to the Cl@ve PIN service is not safe"), e.toString())
    }

    @Test
    fun `over TLS the device trusts the operator's CA, and refuses a service it cannot trust`() {
        answeredOverTls(tlsDevice(listOf(ca)))
        untrusted(tlsDevice(emptyList()))
    }

    @Test
    fun `a pinned service key is accepted and any other pin is refused`() {
        val pem = Files.newInputStream(Path.of(System.getProperty("clavepin.tls.cert")))
        val leaf = pem.use { CertificateFactory.getInstance("X.509").generateCertificate(it) }
        val spki = MessageDigest.getInstance("SHA-256").digest(leaf.publicKey.encoded)
        val pin = "sha256/" + Base64.getEncoder().encodeToString(spki)
        answeredOverTls(tlsDevice(listOf(ca), listOf(pin)))
        untrusted(tlsDevice(listOf(ca), listOf("sha256/" + Base64.getEncoder().encodeToString(ByteArray(32)))))
    }
}
