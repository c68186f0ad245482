//! The agents' ingest API under `/api/v1`: enroll, heartbeat, scan report and external scan
//! report, described by an OpenAPI document generated from this code
//! (`/api/v1/openapi.json`) and a page that renders it (`/api/v1/docs`).
//!
//! Agents authenticate with `Authorization: Bearer <secret>`; the secret resolves into the
//! agent's scope (its one company) and every change goes through it. Writes accept an
//! `Idempotency-Key`: the first response is stored in the transaction of the change, and a
//! repeat gets it back. Every error is an RFC 9457 problem document.

mod body;
mod docs;
pub mod problem;

use app::ssr::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use body::{
    EnrollRequest, EnrollResponse, HeartbeatRequest, HeartbeatResponse, ReportRequest,
    ReportResponse,
};
use chrono::Utc;
use domain::agents;
use domain::idempotency::{self, Prior, Stored};
use domain::ingest::{self, Report, ReportKind};
use domain::scope::AgentScope;
use problem::{Kind, Problem};
use utoipa::OpenApi;

/// Largest request body the API accepts. A report of 10,000 findings is about 1.5 MiB.
pub const BODY_LIMIT_BYTES: usize = 16 * 1024 * 1024;

/// Header a repeated request's replayed response carries.
const REPLAYED: &str = "idempotent-replayed";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "MSSP Portal ingest API",
        version = "1",
        description = "How agents report to the portal. An MSP admin issues an enrollment token for a company; an agent trades it for its own secret (`POST /api/v1/enroll`) and then sends heartbeats and reports with `Authorization: Bearer <secret>`. Writes accept an `Idempotency-Key` header: a repeat of the same request returns the first response and changes nothing. Errors are RFC 9457 problem documents (`application/problem+json`) whose `errors[].pointer` names the offending value."
    ),
    paths(enroll, heartbeat, scan_report, external_report),
    components(schemas(problem::Problem, problem::Violation)),
    modifiers(&AgentSecret),
    tags((name = "agents", description = "Enrollment and liveness"), (name = "reports", description = "Inventory and vulnerability reports"))
)]
pub struct ApiDoc;

/// Declares the bearer scheme the operations refer to.
struct AgentSecret;

impl utoipa::Modify for AgentSecret {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut scheme = Http::new(HttpAuthScheme::Bearer);
        scheme.description = Some("The agent secret returned by enrollment.".to_owned());
        components.add_security_scheme("agent_secret", SecurityScheme::Http(scheme));
    }
}

/// Where the API is mounted.
pub const PREFIX: &str = "/api/v1";

/// The API's routes, relative to [`PREFIX`]. Its own body limit; no session, no cross-site
/// check (agents are not browsers and carry no cookies).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi_json))
        .route("/docs", get(docs::page))
        .route("/enroll", post(enroll))
        .route("/heartbeat", post(heartbeat))
        .route("/reports", post(scan_report))
        .route("/external-reports", post(external_report))
        .fallback(|| async { Problem::new(Kind::NotFound, "No such API operation.") })
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
}

async fn openapi_json() -> Response {
    match ApiDoc::openapi().to_pretty_json() {
        Ok(json) => ([(header::CONTENT_TYPE, "application/json")], json).into_response(),
        Err(e) => Problem::new(
            Kind::Internal,
            format!("The API description could not be written: {e}"),
        )
        .into_response(),
    }
}

/// The agent whose secret the request carries.
pub struct Agent(pub AgentScope);

impl FromRequestParts<AppState> for Agent {
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let secret = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(|| {
                Problem::header(
                    Kind::Unauthenticated,
                    "Authorization",
                    "Send the agent secret as `Authorization: Bearer <secret>`.",
                )
            })?;
        match agents::authenticate(&state.db, secret).await {
            Ok(agent) => Ok(Self(agent)),
            Err(domain::Error::Refused(why)) => Err(Problem::refused(why)),
            Err(other) => Err(other.into()),
        }
    }
}

