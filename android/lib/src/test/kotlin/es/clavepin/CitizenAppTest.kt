package es.clavepin

import es.clavepin.ffi.core.CitizenState
import es.clavepin.ffi.core.Locale
import es.clavepin.screens.AppScreen
import es.clavepin.screens.CitizenApp
import es.clavepin.screens.Field
import es.clavepin.screens.Notice
import java.nio.file.Files
import java.time.LocalDate
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** The app's screens, decided over the core, against the real service: what the Compose layer draws. */
class CitizenAppTest {
    private val today = LocalDate.of(2026, 11, 23)

    private fun CoroutineScope.app(device: es.clavepin.ffi.ClavePinDevice = Service.openDevice()) =
        CitizenApp(device, this, { Locale.ES }, { today })

    /** Runs one action to its end; the app refuses a second while one runs. */
    private suspend fun CitizenApp.step(action: CitizenApp.() -> Job?): AppScreen {
        val job = requireNotNull(action()) { "the app was still busy" }
        job.join()
        return screen.value
    }

    private suspend fun CitizenApp.activate(document: DocumentNumber) {
        step { addCitizen() }
        step { submitDocument(document.toString(), Service.VALIDITY) }
        step { submitCode(Service.lastSmsCode()) }
        step { submitNewPattern(listOf(1, 2, 3, 6)) }
    }

    @Test
    fun `activation walks document, SMS code and pattern, asking again after each mistake`() = runBlocking<Unit> {
        val app = app()
        val ana = Service.newCitizen()
        assertEquals(AppScreen.Home(emptyList(), emptyList()), app.step { home() })
        assertTrue(app.step { addCitizen() } is AppScreen.EnterDocument)
        // The core flags the field, in the citizen's language.
        val badDocument = app.step { submitDocument("12345678A", Service.VALIDITY) } as AppScreen.EnterDocument
        assertEquals(Field.DOCUMENT, badDocument.error!!.field)
        assertTrue(badDocument.error!!.text.contains("letra"), badDocument.error!!.text)
        val badDate = app.step { submitDocument(ana.toString(), "31/02/2030") } as AppScreen.EnterDocument
        assertEquals(Field.CONTRAST, badDate.error!!.field)
        val code = app.step { submitDocument(ana.toString(), Service.VALIDITY) } as AppScreen.EnterCode
        assertEquals(ana, code.document)
        assertTrue(code.phoneHint.endsWith("78"), code.phoneHint)
        val real = Service.lastSmsCode()
        val wrong = app.step { submitCode(if (real == "000000") "111111" else "000000") } as AppScreen.EnterCode
        assertNotNull(wrong.error)
        assertTrue(app.step { submitCode(real) } is AppScreen.NewPattern)
        val short = app.step { submitNewPattern(listOf(1, 2)) } as AppScreen.NewPattern
        assertNotNull(short.error)
        assertEquals(AppScreen.Pins(ana), app.step { submitNewPattern(listOf(1, 2, 3, 6)) })
        val home = app.step { home() } as AppScreen.Home
        assertEquals(listOf(ana to CitizenState.ACTIVE), home.citizens.map { it.document to it.state })
    }

    @Test
    fun `a PIN screen locks when the app goes to the background, and a wrong pattern says the tries left`() = runBlocking<Unit> {
        val app = app()
        val ana = Service.newCitizen()
        app.activate(ana)
        assertEquals(AppScreen.Unlock(ana), app.step { lockAll() })
        val wrong = app.step { unlock(listOf(9, 8, 7, 4)) } as AppScreen.Unlock
        assertTrue(wrong.error!!.contains("9"), wrong.error)
        assertNull(wrong.retryAt)
        assertEquals(AppScreen.Pins(ana), app.step { unlock(listOf(1, 2, 3, 6)) })
        // Opening the citizen from home while unlocked goes straight to the PINs.
        app.step { home() }
        assertEquals(AppScreen.Pins(ana), app.step { open(ana) })
    }

