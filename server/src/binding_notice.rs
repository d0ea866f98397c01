//! "Told of every new binding": when a device is bound to a citizen (a first one, or
//! one replacing another), an SMS to the registered mobile and an e-mail to the
//! registered address say so, and what to do if it was not them. Someone who knows
//! a citizen's contrast data and gets hold of one SMS code could bind their own
//! phone; the citizen then learns it at once, on two channels.

use clavepin_protocol::{DocumentNumber, Timestamp};
use ring::rand::SecureRandom;

use crate::delivery::outbox::{QueuedEmail, QueuedSms};
use crate::error::ActivationResult;
use crate::keys::ServiceKeys;
use crate::registry;
use crate::store::Store;

/// The SMS, Spanish first as Cl@ve writes, then English.
fn sms_text(device: &str, at: &str, replaced: bool) -> String {
    let (es_old, en_old) = if replaced {
        (" El anterior ya no recibe PIN.", " The previous one no longer receives PINs.")
    } else {
        ("", "")
    };
    format!(
        "Cl@ve PIN: se ha activado la app en un dispositivo nuevo ({device}) el {at}.{es_old} \
         Si no ha sido usted, desactívelo en «Mis dispositivos» del portal y llame al 060. \
         / The app was activated on a new device ({device}) on {at}.{en_old} If it was not \
         you, deactivate it in \"My devices\" on the portal and call 060."
    )
}

const SUBJECT: &str = "Cl@ve PIN: nuevo dispositivo activado / New device activated";

fn email_text(device: &str, at: &str, replaced: bool) -> String {
    let (es_old, en_old) = if replaced {
        (
            "El dispositivo que tenía activado antes ya no recibe sus PIN.\n",
            "The device you had activated before no longer receives your PINs.\n",
        )
    } else {
        ("", "")
    };
    format!(
        "La aplicación Cl@ve PIN se ha activado para usted en un dispositivo nuevo: {device}, \
         el {at}.\n{es_old}\nSi ha sido usted, no tiene que hacer nada.\n\nSi no ha sido \
         usted, alguien conoce sus datos de contraste y ha recibido su código de activación: \
         identifíquese en el portal con un PIN por SMS, desactive el dispositivo en «Mis \
         dispositivos» y llame al 060.\n\n---\n\nThe Cl@ve PIN app was activated for you on a \
         new device: {device}, on {at}.\n{en_old}\nIf it was you, there is nothing to do.\n\n\
         If it was not you, someone knows your contrast data and received your activation \
         code: sign in on the portal with a PIN by SMS, deactivate the device in \"My \
         devices\", and call 060.\n"
    )
}

/// Queues both notices in the binding's transaction; the delivery worker sends the
/// SMS after commit.
pub fn tell_of_binding(
    tx: &dyn Store,
    keys: &ServiceKeys,
    rng: &dyn SecureRandom,
    document: &DocumentNumber,
    device: &str,
    replaced: bool,
    now: Timestamp,
) -> ActivationResult<()> {
    let at = now.format("%d/%m/%Y %H:%M UTC").to_string();
    let device = if device.is_empty() { "?" } else { device };
    let citizen = registry::citizen(tx, document)?;
    if let Some(citizen) = citizen {
        let text = sms_text(device, &at, replaced);
        tx.queue_sms(&QueuedSms::sealed(keys, rng, citizen.mobile, &text)?, now)?;
    }
    if let Some(email) = tx.citizen_email(document)?.filter(|e| !e.is_empty()) {
        let text = email_text(device, &at, replaced);
        tx.queue_email(&QueuedEmail::sealed(keys, rng, &email, SUBJECT, &text)?, now)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_notice_says_what_was_bound_and_what_to_do() {
        let sms = sms_text("Pixel de Ana (Pixel 8)", "02/12/2026 11:45 UTC", true);
        assert!(sms.contains("Pixel de Ana (Pixel 8)") && sms.contains("060"), "{sms}");
        assert!(sms.contains("ya no recibe PIN") && sms.contains("no longer receives"));
        let first = email_text("Pixel 8", "02/12/2026 11:45 UTC", false);
        assert!(!first.contains("no longer receives") && first.contains("Mis dispositivos"));
    }
}
