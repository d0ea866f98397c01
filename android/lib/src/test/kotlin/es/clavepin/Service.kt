package es.clavepin

import es.clavepin.ffi.CalendarDate
import es.clavepin.ffi.ClavePinDevice
import es.clavepin.ffi.DeviceSettings
import es.clavepin.ffi.PlatformKeyStore
import es.clavepin.ffi.core.Locale
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.atomic.AtomicLong
import javax.crypto.KeyGenerator
import org.junit.jupiter.api.Assertions.assertEquals

/**
 * A real `clavepin serve` that scripts/test.sh starts, seen as the tests need it: the
 * operator's census and registry, the portal's "Obtain PIN" and "Access", and the
 * outboxes where the embedded SMS and push gateways write.
 */
open class TestService(property: String) {
    val url: String = requireNotNull(System.getProperty("clavepin.$property.url")?.takeIf { it.isNotBlank() }) {
        "start `clavepin serve` and pass -Dclavepin.$property.url (scripts/test.sh does)"
    }
    private val data = Path.of(System.getProperty("clavepin.$property.data"))
    private val token = Files.readString(data.resolve("operator.token")).trim()
    /** The operator API listens apart; `serve` writes its address beside the token. */
    private val operatorUrl = Files.readString(data.resolve("operator.address")).trim()
    private val http = HttpClient.newHttpClient()
    val today = CalendarDate(2026, 11u, 23u)
    val VALIDITY = "31/01/2030"
    private val CONTRAST = """{"kind":"dni_validity","valid_until":"2030-01-31"}"""

    fun call(method: String, path: String, body: String? = null, operator: Boolean = false): Pair<Int, String> {
        val request = HttpRequest.newBuilder(URI.create((if (operator) operatorUrl else url) + path))
            .header("content-type", "application/json")
            .method(method, body?.let { HttpRequest.BodyPublishers.ofString(it) } ?: HttpRequest.BodyPublishers.noBody())
        if (operator) request.header("authorization", "Bearer $token")
        val response = http.send(request.build(), HttpResponse.BodyHandlers.ofString())
        return response.statusCode() to response.body()
    }

    /** A citizen of a test's own: a fresh, valid DNI in the census, registered. */
    fun newCitizen(): DocumentNumber {
        val next = citizens
        val number = 10_000_000 + next.incrementAndGet()
        val dni = "%08d%c".format(number, "TRWAGMYFPDXBNJZSQVHLCKE"[(number % 23).toInt()])
        call("POST", "/operator/census", """{"records":[{"document":"$dni","full_name":"Kotlin Test","birth_date":"1990-01-01","contrast":$CONTRAST,"fiscal_address":"Calle 1"}]}""", true)
        val (status, body) = call("POST", "/operator/citizens", """{"document":"$dni","contrast":$CONTRAST,"mobile":"612345678","email":"k@example.es"}""", true)
        assertEquals(201, status, body)
        return DocumentNumber.parse(dni)
    }

    fun lastSmsCode(): String {
        val (_, body) = call("GET", "/operator/outbox/sms?after=0", operator = true)
        return Regex("\\b\\d{6}\\b").findAll(body).last().value
    }

    /** What every SMS the embedded gateway sent says, oldest first (all test citizens share one mobile). */
    fun smsTexts(): List<String> {
        val (_, body) = call("GET", "/operator/outbox/sms?after=0", operator = true)
        return Regex("\"text\":\"((?:[^\"\\\\]|\\\\.)*)\"").findAll(body).map { it.groupValues[1] }.toList()
    }

    /** The newest push payload the embedded gateway sent, as FCM would deliver it. */
    fun lastPushPayload(): String {
        val (_, body) = call("GET", "/operator/outbox/push?after=0", operator = true)
        val payloads = Regex("\"payload\":(\\{.*?\\}),\"sent_at\"").findAll(body).toList()
        return payloads.last().groupValues[1]
    }

    /** "Obtain PIN" on the portal; returns the request id and the code. */
    fun obtainPin(document: DocumentNumber, code: String): String {
        val (status, created) = call("POST", "/portal/pin-requests", """{"document":"$document","contrast":$CONTRAST,"code":"$code"}""")
        assertEquals(201, status, created)
        return Regex("\"request_id\":\"([^\"]+)\"").find(created)!!.groupValues[1]
    }

    /** "Approve in the app" on the portal; returns the approval's id and the link its QR code holds. */
    fun startApproval(document: DocumentNumber): Pair<String, String> {
        val (status, started) = call("POST", "/portal/approvals", """{"document":"$document","contrast":$CONTRAST}""")
        assertEquals(201, status, started)
        val id = Regex("\"approval_id\":\"([^\"]+)\"").find(started)!!.groupValues[1]
        return id to Regex("\"link\":\"([^\"]+)\"").find(started)!!.groupValues[1]
    }

    /** Where an approval stands: pending, approved, ended or expired. */
    fun approvalState(id: String): String =
        Regex("\"state\":\"([a-z]+)\"").find(call("GET", "/portal/approvals/$id").second)!!.groupValues[1]

    /** "Access" on the portal. */
    fun verify(requestId: String, code: String, pin: String): Int =
        call("POST", "/portal/pin-requests/$requestId/verify", """{"code":"$code","pin":"$pin"}""").first

    fun keyStore(): PlatformKeyStore = AesKeyStore(KeyGenerator.getInstance("AES").apply { init(256) }.generateKey())

    /** A new device in a folder of its own. Few PBKDF2 rounds unless told: debug builds stretch slowly. */
    fun openDevice(
        dir: Path = Files.createTempDirectory("device"),
        keyStore: PlatformKeyStore = keyStore(),
        serviceUrl: String = url,
        iterations: UInt = 1000u,
        silenceLimitSecs: UInt? = null,
        locale: Locale = Locale.ES,
        name: String? = null,
        model: String? = null,
    ): ClavePinDevice = ClavePinDevice.open(
        dir.toString(),
        serviceUrl,
        keyStore,
        DeviceSettings(locale, iterations, silenceLimitSecs, deviceName = name, deviceModel = model),
    )

    /** Activates [device] for [document] with the pattern 1-2-3-6. */
    suspend fun activate(device: ClavePinDevice, document: DocumentNumber) {
        device.startActivation(document, VALIDITY, false, today)
        device.submitActivationCode(lastSmsCode())
        device.setPattern(document, patternOf(1, 2, 3, 6))
    }
}

/** Fresh DNIs for every service: each test registers citizens of its own. */
private val citizens = AtomicLong(System.nanoTime() % 1_000_000)

/** The service most tests use. */
object Service : TestService("service")

/** A service whose clock is 7 minutes behind the tests' (Debian's faketime): to it, the device is 7 minutes fast. */
object SkewedService : TestService("skewed")

/** A service 7 minutes ahead: to it, the device is 7 minutes slow. */
object AheadService : TestService("ahead")
