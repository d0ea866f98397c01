package es.clavepin

import es.clavepin.ffi.DocumentInfo
import es.clavepin.ffi.DocumentInputState
import es.clavepin.ffi.documentInputState
import es.clavepin.ffi.validateDocument
import es.clavepin.ffi.protocol.ContrastKind
import es.clavepin.ffi.protocol.DocumentKind
import es.clavepin.ffi.protocol.IdentityException
import java.time.LocalDate
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

class IdentityTest {
    private val today = LocalDate.of(2026, 11, 23)

    @Test
    fun `bindings live in the configured Kotlin packages`() {
        // uniffi ignores a mis-shaped uniffi.toml with only a warning: this catches it.
        assertEquals("es.clavepin.ffi", DocumentInfo::class.java.packageName)
        assertEquals("es.clavepin.ffi.protocol", DocumentKind::class.java.packageName)
        assertEquals("es.clavepin.ffi.core", es.clavepin.ffi.core.Countdown::class.java.packageName)
    }

    @Test
    fun `a typed DNI is normalised and asks for a date`() {
        val dni = validateDocument("12.345.678-z")
        assertEquals("12345678Z", dni.normalised)
        assertEquals(DocumentNumber.parse("12345678z"), dni.document)
        assertEquals(DocumentKind.DNI, dni.kind)
        assertEquals(ContrastKind.DNI_DATE, dni.contrastNeeded)
    }

    @Test
    fun `a NIE asks for its support number`() {
        assertEquals(ContrastKind.SUPPORT_NUMBER, validateDocument("x1234567l").contrastNeeded)
    }

    @Test
    fun `mistakes arrive as typed exceptions`() {
        assertThrows<IdentityException.WrongControlLetter> { validateDocument("12345678A") }
        val count = assertThrows<IdentityException.WrongDigitCount> { validateDocument("1234567Z") }
        assertEquals(8u, count.expected)
        assertEquals(7u, count.found)
        val position = assertThrows<IdentityException.InvalidCharacter> { validateDocument("1234/5678Z") }
        assertEquals(4u, position.position)
        assertNull("K1234567L".toDocumentOrNull())
    }

    @Test
    fun `the field stays quiet while the citizen is still typing`() {
        assertEquals(DocumentInputState.Empty, documentInputState(""))
        assertEquals(DocumentInputState.Incomplete, documentInputState("1234"))
        assertTrue(documentInputState("12345678A") is DocumentInputState.Invalid)
        val valid = documentInputState("12345678Z") as DocumentInputState.Valid
        assertEquals("12345678Z", valid.document.normalised)
    }

    @Test
    fun `contrast data is checked against the document and today`() {
        assertEquals("31/12/2030", validateContrast("12345678Z", "31-12-2030", today = today).display)
        val permanent = validateContrast("12345678Z", "02/03/2015", permanentDni = true, today = today)
        assertTrue(permanent.permanentDni)
        assertEquals("E12345678", validateContrast("X1234567L", "e 1234 5678", today = today).display)
        assertThrows<IdentityException.PermanentDniNeedsIssueDate> {
            validateContrast("12345678Z", "01-01-9999", today = today)
        }
        assertThrows<IdentityException.IssueDateInFuture> {
            validateContrast("12345678Z", "24/11/2026", permanentDni = true, today = today)
        }
        assertThrows<IdentityException.NotACalendarDate> {
            validateContrast("12345678Z", "29/02/2027", today = today)
        }
        assertThrows<IdentityException.InvalidSupportNumber> {
            validateContrast("X1234567L", "31/12/2030", today = today)
        }
    }
}
