//! Approving a sign-in in the app, the second way beside the PIN (issue "The citizen
//! in control"). The log-in page shows the site, a short code and a QR code carrying
//! it; the citizen scans or types it in the app, sees who is asking, and confirms
//! with the pattern. The code is the secret NIST SP 800-63B-4 asks to travel from the
//! log-in screen into the authenticator: a tap alone approves nothing, and nothing is
//! pushed, so there is nothing to tire the citizen into accepting.
//!
//! At most one approval is pending per citizen, and it is the only live way in: a
//! new approval ends the citizen's live PIN, a new PIN ends the pending approval (or
//! an approved one not yet used). The PIN's throttling and push cap apply to starting
//! one. Wrong codes are counted on the approval; the fifth ends it. An approval is
//! used only while the device that approved it is the citizen's active device.

use chrono::TimeDelta;
use clavepin_protocol::wire::{
    AccessGranted, ApprovalDecided, ApprovalDecision, ApprovalRequest, ApprovalState,
    DecideApproval,
};
use clavepin_protocol::{ApprovalCode, DocumentNumber, IdentityClaim, Timestamp};

use crate::activity::{self, Channel, Event};
use crate::db::approvals::{ApprovalRow, ApprovalStore, NewApproval};
use crate::db::devices::Device;
use crate::db::{StoreError, StoreResult};
use crate::error::{Fault, PinError, PinResult};
use crate::ids::random_id;
use crate::pins::{Issuer, PUSH_HOLD, throttle};
use crate::registry;
use crate::store::Store;
use crate::time::{from_millis, millis, retry_after_secs};

/// An approval waits 5 minutes for the app.
pub const APPROVAL_LIFE: TimeDelta = TimeDelta::minutes(5);

/// Once approved, the log-in page has this long beyond the approval's life to notice
/// (it asks every few seconds; a page without script reloads every five).
const COLLECT_GRACE: TimeDelta = TimeDelta::minutes(1);

/// The fifth wrong code ends the approval.
pub const WRONG_CODES_ALLOWED: i64 = 5;

/// The keyed hash's purpose: an approval code's hash never matches a PIN's.
const CODE_PURPOSE: &str = "approval-code";

/// A new approval, as the log-in page shows it.
#[derive(Debug)]
pub struct Started {
    pub id: String,
    pub code: ApprovalCode,
    pub expires_at: Timestamp,
}

/// Starts an approval for a claim that matched the census, for a citizen with an
/// activated app; the site is the issuer's.
pub fn start(tx: &dyn Store, claim: &IdentityClaim, issuer: Issuer<'_>) -> PinResult<Started> {
    registry::registered_citizen(tx, claim)?;
    let document = claim.document();
    let now = issuer.now;
    // The PIN's limits hold here too: a citizen whose PINs wait or are locked after
    // wrong ones does not get in this way meanwhile, and approvals are capped as PIN
    // requests are (each one ends the citizen's live PIN, so a flood would lock them out).
    throttle::check_not_throttled(tx, &document, now)?;
    let window = tx.push_window(&document)?;
    let since = millis(now - throttle::PUSH_CAP_WINDOW).max(window.last_sign_in_at);
    let (recent, oldest) = tx.approvals_since(document.as_str(), since)?;
    if recent >= throttle::PUSH_CAP {
        return Err(PinError::TooManyPins {
            retry_after_secs: retry_after_secs(oldest, throttle::PUSH_CAP_WINDOW, now),
        });
    }
    if tx.active_device(&document)?.is_none() {
        return Err(PinError::AppNotActivated);
    }
    tx.supersede_approvals(document.as_str())?;
    tx.supersede_live(&document)?;
    let id = random_id(issuer.rng)?;
    let code = ApprovalCode::random(issuer.rng).map_err(|_| Fault("randomness"))?;
    let expires_at = from_millis(millis(issuer.now + APPROVAL_LIFE));
    let code_hash = issuer.keys.keyed_hash(CODE_PURPOSE, &id, code.expose());
    tx.insert_approval(&NewApproval {
        id: &id,
        document: document.as_str(),
        code_hash: &code_hash,
        site: issuer.site,
        created_at: millis(issuer.now),
        expires_at: millis(expires_at),
    })?;
    Ok(Started { id, code, expires_at })
}

