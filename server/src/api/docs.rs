//! The API's docs page: the OpenAPI document rendered as one readable HTML page, with no
//! script and nothing fetched from elsewhere. Built from the same document as
//! `/api/v1/openapi.json`, so the two cannot drift apart.

use super::ApiDoc;
use super::problem::Kind;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use html_escape::encode_text as esc;
use serde_json::Value;
use std::fmt::Write;
use utoipa::OpenApi;

/// The page's own styles, inline: the page allows styles and nothing else.
const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1f24;background:#fff}\
code,pre{font-family:ui-monospace,monospace;background:#f1f3f5;padding:0 .25em;border-radius:3px}\
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}th,td{text-align:left;border-bottom:1px solid #d0d7de;padding:.35rem .5rem;vertical-align:top}\
.method{font-weight:700;text-transform:uppercase;margin-right:.5rem}section{margin-bottom:2.5rem}\
@media (prefers-color-scheme:dark){body{background:#0d1117;color:#e6edf3}code,pre{background:#161b22}th,td{border-color:#30363d}a{color:#58a6ff}}";

pub async fn page() -> Response {
    let doc = match serde_json::to_value(ApiDoc::openapi()) {
        Ok(doc) => doc,
        Err(e) => {
            return super::Problem::new(
                Kind::Internal,
                format!("The API description could not be written: {e}"),
            )
            .into_response();
        }
    };
    let html = render(&doc);
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"),
        ],
        html,
    )
        .into_response()
}

/// Text with `code` spans, escaped.
fn prose(text: &str) -> String {
    text.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("<code>{}</code>", esc(part))
            } else {
                esc(part).into_owned()
            }
        })
        .collect()
}

fn str_at<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or("")
}

/// A schema's type in words, linking named schemas.
fn type_of(schema: &Value) -> String {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.rsplit('/').next().unwrap_or(reference);
        return format!("<a href=\"#schema-{0}\">{0}</a>", esc(name));
    }
    for combinator in ["oneOf", "anyOf", "allOf"] {
        if let Some(options) = schema.get(combinator).and_then(Value::as_array) {
            return options
                .iter()
                .filter(|o| o.get("type").and_then(Value::as_str) != Some("null"))
                .map(type_of)
                .collect::<Vec<_>>()
                .join(" or ");
        }
    }
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .collect(),
        _ => vec![],
    };
    let mut words = types
        .iter()
        .map(|t| {
            if *t == "array" {
                format!(
                    "array of {}",
                    schema.get("items").map(type_of).unwrap_or_default()
                )
            } else {
                (*t).to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" or ");
    if let Some(format) = schema.get("format").and_then(Value::as_str) {
        let _ = write!(words, " ({})", esc(format));
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let values: Vec<String> = values
            .iter()
            .filter_map(Value::as_str)
            .map(|v| format!("<code>{}</code>", esc(v)))
            .collect();
        let _ = write!(words, ": one of {}", values.join(", "));
    }
    words
}

fn render(doc: &Value) -> String {
    let info = &doc["info"];
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title><style>{STYLE}</style></head><body><main><h1>{title}</h1><p>{description}</p><p>Machine-readable: <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a> (OpenAPI {version}).</p>",
        title = esc(str_at(info, "title")),
        description = prose(str_at(info, "description")),
        version = esc(str_at(doc, "openapi")),
    );

    html.push_str("<h2>Operations</h2>");
    if let Some(paths) = doc["paths"].as_object() {
        for (path, item) in paths {
            let Some(item) = item.as_object() else {
                continue;
            };
            for (method, operation) in item {
                render_operation(&mut html, method, path, operation);
            }
        }
    }

    html.push_str("<h2>Schemas</h2>");
    if let Some(schemas) = doc["components"]["schemas"].as_object() {
        for (name, schema) in schemas {
            let _ = write!(html, "<section id=\"schema-{0}\"><h3>{0}</h3>", esc(name));
            if let Some(description) = schema.get("description").and_then(Value::as_str) {
                let _ = write!(html, "<p>{}</p>", prose(description));
            }
            render_properties(&mut html, schema);
            html.push_str("</section>");
        }
    }

    html.push_str("<h2>Problems</h2><p>Every error is a problem document (<code>application/problem+json</code>, RFC 9457). Its <code>type</code> links here; <code>errors[].pointer</code> is a JSON Pointer to the offending value of the body, <code>errors[].header</code> names an offending header.</p><table><thead><tr><th>Type</th><th>Status</th><th>When</th></tr></thead><tbody>");
    for kind in Kind::ALL {
        let _ = write!(
            html,
            "<tr id=\"{slug}\"><td><code>{slug}</code><br>{title}</td><td>{status}</td><td>{when}</td></tr>",
            slug = kind.slug(),
            title = esc(kind.title()),
            status = kind.status().as_u16(),
            when = prose(kind.explanation()),
        );
    }
    html.push_str("</tbody></table></main></body></html>");
    html
}

