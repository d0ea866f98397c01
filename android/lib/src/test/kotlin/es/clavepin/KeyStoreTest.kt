package es.clavepin

import es.clavepin.ffi.PlatformException
import es.clavepin.ffi.core.Locale
import es.clavepin.ffi.setAsideLostStore
import java.nio.file.Files
import java.security.Security
import javax.crypto.Cipher
import javax.crypto.spec.GCMParameterSpec
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows

/** The platform key store: the Android Keystore's rules, and a key that is gone. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyStoreTest {
    @BeforeAll
    fun installStrictProvider() {
        Security.insertProviderAt(StrictKeystoreProvider(), 1)
    }

    @AfterAll
    fun removeStrictProvider() {
        Security.removeProvider("StrictKeystore")
    }

    private fun keystoreKey() = StrictKey(ByteArray(32).also { java.security.SecureRandom().nextBytes(it) })

    @Test
    fun `a keystore key that refuses a caller's IV wraps and unwraps the store's key`() = runBlocking<Unit> {
        val key = keystoreKey()
        // The rule itself, as the Keystore enforces it:
        assertThrows<java.security.InvalidAlgorithmParameterException> {
            Cipher.getInstance("AES/GCM/NoPadding").init(Cipher.ENCRYPT_MODE, key, GCMParameterSpec(128, ByteArray(12)))
        }
        val dir = Files.createTempDirectory("device")
        val dni = Service.newCitizen()
        Service.activate(Service.openDevice(dir, AesKeyStore(key)), dni)
        // A cold start unwraps the data key with the same keystore key.
        val again = Service.openDevice(dir, AesKeyStore(key))
        assertEquals(listOf(dni), again.citizens().map { it.document })
    }

    @Test
    fun `a lost platform key is a typed error, and setting the store aside lets the citizen activate again`() = runBlocking<Unit> {
        val dir = Files.createTempDirectory("device")
        val original = AesKeyStore(keystoreKey())
        val dni = Service.newCitizen()
        Service.activate(Service.openDevice(dir, original), dni)

        // The app's data came back on a new phone, without its keystore key.
        val newPhone = AesKeyStore(keystoreKey())
        val lost = assertThrows<PlatformException.KeyUnavailable> { Service.openDevice(dir, newPhone) }
        assertTrue(lost.toString().contains("Vuelva a activar"), lost.toString())
        // A store that still opens is never set aside.
        assertThrows<PlatformException.StoreStillOpens> { setAsideLostStore(dir.toString(), original, Locale.ES) }
        val kept = setAsideLostStore(dir.toString(), newPhone, Locale.ES)
        assertTrue(Files.exists(java.nio.file.Path.of(kept)), "the old store is kept beside: $kept")

        val fresh = Service.openDevice(dir, newPhone)
        assertTrue(fresh.citizens().isEmpty())
        Service.activate(fresh, dni)
        assertEquals(listOf(dni), fresh.citizens().map { it.document })
    }

    @Test
    fun `a key the platform invalidated is a lost key too, and the store can be set aside`() = runBlocking<Unit> {
        val dir = Files.createTempDirectory("device")
        val key = keystoreKey()
        val dni = Service.newCitizen()
        Service.activate(Service.openDevice(dir, AesKeyStore(key)), dni)
        key.invalidated = true // the citizen removed the phone's lock screen
        assertThrows<PlatformException.KeyUnavailable> { Service.openDevice(dir, AesKeyStore(key)) }
        setAsideLostStore(dir.toString(), AesKeyStore(key), Locale.EN)
        val fresh = AesKeyStore(keystoreKey())
        Service.activate(Service.openDevice(dir, fresh), dni)
        assertEquals(listOf(dni), Service.openDevice(dir, fresh).citizens().map { it.document })
    }
}