/// The body, or the problem of a body over the limit.
fn body_bytes(body: Result<Bytes, BytesRejection>) -> Result<Bytes, Problem> {
    body.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => Problem::new(
            Kind::TooLarge,
            format!(
                "The body is over the limit of {} MiB.",
                BODY_LIMIT_BYTES / 1024 / 1024
            ),
        ),
        _ => Problem::new(
            Kind::Malformed,
            format!("The body could not be read: {rejection}."),
        ),
    })
}

fn json_response(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Trade an enrollment token for an agent identity and secret.
#[utoipa::path(
    post,
    path = "/api/v1/enroll",
    tag = "agents",
    request_body = EnrollRequest,
    responses(
        (status = 201, description = "Enrolled. The secret is shown only now.", body = EnrollResponse),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Unknown, expired or revoked token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid value", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn enroll(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    body::require_json(&headers)?;
    let request: EnrollRequest = body::parse(&body_bytes(body)?)?;
    let enrollment = request.enrollment()?;
    let enrolled = agents::enroll(&state.db, &request.token, &enrollment).await?;
    let response = EnrollResponse {
        agent_id: enrolled.agent.agent_id,
        company_id: enrolled.agent.company_id,
        secret: enrolled.secret.expose().to_owned(),
    };
    Ok(json_response(
        StatusCode::CREATED,
        serde_json::to_string(&response).unwrap_or_default(),
    ))
}

/// Say the agent is alive (and, optionally, its new version).
#[utoipa::path(
    post,
    path = "/api/v1/heartbeat",
    tag = "agents",
    request_body(content = HeartbeatRequest, description = "May be empty."),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe.")),
    responses(
        (status = 200, body = HeartbeatResponse),
        (status = 401, description = "Missing or unknown agent secret", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid value", body = Problem, content_type = "application/problem+json"),
    ),
    security(("agent_secret" = []))
)]
async fn heartbeat(
    State(state): State<AppState>,
    Agent(agent): Agent,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    let bytes = body_bytes(body)?;
    let request = if bytes.iter().all(u8::is_ascii_whitespace) {
        HeartbeatRequest::default()
    } else {
        body::require_json(&headers)?;
        body::parse::<HeartbeatRequest>(&bytes)?
    };
    let version = request.version()?;
    write_once(
        &state,
        &agent,
        &headers,
        "/api/v1/heartbeat",
        &bytes,
        Work::Heartbeat(version),
    )
    .await
}

/// Report what a probe discovered, or a lightweight agent's own host: a snapshot of assets and
/// their current findings.
#[utoipa::path(
    post,
    path = "/api/v1/reports",
    tag = "reports",
    request_body = ReportRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: a repeat returns the first response and changes nothing.")),
    responses(
        (status = 200, description = "The report landed whole.", body = ReportResponse),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or unknown agent secret", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over the limit", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid value, or an Idempotency-Key reused for another body", body = Problem, content_type = "application/problem+json"),
    ),
    security(("agent_secret" = []))
)]
async fn scan_report(
    State(state): State<AppState>,
    agent: Agent,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    report(
        state,
        agent,
        headers,
        body,
        ReportKind::Scan,
        "/api/v1/reports",
    )
    .await
}

/// Report a company's internet-facing assets, as an external scan saw them.
#[utoipa::path(
    post,
    path = "/api/v1/external-reports",
    tag = "reports",
    request_body = ReportRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe.")),
    responses(
        (status = 200, description = "The report landed whole.", body = ReportResponse),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or unknown agent secret", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over the limit", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid value", body = Problem, content_type = "application/problem+json"),
    ),
    security(("agent_secret" = []))
)]
async fn external_report(
    State(state): State<AppState>,
    agent: Agent,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    report(
        state,
        agent,
        headers,
        body,
        ReportKind::External,
        "/api/v1/external-reports",
    )
    .await
}

