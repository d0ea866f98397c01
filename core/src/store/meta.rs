//! Small facts about the device kept beside the data key: the offset to the service's
//! clock, so a cold start signs its first request with the corrected time.

use chrono::TimeDelta;
use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError};

impl Store {
    /// The last known offset from the device's clock to the service's (zero if never
    /// heard).
    pub fn clock_offset(&self) -> Result<TimeDelta, StoreError> {
        let value: Option<Vec<u8>> = self
            .conn
            .query_row("SELECT value FROM meta WHERE name = 'clock_offset_ms'", [], |r| r.get(0))
            .optional()?;
        let Some(bytes) = value else { return Ok(TimeDelta::zero()) };
        let bytes: [u8; 8] = bytes.try_into().map_err(|_| StoreError::Corrupt("clock offset"))?;
        Ok(TimeDelta::milliseconds(i64::from_be_bytes(bytes)))
    }

    /// Remembers the offset to the service's clock.
    pub fn save_clock_offset(&self, offset: TimeDelta) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO meta (name, value) VALUES ('clock_offset_ms', ?1)
             ON CONFLICT (name) DO UPDATE SET value = ?1",
            params![offset.num_milliseconds().to_be_bytes().to_vec()],
        )?;
        Ok(())
    }
}