fn render_operation(html: &mut String, method: &str, path: &str, operation: &Value) {
    let id = str_at(operation, "operationId");
    let _ = write!(
        html,
        "<section id=\"op-{id}\"><h3><span class=\"method\">{method}</span><code>{path}</code></h3><p>{summary}</p>",
        id = esc(id),
        method = esc(method),
        path = esc(path),
        summary = prose(str_at(operation, "summary")),
    );
    if operation.get("security").is_some() {
        html.push_str(
            "<p>Authentication: <code>Authorization: Bearer &lt;agent secret&gt;</code>.</p>",
        );
    }
    if let Some(parameters) = operation.get("parameters").and_then(Value::as_array) {
        html.push_str("<h4>Headers</h4><table><tbody>");
        for parameter in parameters {
            let _ = write!(
                html,
                "<tr><td><code>{}</code></td><td>{}</td></tr>",
                esc(str_at(parameter, "name")),
                prose(str_at(parameter, "description")),
            );
        }
        html.push_str("</tbody></table>");
    }
    if let Some(content) = operation["requestBody"]["content"].as_object() {
        for (media, body) in content {
            let _ = write!(
                html,
                "<h4>Request body</h4><p><code>{}</code>: {}</p>",
                esc(media),
                type_of(&body["schema"])
            );
        }
    }
    if let Some(responses) = operation["responses"].as_object() {
        html.push_str("<h4>Responses</h4><table><tbody>");
        for (status, response) in responses {
            let body = response["content"]
                .as_object()
                .and_then(|c| c.values().next())
                .map(|c| type_of(&c["schema"]))
                .unwrap_or_default();
            let _ = write!(
                html,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(status),
                prose(str_at(response, "description")),
                body,
            );
        }
        html.push_str("</tbody></table>");
    }
    html.push_str("</section>");
}

fn render_properties(html: &mut String, schema: &Value) {
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        let words = type_of(schema);
        if !words.is_empty() {
            let _ = write!(html, "<p>{words}</p>");
        }
        return;
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    html.push_str("<table><thead><tr><th>Field</th><th>Type</th><th>Required</th><th>Description</th></tr></thead><tbody>");
    for (name, property) in properties {
        let description = property
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or("");
        let _ = write!(
            html,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(name),
            type_of(property),
            if required.contains(&name.as_str()) {
                "yes"
            } else {
                "no"
            },
            prose(description),
        );
    }
    html.push_str("</tbody></table>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_lists_every_operation_schema_and_problem() {
        let doc = serde_json::to_value(ApiDoc::openapi()).expect("document");
        let html = render(&doc);
        for needle in [
            "/api/v1/enroll",
            "/api/v1/reports",
            "id=\"schema-ReportRequest\"",
            "id=\"invalid-value\"",
            "Bearer &lt;agent secret&gt;",
        ] {
            assert!(html.contains(needle), "{needle} is on the page");
        }
        assert!(!html.contains("<script"), "no script");
    }

    #[test]
    fn code_spans_are_escaped() {
        assert_eq!(
            prose("send `<x>` & go"),
            "send <code>&lt;x&gt;</code> &amp; go"
        );
    }
}
