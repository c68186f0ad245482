//! Logos of white labels, over plain HTTP (a file is not a server function's argument):
//!
//! - `POST /mssp/settings/logos`: the body is the image file itself. Owners and admins of an
//!   MSSP only; the portal cleans it (see `domain::branding::logo`) and answers its id.
//! - `GET /branding/logos/{id}`: a stored logo, to anyone (emails show them), with its own
//!   content type, `nosniff`, and a year of caching: its address is the hash of its bytes.

use crate::signed_in::{ErrorResponse, SignedIn};
use app::ssr::AppState;
use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use domain::branding::logo::MAX_BYTES;
use http::StatusCode;
use http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, X_CONTENT_TYPE_OPTIONS};
use portal_types::{AppError, LogoId, UploadedLogo};

/// Stores an uploaded logo for the signed-in MSSP.
pub async fn upload(
    SignedIn(scope): SignedIn,
    State(state): State<AppState>,
    body: Body,
) -> Result<Json<UploadedLogo>, Response> {
    // Read no more than the largest logo: a larger file is refused without being read whole.
    let bytes = axum::body::to_bytes(body, MAX_BYTES).await.map_err(|_| {
        let message = format!("The logo is larger than {} KB.", MAX_BYTES / 1024);
        let error = AppError::Validation {
            field: "logo".into(),
            message,
        };
        (StatusCode::PAYLOAD_TOO_LARGE, Json(error)).into_response()
    })?;
    let stored =
        domain::branding::upload(&state.db.scoped(&scope), bytes.to_vec(), chrono::Utc::now())
            .await
            .map_err(|e| ErrorResponse::from(e).into_response())?;
    Ok(Json(UploadedLogo {
        id: stored.id,
        content_type: stored.content_type.to_owned(),
        width: stored.width,
        height: stored.height,
    }))
}

/// Serves a stored logo.
pub async fn serve(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ErrorResponse> {
    let id = LogoId::parse(&id).map_err(|_| ErrorResponse(AppError::NotFound))?;
    let (content_type, bytes) = domain::branding::read_logo(&state.db, &id)
        .await?
        .ok_or(ErrorResponse(AppError::NotFound))?;
    let headers = [
        (CONTENT_TYPE, content_type),
        (X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        (
            CACHE_CONTROL,
            "public, max-age=31536000, immutable".to_owned(),
        ),
        (ETAG, format!("\"{}\"", id.as_str())),
    ];
    Ok((headers, bytes).into_response())
}