    @Test
    fun `going to the background locks even while the pattern is being checked`() = runBlocking<Unit> {
        // Real stretching, so the lock lands while the pattern is still being checked.
        val device = Service.openDevice(iterations = 200_000u)
        val app = app(device)
        val ana = Service.newCitizen()
        app.activate(ana)
        app.step { lockAll() }
        val unlocking = app.unlock(listOf(1, 2, 3, 6))!!
        kotlinx.coroutines.yield() // the unlock is now stretching the pattern
        app.lockAll().join()
        unlocking.join()
        assertEquals(AppScreen.Unlock(ana), app.screen.value.let { if (it is AppScreen.Unlock) it.copy(error = null) else it })
        assertEquals(listOf(false), device.citizens().map { it.unlocked })
    }

    @Test
    fun `five wrong patterns bring a wait the screen can count down`() = runBlocking<Unit> {
        val app = app()
        val ana = Service.newCitizen()
        app.activate(ana)
        app.step { lockAll() }
        var last: AppScreen.Unlock? = null
        repeat(5) { last = app.step { unlock(listOf(9, 8, 7, 4)) } as AppScreen.Unlock }
        val retryAt = last!!.retryAt!!
        val now = java.time.Instant.now()
        assertTrue(retryAt.isAfter(now.plusSeconds(20)) && retryAt.isBefore(now.plusSeconds(31)), "$retryAt")
        // Even the right pattern waits, and the screen keeps the time to count down to.
        val waiting = app.step { unlock(listOf(1, 2, 3, 6)) } as AppScreen.Unlock
        assertTrue(waiting.error!!.startsWith("Espere"), waiting.error)
        assertNotNull(waiting.retryAt)
    }

    @Test
    fun `an activation waiting for its code is on the home screen, resumes there, and can be stopped`() = runBlocking<Unit> {
        val dir = Files.createTempDirectory("device")
        val keys = Service.keyStore()
        val ana = Service.newCitizen()
        val first = app(Service.openDevice(dir, keys))
        first.step { addCitizen() }
        first.step { submitDocument(ana.toString(), Service.VALIDITY) }
        // The app is killed and started again on the same phone.
        val again = app(Service.openDevice(dir, keys))
        val home = again.step { home() } as AppScreen.Home
        assertEquals(listOf(ana), home.waiting.map { it.document })
        assertTrue(again.step { open(ana) } is AppScreen.EnterCode)
        val stopped = again.step { cancelActivation(ana) } as AppScreen.Home
        assertTrue(stopped.waiting.isEmpty())
    }

    @Test
    fun `history lists the PINs received, and removing tells the service`() = runBlocking<Unit> {
        val device = Service.openDevice()
        val app = app(device)
        val ana = Service.newCitizen()
        app.activate(ana)
        Service.obtainPin(ana, "HIST")
        device.pull(ana)
        val history = app.step { history(ana) } as AppScreen.History
        assertEquals(listOf("HIST"), history.pins.map { it.code })
        assertEquals(AppScreen.Pins(ana), app.step { back() })
        val removed = app.step { remove(ana) } as AppScreen.Home
        assertEquals(Notice.Removed(ana, serviceTold = true), removed.notice)
        assertTrue(removed.citizens.isEmpty())
    }

    @Test
    fun `changing the pattern needs the current one`() = runBlocking<Unit> {
        val app = app()
        val ana = Service.newCitizen()
        app.activate(ana)
        app.step { changePattern(ana) }
        val refused = app.step { submitChangedPattern(listOf(9, 8, 7, 4), listOf(1, 5, 9, 6)) } as AppScreen.ChangePattern
        assertNotNull(refused.error)
        assertEquals(AppScreen.Pins(ana, Notice.PatternChanged), app.step { submitChangedPattern(listOf(1, 2, 3, 6), listOf(1, 5, 9, 6)) })
        app.step { lockAll() }
        assertEquals(AppScreen.Pins(ana), app.step { unlock(listOf(1, 5, 9, 6)) })
    }
}
