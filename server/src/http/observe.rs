//! What operators watch: requests counted and timed by route, `GET /metrics`
//! (Prometheus, operator listener only), and `GET /ready`, which checks that the
//! database answers reads and takes writes.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::db::StoreError;
use crate::delivery::outbox::Kind;
use crate::metrics::{Listener, Metrics, OutboxDepths};
use crate::state::AppState;

/// Counts and times every request to a route (route layer: the pattern is known).
pub async fn count(
    State((metrics, listener)): State<(Arc<Metrics>, Listener)>,
    request: Request,
    next: Next,
) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let started = Instant::now();
    let response = next.run(request).await;
    let seconds = started.elapsed().as_secs_f64();
    metrics.request(listener, &route, response.status().as_u16(), seconds);
    response
}

/// What `/metrics` reads besides the counters.
#[derive(Debug, Clone)]
pub struct Observed {
    pub app: AppState,
    pub sessions: Arc<crate::portal::Sessions>,
}

/// `GET /metrics`
pub async fn metrics(State(o): State<Observed>) -> Response {
    let depths = o
        .app
        .db
        .read(|c| {
            let (sms_waiting, sms_dead) = c.depth(Kind::Sms)?;
            let (push_waiting, push_dead) = c.depth(Kind::Push)?;
            Ok::<_, StoreError>(OutboxDepths { sms_waiting, sms_dead, push_waiting, push_dead })
        })
        .await;
    let depths = match depths {
        Ok(depths) => depths,
        Err(e) => {
            tracing::error!(error = %e, "metrics: the outboxes could not be counted");
            return (StatusCode::SERVICE_UNAVAILABLE, "the database did not answer\n")
                .into_response();
        }
    };
    let sessions = match o.sessions.len(o.app.now()).await {
        Ok(sessions) => sessions,
        Err(e) => {
            tracing::error!(error = %e, "metrics: the portal's sessions could not be counted");
            return (StatusCode::SERVICE_UNAVAILABLE, "the database did not answer\n")
                .into_response();
        }
    };
    let text = o.app.metrics.render(depths, o.app.events.listeners(), sessions);
    let content_type = "text/plain; version=0.0.4; charset=utf-8";
    let mut response = text.into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// How long `/ready` waits for the database.
const READY_WITHIN: Duration = Duration::from_secs(2);

/// `GET /ready`: 200 when a read and a write both went through within 2 s; else 503,
/// so a load balancer sends citizens elsewhere.
pub async fn ready(State(state): State<AppState>) -> Response {
    let read = state.db.read(|c| c.key_fingerprint().map(|_| ()));
    let write = state.db.write(|_| Ok::<_, StoreError>(()));
    let checked = tokio::time::timeout(READY_WITHIN, async { (read.await, write.await) }).await;
    match checked {
        Ok((Ok(_), Ok(()))) => Json(serde_json::json!({ "status": "ready" })).into_response(),
        Ok((read, write)) => {
            let why = read.err().or(write.err()).map(|e| e.to_string()).unwrap_or_default();
            tracing::error!(error = %why, "not ready: the database failed");
            not_ready("the database failed")
        }
        Err(_) => not_ready("the database did not answer within 2 s"),
    }
}

fn not_ready(why: &str) -> Response {
    let body = serde_json::json!({ "status": "unavailable", "reason": why });
    (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response()
}
