//! The PINs this device received, with their outcome: the history.

use chrono::TimeDelta;
use clavepin_protocol::wire::PinState;
use clavepin_protocol::{DocumentNumber, Pin, PinCode, RequestId, Timestamp};
use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, from_ms, ms};

/// PINs kept per citizen; older ones are pruned.
pub const HISTORY_PER_CITIZEN: i64 = 50;
/// PINs older than this are pruned whatever their number.
pub const HISTORY_MAX_AGE: TimeDelta = TimeDelta::days(90);

/// One PIN in the store. The PIN itself stays sealed until asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPin {
    /// The service's request id.
    pub request_id: RequestId,
    /// Whose PIN.
    pub document: DocumentNumber,
    /// The request's code.
    pub code: PinCode,
    /// Issued.
    pub issued_at: Timestamp,
    /// Expires.
    pub expires_at: Timestamp,
    /// Received by this device.
    pub received_at: Timestamp,
    /// The last state known (expiry is applied when read, by the caller's clock).
    pub state: PinState,
    /// Whether the service was told it arrived.
    pub acknowledged: bool,
}

fn state_text(state: PinState) -> &'static str {
    match state {
        PinState::Live => "live",
        PinState::Used => "used",
        PinState::Expired => "expired",
        PinState::Superseded => "superseded",
        PinState::Dead => "dead",
    }
}

fn parse_state(text: &str) -> Result<PinState, StoreError> {
    Ok(match text {
        "live" => PinState::Live,
        "used" => PinState::Used,
        "expired" => PinState::Expired,
        "superseded" => PinState::Superseded,
        "dead" => PinState::Dead,
        _ => return Err(StoreError::Corrupt("PIN state")),
    })
}

const PIN_COLUMNS: &str =
    "request_id, document, code, issued_at, expires_at, received_at, state, acknowledged";

type PinRow = (String, String, String, i64, i64, i64, String, bool);

fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PinRow> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
}

fn to_pin(
    (request_id, document, code, issued, expires, received, state, acknowledged): PinRow,
) -> Result<StoredPin, StoreError> {
    Ok(StoredPin {
        request_id: RequestId::parse(&request_id)
            .map_err(|_| StoreError::Corrupt("PIN request id"))?,
        document: DocumentNumber::parse(&document)
            .map_err(|_| StoreError::Corrupt("PIN document"))?,
        code: PinCode::parse(&code).map_err(|_| StoreError::Corrupt("PIN code"))?,
        issued_at: from_ms(issued),
        expires_at: from_ms(expires),
        received_at: from_ms(received),
        state: parse_state(&state)?,
        acknowledged,
    })
}

impl Store {
    /// Stores a received PIN; a newer PIN supersedes the citizen's live ones (the
    /// service did the same). Returns false if it was already stored.
    pub fn insert_pin(&mut self, pin: &StoredPin, value: &Pin) -> Result<bool, StoreError> {
        let sealed =
            self.seal(&format!("pins:pin:{}", pin.request_id), value.expose().as_bytes())?;
        let tx = self.conn.transaction()?;
        let inserted = tx.execute(
            "INSERT OR IGNORE INTO pins (request_id, document, code, pin, issued_at, expires_at, received_at, state, acknowledged)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                pin.request_id.as_str(),
                pin.document.as_str(),
                pin.code.as_str(),
                sealed,
                ms(pin.issued_at),
                ms(pin.expires_at),
                ms(pin.received_at),
                state_text(pin.state),
                pin.acknowledged
            ],
        )?;
        if inserted > 0 {
            tx.execute(
                "UPDATE pins SET state = 'superseded'
                 WHERE document = ?1 AND state = 'live' AND issued_at < ?2 AND request_id != ?3",
                params![pin.document.as_str(), ms(pin.issued_at), pin.request_id.as_str()],
            )?;
        }
        tx.commit()?;
        Ok(inserted > 0)
    }

    /// One stored PIN.
    pub fn pin(&self, request_id: &str) -> Result<Option<StoredPin>, StoreError> {
        let row = self
            .conn
            .query_row(
                &format!("SELECT {PIN_COLUMNS} FROM pins WHERE request_id = ?1"),
                [request_id],
                read_row,
            )
            .optional()?;
        row.map(to_pin).transpose()
    }

    /// The PIN's value, opened from its seal.
    pub fn pin_value(&self, request_id: &str) -> Result<Pin, StoreError> {
        let sealed: Vec<u8> = self
            .conn
            .query_row("SELECT pin FROM pins WHERE request_id = ?1", [request_id], |r| r.get(0))
            .optional()?
            .ok_or(StoreError::Corrupt("no such PIN"))?;
        let plain = self.open_sealed(&format!("pins:pin:{request_id}"), &sealed)?;
        let text = std::str::from_utf8(&plain).map_err(|_| StoreError::Corrupt("PIN"))?;
        Pin::parse(text).map_err(|_| StoreError::Corrupt("PIN"))
    }

    /// PINs newest first, for one citizen or all.
    pub fn pins(
        &self,
        document: Option<&DocumentNumber>,
        limit: u32,
    ) -> Result<Vec<StoredPin>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {PIN_COLUMNS} FROM pins WHERE ?1 IS NULL OR document = ?1 ORDER BY issued_at DESC, received_at DESC LIMIT ?2"
        ))?;
        let rows = stmt
            .query_map(params![document.map(|d| d.as_str()), limit], read_row)?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(to_pin).collect()
    }

    /// Records a state the service reported.
    pub fn set_pin_state(&self, request_id: &str, state: PinState) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE pins SET state = ?2 WHERE request_id = ?1",
            params![request_id, state_text(state)],
        )?;
        Ok(())
    }

    /// The service was told the PIN arrived.
    pub fn mark_acknowledged(&self, request_id: &str) -> Result<(), StoreError> {
        self.conn
            .execute("UPDATE pins SET acknowledged = 1 WHERE request_id = ?1", [request_id])?;
        Ok(())
    }

    /// Keeps the history small: at most [`HISTORY_PER_CITIZEN`] per citizen, none older
    /// than [`HISTORY_MAX_AGE`]. Returns how many went.
    pub fn prune_history(&self, now: Timestamp) -> Result<usize, StoreError> {
        let old = self
            .conn
            .execute("DELETE FROM pins WHERE issued_at < ?1", [ms(now - HISTORY_MAX_AGE)])?;
        let extra = self.conn.execute(
            "DELETE FROM pins WHERE request_id IN (
                 SELECT request_id FROM (
                     SELECT request_id, row_number() OVER (PARTITION BY document ORDER BY issued_at DESC) AS n FROM pins
                 ) WHERE n > ?1)",
            [HISTORY_PER_CITIZEN],
        )?;
        Ok(old + extra)
    }
}
