//! The one error type server functions return to the browser.
//!
//! Policy: every variant is safe to show a user. Internal causes (database errors, I/O) are
//! logged once on the server, at the boundary, and reach the browser only as
//! [`AppError::Internal`] with a reference id that matches the log line. Reading an object of
//! another tenant is [`AppError::NotFound`], never `Forbidden`, so ids reveal nothing.

use crate::ParseError;
use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Sign in to continue.")]
    Unauthenticated,
    /// Sign-in failed. One message for an unknown tenant, an unknown email and a wrong
    /// password, so that sign-in reveals nothing about which exist.
    #[error("The tenant name, email or password is not right.")]
    SignInFailed,
    #[error("Not found.")]
    NotFound,
    #[error("You do not have permission to do that.")]
    Forbidden,
    #[error("{message}")]
    Validation { field: String, message: String },
    #[error("{0}")]
    Conflict(String),
    #[error("Too many attempts. Try again in {} seconds.", retry_after_secs)]
    RateLimited { retry_after_secs: u64 },
    #[error("The service is unavailable at the moment. Try again shortly.")]
    Unavailable,
    #[error("Something went wrong on our side (reference {reference}).")]
    Internal { reference: String },
    /// The request itself was malformed (missing or mistyped arguments).
    #[error("The request was not understood: {0}")]
    BadRequest(String),
}

impl AppError {
    /// The HTTP status the server answers with.
    pub fn status_code(&self) -> u16 {
        match self {
            Self::Unauthenticated | Self::SignInFailed => 401,
            Self::NotFound => 404,
            Self::Forbidden => 403,
            Self::Validation { .. } => 422,
            Self::Conflict(_) => 409,
            Self::RateLimited { .. } => 429,
            Self::Unavailable => 503,
            Self::Internal { .. } => 500,
            Self::BadRequest(_) => 400,
        }
    }

    /// This error, with a validation error turned into a bad request (400): for inputs that
    /// are part of a URL (a filter, a page number) rather than the content of a form.
    pub fn in_query(self) -> Self {
        match self {
            Self::Validation { message, .. } => Self::BadRequest(message),
            other => other,
        }
    }

    /// The message for one form field, if this error is about that field.
    pub fn field_message(&self, field: &str) -> Option<&str> {
        match self {
            Self::Validation { field: f, message } if f == field => Some(message),
            _ => None,
        }
    }
}

impl From<ParseError> for AppError {
    fn from(error: ParseError) -> Self {
        Self::Validation {
            field: error.field.to_owned(),
            message: error.message,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(message)
            | ServerFnErrorErr::Deserialization(message)
            | ServerFnErrorErr::MissingArg(message) => Self::BadRequest(message),
            ServerFnErrorErr::UnsupportedRequestMethod(message) => Self::BadRequest(message),
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => Self::Unavailable,
            // Anything else is ours: no detail goes to the browser.
            _ => Self::Internal {
                reference: "server-fn".to_owned(),
            },
        }
    }
}
