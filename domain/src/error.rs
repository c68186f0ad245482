//! The domain error, and the one place it becomes the user-facing `AppError`.
//!
//! Policy: internal causes are logged here, once, with a reference id; the browser gets the
//! id and a safe message, never database text.

use portal_types::{AppError, ParseError};
use sea_orm::{DbErr, RuntimeErr};
use std::time::Duration;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Absent, or outside the caller's scope: the two are indistinguishable on purpose.
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("sign-in failed")]
    SignInFailed,
    /// An agent's credential (enrollment token or secret) was refused.
    #[error("credential refused: {0:?}")]
    Refused(crate::agents::Refused),
    #[error(transparent)]
    Invalid(#[from] ParseError),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("rate limited; retry after {0:?}")]
    RateLimited(Duration),
    #[error("database: {0}")]
    Db(#[from] DbErr),
    #[error("internal: {0}")]
    Internal(String),
}

impl Error {
    /// True when the database could not be reached (pool timeout, connection refused or
    /// reset): the request may succeed later, so it is a 503, not a 500.
    pub fn is_unavailable(&self) -> bool {
        match self {
            Self::Db(DbErr::ConnectionAcquire(_) | DbErr::Conn(_)) => true,
            Self::Db(
                DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)),
            ) => {
                use sea_orm::sqlx::Error as Sqlx;
                matches!(
                    **e,
                    Sqlx::Io(_)
                        | Sqlx::PoolTimedOut
                        | Sqlx::PoolClosed
                        | Sqlx::WorkerCrashed
                        | Sqlx::Protocol(_)
                        | Sqlx::Tls(_)
                )
            }
            _ => false,
        }
    }

    /// The user-facing form. Logs internal causes (once, here) with a reference id.
    pub fn into_app_error(self) -> AppError {
        match self {
            Self::NotFound => AppError::NotFound,
            Self::Forbidden => AppError::Forbidden,
            Self::SignInFailed => AppError::SignInFailed,
            Self::Refused(_) => AppError::Unauthenticated,
            Self::Invalid(e) => e.into(),
            Self::Conflict(message) => AppError::Conflict(message),
            Self::RateLimited(wait) => AppError::RateLimited {
                retry_after_secs: wait.as_secs().max(1),
            },
            error if error.is_unavailable() => {
                tracing::warn!(error = %error, "database unavailable");
                AppError::Unavailable
            }
            error => {
                let reference = uuid::Uuid::new_v4().simple().to_string()[..12].to_owned();
                tracing::error!(reference = %reference, error = %error, "internal error");
                AppError::Internal { reference }
            }
        }
    }

    /// Maps a unique-constraint violation to a conflict with `message`; other errors pass.
    pub(crate) fn unique_as_conflict(error: DbErr, message: impl Into<String>) -> Self {
        match error.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => Self::Conflict(message.into()),
            _ => Self::Db(error),
        }
    }
}

impl From<sea_orm::TransactionError<Error>> for Error {
    fn from(error: sea_orm::TransactionError<Error>) -> Self {
        match error {
            sea_orm::TransactionError::Connection(e) => Self::Db(e),
            sea_orm::TransactionError::Transaction(e) => e,
        }
    }
}

impl From<Error> for AppError {
    fn from(error: Error) -> Self {
        error.into_app_error()
    }
}
