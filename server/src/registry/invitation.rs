//! Online registration with an invitation letter (seed 001): the citizen proves the
//! document and contrast data, a letter with a 16-character CSV code goes to the
//! fiscal address on record, and typing that code in registers them.

use chrono::TimeDelta;
use clavepin_protocol::alphabet;
use clavepin_protocol::wire::{
    CitizenRegistered, CompleteRegistration, InvitationSent, RegistrationChannel,
};
use clavepin_protocol::{IdentityClaim, Timestamp};

use super::{Email, MobileNumber, citizen, insert_citizen, verify_claim};
use crate::db::registry::RegistryStore;
use crate::delivery::sealing::{self, Outbox};
use crate::error::{Fault, RegistryError, RegistryResult};
use crate::keys::ServiceKeys;
use crate::time::{millis, retry_after_secs};

/// Letters take days by post; the code stays valid for 30 days.
const INVITATION_LIFE: TimeDelta = TimeDelta::days(30);
/// Letters posted per citizen in [`LETTER_WINDOW`]: a letter costs postage and lives
/// 30 days, so a citizen whose letter went astray may ask twice more, and nobody can
/// make the service post letters without end.
pub const LETTERS_PER_WINDOW: i64 = 3;
/// The letters' window.
pub const LETTER_WINDOW: TimeDelta = TimeDelta::days(30);

/// Wrong codes before the letter is void (16 symbols of 31: guessing is hopeless
/// anyway; this stops a script from trying).
const MAX_TRIES: i64 = 5;

const CSV_LEN: usize = 16;
const CSV_PURPOSE: &str = "csv";

/// Sends an invitation letter to the census's fiscal address. A new letter voids
/// earlier ones.
pub fn send_invitation(
    tx: &dyn RegistryStore,
    claim: &IdentityClaim,
    now: Timestamp,
    rng: &dyn ring::rand::SecureRandom,
    keys: &ServiceKeys,
) -> RegistryResult<InvitationSent> {
    let record = verify_claim(tx, claim)?;
    if citizen(tx, &record.document)?.is_some() {
        return Err(RegistryError::AlreadyRegistered);
    }
    let window = millis(now - LETTER_WINDOW);
    let (posted, oldest) = tx.invitations_since(&record.document, window)?;
    if posted >= LETTERS_PER_WINDOW {
        let retry_after_secs = retry_after_secs(oldest, LETTER_WINDOW, now);
        return Err(RegistryError::TooManyLetters { retry_after_secs });
    }
    let symbols: [u8; CSV_LEN] = alphabet::random_symbols(rng).map_err(|_| Fault("randomness"))?;
    let csv = String::from_utf8(symbols.to_vec()).map_err(|_| Fault("csv"))?;
    let document = record.document.as_str();
    let valid_until = now + INVITATION_LIFE;
    tx.void_live_invitations(&record.document)?;
    let csv_hash = keys.keyed_hash(CSV_PURPOSE, document, &csv);
    tx.insert_invitation(&record.document, &csv_hash, millis(valid_until), millis(now))?;
    let text = format!(
        "Cl@ve — carta de invitación / invitation letter\n\n\
         Para completar su registro en Cl@ve, introduzca este código seguro de verificación.\n\
         To complete your registration in Cl@ve, enter this secure verification code.\n\n\
         CSV: {csv}\n\n\
         Válido hasta / valid until: {}\n",
        valid_until.format("%d-%m-%Y")
    );
    let text = sealing::seal(keys, rng, Outbox::Letters, &text)?;
    tx.post_letter(&record.full_name, &record.fiscal_address, &text, millis(now))?;
    tracing::info!(document = %record.document.masked(), "invitation letter posted");
    Ok(InvitationSent { valid_until })
}

/// Registers a citizen with the letter's code. A wrong code counts a try (committed
/// even though the request is refused), hence the nested result.
pub fn complete_registration(
    tx: &dyn RegistryStore,
    req: &CompleteRegistration,
    now: Timestamp,
    keys: &ServiceKeys,
) -> RegistryResult<RegistryResult<CitizenRegistered>> {
    let mobile = MobileNumber::parse(&req.mobile)?;
    let email = Email::parse(&req.email)?;
    let claim = IdentityClaim::new(req.document, req.contrast)
        .map_err(|e| RegistryError::Invalid(e.to_string()))?;
    verify_claim(tx, &claim)?;
    let document = req.document.as_str();
    let Some(live) = tx.live_invitation(&req.document)? else {
        return Err(RegistryError::InvalidInvitation);
    };
    if millis(now) >= live.expires_at {
        tx.void_invitation(live.id)?;
        return Ok(Err(RegistryError::InvalidInvitation));
    }
    let typed: String = req
        .csv
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .collect::<String>()
        .to_ascii_uppercase();
    if !keys.keyed_hash_matches(CSV_PURPOSE, document, &typed, &live.csv_hash) {
        tx.count_invitation_try(live.id, live.tries + 1 >= MAX_TRIES)?;
        return Ok(Err(RegistryError::InvalidInvitation));
    }
    tx.use_invitation(live.id)?;
    insert_citizen(tx, &req.document, &mobile, &email, RegistrationChannel::Letter, now).map(Ok)
}
