//! The operator API for the OpenID Connect provider: registered sites and the
//! token-signing key. Bearer token required; every change is audited.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use clavepin_protocol::wire::{ClientRegistered, Clients, RegisterClient};

use super::error::{HttpError, HttpResult};
use super::extract::{ApiJson, ApiPath, Operator};
use crate::audit::{self, Action};
use crate::oidc::clients::{self, Client, NewClient};
use crate::oidc::signing;
use crate::serving::client::ClientAddress;
use crate::state::AppState;

/// `POST /operator/clients`
pub async fn register(
    _: Operator,
    client: ClientAddress,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<RegisterClient>,
) -> HttpResult<(StatusCode, Json<ClientRegistered>)> {
    let new = NewClient::parse(&req)?;
    let now = state.now();
    let app = state.clone();
    let (site, secret) = state
        .db
        .write(move |tx| {
            let (site, secret) = clients::register(tx, &app.keys, &app.rng, new, now)?;
            let action = Action::ClientRegistered { id: &site.id, name: &site.name };
            audit::record(tx, action, client, now)?;
            Ok::<_, HttpError>((site, secret))
        })
        .await?;
    let body = ClientRegistered { client: site.to_wire(), client_secret: secret };
    Ok((StatusCode::CREATED, Json(body)))
}

/// `GET /operator/clients`
pub async fn list(_: Operator, State(state): State<AppState>) -> HttpResult<Json<Clients>> {
    let rows = state.db.read(|c| c.clients()).await?;
    let clients = rows
        .into_iter()
        .map(|row| Client::from_row(row).map(|c| c.to_wire()))
        .collect::<Result<_, _>>()?;
    Ok(Json(Clients { clients }))
}

/// `DELETE /operator/clients/{id}`: the site can sign nobody in from now; its codes
/// and tokens go with it.
pub async fn remove(
    _: Operator,
    client: ClientAddress,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> HttpResult<StatusCode> {
    let now = state.now();
    let found = state
        .db
        .write(move |tx| {
            let found = tx.delete_client(&id)?;
            if found {
                audit::record(tx, Action::ClientRemoved { id: &id }, client, now)?;
            }
            Ok::<_, HttpError>(found)
        })
        .await?;
    if found { Ok(StatusCode::NO_CONTENT) } else { Err(HttpError::NotFound) }
}

/// `POST /operator/signing-keys/rotate`: a new token-signing key signs from now.
pub async fn rotate_signing_key(
    _: Operator,
    client: ClientAddress,
    State(state): State<AppState>,
) -> HttpResult<Json<serde_json::Value>> {
    let now = state.now();
    let app = state.clone();
    let kid = state
        .db
        .write(move |tx| {
            let kid = signing::rotate_now(tx, &app.keys, &app.rng, now)?;
            audit::record(tx, Action::SigningKeyRotated { kid: &kid }, client, now)?;
            Ok::<_, HttpError>(kid)
        })
        .await?;
    Ok(Json(serde_json::json!({ "kid": kid })))
}
