package es.clavepin

import es.clavepin.ffi.PlatformException
import es.clavepin.ffi.PlatformKeyStore
import java.security.GeneralSecurityException
import java.security.InvalidKeyException
import javax.crypto.AEADBadTagException
import javax.crypto.Cipher
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

/**
 * Wraps the core's data key with AES-256-GCM under [key]. On Android pass a key from
 * the `AndroidKeyStore` provider (it never leaves secure hardware where there is
 * some); on a plain JVM any AES key. The cipher picks the IV itself, as keystore keys
 * require. A wrapped key that does not open with [key] is reported as
 * `PlatformException.KeyUnavailable`, and so is a key the platform invalidated: the
 * store cannot be opened without activating again (`setAsideLostStore`).
 */
class AesKeyStore(private val key: SecretKey) : PlatformKeyStore {
    override fun wrap(dataKey: ByteArray): ByteArray = guarded {
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.ENCRYPT_MODE, key)
        val iv = cipher.iv
        check(iv.size == IV_BYTES) { "unexpected IV length" }
        iv + cipher.doFinal(dataKey)
    }

    override fun unwrapKey(wrapped: ByteArray): ByteArray = guarded {
        if (wrapped.size <= IV_BYTES) throw AEADBadTagException("wrapped key too short")
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.DECRYPT_MODE, key, GCMParameterSpec(TAG_BITS, wrapped.copyOfRange(0, IV_BYTES)))
        cipher.doFinal(wrapped, IV_BYTES, wrapped.size - IV_BYTES)
    }

    /** A platform failure reaches the core as a typed error, not a crash. */
    private inline fun guarded(block: () -> ByteArray): ByteArray =
        try {
            block()
        } catch (e: AEADBadTagException) {
            throw PlatformException.KeyUnavailable("the platform key does not open the stored key")
        } catch (e: InvalidKeyException) {
            // Android's KeyPermanentlyInvalidatedException is one: the lock screen was
            // removed, or the key was made unusable. It will never work again.
            throw PlatformException.KeyUnavailable("the platform key can no longer be used (${e.javaClass.simpleName})")
        } catch (e: GeneralSecurityException) {
            throw PlatformException.Failure("key store: ${e.javaClass.simpleName}")
        }

    private companion object {
        const val TRANSFORMATION = "AES/GCM/NoPadding"
        const val IV_BYTES = 12
        const val TAG_BITS = 128
    }
}
