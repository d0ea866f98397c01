package es.clavepin

import es.clavepin.ffi.PinsException
import es.clavepin.ffi.UnlockException
import es.clavepin.ffi.core.ChannelStatus
import java.util.concurrent.Executors
import java.util.concurrent.atomic.AtomicInteger
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.async
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.distinctUntilChanged
import kotlinx.coroutines.flow.filterIsInstance
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.map
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** Unlocking, the live screen and the direct channel, as an app uses them. */
class LiveDeviceTest {
    @Test
    fun `unlocking suspends, and the main thread keeps running while the pattern is stretched`() = runBlocking<Unit> {
        val dni = Service.newCitizen()
        // The calibrated 600,000 rounds: long enough to see whether the caller is blocked.
        val device = Service.openDevice(iterations = 600_000u)
        Service.activate(device, dni)
        device.lock(dni)
        val main = Executors.newSingleThreadExecutor().asCoroutineDispatcher()
        val frames = AtomicInteger()
        withContext(main) {
            val unlocking = async { device.unlock(dni, patternOf(1, 2, 3, 6)) }
            delay(20) // the stretching is under way
            val started = System.nanoTime()
            device.screen() // reads the store
            val readMs = (System.nanoTime() - started) / 1_000_000
            assertTrue(!unlocking.isCompleted, "the unlock was still stretching")
            assertTrue(readMs < 50, "the screen waited $readMs ms for the store")
            while (!unlocking.isCompleted) {
                frames.incrementAndGet() // a frame drawn on the main thread
                delay(5)
            }
            unlocking.await()
        }
        main.close()
        assertTrue(frames.get() > 1, "the main thread drew ${frames.get()} frames during the unlock")
        assertTrue(device.citizens().single().unlocked)
    }

    @Test
    fun `the screen shows the PIN at once on unlock and hides it at once on lock`() = runBlocking<Unit> {
        val dni = Service.newCitizen()
        val device = Service.openDevice()
        Service.activate(device, dni)
        Service.obtainPin(dni, "LIVE")
        device.pull(dni)
        device.lock(dni)
        val shown = device.screenUpdates().filterIsInstance<ScreenUpdate.Shown>().map { it.screen.latest?.pin != null }
        withTimeout(3_000) { // well before the 10-s tick
            val seen = async { shown.distinctUntilChanged().take(3).toList() }
            delay(200)
            device.unlock(dni, patternOf(1, 2, 3, 6))
            delay(200)
            device.lock(dni)
            assertEquals(listOf(false, true, false), seen.await(), "locked, unlocked, locked")
        }
    }

    @Test
    fun `removing a citizen updates the screen at once`() = runBlocking<Unit> {
        val dni = Service.newCitizen()
        val device = Service.openDevice()
        Service.activate(device, dni)
        val counts = device.screenUpdates().filterIsInstance<ScreenUpdate.Shown>().map { it.screen.citizens.size }
        withTimeout(3_000) {
            val seen = async { counts.distinctUntilChanged().take(2).toList() }
            delay(200)
            assertTrue(device.removeCitizen(dni), "the service was told")
            assertEquals(listOf(1, 0), seen.await())
        }
    }

    @Test
    fun `a wrong pattern says how many tries are left, and the fifth brings a wait`() = runBlocking<Unit> {
        val dni = Service.newCitizen()
        val device = Service.openDevice()
        Service.activate(device, dni)
        device.lock(dni)
        repeat(4) { n ->
            val e = assertThrows<UnlockException.WrongPattern> { runBlocking { device.unlock(dni, patternOf(9, 8, 7, 4)) } }
            assertEquals((9 - n).toUInt(), e.triesLeft)
        }
        val fifth = assertThrows<UnlockException.WrongPattern> { runBlocking { device.unlock(dni, patternOf(9, 8, 7, 4)) } }
        assertEquals(30L, fifth.waitSecs)
        val wait = assertThrows<UnlockException.Wait> { runBlocking { device.unlock(dni, patternOf(1, 2, 3, 6)) } }
        assertTrue(wait.waitSecs in 1L..30L, "${wait.waitSecs}")
        assertTrue(wait.toString().startsWith("Espere "), wait.toString())
        val short = assertThrows<UnlockException.InvalidPattern> { runBlocking { device.unlock(dni, byteArrayOf(1, 2)) } }
        assertEquals("El patrón debe unir al menos 4 puntos.", short.toString())
    }

