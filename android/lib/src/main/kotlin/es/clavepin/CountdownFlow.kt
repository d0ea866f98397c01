package es.clavepin

import es.clavepin.ffi.core.Countdown
import es.clavepin.ffi.countdown
import es.clavepin.ffi.countdownDisplay
import java.time.Duration
import java.time.Instant
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow

/** The time left as the screen writes it, `m:ss`. */
val Countdown.display: String
    get() = countdownDisplay(this)

/**
 * The expiry counter of a PIN expiring at [expiresAt]: emitted at once, then at each
 * 10-second refresh the core schedules, and a last time when the PIN expires.
 * [now] is injected so tests run on virtual time.
 */
fun countdownFlow(expiresAt: Instant, now: () -> Instant = Instant::now): Flow<Countdown> = flow {
    while (true) {
        val current = countdown(expiresAt, now())
        emit(current)
        val next = current.nextRefreshAt ?: return@flow
        delay(Duration.between(now(), next).toMillis().coerceAtLeast(0))
    }
}

/**
 * The expiry counter of a PIN on the service's clock: the phone's own may be minutes
 * off, and the core knows by how much. Use this one in the app.
 */
fun es.clavepin.ffi.ClavePinDevice.countdownFlow(expiresAt: Instant): Flow<Countdown> =
    countdownFlow(expiresAt) { now() }
