//! The SMS gateway. The service writes each SMS inside the transaction that decided
//! to send it (an activation code is never stored without its SMS, nor the other way
//! round); the gateway is what carries it to the phone network.

use clavepin_protocol::Timestamp;
use rusqlite::{Transaction, params};

use crate::error::ServiceResult;
use crate::registry::MobileNumber;
use crate::time::millis;

/// Sends SMS. Implementations must not log the text: it carries codes and PINs.
pub trait SmsGateway: Send + Sync + std::fmt::Debug {
    /// Hands one SMS over, as part of the transaction `tx`.
    fn send(
        &self,
        tx: &Transaction<'_>,
        to: &MobileNumber,
        text: &str,
        now: Timestamp,
    ) -> ServiceResult<()>;
}

/// The embedded gateway: the outbox table is the destination. Operators (and the
/// demo, and tests) read it with `clavepin admin outbox sms`.
#[derive(Debug, Default, Clone, Copy)]
pub struct OutboxGateway;

impl SmsGateway for OutboxGateway {
    fn send(
        &self,
        tx: &Transaction<'_>,
        to: &MobileNumber,
        text: &str,
        now: Timestamp,
    ) -> ServiceResult<()> {
        tx.prepare_cached("INSERT INTO sms_outbox (to_number, text, sent_at) VALUES (?1, ?2, ?3)")?
            .execute(params![to.as_str(), text, millis(now)])?;
        tracing::info!(sms_id = tx.last_insert_rowid(), to = %to.hint(), "SMS sent");
        Ok(())
    }
}
