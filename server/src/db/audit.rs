//! What the audit log needs from storage: append, and read in pages.

use clavepin_protocol::wire::AuditEntry;
use rusqlite::{Connection, params};

use super::StoreResult;
use crate::time::from_millis;

/// One action to record.
#[derive(Debug)]
pub struct NewEntry<'a> {
    pub at: i64,
    pub action: &'a str,
    pub document: Option<&'a str>,
    pub detail: &'a str,
    pub client: &'a str,
}

pub trait AuditStore {
    fn append_audit(&self, entry: &NewEntry<'_>) -> StoreResult<()>;
    /// Up to `page` entries after the entry `after`, oldest first.
    fn audit_page(&self, after: i64, page: i64) -> StoreResult<Vec<AuditEntry>>;
}

impl AuditStore for Connection {
    fn append_audit(&self, e: &NewEntry<'_>) -> StoreResult<()> {
        self.prepare_cached(
            "INSERT INTO operator_audit (at, action, document, detail, client) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![e.at, e.action, e.document, e.detail, e.client])?;
        Ok(())
    }

    fn audit_page(&self, after: i64, page: i64) -> StoreResult<Vec<AuditEntry>> {
        let mut stmt = self.prepare_cached(
            "SELECT id, at, action, document, detail, client FROM operator_audit
             WHERE id > ?1 ORDER BY id LIMIT ?2",
        )?;
        let rows = stmt.query_map([after, page], |r| {
            Ok(AuditEntry {
                id: r.get(0)?,
                at: from_millis(r.get(1)?),
                action: r.get(2)?,
                document: r.get(3)?,
                detail: r.get(4)?,
                client: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
