//! The census and the Cl@ve registry (SPEC.md flow 1): who exists, who is registered,
//! and with which phone. Every later step checks contrast data against the census.

mod contact;
pub mod guard;
mod invitation;
pub mod listing;

use clavepin_protocol::wire::{
    CensusRecord, CitizenRegistered, RegisterCitizen, RegistrationChannel,
};
use clavepin_protocol::{DocumentNumber, IdentityClaim, Timestamp};

pub use contact::{Email, MobileNumber};
pub use invitation::{complete_registration, send_invitation};

use crate::db::registry::RegistryStore;
use crate::error::{Fault, RegistryError, RegistryResult};
use crate::time::millis;

/// Loads or updates census records; returns how many were written.
/// Loads census records, all or none. A record that would change a registered
/// citizen's contrast data is refused unless `change_registered`; the documents so
/// changed are returned, for the audit log.
pub fn load_census(
    tx: &dyn RegistryStore,
    records: &[CensusRecord],
    change_registered: bool,
    now: Timestamp,
) -> RegistryResult<Vec<DocumentNumber>> {
    let today = now.date_naive();
    let mut changed = Vec::new();
    for r in records {
        if citizen(tx, &r.document)?.is_some()
            && tx.census_record(&r.document)?.is_some_and(|old| old.contrast != r.contrast)
        {
            changed.push(r.document);
        }
    }
    if !changed.is_empty() && !change_registered {
        return Err(RegistryError::RegisteredCitizenChanged {
            count: changed.len(),
            first: changed[0].masked(),
        });
    }
    for r in records {
        if r.birth_date > today {
            return Err(RegistryError::Invalid(format!(
                "a census record's birth date ({}) is in the future",
                r.birth_date.format("%d/%m/%Y")
            )));
        }
        if r.full_name.trim().is_empty() || r.fiscal_address.trim().is_empty() {
            return Err(RegistryError::Invalid(
                "census records need a name and a fiscal address".into(),
            ));
        }
        if !r.contrast.fits(&r.document) {
            return Err(RegistryError::Invalid(
                "a census record's contrast data does not fit its document".into(),
            ));
        }
        let contrast = serde_json::to_string(&r.contrast).map_err(|_| Fault("serialise"))?;
        tx.upsert_census(r, &contrast, millis(now))?;
    }
    Ok(changed)
}

/// The census record for a document, if any.
pub fn census_record(
    store: &dyn RegistryStore,
    document: &DocumentNumber,
) -> RegistryResult<Option<CensusRecord>> {
    Ok(store.census_record(document)?)
}

pub fn verify_claim(
    conn: &dyn RegistryStore,
    claim: &IdentityClaim,
) -> RegistryResult<CensusRecord> {
    match census_record(conn, &claim.document())? {
        Some(record) if record.contrast == claim.contrast() => Ok(record),
        _ => Err(RegistryError::ContrastDataMismatch),
    }
}

/// A registered citizen's contact data.
#[derive(Debug, Clone)]
pub struct Citizen {
    /// Where SMS go.
    pub mobile: MobileNumber,
}

/// The registered citizen for a document, if any.
pub fn citizen(
    store: &dyn RegistryStore,
    document: &DocumentNumber,
) -> RegistryResult<Option<Citizen>> {
    store
        .citizen_mobile(document)?
        .map(|m| {
            MobileNumber::parse(&m)
                .map(|mobile| Citizen { mobile })
                .map_err(|_| Fault("corrupt citizen row").into())
        })
        .transpose()
}

/// Verifies a claim and returns the registered citizen it names.
pub fn registered_citizen(
    conn: &dyn RegistryStore,
    claim: &IdentityClaim,
) -> RegistryResult<Citizen> {
    verify_claim(conn, claim)?;
    citizen(conn, &claim.document())?.ok_or(RegistryError::NotRegistered)
}

/// Registration at a registry office: the operator has seen the document, and the
/// contrast data must still match the census.
pub fn register_at_office(
    tx: &dyn RegistryStore,
    req: &RegisterCitizen,
    now: Timestamp,
) -> RegistryResult<CitizenRegistered> {
    let record = census_record(tx, &req.document)?.ok_or(RegistryError::NotInCensus)?;
    if record.contrast != req.contrast {
        return Err(RegistryError::ContrastDataMismatch);
    }
    // An expired DNI is no proof of identity at an office (its validity date is in
    // the past): the citizen renews it first, and the census learns the new date.
    if let clavepin_protocol::ContrastData::DniValidity { valid_until } = record.contrast
        && valid_until < now.date_naive()
    {
        return Err(RegistryError::Invalid(format!(
            "the DNI expired on {}: register the citizen with their renewed DNI",
            valid_until.format("%d/%m/%Y")
        )));
    }
    let mobile = MobileNumber::parse(&req.mobile)?;
    let email = Email::parse(&req.email)?;
    insert_citizen(tx, &req.document, &mobile, &email, RegistrationChannel::Office, now)
}

fn insert_citizen(
    tx: &dyn RegistryStore,
    document: &DocumentNumber,
    mobile: &MobileNumber,
    email: &Email,
    channel: RegistrationChannel,
    now: Timestamp,
) -> RegistryResult<CitizenRegistered> {
    if citizen(tx, document)?.is_some() {
        return Err(RegistryError::AlreadyRegistered);
    }
    let channel_text = match channel {
        RegistrationChannel::Office => "office",
        RegistrationChannel::Letter => "letter",
    };
    tx.insert_citizen(document, mobile.as_str(), email.as_str(), channel_text, millis(now))?;
    tracing::info!(document = %document.masked(), channel = channel_text, "citizen registered");
    Ok(CitizenRegistered { document: *document, channel, registered_at: now })
}
