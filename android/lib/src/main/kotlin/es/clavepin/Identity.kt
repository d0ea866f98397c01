package es.clavepin

import es.clavepin.ffi.CalendarDate
import es.clavepin.ffi.ContrastInfo
import es.clavepin.ffi.DocumentInfo
import es.clavepin.ffi.validateContrastData
import es.clavepin.ffi.validateDocument
import es.clavepin.ffi.protocol.IdentityException
import java.time.LocalDate

/** The citizen's calendar day, as the core wants it. */
fun LocalDate.toCalendarDate(): CalendarDate =
    CalendarDate(year = year, month = monthValue.toUInt(), day = dayOfMonth.toUInt())

/** A valid document, or `null` while the field holds anything else. */
fun String.toDocumentOrNull(): DocumentInfo? =
    try {
        validateDocument(this)
    } catch (e: IdentityException) {
        null
    }

/**
 * Validates contrast data for [document] against the citizen's own [today]: a DNI's
 * validity date, a permanent DNI's issue date, or a NIE's support number.
 *
 * @throws IdentityException saying what is wrong.
 */
fun validateContrast(
    document: String,
    input: String,
    permanentDni: Boolean = false,
    today: LocalDate = LocalDate.now(),
): ContrastInfo = validateContrastData(document, input, permanentDni, today.toCalendarDate())