async fn report(
    state: AppState,
    Agent(agent): Agent,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
    kind: ReportKind,
    path: &str,
) -> Result<Response, Problem> {
    let bytes = body_bytes(body)?;
    body::require_json(&headers)?;
    let request: ReportRequest = body::parse(&bytes)?;
    let report = Report::new(kind, agent.kind, request.assets()?).map_err(body::report_problem)?;
    write_once(&state, &agent, &headers, path, &bytes, Work::Report(report)).await
}

/// A change an agent asks for.
enum Work {
    Heartbeat(Option<portal_types::AgentVersion>),
    Report(Report),
}

/// Does `work` in one transaction, honouring an `Idempotency-Key`: a repeat of the same
/// request replays the stored response; the same key with another request is refused.
async fn write_once(
    state: &AppState,
    agent: &AgentScope,
    headers: &HeaderMap,
    path: &str,
    body: &[u8],
    work: Work,
) -> Result<Response, Problem> {
    let key = headers
        .get("idempotency-key")
        .map(|raw| {
            let raw = raw.to_str().unwrap_or("\u{0}");
            idempotency::Key::new(raw, &[b"POST", path.as_bytes(), body])
                .map_err(|message| Problem::header(Kind::Invalid, "Idempotency-Key", message))
        })
        .transpose()?;
    let now = Utc::now();
    let txn = state.db.begin_write().await.map_err(domain::Error::from)?;
    if let Some(key) = &key {
        match idempotency::prior(&txn, agent, key, now).await? {
            Prior::New => {}
            Prior::Replay(stored) => {
                let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
                let mut response = json_response(status, stored.body);
                response
                    .headers_mut()
                    .insert(REPLAYED, HeaderValue::from_static("true"));
                return Ok(response);
            }
            Prior::Mismatch => {
                return Err(Problem::header(
                    Kind::IdempotencyMismatch,
                    "Idempotency-Key",
                    "This Idempotency-Key was already used for a different request.",
                ));
            }
        }
    }
    let body = match work {
        Work::Heartbeat(version) => {
            let last_seen_at = agents::heartbeat(&txn, agent, version.as_ref()).await?;
            serde_json::to_string(&HeartbeatResponse {
                agent_id: agent.agent_id,
                last_seen_at,
            })
        }
        Work::Report(report) => {
            let summary = ingest::ingest_in(&txn, state.db.engine(), agent, &report).await?;
            serde_json::to_string(&ReportResponse::from(summary))
        }
    }
    .map_err(|e| {
        Problem::new(
            Kind::Internal,
            format!("The response could not be written: {e}"),
        )
    })?;
    let stored = Stored {
        status: StatusCode::OK.as_u16(),
        body,
    };
    if let Some(key) = &key {
        idempotency::remember(&txn, agent, key, &stored, now).await?;
    }
    txn.commit().await.map_err(domain::Error::from)?;
    Ok(json_response(StatusCode::OK, stored.body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::agents::Refused;

    #[test]
    fn the_document_describes_every_operation_and_the_bearer_scheme() {
        let doc = ApiDoc::openapi();
        let paths: Vec<&String> = doc.paths.paths.keys().collect();
        assert_eq!(
            paths,
            [
                "/api/v1/enroll",
                "/api/v1/external-reports",
                "/api/v1/heartbeat",
                "/api/v1/reports"
            ]
        );
        let components = doc.components.expect("components");
        assert!(components.security_schemes.contains_key("agent_secret"));
        for schema in [
            "ReportRequest",
            "FindingIn",
            "Severity",
            "AgentKind",
            "Problem",
        ] {
            assert!(
                components.schemas.contains_key(schema),
                "{schema} is described"
            );
        }
    }

    #[test]
    fn refusals_name_the_credential() {
        let problem = Problem::refused(Refused::UnknownSecret);
        assert_eq!(problem.status, 401);
        assert_eq!(problem.errors[0].header.as_deref(), Some("Authorization"));
    }
}
