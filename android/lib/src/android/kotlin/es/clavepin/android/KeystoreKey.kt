package es.clavepin.android

import android.content.Context
import android.content.pm.PackageManager
import android.os.Build
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import android.security.keystore.StrongBoxUnavailableException
import es.clavepin.AesKeyStore
import java.security.KeyStore
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey

/**
 * The key that wraps the core's data key: AES-256-GCM in the `AndroidKeyStore`, in
 * StrongBox where the phone has one, never leaving it. The Keystore picks each
 * encryption's IV (a caller's is refused), which [AesKeyStore] respects.
 *
 * Not `setUnlockedDeviceRequired`: a push arrives while the phone is locked and the
 * core must open the store to decrypt the sealed PIN. Not user authentication
 * either: the security pattern is the app's own check, and the core throttles it.
 */
object KeystoreKey {
    const val PROVIDER = "AndroidKeyStore"
    const val DEFAULT_ALIAS = "es.clavepin.store"

    /** The key store adapter the core is opened with. */
    fun keyStore(context: Context, alias: String = DEFAULT_ALIAS): AesKeyStore = AesKeyStore(obtain(context, alias))

    /** The key under [alias], made on first use. */
    fun obtain(context: Context, alias: String = DEFAULT_ALIAS): SecretKey {
        val keys = KeyStore.getInstance(PROVIDER).apply { load(null) }
        (keys.getKey(alias, null) as? SecretKey)?.let { return it }
        val strongBox = Build.VERSION.SDK_INT >= Build.VERSION_CODES.P &&
            context.packageManager.hasSystemFeature(PackageManager.FEATURE_STRONGBOX_KEYSTORE)
        return try {
            generate(spec(alias, strongBox))
        } catch (e: StrongBoxUnavailableException) {
            // Announced but busy or failing: the TEE-backed Keystore is still hardware.
            generate(spec(alias, strongBox = false))
        }
    }

    /**
     * A new key under [alias] in place of one the Keystore can no longer use (the lock
     * screen was removed, or the store it opened came from elsewhere). The store it
     * wrapped must have been set aside first (`setAsideLostStore`): it is lost.
     */
    fun renew(context: Context, alias: String = DEFAULT_ALIAS): AesKeyStore {
        KeyStore.getInstance(PROVIDER).apply { load(null) }.deleteEntry(alias)
        return keyStore(context, alias)
    }

    fun spec(alias: String, strongBox: Boolean): KeyGenParameterSpec =
        KeyGenParameterSpec.Builder(alias, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
            .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
            .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
            .setKeySize(256)
            .setRandomizedEncryptionRequired(true)
            .apply { if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.P) setIsStrongBoxBacked(strongBox) }
            .build()

    private fun generate(spec: KeyGenParameterSpec): SecretKey =
        KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, PROVIDER).run {
            init(spec)
            generateKey()
        }
}