/// The address the QR code holds and the phone's link opens: an app link (Android)
/// and universal link (iOS) into the app, and a page of its own in a browser.
pub fn app_link(issuer: &crate::oidc::Issuer, code: &ApprovalCode) -> String {
    format!("{}?code={}", issuer.url(crate::portal::paths::APP_LINK), code.expose())
}

/// Where an approval stands, for the log-in page's polling.
pub fn state(tx: &dyn Store, id: &str, now: Timestamp) -> PinResult<ApprovalState> {
    let Some(approval) = tx.approval(id)? else {
        // Pruned: long expired.
        return Ok(ApprovalState::Expired);
    };
    let now = millis(now);
    Ok(match approval.state.as_str() {
        "pending" if now < approval.expires_at => ApprovalState::Pending,
        "pending" => ApprovalState::Expired,
        "approved" if now < approval.expires_at + COLLECT_GRACE.num_milliseconds() => {
            ApprovalState::Approved
        }
        "approved" => ApprovalState::Expired,
        _ => ApprovalState::Ended,
    })
}

/// The app asks what a code it scanned or was typed is for. A wrong code is counted,
/// hence the nested result: the outer one a refusal that changed nothing.
pub fn look_up(
    tx: &dyn Store,
    device: &Device,
    code: &ApprovalCode,
    now: Timestamp,
    keys: &crate::keys::ServiceKeys,
) -> PinResult<PinResult<ApprovalRequest>> {
    if !is_active(tx, device)? {
        return Ok(Err(PinError::UnknownApproval));
    }
    let approval = match pending_matching(tx, &device.document, code, now, keys)? {
        Ok(approval) => approval,
        Err(refused) => return Ok(Err(refused)),
    };
    Ok(Ok(request_of(&approval)))
}

/// The citizen's answer, from the app (which asked for the pattern before an
/// approval). Giving the same answer again, when the first one's reply was lost,
/// changes nothing and gets the same reply.
pub fn decide(
    tx: &dyn Store,
    device: &Device,
    answer: &DecideApproval,
    now: Timestamp,
    keys: &crate::keys::ServiceKeys,
) -> PinResult<PinResult<ApprovalDecided>> {
    if !is_active(tx, device)? {
        return Ok(Err(PinError::UnknownApproval));
    }
    let earlier = tx.latest_approval(device.document.as_str())?;
    if let Some(earlier) = &earlier
        && earlier.device_id.as_deref() == Some(device.id.as_str())
        && answered_as(&earlier.state, answer.decision)
        && keys.keyed_hash_matches(
            CODE_PURPOSE,
            &earlier.id,
            answer.code.expose(),
            &earlier.code_hash,
        )
    {
        return Ok(Ok(decided(tx, &device.document, answer.decision)?));
    }
    // Approved by mistake and not used yet: "this wasn't me" still withdraws it.
    let withdrawn = earlier.filter(|e| {
        e.state == "approved"
            && answer.decision == ApprovalDecision::NotMe
            && e.device_id.as_deref() == Some(device.id.as_str())
            && millis(now) < e.expires_at + COLLECT_GRACE.num_milliseconds()
            && keys.keyed_hash_matches(CODE_PURPOSE, &e.id, answer.code.expose(), &e.code_hash)
    });
    let approval = match withdrawn {
        Some(approval) => approval,
        None => match pending_matching(tx, &device.document, &answer.code, now, keys)? {
            Ok(approval) => approval,
            Err(refused) => return Ok(Err(refused)),
        },
    };
    let state = decided_state(answer.decision);
    if !tx.decide_approval(&approval.id, state, &device.id, millis(now))? {
        return Ok(Err(PinError::UnknownApproval));
    }
    let masked = device.document.masked();
    match answer.decision {
        ApprovalDecision::Approve => {
            tracing::info!(document = %masked, "sign-in approved in the app")
        }
        ApprovalDecision::Refuse => {
            tracing::info!(document = %masked, "sign-in refused in the app")
        }
        ApprovalDecision::NotMe => {
            tx.hold_pushes(&device.document, millis(now + PUSH_HOLD))?;
            let event = Event::NotMe { site: approval.site.clone(), channel: Channel::Approval };
            activity::record(tx, &device.document, now, &event)?;
            tracing::warn!(document = %masked, "approval reported as not the citizen's");
        }
    }
    Ok(Ok(decided(tx, &device.document, answer.decision)?))
}

