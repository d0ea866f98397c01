package es.clavepin

import es.clavepin.ffi.PinsException
import es.clavepin.ffi.core.CitizenState
import es.clavepin.ffi.core.Locale
import es.clavepin.ffi.protocol.PinState
import es.clavepin.screens.AppScreen
import es.clavepin.screens.CitizenApp
import es.clavepin.screens.Field
import es.clavepin.screens.Notice
import java.nio.file.Files
import java.time.Duration
import java.time.LocalDate
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.async
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.distinctUntilChanged
import kotlinx.coroutines.flow.filterIsInstance
import kotlinx.coroutines.flow.map
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

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

    @Test
    fun `this wasn't me ends the PIN on the screen at once, and the next PINs come by SMS`() = runBlocking<Unit> {
        val device = Service.openDevice(name = "Ana's phone", model = "Pixel 8")
        val app = app(device)
        val ana = Service.newCitizen()
        app.activate(ana)
        Service.obtainPin(ana, "NOME")
        device.pull(ana)
        val shown = checkNotNull(device.screen().latest)
        assertEquals(PinState.LIVE, shown.state)
        val states = device.screenUpdates().filterIsInstance<ScreenUpdate.Shown>().map { it.screen.latest?.state }
        val reported = withTimeout(3_000) { // well before the 10-s tick
            val seen = async { states.distinctUntilChanged().take(2).toList() }
            delay(200)
            val screen = app.step { reportNotMe(shown.requestId) }
            assertEquals(listOf(PinState.LIVE, PinState.DEAD), seen.await(), "the PIN ended on the screen at once")
            screen as AppScreen.Pins
        }
        assertEquals(ana, reported.document)
        val notice = reported.notice as Notice.NotMeReported
        assertEquals(shown.requestId, notice.requestId)
        // Pushes are held 20 minutes on the service's clock (server/src/pins/not_me.rs).
        val held = Duration.between(device.now(), notice.smsUntil)
        assertTrue(held > Duration.ofMinutes(19) && held <= Duration.ofMinutes(20), "$held")
        assertNull(device.screen().latest!!.pin, "the PIN is no longer shown")
        // Saying it again changes nothing.
        assertEquals(reported, app.step { reportNotMe(shown.requestId) })
        val (_, reports) = Service.call("GET", "/operator/reports?after=0", operator = true)
        assertTrue(reports.contains("\"document\":\"$ana\""), "operators see the report")
        // The next PIN goes by SMS, and nothing is sealed for the app.
        Service.obtainPin(ana, "NMS2")
        withTimeout(5_000) { while (Service.smsTexts().none { it.contains("código NMS2") }) delay(50) }
        assertTrue(device.pull(ana).isEmpty())
    }

    @Test
    fun `this wasn't me needs the pattern, and asks for it`() = runBlocking<Unit> {
        val device = Service.openDevice()
        val app = app(device)
        val ana = Service.newCitizen()
        app.activate(ana)
        Service.obtainPin(ana, "NOM2")
        device.pull(ana)
        val requestId = checkNotNull(device.screen().latest).requestId
        device.lockAll() // locked under the open PIN screen
        val asked = app.step { reportNotMe(requestId) } as AppScreen.Unlock
        assertEquals(ana, asked.document)
        assertEquals("Dibuje su patrón de seguridad para continuar.", asked.error)
    }

    @Test
    fun `moving to a new phone is explained, and what it says holds`() = runBlocking<Unit> {
        val old = Service.openDevice()
        val app = app(old)
        val ana = Service.newCitizen()
        app.activate(ana)
        app.step { home() }
        assertEquals(AppScreen.NewPhone, app.step { newPhone() })
        assertTrue(app.step { back() } is AppScreen.Home)
        // Activating on the new phone with the DNI and an SMS code stops the old one at once.
        val new = Service.openDevice()
        Service.activate(new, ana)
        Service.obtainPin(ana, "MOVE")
        assertEquals(listOf("MOVE"), new.pull(ana).map { it.code })
        assertThrows<PinsException.DeviceReplaced> { runBlocking { old.pull(ana) } }
    }

    @Test
    fun `approving a sign-in takes the scanned code, shows who asks, and needs the pattern`() = runBlocking<Unit> {
        val device = Service.openDevice()
        val app = app(device)
        val ana = Service.newCitizen()
        app.activate(ana)
        val (id, link) = Service.startApproval(ana)
        assertEquals(AppScreen.ScanApproval(ana), app.step { approveSignIn(ana) })
        // Not a code at all, then a code nobody shows: asked again, in the citizen's language.
        val junk = app.step { submitApprovalCode("hola") } as AppScreen.ScanApproval
        assertTrue(junk.error!!.contains("8 letras"), junk.error)
        val confirm = app.step { submitApprovalCode(link) } as AppScreen.ConfirmApproval
        assertNull(confirm.request.site, "the Cl@ve portal itself asks")
        assertEquals(Duration.ofMinutes(5), Duration.between(confirm.request.requestedAt, confirm.request.expiresAt))
        assertEquals("ApprovalCode(***)", confirm.request.code.toString(), "the code never prints")
        // A wrong pattern approves nothing and says the tries left.
        val wrong = app.step { approve(listOf(9, 8, 7, 4)) } as AppScreen.ConfirmApproval
        assertTrue(wrong.error!!.contains("Patrón incorrecto"), wrong.error)
        assertEquals("pending", Service.approvalState(id))
        val done = app.step { approve(listOf(1, 2, 3, 6)) } as AppScreen.Pins
        assertEquals(Notice.Approved(null, fromLink = false), done.notice)
        assertEquals("approved", Service.approvalState(id))
    }

    @Test
    fun `the log-in page's link opens the approval after the pattern, and this wasn't me holds pushes`() = runBlocking<Unit> {
        val device = Service.openDevice()
        val app = app(device)
        val ana = Service.newCitizen()
        app.activate(ana)
        app.lockAll().join()
        val (id, link) = Service.startApproval(ana)
        // Locked: the pattern first, then straight to who asks.
        val unlock = app.step { openApprovalLink(link) } as AppScreen.Unlock
        assertEquals(ana, unlock.document)
        val confirm = app.step { unlock(listOf(1, 2, 3, 6)) } as AppScreen.ConfirmApproval
        assertTrue(confirm.fromLink)
        val refused = app.step { refuseApproval(notMe = true) } as AppScreen.Pins
        val notice = refused.notice as Notice.ApprovalRefused
        assertTrue(notice.fromLink)
        val held = Duration.between(device.now(), notice.smsUntil)
        assertTrue(held > Duration.ofMinutes(19) && held <= Duration.ofMinutes(20), "$held")
        assertEquals("ended", Service.approvalState(id))
        // The same link again: nothing waits any more.
        val again = app.step { openApprovalLink(link) } as AppScreen.Pins
        assertTrue((again.notice as Notice.Said).text.contains("Ningún acceso espera"), "${again.notice}")
        // A link to another host is someone else's, whatever code it holds.
        val code = link.substringAfter("code=")
        val foreign = app.step { openApprovalLink("https://evil.example/approve?code=$code") } as AppScreen.ScanApproval
        assertTrue(foreign.error!!.contains("no es del servicio Cl@ve PIN"), foreign.error)
    }
}
