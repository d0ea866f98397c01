//! "This wasn't me": the citizen's app reports a PIN they did not ask for. The
//! request dies at once, nothing more is pushed to the citizen for a while (PINs go
//! by SMS, to the phone the citizen holds, so a flood of pushes stops and nobody can
//! tire them into a wrong tap), and the report is kept for the citizen and operators.

use chrono::TimeDelta;
use clavepin_protocol::Timestamp;
use clavepin_protocol::wire::NotMeRecorded;

use super::request::load_request;
use crate::activity::{self, Event};
use crate::error::{PinError, PinResult};
use crate::store::Store;
use crate::time::{from_millis, millis};

/// How long pushes are held after a report.
pub const PUSH_HOLD: TimeDelta = TimeDelta::minutes(20);

/// Reports `request_id`, which must be one pushed to `device_id`. Reporting it again
/// (an answer lost on the way) changes nothing and gives the same answer.
pub fn report_not_me(
    tx: &dyn Store,
    device_id: &str,
    request_id: &str,
    now: Timestamp,
) -> PinResult<NotMeRecorded> {
    let request = load_request(tx, request_id)?;
    if request.device_id.as_deref() != Some(device_id) {
        return Err(PinError::UnknownPinRequest);
    }
    if !request.reported {
        tx.mark_reported(request_id, millis(now))?;
        tx.hold_pushes(&request.document, millis(now + PUSH_HOLD))?;
        let channel = activity::pin_channel(&request.channel);
        let event = Event::NotMe { site: request.site.clone(), channel };
        activity::record(tx, &request.document, now, &event)?;
        tracing::warn!(document = %request.document.masked(), "PIN reported as not the citizen's");
    }
    let window = tx.push_window(&request.document)?;
    Ok(NotMeRecorded { pushes_held_until: from_millis(window.pushes_held_until) })
}
