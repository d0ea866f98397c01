//! The census and the Cl@ve registry (SPEC.md flow 1): who exists, who is registered,
//! and with which phone. Every later step checks contrast data against the census.

mod contact;
pub mod guard;
mod invitation;
pub mod listing;

use chrono::NaiveDate;
use clavepin_protocol::wire::{
    CensusRecord, CitizenRegistered, RegisterCitizen, RegistrationChannel,
};
use clavepin_protocol::{ContrastData, DocumentNumber, IdentityClaim, Timestamp};
use rusqlite::{Connection, OptionalExtension, params};

pub use contact::{Email, MobileNumber};
pub use invitation::{complete_registration, send_invitation};

use crate::error::{Fault, RegistryError, RegistryResult};
use crate::time::millis;

/// Loads or updates census records; returns how many were written.
pub fn load_census(
    tx: &Connection,
    records: &[CensusRecord],
    now: Timestamp,
) -> RegistryResult<u32> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO census (document, full_name, birth_date, contrast, fiscal_address, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(document) DO UPDATE SET full_name = ?2, birth_date = ?3, contrast = ?4,
             fiscal_address = ?5, updated_at = ?6",
    )?;
    let today = now.date_naive();
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
        stmt.execute(params![
            r.document.as_str(),
            r.full_name.trim(),
            r.birth_date.to_string(),
            contrast,
            r.fiscal_address.trim(),
            millis(now)
        ])?;
    }
    Ok(records.len() as u32)
}

/// The census record for a document, if any.
pub fn census_record(
    conn: &Connection,
    document: &DocumentNumber,
) -> RegistryResult<Option<CensusRecord>> {
    let row = conn
        .prepare_cached("SELECT full_name, birth_date, contrast, fiscal_address FROM census WHERE document = ?1")?
        .query_row([document.as_str()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
        })
        .optional()?;
    let Some((full_name, birth_date, contrast, fiscal_address)) = row else {
        return Ok(None);
    };
    let corrupt = || Fault("corrupt census row");
    Ok(Some(CensusRecord {
        document: *document,
        full_name,
        birth_date: birth_date.parse::<NaiveDate>().map_err(|_| corrupt())?,
        contrast: serde_json::from_str::<ContrastData>(&contrast).map_err(|_| corrupt())?,
        fiscal_address,
    }))
}

/// Checks a citizen's claim against the census. An unknown document and wrong
/// contrast data give the same error, so the check cannot be used to probe the census.
pub fn verify_claim(conn: &Connection, claim: &IdentityClaim) -> RegistryResult<CensusRecord> {
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
pub fn citizen(conn: &Connection, document: &DocumentNumber) -> RegistryResult<Option<Citizen>> {
    let mobile: Option<String> = conn
        .prepare_cached("SELECT mobile FROM citizens WHERE document = ?1")?
        .query_row([document.as_str()], |r| r.get(0))
        .optional()?;
    mobile
        .map(|m| {
            MobileNumber::parse(&m)
                .map(|mobile| Citizen { mobile })
                .map_err(|_| Fault("corrupt citizen row").into())
        })
        .transpose()
}

/// Verifies a claim and returns the registered citizen it names.
pub fn registered_citizen(conn: &Connection, claim: &IdentityClaim) -> RegistryResult<Citizen> {
    verify_claim(conn, claim)?;
    citizen(conn, &claim.document())?.ok_or(RegistryError::NotRegistered)
}

/// Registration at a registry office: the operator has seen the document, and the
/// contrast data must still match the census.
pub fn register_at_office(
    tx: &Connection,
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
    tx: &Connection,
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
    tx.prepare_cached("INSERT INTO citizens (document, mobile, email, channel, registered_at) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![document.as_str(), mobile.as_str(), email.as_str(), channel_text, millis(now)])?;
    tracing::info!(document = %document.masked(), channel = channel_text, "citizen registered");
    Ok(CitizenRegistered { document: *document, channel, registered_at: now })
}
