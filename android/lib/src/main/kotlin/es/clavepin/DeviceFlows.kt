package es.clavepin

import es.clavepin.ffi.ChannelObserver
import es.clavepin.ffi.ClavePinDevice
import es.clavepin.ffi.ScreenObserver
import es.clavepin.ffi.core.ChannelStatus
import es.clavepin.ffi.core.ReceivedPin
import es.clavepin.ffi.core.ScreenModel
import kotlinx.coroutines.channels.awaitClose
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.callbackFlow

/**
 * The app screen as a Flow: the screen model at once, every 10 seconds and whenever a
 * PIN arrives, changes or expires. Collecting starts the core's ticker; cancelling
 * the collector stops it.
 */
fun ClavePinDevice.screens(): Flow<ScreenModel> = callbackFlow {
    val handle = subscribeScreen(object : ScreenObserver {
        override fun onScreen(screen: ScreenModel) {
            trySend(screen)
        }
    })
    awaitClose { handle.cancel() }
}

/** What the direct channel reports. */
sealed interface ChannelEvent {
    /** The channel's state changed. */
    data class Status(val status: ChannelStatus) : ChannelEvent

    /** A PIN arrived and is stored. */
    data class Pin(val pin: ReceivedPin) : ChannelEvent
}

/** The direct channel for an unlocked citizen, as a Flow; cancelling closes it. */
fun ClavePinDevice.directChannel(document: String): Flow<ChannelEvent> = callbackFlow {
    val handle = startDirectChannel(document, object : ChannelObserver {
        override fun onStatus(status: ChannelStatus) {
            trySend(ChannelEvent.Status(status))
        }

        override fun onPin(pin: ReceivedPin) {
            trySend(ChannelEvent.Pin(pin))
        }
    })
    awaitClose { handle.cancel() }
}

/** A pattern drawn as dots 1–9, in the form the core takes. */
fun patternOf(vararg dots: Int): ByteArray = ByteArray(dots.size) { dots[it].toByte() }