/// The log-in page turns an approved approval into a sign-in, exactly once: `None`
/// when it is not (or no longer) approved.
pub fn complete(tx: &dyn Store, id: &str, now: Timestamp) -> PinResult<Option<AccessGranted>> {
    if state(tx, id, now)? != ApprovalState::Approved {
        return Ok(None);
    }
    let Some(approval) = tx.approval(id)? else { return Ok(None) };
    let document =
        DocumentNumber::parse(&approval.document).map_err(|_| StoreError::Corrupt("approval"))?;
    // Approved by a device that has since been replaced or removed: not any more.
    let active = tx.active_device(&document)?.map(|d| d.id);
    if active.is_none() || active != approval.device_id {
        return Ok(None);
    }
    if !tx.use_approval(id, document.as_str(), millis(now))? {
        return Ok(None);
    }
    let sign_in = Event::SignIn { site: approval.site.clone(), channel: Channel::Approval };
    activity::record(tx, &document, now, &sign_in)?;
    let full_name =
        registry::census_record(tx, &document)?.map(|r| r.full_name).unwrap_or_default();
    tracing::info!(document = %document.masked(), "signed in by approval");
    Ok(Some(AccessGranted { document, full_name }))
}

/// The citizen's pending approval, if `code` is its code; a wrong code is counted.
fn pending_matching(
    tx: &dyn Store,
    document: &DocumentNumber,
    code: &ApprovalCode,
    now: Timestamp,
    keys: &crate::keys::ServiceKeys,
) -> PinResult<PinResult<ApprovalRow>> {
    let Some(approval) = tx.pending_approval(document.as_str())? else {
        return Ok(Err(PinError::UnknownApproval));
    };
    if millis(now) >= approval.expires_at {
        return Ok(Err(PinError::UnknownApproval));
    }
    if !keys.keyed_hash_matches(CODE_PURPOSE, &approval.id, code.expose(), &approval.code_hash) {
        tx.count_wrong_code(&approval.id, WRONG_CODES_ALLOWED)?;
        tracing::info!(document = %document.masked(), "wrong approval code");
        return Ok(Err(PinError::UnknownApproval));
    }
    Ok(Ok(approval))
}

/// Whether `device` is still its citizen's active device, in this transaction: the
/// signature was checked before it began.
fn is_active(tx: &dyn Store, device: &Device) -> PinResult<bool> {
    Ok(tx.active_device(&device.document)?.is_some_and(|d| d.id == device.id))
}

fn request_of(approval: &ApprovalRow) -> ApprovalRequest {
    ApprovalRequest {
        site: approval.site.clone(),
        requested_at: from_millis(approval.created_at),
        expires_at: from_millis(approval.expires_at),
    }
}

/// Whether a stored state is what `decision` made of a pending approval (an
/// approved one may have been used by the log-in page since).
fn answered_as(state: &str, decision: ApprovalDecision) -> bool {
    state == decided_state(decision) || (decision == ApprovalDecision::Approve && state == "used")
}

fn decided_state(decision: ApprovalDecision) -> &'static str {
    match decision {
        ApprovalDecision::Approve => "approved",
        ApprovalDecision::Refuse => "refused",
        ApprovalDecision::NotMe => "reported",
    }
}

fn decided(
    tx: &dyn Store,
    document: &DocumentNumber,
    decision: ApprovalDecision,
) -> PinResult<ApprovalDecided> {
    let pushes_held_until = match decision {
        ApprovalDecision::NotMe => Some(from_millis(tx.push_window(document)?.pushes_held_until)),
        _ => None,
    };
    Ok(ApprovalDecided { decision, pushes_held_until })
}

/// Drops approvals a day after they expired: nothing refers to them after that.
pub fn prune(store: &dyn ApprovalStore, now: Timestamp) -> StoreResult<usize> {
    store.prune_approvals(millis(now - TimeDelta::days(1)))
}
