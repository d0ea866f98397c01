package es.clavepin

import java.security.AlgorithmParameters
import java.security.InvalidAlgorithmParameterException
import java.security.InvalidKeyException
import java.security.Key
import java.security.Provider
import java.security.SecureRandom
import java.security.spec.AlgorithmParameterSpec
import javax.crypto.Cipher
import javax.crypto.CipherSpi
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec
import javax.crypto.spec.SecretKeySpec

/**
 * A JCA provider that keeps the Android Keystore's rules for an AES-GCM key, so the
 * key store adapter is tested here against them: the key's bytes never come out
 * (`getEncoded()` is null, so no other provider can take it), and encryption picks
 * its own IV and refuses one from the caller (`setRandomizedEncryptionRequired`,
 * the Keystore's default).
 */
class StrictKeystoreProvider : Provider("StrictKeystore", "1.0", "the Android Keystore's AES-GCM rules") {
    init {
        put("Cipher.AES/GCM/NoPadding", StrictGcm::class.java.name)
    }
}

/**
 * A key that lives "in hardware": usable only through [StrictKeystoreProvider]. An
 * [invalidated] one throws as Android's `KeyPermanentlyInvalidatedException` does
 * (an `InvalidKeyException`) once the lock screen is removed.
 */
class StrictKey(internal val material: ByteArray, @Volatile var invalidated: Boolean = false) : SecretKey {
    override fun getAlgorithm() = "AES"
    override fun getFormat(): String? = null
    override fun getEncoded(): ByteArray? = null
}

class StrictGcm : CipherSpi() {
    private var inner: Cipher? = null

    private fun open(mode: Int, key: Key?, spec: GCMParameterSpec) {
        val strict = key as? StrictKey ?: throw InvalidKeyException("not a keystore key")
        if (strict.invalidated) throw InvalidKeyException("Key permanently invalidated")
        inner = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE").apply {
            init(mode, SecretKeySpec(strict.material, "AES"), spec)
        }
    }

    override fun engineInit(opmode: Int, key: Key?, random: SecureRandom?) {
        if (opmode != Cipher.ENCRYPT_MODE) throw InvalidKeyException("decryption needs the IV")
        open(opmode, key, GCMParameterSpec(128, ByteArray(12).also { SecureRandom().nextBytes(it) }))
    }

    override fun engineInit(opmode: Int, key: Key?, params: AlgorithmParameterSpec?, random: SecureRandom?) {
        if (opmode == Cipher.ENCRYPT_MODE && params != null) {
            throw InvalidAlgorithmParameterException("Caller-provided IV not permitted")
        }
        if (params == null) return engineInit(opmode, key, random)
        open(opmode, key, params as? GCMParameterSpec ?: throw InvalidAlgorithmParameterException("GCM parameters only"))
    }

    override fun engineInit(opmode: Int, key: Key?, params: AlgorithmParameters?, random: SecureRandom?) =
        engineInit(opmode, key, params?.getParameterSpec(GCMParameterSpec::class.java), random)

    private fun cipher() = inner ?: throw IllegalStateException("not initialised")
    override fun engineSetMode(mode: String?) {}
    override fun engineSetPadding(padding: String?) {}
    override fun engineGetBlockSize() = 16
    override fun engineGetOutputSize(inputLen: Int) = cipher().getOutputSize(inputLen)
    override fun engineGetIV(): ByteArray? = cipher().iv
    override fun engineGetParameters(): AlgorithmParameters? = cipher().parameters
    override fun engineUpdate(input: ByteArray?, offset: Int, len: Int): ByteArray? = cipher().update(input, offset, len)
    override fun engineUpdate(input: ByteArray?, offset: Int, len: Int, output: ByteArray?, outOffset: Int) =
        cipher().update(input, offset, len, output, outOffset)
    override fun engineDoFinal(input: ByteArray?, offset: Int, len: Int): ByteArray = cipher().doFinal(input, offset, len)
    override fun engineDoFinal(input: ByteArray?, offset: Int, len: Int, output: ByteArray?, outOffset: Int) =
        cipher().doFinal(input, offset, len, output, outOffset)
}
