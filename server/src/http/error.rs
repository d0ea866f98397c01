//! Errors become a status and a JSON body `{"error", "message"}`.

use axum::Json;
use axum::response::{IntoResponse, Response};
use clavepin_protocol::wire::ErrorBody;

use crate::error::ServiceError;

impl IntoResponse for ServiceError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        if status.is_server_error() {
            // The cause stays in the log; the client learns only that it failed.
            tracing::error!(error = ?self, "request failed");
        }
        let body = ErrorBody {
            error: code,
            message: self.to_string(),
            tries_left: self.tries_left(),
            retry_after_secs: self.retry_after_secs(),
        };
        (status, Json(body)).into_response()
    }
}
