//! Snapshots of the dashboards' tiles and tables, rendered on the server from fixed demo data
//! (the default demo scale, seed 1), on SQLite and PostgreSQL against the *same* stored
//! snapshot: the Global view, one MSP's view, its companies table, and one company's assets
//! and open findings. Dates are left out (they follow the clock); everything else is compared.
//!
//! After an intended change: `INSTA_UPDATE=always cargo test -p server --test snapshots`, then
//! review the diff of `tests/snapshots/`.

mod support;

use axum::http::StatusCode;
use scraper::{ElementRef, Html, Selector};
use support::TestApp;

fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("selector {css}: {e}"))
}

/// An element's text, whitespace collapsed.
fn text(element: ElementRef<'_>) -> String {
    element
        .text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The page's tiles ("label: value"), and each table's rows (cells joined with " | "), dates
/// left out; the trend's own numbers table is skipped (its rows are days).
fn digest(html: &str) -> String {
    let page = Html::parse_document(html);
    let mut out = Vec::new();
    for panel in page.select(&selector("section.panel")) {
        if let Some(heading) = panel.select(&selector("h2")).next() {
            out.push(format!("== {}", text(heading)));
        }
        for tile in panel.select(&selector(".tile")) {
            let label = tile
                .select(&selector(".tile-label"))
                .next()
                .map(text)
                .unwrap_or_default();
            let value = tile
                .select(&selector(".tile-value"))
                .next()
                .map(text)
                .unwrap_or_default();
            out.push(format!("{label}: {value}"));
        }
        for table in panel.select(&selector("table")) {
            if table
                .ancestors()
                .filter_map(ElementRef::wrap)
                .any(|a| a.value().classes().any(|c| c == "trend-data"))
            {
                continue;
            }
            for row in table.select(&selector("tr")) {
                let cells: Vec<String> = row
                    .select(&selector("th, td"))
                    .filter(|cell| !cell.value().classes().any(|c| c == "nowrap" || c == "when"))
                    .map(text)
                    .collect();
                out.push(cells.join(" | "));
            }
        }
    }
    out.join("\n")
}

async fn page(app: &TestApp, path: &str, session: &str) -> String {
    let reply = app.get(path, Some(session)).await;
    assert_eq!(reply.status, StatusCode::OK, "{path}");
    reply.body
}

/// The first link of `html` whose address starts with `prefix`.
fn first_link(html: &str, prefix: &str) -> String {
    let page = Html::parse_document(html);
    page.select(&selector("a[href]"))
        .filter_map(|a| a.value().attr("href"))
        .find(|href| {
            href.starts_with(prefix)
                && href[prefix.len()..].chars().all(|c| c.is_ascii_digit())
                && href.len() > prefix.len()
        })
        .unwrap_or_else(|| panic!("a link to {prefix}…"))
        .to_owned()
}

http_test!(
    async fn the_dashboards_render_the_same_tiles_and_tables(app) {
        domain::generate::generate(&app.test_db.db, &domain::generate::Scale::default(), &|_, _| {})
            .await
            .expect("demo inventory");
        let mssp = app.mssp_owner().await;
        let global = page(&app, "/mssp", &mssp).await;
        insta::assert_snapshot!("global", digest(&global));

        let msp = first_link(&global, "/mssp/msps/");
        insta::assert_snapshot!("msp_view", digest(&page(&app, &msp, &mssp).await));
        let companies = page(&app, &format!("{msp}/companies"), &mssp).await;
        insta::assert_snapshot!("msp_companies", digest(&companies));
        let company = first_link(&companies, &format!("{msp}/companies/"));
        insta::assert_snapshot!("company", digest(&page(&app, &company, &mssp).await));
    }
);
