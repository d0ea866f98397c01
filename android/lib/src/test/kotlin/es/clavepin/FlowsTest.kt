package es.clavepin

import es.clavepin.ffi.ActivationException
import es.clavepin.ffi.NetworkException
import es.clavepin.ffi.core.ActivationProgress
import es.clavepin.ffi.core.CitizenState
import es.clavepin.ffi.protocol.ErrorCode
import es.clavepin.ffi.protocol.PinState
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** The rest of the citizen's flows, as an app drives them. */
class FlowsTest {
    private fun wrongCode(): String = if (Service.lastSmsCode() == "000000") "111111" else "000000"

    @Test
    fun `three wrong SMS codes end the attempt, and the app starts again`() = runBlocking<Unit> {
        val dni = Service.newCitizen()
        val device = Service.openDevice()
        device.startActivation(dni, Service.VALIDITY, false, Service.today)
        val wrong = wrongCode()
        repeat(2) {
            val e = assertThrows<ActivationException.Network> { runBlocking { device.submitActivationCode(wrong) } }
            assertEquals(ErrorCode.WRONG_CODE, (e.error as NetworkException.Refused).refusal.code)
        }
        assertThrows<ActivationException.StartAgain> { runBlocking { device.submitActivationCode(wrong) } }
        assertEquals(ActivationProgress.Idle, device.activationProgress())
        Service.activate(device, dni)
        assertEquals(CitizenState.ACTIVE, device.citizens().single().state)
    }

    @Test
    fun `each citizen on a family phone unlocks with their own pattern`() = runBlocking<Unit> {
        val device = Service.openDevice()
        val mother = Service.newCitizen()
        val son = Service.newCitizen()
        Service.activate(device, mother)
        device.startActivation(son, Service.VALIDITY, false, Service.today)
        device.submitActivationCode(Service.lastSmsCode())
        device.setPattern(son, patternOf(7, 5, 3, 1))
        device.lockAll()
        device.unlock(son, patternOf(7, 5, 3, 1))
        val unlocked = device.citizens().associate { it.document to it.unlocked }
        assertEquals(mapOf(mother to false, son to true), unlocked)
        assertThrows<es.clavepin.ffi.UnlockException.WrongPattern> { runBlocking { device.unlock(mother, patternOf(7, 5, 3, 1)) } }
    }

    @Test
    fun `history lists every PIN with its outcome, newest first`() = runBlocking<Unit> {
        val dni = Service.newCitizen()
        val device = Service.openDevice()
        Service.activate(device, dni)
        Service.obtainPin(dni, "HIS1")
        device.pull(dni)
        val second = Service.obtainPin(dni, "HIS2")
        device.pull(dni)
        val pin = checkNotNull(device.screen().latest?.pin).reveal()
        assertEquals(200, Service.verify(second, "HIS2", pin))
        device.refreshStates(dni)
        val history = device.history(dni, 10u)
        assertEquals(listOf("HIS2" to PinState.USED, "HIS1" to PinState.SUPERSEDED), history.map { it.code to it.state })
        assertTrue(history.all { it.pin == null }, "history never carries a PIN")
    }

    @Test
    fun `Copy PIN gives the live PIN marked sensitive, to be cleared when it expires`() = runBlocking<Unit> {
        val dni = Service.newCitizen()
        val device = Service.openDevice()
        Service.activate(device, dni)
        Service.obtainPin(dni, "COPY")
        val received = device.pull(dni).single()
        val copied = device.clipboardContent(received.requestId)
        assertTrue(copied.sensitive)
        assertEquals(received.expiresAt, copied.clearAt)
        assertEquals(checkNotNull(device.screen().latest?.pin), copied.text)
    }

    @Test
    fun `a citizen removed from the phone is gone from it, PINs and all`() = runBlocking<Unit> {
        val dni = Service.newCitizen()
        val device = Service.openDevice()
        Service.activate(device, dni)
        Service.obtainPin(dni, "GONE")
        device.pull(dni)
        device.removeCitizen(dni)
        assertTrue(device.citizens().isEmpty())
        assertTrue(device.history(null, 10u).isEmpty())
    }

    @Test
    fun `a phone replaced by another learns it when it next asks`() = runBlocking<Unit> {
        val dni = Service.newCitizen()
        val old = Service.openDevice()
        Service.activate(old, dni)
        Service.activate(Service.openDevice(), dni)
        assertEquals(CitizenState.REPLACED, old.checkStatus(dni))
        assertEquals(CitizenState.REPLACED, old.citizens().single().state)
    }
}
