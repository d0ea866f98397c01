//! What an operator lists: census records and registered citizens, a page at a time
//! in document order (`after` is the last document of the previous page).

use chrono::NaiveDate;
use clavepin_protocol::wire::{CensusRecord, RegisteredCitizen};
use clavepin_protocol::{ContrastData, DocumentNumber};
use rusqlite::Connection;

use crate::error::{Fault, RegistryResult};
use crate::time::from_millis;

/// Most items one page holds.
pub const PAGE: i64 = 500;

/// Census records after `after`.
pub fn census_page(conn: &Connection, after: &str) -> RegistryResult<Vec<CensusRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT document, full_name, birth_date, contrast, fiscal_address FROM census
         WHERE document > ?1 ORDER BY document LIMIT ?2",
    )?;
    let rows = stmt.query_map(rusqlite::params![after, PAGE], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get(4)?,
        ))
    })?;
    let corrupt = || Fault("corrupt census row");
    rows.map(|row| {
        let (document, full_name, birth_date, contrast, fiscal_address) = row?;
        Ok(CensusRecord {
            document: DocumentNumber::parse(&document).map_err(|_| corrupt())?,
            full_name,
            birth_date: birth_date.parse::<NaiveDate>().map_err(|_| corrupt())?,
            contrast: serde_json::from_str::<ContrastData>(&contrast).map_err(|_| corrupt())?,
            fiscal_address,
        })
    })
    .collect()
}

/// Registered citizens after `after`, with whether a device receives their PINs.
pub fn citizens_page(conn: &Connection, after: &str) -> RegistryResult<Vec<RegisteredCitizen>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.document, c.mobile, c.channel, c.registered_at,
                EXISTS (SELECT 1 FROM devices d WHERE d.document = c.document AND d.state = 'active')
         FROM citizens c WHERE c.document > ?1 ORDER BY c.document LIMIT ?2",
    )?;
    let rows = stmt.query_map(rusqlite::params![after, PAGE], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
    })?;
    let corrupt = || Fault("corrupt citizen row");
    rows.map(|row| {
        let (document, mobile, channel, registered_at, app): (String, String, String, i64, bool) =
            row?;
        let tail: String =
            mobile.chars().rev().take(2).collect::<Vec<_>>().into_iter().rev().collect();
        Ok(RegisteredCitizen {
            document: DocumentNumber::parse(&document).map_err(|_| corrupt())?,
            mobile_hint: format!("•••••••{tail}"),
            channel,
            registered_at: from_millis(registered_at),
            app_activated: app,
        })
    })
    .collect()
}
