//! RFC 9457 problem documents: every error of the ingest API is one, and names what was wrong
//! (a JSON Pointer into the body, or a header).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::agents::Refused;
use serde::Serialize;
use utoipa::ToSchema;

/// The media type of a problem document.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// One thing wrong with a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Violation {
    /// A JSON Pointer (RFC 6901) to the offending value in the body, such as
    /// `/assets/3/findings/0/severity`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// The offending header, such as `Idempotency-Key`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    /// What is wrong with it.
    pub detail: String,
}

/// An error, as RFC 9457 describes: `type` names the kind of problem (documented on the docs
/// page under that anchor), `errors` what exactly was wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Problem {
    /// A URI reference naming the kind of problem; it resolves to its description.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<Violation>,
}

/// The kinds of problem the API answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Malformed,
    Invalid,
    Unauthenticated,
    NotFound,
    TooLarge,
    UnsupportedMediaType,
    IdempotencyMismatch,
    Conflict,
    Unavailable,
    Internal,
}

impl Kind {
    pub const ALL: [Self; 10] = [
        Self::Malformed,
        Self::Invalid,
        Self::Unauthenticated,
        Self::NotFound,
        Self::TooLarge,
        Self::UnsupportedMediaType,
        Self::IdempotencyMismatch,
        Self::Conflict,
        Self::Unavailable,
        Self::Internal,
    ];

    /// The anchor of its description on the docs page.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Malformed => "malformed-body",
            Self::Invalid => "invalid-value",
            Self::Unauthenticated => "unauthenticated",
            Self::NotFound => "not-found",
            Self::TooLarge => "body-too-large",
            Self::UnsupportedMediaType => "unsupported-media-type",
            Self::IdempotencyMismatch => "idempotency-key-reused",
            Self::Conflict => "conflict",
            Self::Unavailable => "unavailable",
            Self::Internal => "internal",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::Malformed => "The body is not the JSON this operation takes",
            Self::Invalid => "A value is not valid",
            Self::Unauthenticated => "The credential was refused",
            Self::NotFound => "Not found",
            Self::TooLarge => "The body is too large",
            Self::UnsupportedMediaType => "The body must be JSON",
            Self::IdempotencyMismatch => "The Idempotency-Key was used for a different request",
            Self::Conflict => "The request conflicts with another",
            Self::Unavailable => "The service is unavailable",
            Self::Internal => "Something went wrong on the server",
        }
    }

    pub fn status(self) -> StatusCode {
        match self {
            Self::Malformed => StatusCode::BAD_REQUEST,
            Self::Invalid | Self::IdempotencyMismatch => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unauthenticated => StatusCode::UNAUTHORIZED,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Conflict => StatusCode::CONFLICT,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// When a client sees it.
    pub fn explanation(self) -> &'static str {
        match self {
            Self::Malformed => {
                "The body is not JSON, or a value has the wrong type, or a required field is missing or an unknown one present. The pointer says where."
            }
            Self::Invalid => {
                "The JSON is well formed but a value is out of range: an unknown severity, a hostname with spaces, an asset listed twice. The pointer says where."
            }
            Self::Unauthenticated => {
                "The enrollment token is unknown, expired or revoked, or the agent secret in `Authorization: Bearer` is missing or unknown."
            }
            Self::NotFound => "The agent's company no longer exists.",
            Self::TooLarge => "The body is larger than the limit; send the report in parts.",
            Self::UnsupportedMediaType => "Send `Content-Type: application/json`.",
            Self::IdempotencyMismatch => {
                "A request with this Idempotency-Key was already made with another method, path or body. Use a new key for a new request."
            }
            Self::Conflict => {
                "Another request with the same Idempotency-Key is still being processed. Retry shortly."
            }
            Self::Unavailable => {
                "The database cannot be reached at the moment. Retry with backoff."
            }
            Self::Internal => {
                "A fault on the server; the detail carries a reference to quote to the operator."
            }
        }
    }
}

impl Problem {
    pub fn new(kind: Kind, detail: impl Into<String>) -> Self {
        Self {
            kind: format!("/api/v1/docs#{}", kind.slug()),
            title: kind.title().to_owned(),
            status: kind.status().as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    /// A problem with one value of the body, at `pointer`.
    pub fn at(kind: Kind, pointer: impl Into<String>, detail: impl Into<String>) -> Self {
        let detail = detail.into();
        let mut problem = Self::new(kind, detail.clone());
        problem.errors.push(Violation {
            pointer: Some(pointer.into()),
            header: None,
            detail,
        });
        problem
    }

    /// A problem with one header.
    pub fn header(kind: Kind, header: &str, detail: impl Into<String>) -> Self {
        let detail = detail.into();
        let mut problem = Self::new(kind, detail.clone());
        problem.errors.push(Violation {
            pointer: None,
            header: Some(header.to_owned()),
            detail,
        });
        problem
    }

    pub fn refused(why: Refused) -> Self {
        Self::header(Kind::Unauthenticated, "Authorization", why.message())
    }
}

impl From<domain::Error> for Problem {
    fn from(error: domain::Error) -> Self {
        match error {
            domain::Error::Refused(
                why @ (Refused::UnknownToken | Refused::ExpiredToken | Refused::RevokedToken),
            ) => Self::at(Kind::Unauthenticated, "/token", why.message()),
            domain::Error::Refused(why) => Self::refused(why),
            domain::Error::NotFound => {
                Self::new(Kind::NotFound, "The agent's company no longer exists.")
            }
            domain::Error::Conflict(message) => Self::new(Kind::Conflict, message),
            domain::Error::Invalid(e) => {
                Self::at(Kind::Invalid, format!("/{}", e.field), e.message)
            }
            other => match other.into_app_error() {
                portal_types::AppError::Unavailable => Self::new(
                    Kind::Unavailable,
                    "The service is unavailable at the moment. Retry shortly.",
                ),
                error => Self::new(Kind::Internal, error.to_string()),
            },
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_string(&self).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if status == StatusCode::SERVICE_UNAVAILABLE || status == StatusCode::CONFLICT {
            headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}
