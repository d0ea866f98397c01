package es.clavepin.screens

import es.clavepin.DocumentNumber
import es.clavepin.RequestId
import es.clavepin.ffi.core.ActivationProgress
import es.clavepin.ffi.core.CitizenSummary
import es.clavepin.ffi.core.PinView
import es.clavepin.ffi.core.SignInToApprove
import java.time.Instant

/**
 * The screen the app shows. [CitizenApp] decides it from the core's answers; the
 * Compose (and SwiftUI) layer only draws it and passes the citizen's input back.
 * Texts in `error` fields come from the core, in the device's language.
 */
sealed interface AppScreen {
    /** The citizens on this phone (a family phone has several) and the activations waiting for their SMS code. */
    data class Home(
        val citizens: List<CitizenSummary>,
        val waiting: List<ActivationProgress.AwaitingCode>,
        val notice: Notice? = null,
    ) : AppScreen

    /** Activation, first step: the DNI or NIE and its contrast datum. */
    data class EnterDocument(val error: FieldError? = null) : AppScreen

    /** Activation, second step: the SMS code sent to the phone ending in [phoneHint]. */
    data class EnterCode(
        val document: DocumentNumber,
        val phoneHint: String,
        val codeExpiresAt: Instant,
        val error: String? = null,
    ) : AppScreen

    /** Activation, last step: the citizen's new security pattern. */
    data class NewPattern(val document: DocumentNumber, val error: String? = null) : AppScreen

    /** The pattern, to see a citizen's PINs; [retryAt] when the core makes them wait. */
    data class Unlock(val document: DocumentNumber, val error: String? = null, val retryAt: Instant? = null) : AppScreen

    /** The PIN screen of an unlocked citizen: its model comes from `screenUpdates()`. */
    data class Pins(val document: DocumentNumber, val notice: Notice? = null) : AppScreen

    /** The PINs received, without their values. */
    data class History(val document: DocumentNumber, val pins: List<PinView>) : AppScreen

    /** The current pattern, then the new one. */
    data class ChangePattern(val document: DocumentNumber, val error: String? = null) : AppScreen

    /**
     * "Moving to a new phone", in the app's own words (the shell has them in its
     * resources): activating on the new phone with the DNI or NIE and an SMS code stops
     * the old one at once; after a reinstall on the same phone, activate the same way.
     */
    data object NewPhone : AppScreen

    /**
     * "Approve a sign-in": the shell scans the log-in page's QR code (or the citizen
     * types its code) and passes the text to `submitApprovalCode`; [error] when the last
     * one found nothing.
     */
    data class ScanApproval(val document: DocumentNumber, val error: String? = null) : AppScreen

    /**
     * Who asks ([SignInToApprove.site], null for the Cl@ve portal itself) and until
     * when: the pattern drawn again approves; "Refuse" and "This wasn't me" end it.
     * [fromLink] when the log-in page's link opened the app: once answered, the shell
     * goes back to the browser. Instants are on the service's clock.
     */
    data class ConfirmApproval(
        val document: DocumentNumber,
        val request: SignInToApprove,
        val fromLink: Boolean,
        val error: String? = null,
        val retryAt: Instant? = null,
    ) : AppScreen
}

/** Which field an identity error is shown beside; null for the form as a whole. */
enum class Field { DOCUMENT, CONTRAST }

data class FieldError(val field: Field?, val text: String)

/** Something that just happened, said once on the next screen. */
sealed interface Notice {
    /** The app's own words for its own events: the shell has them in its resources. */
    data class Removed(val document: DocumentNumber, val serviceTold: Boolean) : Notice

    data object PatternChanged : Notice

    /**
     * "This wasn't me" was taken for [requestId]: that PIN no longer works, the
     * citizen's PINs come by SMS until [smsUntil], and the portal's "My devices" lists
     * the report. [smsUntil] is on the service's clock, as every instant here: show it
     * on the phone's (less `clockOffsetSecs()`), as the SMS code's expiry is.
     */
    data class NotMeReported(val requestId: RequestId, val smsUntil: Instant) : Notice

    /**
     * The sign-in at [site] (null: the Cl@ve portal) was approved, and the log-in page
     * goes on by itself; [fromLink]: the shell goes back to the browser.
     */
    data class Approved(val site: String?, val fromLink: Boolean) : Notice

    /** The sign-in was refused; with [smsUntil], "this wasn't me" was taken too. */
    data class ApprovalRefused(val smsUntil: Instant?, val fromLink: Boolean) : Notice

    /** The log-in page's link opened the app, and several citizens are here: choose whose sign-in it is. */
    data object ChooseWhoApproves : Notice

    /** The core's words. */
    data class Said(val text: String) : Notice
}
