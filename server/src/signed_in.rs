//! Authentication for the plain axum routes (downloads, the live event stream): the same
//! session cookie and the same tenant scope as the server functions.

use app::ssr::{AppState, SESSION_COOKIE, cookie};
use axum::extract::FromRequestParts;
use axum::response::{IntoResponse, Response};
use domain::Scope;
use domain::sessions::SessionToken;
use http::StatusCode;
use http::request::Parts;
use portal_types::AppError;

/// The signed-in caller's scope. Extracting it refuses anonymous requests with 401.
pub struct SignedIn(pub Scope);

/// An [`AppError`] as a JSON response with its status.
pub struct ErrorResponse(pub AppError);

impl IntoResponse for ErrorResponse {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, axum::Json(self.0)).into_response()
    }
}

impl From<domain::Error> for ErrorResponse {
    fn from(error: domain::Error) -> Self {
        Self(error.into())
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = ErrorResponse;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = cookie(parts, SESSION_COOKIE)
            .and_then(|raw| SessionToken::parse(&raw))
            .ok_or(ErrorResponse(AppError::Unauthenticated))?;
        let principal = domain::sessions::resolve(&state.db, &token, chrono::Utc::now())
            .await?
            .ok_or(ErrorResponse(AppError::Unauthenticated))?;
        Ok(Self(Scope::resolve(&state.db, principal).await?))
    }
}
