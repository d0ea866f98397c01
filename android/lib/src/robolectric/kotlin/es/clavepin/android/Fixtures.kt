package es.clavepin.android

import android.app.Application
import es.clavepin.DocumentNumber
import es.clavepin.RequestId
import es.clavepin.SecretText
import es.clavepin.ffi.PinsException
import es.clavepin.ffi.core.ClipboardContent
import es.clavepin.ffi.core.Locale
import es.clavepin.ffi.core.NotificationContent
import es.clavepin.ffi.core.PushOutcome
import es.clavepin.ffi.core.PushTokenReport
import es.clavepin.ffi.core.ReceivedPin
import es.clavepin.ffi.protocol.PinState
import es.clavepin.ffi.protocol.PushPlatform
import java.time.Instant

val ANA = DocumentNumber("12345678Z")
val JOHN = DocumentNumber("X1234567L")
val NOW: Instant = Instant.parse("2026-12-01T10:00:00Z")

/** What the core says of a live PIN, in Spanish. */
fun livePin(request: String = "req-1", who: DocumentNumber = ANA, pin: String = "X7K", secsLeft: UInt = 540u) =
    NotificationContent(
        document = who,
        requestId = RequestId(request),
        title = SecretText("PIN $pin"),
        body = SecretText("PIN $pin para el código AB12. Caduca en 9 min."),
        copyAction = "Copiar PIN",
        publicTitle = "Cl@ve PIN",
        publicBody = "Ha llegado un PIN. Desbloquee el teléfono para verlo.",
        state = PinState.LIVE,
        timeoutAt = NOW.plusSeconds(secsLeft.toLong()),
        timeoutAfterSecs = secsLeft,
    )

fun clip(pin: String = "X7K", secsLeft: Long = 540) = ClipboardContent(
    text = SecretText(pin),
    sensitive = true,
    clearAt = NOW.plusSeconds(secsLeft),
    clearAfterSecs = secsLeft.toUInt(),
)

fun received(request: String = "req-1") =
    ReceivedPin(requestId = RequestId(request), document = ANA, code = "AB12", expiresAt = NOW.plusSeconds(600))

/** The core as the platform code sees it, answering as told and recording what it got. */
class FakePinSource : PinSource {
    val payloads = mutableListOf<String>()
    val tokens = mutableListOf<Pair<PushPlatform, String>>()
    var outcome: () -> PushOutcome = { PushOutcome.Received(received()) }
    var notificationFor: (RequestId) -> NotificationContent = { livePin(it.value) }
    var clipboardFor: (RequestId) -> ClipboardContent = { clip() }

    override suspend fun handlePush(payload: String): PushOutcome {
        payloads += payload
        return outcome()
    }

    override suspend fun registerPushToken(platform: PushPlatform, token: String): PushTokenReport {
        tokens += platform to token
        return PushTokenReport(registered = listOf(ANA), pending = emptyList())
    }

    override fun notification(requestId: RequestId, locale: Locale) = notificationFor(requestId)

    override fun pendingNotification(document: DocumentNumber, locale: Locale) = livePin().copy(
        document = document,
        requestId = null,
        title = SecretText("Ha llegado un PIN"),
        body = SecretText("Dibuje su patrón para verlo."),
        copyAction = null,
        timeoutAt = null,
        timeoutAfterSecs = null,
    )

    override fun clipboardContent(requestId: RequestId) = clipboardFor(requestId)

    override fun now(): Instant = NOW
}

/** The app's Application as the receivers reach it. */
class TestApplication : Application(), PinSourceHost {
    override val pinSource = FakePinSource()
}

fun ended(state: PinState) = PinsException.PinEnded(state, "ended")
