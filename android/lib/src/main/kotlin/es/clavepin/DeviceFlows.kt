package es.clavepin

import es.clavepin.ffi.ChannelObserver
import es.clavepin.ffi.ClavePinDevice
import es.clavepin.ffi.PinsException
import es.clavepin.ffi.PlatformException
import es.clavepin.ffi.ScreenObserver
import es.clavepin.ffi.core.ChannelStatus
import es.clavepin.ffi.core.ReceivedPin
import es.clavepin.ffi.core.ScreenModel
import kotlinx.coroutines.channels.awaitClose
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.buffer
import kotlinx.coroutines.flow.callbackFlow
import kotlinx.coroutines.flow.conflate

/** What the screen ticker reports. */
sealed interface ScreenUpdate {
    /** The screen to show now. */
    data class Shown(val screen: ScreenModel) : ScreenUpdate

    /** The screen could not be read; the ticker goes on and tries again. */
    data class Failed(val error: PlatformException) : ScreenUpdate
}

/**
 * The app screen as a Flow: the screen model at once, every 10 seconds, and at once
 * whenever it changes (a PIN arrives, changes or expires; a citizen is unlocked,
 * locked, removed or replaced). Conflated: a slow collector sees the newest screen.
 * Collecting starts the core's ticker; cancelling the collector stops it.
 */
fun ClavePinDevice.screenUpdates(): Flow<ScreenUpdate> = callbackFlow {
    val handle = subscribeScreen(object : ScreenObserver {
        override fun onScreen(screen: ScreenModel) {
            trySend(ScreenUpdate.Shown(screen))
        }

        override fun onError(error: PlatformException) {
            trySend(ScreenUpdate.Failed(error))
        }
    })
    awaitClose { handle.cancel() }
}.conflate()

/** What the direct channel reports. */
sealed interface ChannelEvent {
    /** The channel's state changed. */
    data class Status(val status: ChannelStatus) : ChannelEvent

    /** A PIN arrived and is stored. */
    data class Pin(val pin: ReceivedPin) : ChannelEvent

    /** A connection failed or dropped; a `Reconnecting` status follows. */
    data class Problem(val error: PinsException) : ChannelEvent
}

/** Whether the channel stops after this status: the citizen was locked, replaced or removed. */
val ChannelStatus.isFinal: Boolean
    get() = this is ChannelStatus.Locked || this is ChannelStatus.Replaced || this is ChannelStatus.Removed

/**
 * The direct channel for an unlocked citizen, as a Flow. It reconnects by itself
 * (the core notices a silent connection and backs off with jitter), and completes
 * after a final status: [ChannelStatus.Locked], [ChannelStatus.Replaced] or
 * [ChannelStatus.Removed]. Cancelling the collector closes the channel.
 */
fun ClavePinDevice.directChannel(document: DocumentNumber): Flow<ChannelEvent> = callbackFlow {
    val handle = startDirectChannel(document, object : ChannelObserver {
        override fun onStatus(status: ChannelStatus) {
            trySend(ChannelEvent.Status(status))
            if (status.isFinal) channel.close()
        }

        override fun onPin(pin: ReceivedPin) {
            trySend(ChannelEvent.Pin(pin))
        }

        override fun onError(error: PinsException) {
            trySend(ChannelEvent.Problem(error))
        }
    })
    awaitClose { handle.cancel() }
}.buffer(kotlinx.coroutines.channels.Channel.UNLIMITED)

/** A pattern drawn as dots 1–9, in the form the core takes. */
fun patternOf(vararg dots: Int): ByteArray {
    require(dots.all { it in 1..9 }) { "dots are numbered 1 to 9" }
    return ByteArray(dots.size) { dots[it].toByte() }
}
