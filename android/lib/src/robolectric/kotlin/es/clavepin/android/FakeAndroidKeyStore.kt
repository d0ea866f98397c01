package es.clavepin.android

import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.StrongBoxUnavailableException
import es.clavepin.StrictGcm
import es.clavepin.StrictKey
import java.io.InputStream
import java.io.OutputStream
import java.security.Key
import java.security.KeyStoreSpi
import java.security.Provider
import java.security.SecureRandom
import java.security.cert.Certificate
import java.security.spec.AlgorithmParameterSpec
import java.util.Collections
import java.util.Date
import java.util.Enumeration
import javax.crypto.KeyGeneratorSpi
import javax.crypto.SecretKey

/**
 * Robolectric has no `AndroidKeyStore`; this provider, under that name, keeps its
 * rules for what is tested here: keys are made only from a [KeyGenParameterSpec]
 * (recorded), stay inside (no encoding), are found again by alias, and encryption
 * refuses a caller's IV ([StrictGcm]). [strongBoxFails] makes a StrongBox request fail
 * as a phone whose StrongBox is busy does.
 */
class FakeAndroidKeyStore : Provider("AndroidKeyStore", "1.0", "the Android Keystore's rules, for tests") {
    init {
        put("KeyStore.AndroidKeyStore", Store::class.java.name)
        put("KeyGenerator.AES", Generator::class.java.name)
        put("Cipher.AES/GCM/NoPadding", StrictGcm::class.java.name)
    }

    companion object {
        val keys: MutableMap<String, StrictKey> = Collections.synchronizedMap(mutableMapOf())
        val specs: MutableList<KeyGenParameterSpec> = Collections.synchronizedList(mutableListOf())

        @Volatile
        var strongBoxFails = false

        fun reset() {
            keys.clear()
            specs.clear()
            strongBoxFails = false
        }
    }

    class Generator : KeyGeneratorSpi() {
        private var spec: KeyGenParameterSpec? = null

        override fun engineInit(random: SecureRandom?) =
            throw UnsupportedOperationException("the Keystore makes keys from a KeyGenParameterSpec only")

        override fun engineInit(params: AlgorithmParameterSpec?, random: SecureRandom?) {
            spec = params as? KeyGenParameterSpec ?: throw java.security.InvalidAlgorithmParameterException("KeyGenParameterSpec only")
        }

        override fun engineInit(keysize: Int, random: SecureRandom?) = engineInit(random)

        override fun engineGenerateKey(): SecretKey {
            val spec = spec ?: throw IllegalStateException("not initialised")
            specs += spec
            if (spec.isStrongBoxBacked && strongBoxFails) throw StrongBoxUnavailableException("StrongBox busy")
            val key = StrictKey(ByteArray(spec.keySize / 8).also { SecureRandom().nextBytes(it) })
            keys[spec.keystoreAlias] = key
            return key
        }
    }

    class Store : KeyStoreSpi() {
        override fun engineGetKey(alias: String, password: CharArray?): Key? = keys[alias]
        override fun engineContainsAlias(alias: String) = alias in keys
        override fun engineAliases(): Enumeration<String> = Collections.enumeration(keys.keys.toList())
        override fun engineSize() = keys.size
        override fun engineDeleteEntry(alias: String) {
            keys.remove(alias)
        }
        override fun engineLoad(stream: InputStream?, password: CharArray?) {}
        override fun engineIsKeyEntry(alias: String) = alias in keys
        override fun engineIsCertificateEntry(alias: String) = false
        override fun engineGetCertificate(alias: String): Certificate? = null
        override fun engineGetCertificateChain(alias: String): Array<Certificate>? = null
        override fun engineGetCreationDate(alias: String): Date? = null
        override fun engineGetCertificateAlias(cert: Certificate?): String? = null
        override fun engineSetKeyEntry(alias: String, key: Key?, password: CharArray?, chain: Array<out Certificate>?) =
            throw UnsupportedOperationException("keys are made inside the Keystore")
        override fun engineSetKeyEntry(alias: String, key: ByteArray?, chain: Array<out Certificate>?) =
            throw UnsupportedOperationException("keys are made inside the Keystore")
        override fun engineSetCertificateEntry(alias: String, cert: Certificate?) = throw UnsupportedOperationException()
        override fun engineStore(stream: OutputStream?, password: CharArray?) = throw UnsupportedOperationException()
    }
}
