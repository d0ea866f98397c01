package es.clavepin.screens

import es.clavepin.DocumentNumber
import es.clavepin.RequestId
import es.clavepin.explanation
import es.clavepin.ffi.ActivationException
import es.clavepin.ffi.ApprovalException
import es.clavepin.ffi.ClavePinDevice
import es.clavepin.ffi.PinsException
import es.clavepin.ffi.UnlockException
import es.clavepin.ffi.core.ActivationProgress
import es.clavepin.ffi.core.CitizenState
import es.clavepin.ffi.core.Locale
import es.clavepin.ffi.explainIdentityError
import es.clavepin.ffi.protocol.IdentityException
import es.clavepin.ffi.validateContrastData
import es.clavepin.ffi.validateDocument
import es.clavepin.toCalendarDate
import java.time.LocalDate
import java.time.ZoneId
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.launch
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock

/**
 * The app's screens as states over the core: what to show next is decided here from
 * the core's answers, so the Android and iPhone layers only draw [screen] and call
 * these functions with what the citizen typed or drew. Nothing here is Android's:
 * it is tested on the JVM against a real service.
 *
 * One action runs at a time (the pattern takes a moment to stretch): a second tap
 * while [busy] is dropped, and its call returns null.
 *
 * @param today the citizen's calendar day, against which dates on the card are checked.
 */
