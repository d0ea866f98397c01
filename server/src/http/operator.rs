//! The operator API: census, office registration, outboxes. Bearer token required.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use clavepin_protocol::DocumentNumber;
use clavepin_protocol::wire::{
    AuditEntry, CensusLoaded, CitizenRegistered, DeadLetter, LoadCensus, NotMeReports, Outbox,
    OutboxEmail, OutboxLetter, OutboxPush, OutboxSms, RegisterCitizen,
};
use serde::Deserialize;

use super::error::{HttpError, HttpResult};
use super::extract::{ApiJson, ApiPath, ApiQuery, Operator};
use crate::audit::{self, Action};
use crate::db::StoreResult;
use crate::delivery::outbox::PAGE;
use crate::delivery::sealing::{self, Outbox as Sealed};
use crate::error::RegistryError;
use crate::serving::client::ClientAddress;
use crate::state::AppState;
use crate::{pins, registry};

/// `POST /operator/census`
pub async fn load_census(
    _: Operator,
    client: ClientAddress,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<LoadCensus>,
) -> HttpResult<Json<CensusLoaded>> {
    let now = state.now();
    let loaded = state
        .db
        .write(move |tx| {
            let changed = registry::load_census(tx, &req.records, req.change_registered, now)?;
            let records = req.records.len();
            audit::record(tx, Action::CensusLoaded { records }, client, now)?;
            for document in &changed {
                audit::record(tx, Action::RegisteredCitizenChanged(document), client, now)?;
            }
            Ok::<_, HttpError>(records as u32)
        })
        .await?;
    Ok(Json(CensusLoaded { loaded }))
}

/// `POST /operator/citizens`
pub async fn register_citizen(
    _: Operator,
    client: ClientAddress,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<RegisterCitizen>,
) -> HttpResult<(StatusCode, Json<CitizenRegistered>)> {
    let now = state.now();
    let done = state
        .db
        .write(move |tx| {
            let done = registry::register_at_office(tx, &req, now)?;
            audit::record(tx, Action::CitizenRegistered(&req.document), client, now)?;
            Ok::<_, HttpError>(done)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(done)))
}

/// `GET /operator/audit?after=ID`: what operators did, oldest first.
pub async fn audit_page(
    _: Operator,
    State(state): State<AppState>,
    ApiQuery(After { after }): ApiQuery<After>,
) -> HttpResult<Json<Outbox<AuditEntry>>> {
    let items = state.db.read(move |c| c.audit_page(after, PAGE)).await?;
    Ok(Json(Outbox { items }))
}

/// `GET /operator/reports?after=ID`: "this wasn't me" reports, oldest first.
pub async fn reports(
    _: Operator,
    State(state): State<AppState>,
    ApiQuery(After { after }): ApiQuery<After>,
) -> HttpResult<Json<NotMeReports>> {
    let reports = state.db.read(move |c| crate::activity::reports(c, after, PAGE)).await?;
    Ok(Json(NotMeReports { reports }))
}

/// `?after=ID`: only items newer than the last one read.
#[derive(Debug, Deserialize)]
pub struct After {
    #[serde(default)]
    after: i64,
}

/// An outbox's page after the item the operator read last.
async fn outbox_page<T: Send + 'static>(
    state: &AppState,
    after: i64,
    page: fn(&dyn crate::store::Store, i64) -> StoreResult<Vec<T>>,
) -> HttpResult<Json<Outbox<T>>> {
    Ok(Json(Outbox { items: state.db.read(move |c| page(c, after)).await? }))
}

/// `GET /operator/outbox/sms`
pub async fn sms_outbox(
    _: Operator,
    State(state): State<AppState>,
    ApiQuery(After { after }): ApiQuery<After>,
) -> HttpResult<Json<Outbox<OutboxSms>>> {
    let page = state.db.read(move |c| c.sms_page(after)).await?;
    opened(&state, page, Sealed::Sms, |sms| &mut sms.text)
}

/// `GET /operator/outbox/letters`
pub async fn letters_outbox(
    _: Operator,
    State(state): State<AppState>,
    ApiQuery(After { after }): ApiQuery<After>,
) -> HttpResult<Json<Outbox<OutboxLetter>>> {
    let page = state.db.read(move |c| c.letters_page(after)).await?;
    opened(&state, page, Sealed::Letters, |letter| &mut letter.text)
}

