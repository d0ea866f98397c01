package es.clavepin

import es.clavepin.ffi.validateDocument

/**
 * A valid DNI or NIE, normalised. Only the core makes them ([DocumentNumber.parse],
 * `validateDocument`, the citizens list), so a device call can never get a malformed one.
 */
class DocumentNumber internal constructor(val normalised: String) {
    override fun equals(other: Any?): Boolean = other is DocumentNumber && other.normalised == normalised
    override fun hashCode(): Int = normalised.hashCode()
    override fun toString(): String = normalised

    companion object {
        /**
         * Parses a document number as typed (`12.345.678-z`).
         *
         * @throws es.clavepin.ffi.protocol.IdentityException saying what is wrong.
         */
        fun parse(text: String): DocumentNumber = validateDocument(text).document
    }
}

/** A PIN request's id, as the core hands it out; pass it back to `notification`, `clipboardContent`. */
class RequestId internal constructor(val value: String) {
    override fun equals(other: Any?): Boolean = other is RequestId && other.value == value
    override fun hashCode(): Int = value.hashCode()
    override fun toString(): String = "RequestId($value)"
}

/**
 * An approval's code, as the core read it from the log-in page's QR code (the link it
 * holds) or from what the citizen typed. Only the core makes them; pass it back to
 * `approveSignIn` or `refuseSignIn`. It never prints: `toString()` is `ApprovalCode(***)`.
 */
class ApprovalCode internal constructor(internal val value: String) {
    override fun equals(other: Any?): Boolean = other is ApprovalCode && other.value == value
    override fun hashCode(): Int = value.hashCode()
    override fun toString(): String = "ApprovalCode(***)"
}

/**
 * A text that holds a PIN: the PIN itself, or a notification line showing it. It never
 * prints — `toString()` is `SecretText(***)` — so a logged screen model or a crash
 * report carries no PIN. Call [reveal] only where it is shown or copied.
 */
class SecretText internal constructor(private val text: String) {
    /** The text, for the one place that shows or copies it. */
    fun reveal(): String = text

    override fun equals(other: Any?): Boolean = other is SecretText && other.text == text
    override fun hashCode(): Int = text.hashCode()
    override fun toString(): String = "SecretText(***)"
}
