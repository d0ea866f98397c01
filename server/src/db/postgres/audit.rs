//! The audit log's storage on PostgreSQL (the SQLite version is in db/audit.rs).

use clavepin_protocol::wire::AuditEntry;

use super::Pg;
use crate::db::StoreResult;
use crate::db::audit::{AuditStore, NewEntry};
use crate::time::from_millis;

impl AuditStore for Pg<'_> {
    fn append_audit(&self, e: &NewEntry<'_>) -> StoreResult<()> {
        self.execute(
            "INSERT INTO operator_audit (at, action, document, detail, client) VALUES ($1, $2, $3, $4, $5)",
            &[&e.at, &e.action, &e.document, &e.detail, &e.client],
        )?;
        Ok(())
    }

    fn audit_page(&self, after: i64, page: i64) -> StoreResult<Vec<AuditEntry>> {
        self.query(
            "SELECT id, at, action, document, detail, client FROM operator_audit
             WHERE id > $1 ORDER BY id LIMIT $2",
            &[&after, &page],
        )?
        .iter()
        .map(|r| {
            Ok(AuditEntry {
                id: r.try_get(0)?,
                at: from_millis(r.try_get(1)?),
                action: r.try_get(2)?,
                document: r.try_get(3)?,
                detail: r.try_get(4)?,
                client: r.try_get(5)?,
            })
        })
        .collect()
    }
}
