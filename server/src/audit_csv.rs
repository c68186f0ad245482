//! `GET /audit.csv?action=&q=&from=&to=`: the signed-in tenant's own audit log as CSV, with
//! the audit log page's filter. Streamed in the domain's keyset batches, so a long trail is
//! never held in memory. Cells that a spreadsheet would run as a formula are neutralised.

use crate::signed_in::{ErrorResponse, SignedIn};
use app::ssr::AppState;
use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use domain::audit::{AuditRow, Export};
use futures_util::{StreamExt, stream};
use http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use portal_types::{AppError, AuditQuery};
use std::borrow::Cow;

const HEADER: [&str; 6] = ["time", "actor", "action", "target", "reason", "details"];

/// Answers the download, or 401 (anonymous) or 400 (a bad filter) with a JSON error.
pub async fn download(
    SignedIn(scope): SignedIn,
    State(state): State<AppState>,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Response, ErrorResponse> {
    let query = crate::signed_in::query_of(query)?;
    let filter = query
        .parse()
        .map_err(|e| ErrorResponse(AppError::from(e).in_query()))?;
    let export = domain::audit::export(&state.db.scoped(&scope), &filter)
        .await
        .map_err(|e| ErrorResponse(AppError::from(e).in_query()))?;
    let filename = format!(
        "attachment; filename=\"audit-log-{}.csv\"",
        chrono::Utc::now().format("%Y-%m-%d")
    );
    let headers = [
        (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
        (CONTENT_DISPOSITION, filename),
        (CACHE_CONTROL, "no-store".to_owned()),
    ];
    Ok((headers, Body::from_stream(csv_stream(export))).into_response())
}

/// The header line, then one chunk per batch. A database failure mid-way ends the stream with
/// an error, which aborts the response: the client sees a failed download, not a short file.
fn csv_stream(
    export: Export,
) -> impl futures_util::Stream<Item = Result<Vec<u8>, std::io::Error>> + Send + 'static {
    let header = encode(std::iter::empty(), true);
    stream::once(async move { header }).chain(stream::try_unfold(export, |mut export| async move {
        match export.next_batch().await {
            Ok(Some(rows)) => Ok(Some((encode(rows.iter(), false)?, export))),
            Ok(None) => Ok(None),
            Err(error) => {
                // Logged once here, with a reference, as at every boundary.
                let error = error.into_app_error();
                Err(std::io::Error::other(error.to_string()))
            }
        }
    }))
}

/// CSV for `rows`, after the header line when `header` is set.
fn encode<'a>(
    rows: impl Iterator<Item = &'a AuditRow>,
    header: bool,
) -> Result<Vec<u8>, std::io::Error> {
    let mut writer = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    if header {
        writer.write_record(HEADER)?;
    }
    for row in rows {
        let time = row.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let cells = [
            neutralise(&time),
            neutralise(&row.actor),
            neutralise(&row.action),
            neutralise(&row.target),
            neutralise(row.reason.as_deref().unwrap_or_default()),
            neutralise(&row.details),
        ];
        writer.write_record(cells.iter().map(|cell| cell.as_bytes()))?;
    }
    writer
        .into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))
}

/// A cell a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return) gets a leading apostrophe, so it shows as text (OWASP's CSV injection
/// advice).
pub(crate) fn neutralise(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        for cell in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise(cell), format!("'{cell}"));
        }
        for cell in ["plain", "", "a=b", "'quoted", "2026-11-27T10:00:00Z"] {
            assert_eq!(neutralise(cell), cell);
        }
    }

    #[test]
    fn rows_are_quoted_as_csv() {
        let row = AuditRow {
            id: 1,
            at: chrono::DateTime::from_timestamp(0, 0).unwrap_or_default(),
            actor: "a@b.test".into(),
            action: "association.approve".into(),
            target: "=HYPERLINK(\"x\")".into(),
            reason: Some("line one\nline, two".into()),
            details: r#"{"reason":"x"}"#.into(),
        };
        let bytes = encode([row].iter(), true).expect("csv");
        assert_eq!(
            String::from_utf8(bytes).expect("utf-8"),
            "time,actor,action,target,reason,details\n\
             1970-01-01T00:00:00Z,a@b.test,association.approve,\"'=HYPERLINK(\"\"x\"\")\",\"line one\nline, two\",\"{\"\"reason\"\":\"\"x\"\"}\"\n"
        );
    }
}
