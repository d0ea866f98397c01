//! What approvals in the app need from storage: the citizen's one pending approval,
//! its answer, its single use by the portal, pruning.

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreResult;

/// A stored approval. Instants are Unix milliseconds, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalRow {
    pub id: String,
    pub document: String,
    pub code_hash: Vec<u8>,
    pub site: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
    pub state: String,
    pub wrong_codes: i64,
    /// The device that answered, once one has.
    pub device_id: Option<String>,
}

/// A new approval, as the portal starts it.
#[derive(Debug)]
pub struct NewApproval<'a> {
    pub id: &'a str,
    pub document: &'a str,
    pub code_hash: &'a [u8],
    pub site: Option<&'a str>,
    pub created_at: i64,
    pub expires_at: i64,
}

pub trait ApprovalStore {
    /// Ends the citizen's pending approvals and approved ones not yet used (a newer
    /// approval, a PIN, or another device takes over).
    fn supersede_approvals(&self, document: &str) -> StoreResult<()>;
    fn insert_approval(&self, approval: &NewApproval<'_>) -> StoreResult<()>;
    fn approval(&self, id: &str) -> StoreResult<Option<ApprovalRow>>;
    /// The citizen's newest approval, if any, whatever its state (for answering again).
    fn latest_approval(&self, document: &str) -> StoreResult<Option<ApprovalRow>>;
    /// The citizen's pending approval (the unique index allows one).
    fn pending_approval(&self, document: &str) -> StoreResult<Option<ApprovalRow>>;
    /// A wrong code on a pending approval: counted, and the approval dead at `allowed`.
    fn count_wrong_code(&self, id: &str, allowed: i64) -> StoreResult<()>;
    /// Approvals started after `since`, and the oldest of them (the cap, as for PINs).
    fn approvals_since(&self, document: &str, since: i64) -> StoreResult<(i64, Option<i64>)>;
    /// The citizen's answer: `state` is `approved`, `refused` or `reported`. A pending
    /// approval changes, and an approved one not yet used may still be reported by the
    /// device that approved it; false otherwise.
    fn decide_approval(&self, id: &str, state: &str, device_id: &str, at: i64)
    -> StoreResult<bool>;
    /// The portal turns an approved approval into a sign-in, and the citizen's last
    /// sign-in is now: false when it was not approved (already used, or never), so it
    /// signs in exactly once.
    fn use_approval(&self, id: &str, document: &str, at: i64) -> StoreResult<bool>;
    fn prune_approvals(&self, expired_before: i64) -> StoreResult<usize>;
}

const COLUMNS: &str =
    "id, document, code_hash, site, created_at, expires_at, state, wrong_codes, device_id";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ApprovalRow> {
    Ok(ApprovalRow {
        id: r.get(0)?,
        document: r.get(1)?,
        code_hash: r.get(2)?,
        site: r.get(3)?,
        created_at: r.get(4)?,
        expires_at: r.get(5)?,
        state: r.get(6)?,
        wrong_codes: r.get(7)?,
        device_id: r.get(8)?,
    })
}

impl ApprovalStore for Connection {
    fn supersede_approvals(&self, document: &str) -> StoreResult<()> {
        self.prepare_cached(
            "UPDATE approvals SET state = 'superseded'
             WHERE document = ?1 AND state IN ('pending', 'approved')",
        )?
        .execute([document])?;
        Ok(())
    }

    fn insert_approval(&self, a: &NewApproval<'_>) -> StoreResult<()> {
        self.prepare_cached(
            "INSERT INTO approvals (id, document, code_hash, site, created_at, expires_at, state)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending')",
        )?
        .execute(params![
            a.id,
            a.document,
            a.code_hash,
            a.site,
            a.created_at,
            a.expires_at
        ])?;
        Ok(())
    }

    fn approval(&self, id: &str) -> StoreResult<Option<ApprovalRow>> {
        Ok(self
            .prepare_cached(&format!("SELECT {COLUMNS} FROM approvals WHERE id = ?1"))?
            .query_row([id], row)
            .optional()?)
    }

    fn latest_approval(&self, document: &str) -> StoreResult<Option<ApprovalRow>> {
        Ok(self
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM approvals WHERE document = ?1
                 ORDER BY created_at DESC, state = 'pending' DESC LIMIT 1"
            ))?
            .query_row([document], row)
            .optional()?)
    }

    fn count_wrong_code(&self, id: &str, allowed: i64) -> StoreResult<()> {
        self.prepare_cached(
            "UPDATE approvals SET wrong_codes = wrong_codes + 1,
                    state = CASE WHEN wrong_codes + 1 >= ?2 THEN 'dead' ELSE state END
             WHERE id = ?1 AND state = 'pending'",
        )?
        .execute(params![id, allowed])?;
        Ok(())
    }

    fn pending_approval(&self, document: &str) -> StoreResult<Option<ApprovalRow>> {
        Ok(self
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM approvals WHERE document = ?1 AND state = 'pending'"
            ))?
            .query_row([document], row)
            .optional()?)
    }

    fn decide_approval(
        &self,
        id: &str,
        state: &str,
        device_id: &str,
        at: i64,
    ) -> StoreResult<bool> {
        let changed = self
            .prepare_cached(
                "UPDATE approvals SET state = ?2, device_id = ?3, decided_at = ?4
                 WHERE id = ?1 AND (state = 'pending'
                                    OR (state = 'approved' AND ?2 = 'reported' AND device_id = ?3))",
            )?
            .execute(params![id, state, device_id, at])?;
        Ok(changed == 1)
    }

    fn use_approval(&self, id: &str, document: &str, at: i64) -> StoreResult<bool> {
        let changed = self
            .prepare_cached(
                "UPDATE approvals SET state = 'used' WHERE id = ?1 AND state = 'approved'",
            )?
            .execute([id])?;
        if changed == 1 {
            self.prepare_cached(
                "UPDATE citizens SET pin_failures = 0, pin_blocked_until = 0, last_sign_in_at = ?2
                 WHERE document = ?1",
            )?
            .execute(params![document, at])?;
        }
        Ok(changed == 1)
    }

    fn approvals_since(&self, document: &str, since: i64) -> StoreResult<(i64, Option<i64>)> {
        Ok(self
            .prepare_cached(
                "SELECT count(*), min(created_at) FROM approvals WHERE document = ?1 AND created_at > ?2",
            )?
            .query_row(params![document, since], |r| Ok((r.get(0)?, r.get(1)?)))?)
    }

    fn prune_approvals(&self, expired_before: i64) -> StoreResult<usize> {
        Ok(self
            .prepare_cached("DELETE FROM approvals WHERE expires_at < ?1")?
            .execute([expired_before])?)
    }
}
