package es.clavepin.android

import android.content.Context
import android.content.pm.PackageManager
import android.security.keystore.KeyProperties
import org.robolectric.RuntimeEnvironment
import java.security.Security
import javax.crypto.Cipher
import javax.crypto.spec.GCMParameterSpec
import org.junit.After
import org.junit.Assert.assertArrayEquals
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertSame
import org.junit.Assert.assertThrows
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config

@RunWith(RobolectricTestRunner::class)
@Config(sdk = [36], application = TestApplication::class)
class KeystoreKeyTest {
    private val context: Context = RuntimeEnvironment.getApplication()

    @Before
    fun installKeystore() {
        FakeAndroidKeyStore.reset()
        Security.insertProviderAt(FakeAndroidKeyStore(), 1)
    }

    @After
    fun removeKeystore() {
        Security.removeProvider("AndroidKeyStore")
    }

    @Test
    fun `the key is AES-256-GCM made inside the Keystore, never exported, and found again`() {
        val key = KeystoreKey.obtain(context)
        val spec = FakeAndroidKeyStore.specs.single()
        assertEquals(256, spec.keySize)
        assertEquals(listOf(KeyProperties.BLOCK_MODE_GCM), spec.blockModes.toList())
        assertEquals(listOf(KeyProperties.ENCRYPTION_PADDING_NONE), spec.encryptionPaddings.toList())
        assertTrue(spec.isRandomizedEncryptionRequired)
        // Pushes open the store while the phone is locked.
        assertFalse(spec.isUnlockedDeviceRequired)
        assertFalse(spec.isUserAuthenticationRequired)
        assertNull("the key's bytes never leave the Keystore", key.encoded)
        assertSame(key, KeystoreKey.obtain(context))
        assertEquals(1, FakeAndroidKeyStore.specs.size)
    }

    @Test
    fun `StrongBox where the phone has one, the Keystore's TEE where it fails`() {
        assertFalse(KeystoreKey.spec("a", strongBox = false).isStrongBoxBacked)
        shadowOf(context.packageManager).setSystemFeature(PackageManager.FEATURE_STRONGBOX_KEYSTORE, true)
        KeystoreKey.obtain(context, "with-strongbox")
        assertTrue(FakeAndroidKeyStore.specs.last().isStrongBoxBacked)
        FakeAndroidKeyStore.strongBoxFails = true
        KeystoreKey.obtain(context, "busy-strongbox")
        assertEquals(listOf(true, false), FakeAndroidKeyStore.specs.takeLast(2).map { it.isStrongBoxBacked })
        assertTrue("busy-strongbox" in FakeAndroidKeyStore.keys)
    }

    @Test
    fun `the adapter wraps and unwraps the core's key under the Keystore's IV rule`() {
        val adapter = KeystoreKey.keyStore(context)
        val key = FakeAndroidKeyStore.keys.getValue(KeystoreKey.DEFAULT_ALIAS)
        // The rule: a caller's IV is refused.
        assertThrows(java.security.InvalidAlgorithmParameterException::class.java) {
            Cipher.getInstance("AES/GCM/NoPadding").init(Cipher.ENCRYPT_MODE, key, GCMParameterSpec(128, ByteArray(12)))
        }
        val dataKey = ByteArray(32) { it.toByte() }
        val wrapped = adapter.wrap(dataKey)
        assertFalse(wrapped.toList().windowed(32).any { it == dataKey.toList() })
        assertArrayEquals(dataKey, adapter.unwrapKey(wrapped))
    }

    @Test
    fun `a key the Keystore gave up on is replaced by a new one, which the old wrapping does not open with`() {
        val old = KeystoreKey.keyStore(context)
        val wrapped = old.wrap(ByteArray(32) { 7 })
        val renewed = KeystoreKey.renew(context)
        assertEquals(2, FakeAndroidKeyStore.specs.size)
        assertThrows(es.clavepin.ffi.PlatformException.KeyUnavailable::class.java) { renewed.unwrapKey(wrapped) }
        assertArrayEquals(ByteArray(32) { 7 }, renewed.unwrapKey(renewed.wrap(ByteArray(32) { 7 })))
    }
}
