//! Authentication for the plain axum routes (downloads, the live event stream): the same
//! session cookie and the same tenant scope as the server functions.

use app::ssr::{AppState, RequestSession};
use axum::extract::FromRequestParts;
use axum::response::{IntoResponse, Response};
use domain::Scope;
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

/// A download's query string, or 400 saying what is wrong with it.
pub fn query_of<T>(
    query: Result<axum::extract::Query<T>, axum::extract::rejection::QueryRejection>,
) -> Result<T, ErrorResponse> {
    query
        .map(|axum::extract::Query(params)| params)
        .map_err(|rejection| {
            ErrorResponse(AppError::BadRequest(format!(
                "the query string is malformed ({})",
                rejection.body_text()
            )))
        })
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
        _state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // Resolved by the session middleware; a request it did not see is anonymous.
        let scope = parts
            .extensions
            .get::<RequestSession>()
            .cloned()
            .map_or(Ok(None), |session| session.0)
            .map_err(ErrorResponse)?
            .ok_or(ErrorResponse(AppError::Unauthenticated))?;
        Ok(Self(scope))
    }
}
