package es.clavepin

import es.clavepin.ffi.ActivationException
import es.clavepin.ffi.ApprovalException
import es.clavepin.ffi.NetworkException
import es.clavepin.ffi.PinsException
import es.clavepin.ffi.PlatformException
import es.clavepin.ffi.UnlockException

/*
 * What to tell the citizen, in the device's language, for each error family: the
 * core wrote it; these only find it in the variant (uniffi's `message` lists fields).
 * Exhaustive `when`s: a variant added in Rust fails compilation here, not at run time.
 */

val NetworkException.explanation: String
    get() = when (this) {
        is NetworkException.Offline -> explanation
        is NetworkException.Untrusted -> explanation
        is NetworkException.Refused -> explanation
        is NetworkException.UnexpectedAnswer -> explanation
    }

val PlatformException.explanation: String
    get() = when (this) {
        is PlatformException.KeyUnavailable -> explanation
        is PlatformException.StoreDamaged -> explanation
        is PlatformException.StoreStillOpens -> explanation
        is PlatformException.StoreTooNew -> explanation
        is PlatformException.Failure -> explanation
    }

val ActivationException.explanation: String
    get() = when (this) {
        is ActivationException.InvalidIdentity -> explanation
        is ActivationException.InvalidCode -> explanation
        is ActivationException.InvalidPattern -> explanation
        is ActivationException.NoActivationInProgress -> explanation
        is ActivationException.StartAgain -> explanation
        is ActivationException.UnknownCitizen -> explanation
        is ActivationException.AlreadyActivated -> explanation
        is ActivationException.PatternAlreadySet -> explanation
        is ActivationException.Network -> error.explanation
        is ActivationException.Platform -> error.explanation
    }

val UnlockException.explanation: String
    get() = when (this) {
        is UnlockException.InvalidPattern -> explanation
        is UnlockException.WrongPattern -> explanation
        is UnlockException.Wait -> explanation
        is UnlockException.Wiped -> explanation
        is UnlockException.PatternNotSet -> explanation
        is UnlockException.UnknownCitizen -> explanation
        is UnlockException.Platform -> error.explanation
    }

val PinsException.explanation: String
    get() = when (this) {
        is PinsException.Locked -> explanation
        is PinsException.UnknownCitizen -> explanation
        is PinsException.UnknownPin -> explanation
        is PinsException.PinEnded -> explanation
        is PinsException.DeviceReplaced -> explanation
        is PinsException.DeviceRemoved -> explanation
        is PinsException.MalformedPush -> explanation
        is PinsException.ForeignPush -> explanation
        is PinsException.TamperedPush -> explanation
        is PinsException.ReplayedPush -> explanation
        is PinsException.InvalidPushToken -> explanation
        is PinsException.Network -> error.explanation
        is PinsException.Platform -> error.explanation
    }

val ApprovalException.explanation: String
    get() = when (this) {
        is ApprovalException.InvalidCode -> explanation
        is ApprovalException.NoSuchSignIn -> explanation
        is ApprovalException.Locked -> explanation
        is ApprovalException.Pattern -> error.explanation
        is ApprovalException.UnknownCitizen -> explanation
        is ApprovalException.DeviceReplaced -> explanation
        is ApprovalException.DeviceRemoved -> explanation
        is ApprovalException.Network -> error.explanation
        is ApprovalException.Platform -> error.explanation
    }