/// `GET /operator/outbox/email`: the embedded e-mail gateway's outbox.
pub async fn email_outbox(
    _: Operator,
    State(state): State<AppState>,
    ApiQuery(After { after }): ApiQuery<After>,
) -> HttpResult<Json<Outbox<OutboxEmail>>> {
    let page = state.db.read(move |c| c.email_page(after)).await?;
    opened(&state, page, Sealed::Email, |email| &mut email.text)
}

/// A page of an outbox whose texts are kept sealed, opened for the operator.
fn opened<T>(
    state: &AppState,
    page: Vec<(T, sealing::SealedText)>,
    outbox: Sealed,
    text: impl Fn(&mut T) -> &mut String,
) -> HttpResult<Json<Outbox<T>>> {
    let items = page
        .into_iter()
        .map(|(mut item, sealed)| {
            *text(&mut item) = sealing::open(&state.keys, outbox, &sealed)?.as_str().to_owned();
            Ok(item)
        })
        .collect::<HttpResult<_>>()?;
    Ok(Json(Outbox { items }))
}

/// `GET /operator/outbox/push`
pub async fn push_outbox(
    _: Operator,
    State(state): State<AppState>,
    ApiQuery(After { after }): ApiQuery<After>,
) -> HttpResult<Json<Outbox<OutboxPush>>> {
    outbox_page(&state, after, |store, after| store.push_page(after)).await
}

/// `GET /operator/outbox/dead-letters`: what no gateway took, newest first.
pub async fn dead_letters(
    _: Operator,
    State(state): State<AppState>,
) -> HttpResult<Json<Outbox<DeadLetter>>> {
    let items = state.db.read(|c| c.dead_letters()).await?;
    Ok(Json(Outbox { items }))
}

/// `POST /operator/citizens/{document}/unlock`: lets a citizen stopped after 100
/// wrong PINs obtain PINs again.
pub async fn unlock(
    _: Operator,
    client: ClientAddress,
    State(state): State<AppState>,
    ApiPath(document): ApiPath<String>,
) -> HttpResult<StatusCode> {
    let document =
        DocumentNumber::parse(&document).map_err(|e| HttpError::BadRequest(e.to_string()))?;
    let now = state.now();
    let found = state
        .db
        .write(move |tx| {
            let found = pins::clear_failures(tx, &document)?;
            if found {
                audit::record(tx, Action::PinsUnlocked(&document), client, now)?;
            }
            Ok::<_, HttpError>(found)
        })
        .await?;
    if found { Ok(StatusCode::NO_CONTENT) } else { Err(RegistryError::NotRegistered.into()) }
}

/// `?after=DOCUMENT`: the page after that document.
#[derive(Debug, serde::Deserialize)]
pub struct AfterDocument {
    #[serde(default)]
    after: String,
}

/// `GET /operator/census`
pub async fn census_page(
    _: Operator,
    State(state): State<AppState>,
    ApiQuery(AfterDocument { after }): ApiQuery<AfterDocument>,
) -> HttpResult<Json<Outbox<clavepin_protocol::wire::CensusRecord>>> {
    let items = state.db.read(move |c| registry::listing::census_page(c, &after)).await?;
    Ok(Json(Outbox { items }))
}

/// `GET /operator/citizens`
pub async fn citizens_page(
    _: Operator,
    State(state): State<AppState>,
    ApiQuery(AfterDocument { after }): ApiQuery<AfterDocument>,
) -> HttpResult<Json<Outbox<clavepin_protocol::wire::RegisteredCitizen>>> {
    let items = state.db.read(move |c| registry::listing::citizens_page(c, &after)).await?;
    Ok(Json(Outbox { items }))
}

/// `POST /operator/citizens/{document}/clear-code-limit`
pub async fn clear_code_limit(
    _: Operator,
    client: ClientAddress,
    State(state): State<AppState>,
    ApiPath(document): ApiPath<String>,
) -> HttpResult<StatusCode> {
    let document =
        DocumentNumber::parse(&document).map_err(|e| HttpError::BadRequest(e.to_string()))?;
    let now = state.now();
    let found = state
        .db
        .write(move |tx| {
            let found = crate::activation::clear_code_limit(tx, &document, now)?;
            if found {
                audit::record(tx, Action::CodeLimitCleared(&document), client, now)?;
            }
            Ok::<_, HttpError>(found)
        })
        .await?;
    if found { Ok(StatusCode::NO_CONTENT) } else { Err(RegistryError::NotRegistered.into()) }
}
