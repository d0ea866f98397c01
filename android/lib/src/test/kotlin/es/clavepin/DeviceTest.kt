package es.clavepin

import es.clavepin.ffi.CalendarDate
import es.clavepin.ffi.ClavePinDevice
import es.clavepin.ffi.DeviceException
import es.clavepin.ffi.PlatformKeyStore
import es.clavepin.ffi.core.ActivationProgress
import es.clavepin.ffi.core.CitizenState
import es.clavepin.ffi.protocol.PinState
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.atomic.AtomicLong
import javax.crypto.KeyGenerator
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/**
 * The device API through JNA against a real `clavepin serve` (scripts/test.sh starts
 * one and passes its address and data folder).
 */
class DeviceTest {
    private val url = requireNotNull(System.getProperty("clavepin.service.url")?.takeIf { it.isNotBlank() }) {
        "start `clavepin serve` and pass -Dclavepin.service.url (scripts/test.sh does)"
    }
    private val token = Files.readString(Path.of(System.getProperty("clavepin.service.data"), "operator.token")).trim()
    private val http = HttpClient.newHttpClient()
    private val today = CalendarDate(2026, 11u, 23u)

    private fun call(method: String, path: String, body: String?, operator: Boolean): Pair<Int, String> {
        val request = HttpRequest.newBuilder(URI.create(url + path))
            .header("content-type", "application/json")
            .method(method, body?.let { HttpRequest.BodyPublishers.ofString(it) } ?: HttpRequest.BodyPublishers.noBody())
        if (operator) request.header("authorization", "Bearer $token")
        val response = http.send(request.build(), HttpResponse.BodyHandlers.ofString())
        return response.statusCode() to response.body()
    }

    /** A citizen of its own for each test: a fresh, valid DNI in the census, registered. */
    private fun newCitizen(): String {
        val number = 10_000_000 + next.incrementAndGet()
        val dni = "%08d%c".format(number, "TRWAGMYFPDXBNJZSQVHLCKE"[(number % 23).toInt()])
        val contrast = """{"kind":"dni_validity","valid_until":"2030-01-31"}"""
        call("POST", "/operator/census", """{"records":[{"document":"$dni","full_name":"Kotlin Test","birth_date":"1990-01-01","contrast":$contrast,"fiscal_address":"Calle 1"}]}""", true)
        val (status, body) = call("POST", "/operator/citizens", """{"document":"$dni","contrast":$contrast,"mobile":"612345678","email":"k@example.es"}""", true)
        assertEquals(201, status, body)
        return dni
    }

    private fun lastSmsCode(): String {
        val (_, body) = call("GET", "/operator/outbox/sms?after=0", null, true)
        return Regex("\\b\\d{6}\\b").findAll(body).last().value
    }

    private fun openDevice(keyStore: PlatformKeyStore = AesKeyStore(KeyGenerator.getInstance("AES").apply { init(256) }.generateKey())) =
        ClavePinDevice.open(Files.createTempDirectory("device").toString(), url, keyStore, 1000u)

    @Test
    fun `a citizen activates the device, gets a PIN and signs in with it`() = runBlocking<Unit> {
        val dni = newCitizen()
        val device = openDevice()
        val started = device.startActivation(dni, "31/01/2030", false, today)
        assertTrue(started is ActivationProgress.AwaitingCode, "$started")
        val bound = device.submitActivationCode(lastSmsCode())
        assertTrue(bound is ActivationProgress.AwaitingPattern, "$bound")
        device.setPattern(dni, patternOf(1, 2, 3, 6))
        assertEquals(CitizenState.ACTIVE, device.citizens().single().state)

        val (status, created) = call("POST", "/portal/pin-requests", """{"document":"$dni","contrast":{"kind":"dni_validity","valid_until":"2030-01-31"},"code":"KTLN"}""", false)
        assertEquals(201, status, created)
        assertEquals(1, device.pull(dni).size)
        val latest = checkNotNull(device.screen().latest)
        assertEquals("KTLN", latest.code)
        assertEquals(PinState.LIVE, latest.state)
        assertEquals(600u, latest.countdown.secondsLeft)
        val pin = checkNotNull(latest.pin)
        val requestId = Regex("\"request_id\":\"([^\"]+)\"").find(created)!!.groupValues[1]
        val (verified, _) = call("POST", "/portal/pin-requests/$requestId/verify", """{"code":"KTLN","pin":"${pin.lowercase()}"}""", false)
        assertEquals(200, verified)

        // The Flow emits the screen at once.
        val screen = withTimeout(5_000) { device.screens().first() }
        assertEquals(requestId, screen.latest?.requestId)
        assertEquals("Copiar PIN", device.notification(requestId, es.clavepin.ffi.localeForTag("es-ES")).copyAction)
    }

    @Test
    fun `refusals arrive as typed exceptions`() = runBlocking<Unit> {
        val dni = newCitizen()
        val device = openDevice()
        assertThrows<DeviceException.InvalidInput> { runBlocking { device.startActivation("12345678A", "31/01/2030", false, today) } }
        val mismatch = assertThrows<DeviceException.Refused> { runBlocking { device.startActivation(dni, "31/01/2031", false, today) } }
        assertEquals("contrast_data_mismatch", mismatch.code)
        device.startActivation(dni, "31/01/2030", false, today)
        val wrong = if (lastSmsCode() == "000000") "111111" else "000000"
        val refused = assertThrows<DeviceException.Refused> { runBlocking { device.submitActivationCode(wrong) } }
        assertEquals("wrong_code", refused.code)
        assertEquals(2u, refused.triesLeft)
        assertThrows<DeviceException.NotAvailable> { runBlocking { device.pull(dni) } }
    }

    @Test
    fun `a failing platform key store is an error, not a crash`() {
        val broken = object : PlatformKeyStore {
            override fun wrap(dataKey: ByteArray): ByteArray = throw IllegalStateException("keystore locked")
            override fun unwrapKey(wrapped: ByteArray): ByteArray = throw IllegalStateException("keystore locked")
        }
        assertThrows<DeviceException> { openDevice(broken) }
    }

    private companion object {
        val next = AtomicLong(System.nanoTime() % 1_000_000)
    }
}