    @Test
    fun `PINs need the citizen unlocked, and say so`() = runBlocking<Unit> {
        val dni = Service.newCitizen()
        val device = Service.openDevice()
        Service.activate(device, dni)
        device.lockAll()
        val e = assertThrows<PinsException.Locked> { runBlocking { device.pull(dni) } }
        assertEquals("Dibuje su patrón de seguridad para continuar.", e.toString())
    }

    @Test
    fun `the channel delivers a PIN at once and its Flow ends when the citizen is locked`() = runBlocking<Unit> {
        val dni = Service.newCitizen()
        val device = Service.openDevice()
        Service.activate(device, dni)
        val connected = CompletableDeferred<Unit>()
        withTimeout(15_000) {
            val events = async {
                device.directChannel(dni).onEachStatus { if (it is ChannelStatus.Connected) connected.complete(Unit) }.toList()
            }
            connected.await()
            val requestId = Service.obtainPin(dni, "CHAN")
            while (device.history(dni, 1u).firstOrNull()?.requestId?.value != requestId) delay(20)
            device.lock(dni)
            val all = events.await() // completes by itself
            assertTrue(all.any { it is ChannelEvent.Pin && it.pin.requestId.value == requestId }, "$all")
            assertEquals(ChannelEvent.Status(ChannelStatus.Locked), all.last())
        }
    }

    @Test
    fun `removing the citizen ends the channel Flow with Removed`() = runBlocking<Unit> {
        val dni = Service.newCitizen()
        val device = Service.openDevice()
        Service.activate(device, dni)
        val connected = CompletableDeferred<Unit>()
        withTimeout(15_000) {
            val events = async {
                device.directChannel(dni).onEachStatus { if (it is ChannelStatus.Connected) connected.complete(Unit) }.toList()
            }
            connected.await()
            device.removeCitizen(dni)
            assertEquals(ChannelEvent.Status(ChannelStatus.Removed), events.await().last())
        }
    }

    @Test
    fun `a replaced device's channel Flow ends with Replaced`() = runBlocking<Unit> {
        val dni = Service.newCitizen()
        val old = Service.openDevice()
        Service.activate(old, dni)
        Service.activate(Service.openDevice(), dni)
        val all = withTimeout(15_000) { old.directChannel(dni).toList() }
        assertEquals(ChannelEvent.Status(ChannelStatus.Replaced), all.last())
    }

    @Test
    fun `a channel that falls silent reconnects and catches up on what it missed`() = runBlocking<Unit> {
        val dni = Service.newCitizen()
        Proxy(Service.url).use { proxy ->
            val device = Service.openDevice(serviceUrl = proxy.url, silenceLimitSecs = 1u)
            Service.activate(device, dni)
            val statuses = mutableListOf<ChannelStatus>()
            val pins = mutableListOf<String>()
            withTimeout(20_000) {
                val collecting = launch {
                    device.directChannel(dni).collect {
                        when (it) {
                            is ChannelEvent.Status -> statuses += it.status
                            is ChannelEvent.Pin -> pins += it.pin.requestId.value
                            is ChannelEvent.Problem -> assertTrue(it.error.toString().isNotBlank())
                        }
                    }
                }
                while (statuses.lastOrNull() != ChannelStatus.Connected) delay(20)
                // A mobile network switch: the connection stays open but nothing flows.
                proxy.freeze()
                while (statuses.none { it is ChannelStatus.Reconnecting }) delay(20)
                val missed = Service.obtainPin(dni, "MISS")
                proxy.thaw()
                while (missed !in pins) delay(20)
                collecting.cancel()
            }
            val reconnecting = statuses.filterIsInstance<ChannelStatus.Reconnecting>()
            assertTrue(reconnecting.first().retryInSecs in 1u..1u, "first wait 0.5-1 s: $reconnecting")
            assertEquals(ChannelStatus.Connected, statuses.last())
        }
    }
}

private fun kotlinx.coroutines.flow.Flow<ChannelEvent>.onEachStatus(action: (ChannelStatus) -> Unit) =
    kotlinx.coroutines.flow.flow {
        collect { if (it is ChannelEvent.Status) action(it.status); emit(it) }
    }