class CitizenApp(
    private val device: ClavePinDevice,
    private val scope: CoroutineScope,
    private val locale: () -> Locale,
    private val today: () -> LocalDate = { LocalDate.now(ZoneId.of("Europe/Madrid")) },
) {
    private val current = MutableStateFlow<AppScreen>(AppScreen.Home(emptyList(), emptyList()))
    private val working = MutableStateFlow(false)
    private val turn = Mutex()

    /** The log-in page's link that opened the app, until the citizen it is for is unlocked. */
    private var pendingLink: String? = null

    val screen: StateFlow<AppScreen> = current.asStateFlow()
    val busy: StateFlow<Boolean> = working.asStateFlow()

    private fun act(step: suspend () -> AppScreen): Job? {
        if (!turn.tryLock()) return null
        working.value = true
        return scope.launch {
            try {
                current.value = step()
            } finally {
                working.value = false
                turn.unlock()
            }
        }
    }

    /** The citizens and waiting activations, as they are now. */
    fun home(notice: Notice? = null): Job? = act { homeScreen(notice) }

    private fun homeScreen(notice: Notice? = null): AppScreen = try {
        val waiting = device.pendingActivations().filterIsInstance<ActivationProgress.AwaitingCode>()
        AppScreen.Home(device.citizens(), waiting, notice)
    } catch (e: PinsException) {
        AppScreen.Home(emptyList(), emptyList(), Notice.Said(e.explanation))
    } catch (e: ActivationException) {
        AppScreen.Home(emptyList(), emptyList(), Notice.Said(e.explanation))
    }

    /** "Add a citizen": activation's first step. */
    fun addCitizen(): Job? = act { AppScreen.EnterDocument() }

    /** A citizen chosen on the home screen: their PINs, the pattern first, or the activation step they stopped at. */
    fun open(document: DocumentNumber): Job? = act {
        val link = pendingLink
        try {
            val citizen = device.citizens().find { it.document == document }
            when {
                citizen == null -> device.activationProgressFor(document).toScreen()
                citizen.state == CitizenState.NEEDS_PATTERN -> AppScreen.NewPattern(document)
                citizen.unlocked && link != null -> lookUp(document, link, fromLink = true)
                citizen.unlocked -> AppScreen.Pins(document)
                else -> AppScreen.Unlock(document)
            }
        } catch (e: PinsException) {
            homeScreen(Notice.Said(e.explanation))
        } catch (e: ActivationException) {
            homeScreen(Notice.Said(e.explanation))
        }
    }

    /** Activation's first step: checked by the core field by field, then sent to the service. */
    fun submitDocument(document: String, contrast: String, permanentDni: Boolean = false): Job? = act {
        val day = today().toCalendarDate()
        val info = try {
            validateDocument(document)
        } catch (e: IdentityException) {
            return@act AppScreen.EnterDocument(FieldError(Field.DOCUMENT, explainIdentityError(e, locale())))
        }
        try {
            validateContrastData(info.normalised, contrast, permanentDni, day)
        } catch (e: IdentityException) {
            return@act AppScreen.EnterDocument(FieldError(Field.CONTRAST, explainIdentityError(e, locale())))
        }
        try {
            device.startActivation(info.document, contrast, permanentDni, day).toScreen()
        } catch (e: ActivationException) {
            AppScreen.EnterDocument(FieldError(null, e.explanation))
        }
    }

    /** The SMS code; a wrong one is asked for again, saying how many tries are left. */
    fun submitCode(code: String): Job? = act {
        val asked = current.value as? AppScreen.EnterCode ?: return@act current.value
        try {
            device.submitActivationCodeFor(asked.document, code).toScreen()
        } catch (e: ActivationException.StartAgain) {
            // The code expired or its tries ran out: a new SMS is needed.
            AppScreen.EnterDocument(FieldError(null, e.explanation))
        } catch (e: ActivationException) {
            asked.copy(error = e.explanation)
        }
    }

    /** The new security pattern, as dots 1–9 in the order drawn. */
    fun submitNewPattern(dots: List<Int>): Job? = act {
        val asked = current.value as? AppScreen.NewPattern ?: return@act current.value
        try {
            device.setPattern(asked.document, dots.toPattern())
            AppScreen.Pins(asked.document)
        } catch (e: ActivationException) {
            asked.copy(error = e.explanation)
        }
    }

    /** The pattern, to see the PINs; the core says how many tries are left and how long to wait. */
    fun unlock(dots: List<Int>): Job? = act {
        val asked = current.value as? AppScreen.Unlock ?: return@act current.value
        try {
            device.unlock(asked.document, dots.toPattern())
            pendingLink?.let { link -> lookUp(asked.document, link, fromLink = true) } ?: AppScreen.Pins(asked.document)
        } catch (e: UnlockException.WrongPattern) {
            asked.copy(error = e.explanation, retryAt = retryAt(e.waitSecs))
        } catch (e: UnlockException.Wait) {
            asked.copy(error = e.explanation, retryAt = retryAt(e.waitSecs))
        } catch (e: UnlockException.Wiped) {
            homeScreen(Notice.Said(e.explanation))
        } catch (e: UnlockException) {
            asked.copy(error = e.explanation)
        }
    }

    /**
     * The app went to the background: every citizen is locked at once, even while
     * another action runs (the core makes a pattern being stretched lose to the lock),
     * and once that action ends an open PIN screen asks for the pattern again.
     */
    fun lockAll(): Job {
        device.lockAll()
        return scope.launch {
            turn.withLock {
                // Again: an unlock that started after the first lock has just finished.
                device.lockAll()
                current.value = when (val shown = current.value) {
                    is AppScreen.Pins -> AppScreen.Unlock(shown.document)
                    is AppScreen.History -> AppScreen.Unlock(shown.document)
                    is AppScreen.ChangePattern -> AppScreen.Unlock(shown.document)
                    is AppScreen.ScanApproval -> AppScreen.Unlock(shown.document)
                    is AppScreen.ConfirmApproval -> AppScreen.Unlock(shown.document)
                    else -> shown
                }
            }
        }
    }

    fun history(document: DocumentNumber): Job? = act {
        try {
            AppScreen.History(document, device.history(document, 50u))
        } catch (e: PinsException) {
            AppScreen.Pins(document, Notice.Said(e.explanation))
        }
    }

    fun changePattern(document: DocumentNumber): Job? = act { AppScreen.ChangePattern(document) }

    /** The current pattern and the new one. */
    fun submitChangedPattern(old: List<Int>, new: List<Int>): Job? = act {
        val asked = current.value as? AppScreen.ChangePattern ?: return@act current.value
        try {
            device.changePattern(asked.document, old.toPattern(), new.toPattern())
            AppScreen.Pins(asked.document, Notice.PatternChanged)
        } catch (e: UnlockException.Wiped) {
            homeScreen(Notice.Said(e.explanation))
        } catch (e: UnlockException) {
            asked.copy(error = e.explanation)
        }
    }

    /**
     * Removes the citizen from this phone (after the shell asked "are you sure?"); the
     * service is told, now or when next reachable, and sends their PINs by SMS.
     */
    fun remove(document: DocumentNumber): Job? = act {
        try {
            homeScreen(Notice.Removed(document, device.removeCitizen(document)))
        } catch (e: PinsException) {
            homeScreen(Notice.Said(e.explanation))
        }
    }

    /**
     * "This wasn't me" on the PIN the PIN screen shows ([requestId], from the screen
     * model): the service kills it and sends the citizen's PINs by SMS for a while, and
     * the screen says so. Saying it twice is harmless.
     */
    fun reportNotMe(requestId: RequestId): Job? = act {
        val shown = current.value as? AppScreen.Pins ?: return@act current.value
        try {
            val smsUntil = device.reportNotMe(shown.document, requestId)
            AppScreen.Pins(shown.document, Notice.NotMeReported(requestId, smsUntil))
        } catch (e: PinsException.Locked) {
            AppScreen.Unlock(shown.document, e.explanation)
        } catch (e: PinsException.DeviceReplaced) {
            homeScreen(Notice.Said(e.explanation))
        } catch (e: PinsException.DeviceRemoved) {
            homeScreen(Notice.Said(e.explanation))
        } catch (e: PinsException) {
            shown.copy(notice = Notice.Said(e.explanation))
        }
    }

    /** "Moving to a new phone": what happens to this one. */
    fun newPhone(): Job? = act { AppScreen.NewPhone }

    /** "Approve a sign-in" on an unlocked citizen's PIN screen: scan or type the log-in page's code. */
    fun approveSignIn(document: DocumentNumber): Job? = act { AppScreen.ScanApproval(document) }

    /** What the scanner read (the link the QR code holds) or the citizen typed. */
    fun submitApprovalCode(scanned: String): Job? = act {
        val asked = current.value as? AppScreen.ScanApproval ?: return@act current.value
        lookUp(asked.document, scanned, fromLink = false)
    }

    /**
     * The log-in page's link opened the app (app link): the sign-in is for the one
     * citizen here, unlocked first; with several, the home screen asks whose it is and
     * the link waits for that citizen's pattern.
     */
    fun openApprovalLink(link: String): Job? = act {
        val citizens = try {
            device.citizens().filter { it.state == CitizenState.ACTIVE }
        } catch (e: PinsException) {
            return@act homeScreen(Notice.Said(e.explanation))
        }
        pendingLink = link.takeIf { citizens.isNotEmpty() }
        when {
            citizens.isEmpty() -> homeScreen()
            citizens.size > 1 -> homeScreen(Notice.ChooseWhoApproves)
            citizens[0].unlocked -> lookUp(citizens[0].document, link, fromLink = true)
            else -> AppScreen.Unlock(citizens[0].document)
        }
    }

    /** Approves with the pattern drawn again: a tap alone approves nothing. */
    fun approve(dots: List<Int>): Job? = act {
        val asked = current.value as? AppScreen.ConfirmApproval ?: return@act current.value
        try {
            device.approveSignIn(asked.document, asked.request.code, dots.toPattern())
            AppScreen.Pins(asked.document, Notice.Approved(asked.request.site, asked.fromLink))
        } catch (e: ApprovalException.Pattern) {
            when (val met = e.error) {
                is UnlockException.WrongPattern -> asked.copy(error = met.explanation, retryAt = retryAt(met.waitSecs))
                is UnlockException.Wait -> asked.copy(error = met.explanation, retryAt = retryAt(met.waitSecs))
                is UnlockException.Wiped -> homeScreen(Notice.Said(met.explanation))
                else -> asked.copy(error = met.explanation)
            }
        } catch (e: ApprovalException) {
            approvalEnded(asked.document, e) ?: asked.copy(error = e.explanation)
        }
    }

    /** "Refuse", or with [notMe] "This wasn't me": the log-in page goes back to "Obtain PIN". */
    fun refuseApproval(notMe: Boolean): Job? = act {
        val asked = current.value as? AppScreen.ConfirmApproval ?: return@act current.value
        try {
            val smsUntil = device.refuseSignIn(asked.document, asked.request.code, notMe)
            AppScreen.Pins(asked.document, Notice.ApprovalRefused(smsUntil, asked.fromLink))
        } catch (e: ApprovalException) {
            approvalEnded(asked.document, e) ?: asked.copy(error = e.explanation)
        }
    }

    private suspend fun lookUp(document: DocumentNumber, scanned: String, fromLink: Boolean): AppScreen {
        pendingLink = null
        return try {
            AppScreen.ConfirmApproval(document, device.lookUpApproval(document, scanned), fromLink)
        } catch (e: ApprovalException.Locked) {
            if (fromLink) pendingLink = scanned
            AppScreen.Unlock(document, e.explanation)
        } catch (e: ApprovalException) {
            approvalEnded(document, e) ?: AppScreen.ScanApproval(document, e.explanation)
        }
    }

    /** The screen after an answer that cannot be retried here; null when it can. */
    private fun approvalEnded(document: DocumentNumber, e: ApprovalException): AppScreen? = when (e) {
        is ApprovalException.NoSuchSignIn -> AppScreen.Pins(document, Notice.Said(e.explanation))
        is ApprovalException.DeviceReplaced, is ApprovalException.DeviceRemoved,
        is ApprovalException.UnknownCitizen -> homeScreen(Notice.Said(e.explanation))
        else -> null
    }

    /** Stops an activation that waits for its SMS code. */
    fun cancelActivation(document: DocumentNumber): Job? = act {
        try {
            device.cancelActivationFor(document)
            homeScreen()
        } catch (e: ActivationException) {
            homeScreen(Notice.Said(e.explanation))
        }
    }

    /** Back: from a citizen's inner screens to their PINs, from anything else home; a link waiting for a pattern is dropped. */
    fun back(): Job? = act {
        pendingLink = null
        when (val shown = current.value) {
            is AppScreen.History -> AppScreen.Pins(shown.document)
            is AppScreen.ChangePattern -> AppScreen.Pins(shown.document)
            is AppScreen.ScanApproval -> AppScreen.Pins(shown.document)
            is AppScreen.ConfirmApproval -> AppScreen.Pins(shown.document)
            else -> homeScreen()
        }
    }

    private fun retryAt(waitSecs: Long) = if (waitSecs > 0) device.now().plusSeconds(waitSecs) else null

    private fun ActivationProgress.toScreen(): AppScreen = when (this) {
        is ActivationProgress.AwaitingCode -> AppScreen.EnterCode(document, phoneHint, codeExpiresAt)
        is ActivationProgress.AwaitingPattern -> AppScreen.NewPattern(document)
        ActivationProgress.Idle -> homeScreen()
    }

    /** Dots outside 1–9 cannot come from the pad; the core refuses them as an invalid pattern. */
    private fun List<Int>.toPattern() = ByteArray(size) { this[it].coerceIn(0, 127).toByte() }
}
