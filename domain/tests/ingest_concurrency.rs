//! Reports from two companies of one tenant at once, on SQLite and PostgreSQL, that share
//! catalogue entries and cross each other: each re-describes the entries the other opens and
//! fixes. Every report must succeed (no deadlock aborts one), and the per-entry counters and
//! roll-ups must equal a recount afterwards.

mod common;

use common::*;
use domain::db_test;
use domain::demo;
use domain::ingest::{self, Report, ReportKind, ReportedFinding};
use portal_types::{AgentKind, Severity, VulnTitle};

/// Rounds of two reports at once.
const ROUNDS: usize = 12;
/// Shared catalogue entries.
const ENTRIES: usize = 30;

/// Entry `i`, titled `title`.
fn entry(i: usize, title: &str) -> ReportedFinding {
    let mut finding = finding(&format!("CVE-2026-{i:04}"), Severity::High);
    finding.title = VulnTitle::parse(title).expect("title");
    finding
}

/// One company's report in `round`: the entries of its half re-described (so the other
/// company's next report finds them stale), and the entries of the other half open on every
/// other round (so their counters move).
fn report(round: usize, mine_first: bool) -> Report {
    let findings = (0..ENTRIES)
        .filter_map(|i| {
            let mine = (i < ENTRIES / 2) == mine_first;
            if mine {
                Some(entry(
                    i,
                    &format!("Described in round {round} by {mine_first}"),
                ))
            } else if round.is_multiple_of(2) {
                Some(entry(i, "As first described"))
            } else {
                None
            }
        })
        .collect();
    Report::new(
        ReportKind::Scan,
        AgentKind::Probe,
        vec![host("shared-host", findings)],
    )
    .expect("report")
}

db_test!(async fn crossing_reports_of_one_tenant_never_deadlock(test) {
    demo::load(&test.db).await.expect("demo");
    let db = &test.db;
    let acme = fixture(db, NORTHWIND, "Acme").await;
    let globex = fixture(db, NORTHWIND, "Globex").await;
    for round in 0..ROUNDS {
        let (first, second) = (report(round, true), report(round, false));
        let (a, b) = tokio::join!(
            ingest::ingest(db, &acme.probe, &first),
            ingest::ingest(db, &globex.probe, &second),
        );
        a.expect("Acme's report");
        b.expect("Globex's report");
    }
    assert_counts_exact(&test).await;
    for company in [acme.company, globex.company] {
        assert_exact(&test, company).await;
    }
});
