//! The operator API: census, office registration, outboxes. Bearer token required.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use clavepin_protocol::wire::{
    CensusLoaded, CitizenRegistered, LoadCensus, Outbox, OutboxLetter, OutboxSms, RegisterCitizen,
};
use serde::Deserialize;

use super::extract::{ApiJson, Operator};
use crate::error::ServiceResult;
use crate::registry;
use crate::state::AppState;
use crate::time::from_millis;

/// `POST /operator/census`
pub async fn load_census(
    _: Operator,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<LoadCensus>,
) -> ServiceResult<Json<CensusLoaded>> {
    let now = state.now();
    let loaded = state.db.write(move |tx| registry::load_census(tx, &req.records, now)).await?;
    Ok(Json(CensusLoaded { loaded }))
}

/// `POST /operator/citizens`
pub async fn register_citizen(
    _: Operator,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<RegisterCitizen>,
) -> ServiceResult<(StatusCode, Json<CitizenRegistered>)> {
    let now = state.now();
    let done = state.db.write(move |tx| registry::register_at_office(tx, &req, now)).await?;
    Ok((StatusCode::CREATED, Json(done)))
}

/// `?after=ID`: only items newer than the last one read.
#[derive(Debug, Deserialize)]
pub struct After {
    #[serde(default)]
    after: i64,
}

/// Most items one outbox read returns.
const OUTBOX_PAGE: i64 = 500;

/// `GET /operator/outbox/sms`
pub async fn sms_outbox(
    _: Operator,
    State(state): State<AppState>,
    Query(After { after }): Query<After>,
) -> ServiceResult<Json<Outbox<OutboxSms>>> {
    let items = state
        .db
        .read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, to_number, text, sent_at FROM sms_outbox WHERE id > ?1 ORDER BY id LIMIT ?2",
            )?;
            let rows = stmt.query_map([after, OUTBOX_PAGE], |r| {
                Ok(OutboxSms { id: r.get(0)?, to: r.get(1)?, text: r.get(2)?, sent_at: from_millis(r.get(3)?) })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await?;
    Ok(Json(Outbox { items }))
}

/// `GET /operator/outbox/letters`
pub async fn letters_outbox(
    _: Operator,
    State(state): State<AppState>,
    Query(After { after }): Query<After>,
) -> ServiceResult<Json<Outbox<OutboxLetter>>> {
    let items = state
        .db
        .read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, to_name, address, text, sent_at FROM letters WHERE id > ?1 ORDER BY id LIMIT ?2",
            )?;
            let rows = stmt.query_map([after, OUTBOX_PAGE], |r| {
                Ok(OutboxLetter {
                    id: r.get(0)?,
                    to_name: r.get(1)?,
                    address: r.get(2)?,
                    text: r.get(3)?,
                    sent_at: from_millis(r.get(4)?),
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await?;
    Ok(Json(Outbox { items }))
}
