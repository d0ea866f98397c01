//! Approvals in the app on PostgreSQL (the SQLite version is in db/approvals.rs).

use super::Pg;
use crate::db::StoreResult;
use crate::db::approvals::{ApprovalRow, ApprovalStore, NewApproval};

const COLUMNS: &str =
    "id, document, code_hash, site, created_at, expires_at, state, wrong_codes, device_id";

fn row(r: &postgres::Row) -> StoreResult<ApprovalRow> {
    Ok(ApprovalRow {
        id: r.try_get(0)?,
        document: r.try_get(1)?,
        code_hash: r.try_get(2)?,
        site: r.try_get(3)?,
        created_at: r.try_get(4)?,
        expires_at: r.try_get(5)?,
        state: r.try_get(6)?,
        wrong_codes: r.try_get(7)?,
        device_id: r.try_get(8)?,
    })
}

impl ApprovalStore for Pg<'_> {
    fn supersede_approvals(&self, document: &str) -> StoreResult<()> {
        self.execute(
            "UPDATE approvals SET state = 'superseded'
             WHERE document = $1 AND state IN ('pending', 'approved')",
            &[&document],
        )?;
        Ok(())
    }

    fn insert_approval(&self, a: &NewApproval<'_>) -> StoreResult<()> {
        self.execute(
            "INSERT INTO approvals (id, document, code_hash, site, created_at, expires_at, state)
             VALUES ($1, $2, $3, $4, $5, $6, 'pending')",
            &[&a.id, &a.document, &a.code_hash, &a.site, &a.created_at, &a.expires_at],
        )?;
        Ok(())
    }

    fn approval(&self, id: &str) -> StoreResult<Option<ApprovalRow>> {
        self.query_opt(&format!("SELECT {COLUMNS} FROM approvals WHERE id = $1"), &[&id])?
            .as_ref()
            .map(row)
            .transpose()
    }

    fn latest_approval(&self, document: &str) -> StoreResult<Option<ApprovalRow>> {
        self.query_opt(
            &format!(
                "SELECT {COLUMNS} FROM approvals WHERE document = $1
                 ORDER BY created_at DESC, state = 'pending' DESC LIMIT 1"
            ),
            &[&document],
        )?
        .as_ref()
        .map(row)
        .transpose()
    }

    fn count_wrong_code(&self, id: &str, allowed: i64) -> StoreResult<()> {
        self.execute(
            "UPDATE approvals SET wrong_codes = wrong_codes + 1,
                    state = CASE WHEN wrong_codes + 1 >= $2::BIGINT THEN 'dead' ELSE state END
             WHERE id = $1 AND state = 'pending'",
            &[&id, &allowed],
        )?;
        Ok(())
    }

    fn pending_approval(&self, document: &str) -> StoreResult<Option<ApprovalRow>> {
        self.query_opt(
            &format!("SELECT {COLUMNS} FROM approvals WHERE document = $1 AND state = 'pending'"),
            &[&document],
        )?
        .as_ref()
        .map(row)
        .transpose()
    }

    fn approvals_since(&self, document: &str, since: i64) -> StoreResult<(i64, Option<i64>)> {
        let r = self.query_one(
            "SELECT count(*), min(created_at) FROM approvals WHERE document = $1 AND created_at > $2",
            &[&document, &since],
        )?;
        Ok((r.try_get(0)?, r.try_get(1)?))
    }

    fn decide_approval(
        &self,
        id: &str,
        state: &str,
        device_id: &str,
        at: i64,
    ) -> StoreResult<bool> {
        let changed = self.execute(
            "UPDATE approvals SET state = $2, device_id = $3, decided_at = $4
             WHERE id = $1 AND (state = 'pending'
                                OR (state = 'approved' AND $2 = 'reported' AND device_id = $3))",
            &[&id, &state, &device_id, &at],
        )?;
        Ok(changed == 1)
    }

    fn use_approval(&self, id: &str, document: &str, at: i64) -> StoreResult<bool> {
        let changed = self.execute(
            "UPDATE approvals SET state = 'used' WHERE id = $1 AND state = 'approved'",
            &[&id],
        )?;
        if changed == 1 {
            self.execute(
                "UPDATE citizens SET pin_failures = 0, pin_blocked_until = 0, last_sign_in_at = $2
                 WHERE document = $1",
                &[&document, &at],
            )?;
        }
        Ok(changed == 1)
    }

    fn prune_approvals(&self, expired_before: i64) -> StoreResult<usize> {
        self.execute("DELETE FROM approvals WHERE expires_at < $1", &[&expired_before])
    }
}
