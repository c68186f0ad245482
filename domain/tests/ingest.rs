//! Ingest on SQLite and PostgreSQL: reports open, refresh, fix and reopen findings, land whole
//! or not at all, reach only their agent's company, and leave roll-ups equal to a recount of the
//! raw rows, whatever sequence of reports arrives.

mod common;

use common::*;
use domain::ingest::{self, Report, ReportKind, ReportedAsset};
use domain::testing::{TestDb, signed_in_scope};
use domain::{Error, companies, db_test, demo};
use portal_types::{AgentKind, Severity};
use proptest::prelude::*;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

db_test!(async fn reports_open_refresh_fix_and_reopen_findings(test) {
    demo::load(&test.db).await.expect("demo");
    let db = &test.db;
    let f = fixture(db, NORTHWIND, "Acme").await;
    let scan = |assets| Report::new(ReportKind::Scan, AgentKind::Probe, assets).expect("valid report");

    let first = scan(vec![
        host("web-01", vec![finding("CVE-2024-0001", Severity::Critical), finding("CVE-2024-0002", Severity::Low)]),
        host("db-01", vec![finding("CVE-2024-0001", Severity::Critical), finding("SCAN-1", Severity::Info)]),
    ]);
    let summary = ingest::ingest(db, &f.probe, &first).await.expect("ingest");
    assert_eq!((summary.assets_created, summary.findings_opened), (2, 4));
    let counts = rollup(&test, f.company).await;
    assert_eq!((counts.probe_discovered_assets, counts.total_assets), (2, 2));
    assert_eq!((counts.open_findings, counts.open_critical, counts.open_low), (3, 2, 1), "info is not counted");
    assert_exact(&test, f.company).await;

    let first_sighting = asset_last_seen(&test, "web-01").await;

    // web-01 drops CVE-2024-0002 (fixed); db-01 is not in the report, so nothing of it moves.
    let second = scan(vec![host("WEB-01", vec![finding("CVE-2024-0001", Severity::Critical)])]);
    let summary = ingest::ingest(db, &f.probe, &second).await.expect("ingest");
    assert_eq!((summary.assets_created, summary.assets_updated), (0, 1), "hostnames match in any case");
    assert_eq!((summary.findings_still_open, summary.findings_fixed), (1, 1));
    let counts = rollup(&test, f.company).await;
    assert_eq!((counts.open_findings, counts.open_low), (2, 0));
    // The fixed finding was last seen in the first report; the asset was seen again now.
    let fixed = entity::finding::Entity::find()
        .filter(entity::finding::Column::Status.eq("fixed"))
        .one(test.conn())
        .await
        .expect("read")
        .expect("a fixed finding");
    assert_eq!(fixed.last_seen_at, first_sighting);
    assert!(fixed.fixed_at.expect("fixed at") > first_sighting);
    assert!(asset_last_seen(&test, "web-01").await > first_sighting);
    assert_exact(&test, f.company).await;

    // It comes back, with a new severity.
    let third = scan(vec![host("web-01", vec![finding("CVE-2024-0001", Severity::Critical), finding("CVE-2024-0002", Severity::High)])]);
    let summary = ingest::ingest(db, &f.probe, &third).await.expect("ingest");
    assert_eq!(summary.findings_reopened, 1);
    let counts = rollup(&test, f.company).await;
    assert_eq!((counts.open_high, counts.open_low, counts.open_findings), (1, 0, 3));
    assert_exact(&test, f.company).await;

    // The lightweight agent reports its own host; an external scan its internet-facing assets.
    let own_host = Report::new(ReportKind::Scan, AgentKind::Lightweight, vec![host("laptop-7", vec![finding("CVE-2024-0003", Severity::Medium)])]).expect("valid");
    ingest::ingest(db, &f.lightweight, &own_host).await.expect("ingest");
    let external = Report::new(ReportKind::External, AgentKind::Probe, vec![ReportedAsset {
        hostname: None,
        ip: Some("203.0.113.7".parse().expect("ip")),
        os: None,
        findings: vec![finding("CVE-2024-0004", Severity::High)],
    }]).expect("valid");
    ingest::ingest(db, &f.probe, &external).await.expect("ingest");
    let counts = rollup(&test, f.company).await;
    assert_eq!((counts.agent_host_assets, counts.external_assets, counts.total_assets), (1, 1, 4));
    assert_exact(&test, f.company).await;
});

db_test!(async fn a_report_that_cannot_land_whole_changes_nothing(test) {
    demo::load(&test.db).await.expect("demo");
    let db = &test.db;
    let f = fixture(db, NORTHWIND, "Acme").await;

    let refused = Report::new(ReportKind::Scan, AgentKind::Probe, vec![
        host("web-01", vec![]),
        host("Web-01", vec![]),
    ]);
    assert!(matches!(refused, Err(ref e) if e.asset == Some(1)), "{refused:?}");
    let refused = Report::new(ReportKind::Scan, AgentKind::Lightweight, vec![host("a", vec![]), host("b", vec![])]);
    assert!(refused.is_err(), "a lightweight agent reports one host");
    let mut clash = finding("CVE-2024-0001", Severity::Low);
    clash.cvss_tenths = Some(10);
    let refused = Report::new(ReportKind::Scan, AgentKind::Probe, vec![
        host("a", vec![finding("CVE-2024-0001", Severity::Low)]),
        host("b", vec![clash]),
    ]);
    assert!(matches!(refused, Err(ref e) if e.asset == Some(1) && e.finding == Some(0)), "{refused:?}");

    // An agent whose company was deleted since it authenticated lands nothing.
    let scope = signed_in_scope(db, NORTHWIND.0, NORTHWIND.1).await;
    companies::delete(&db.scoped(&scope), f.company).await.expect("delete");
    let report = Report::new(ReportKind::Scan, AgentKind::Probe, vec![host("web-01", vec![finding("CVE-1", Severity::High)])]).expect("valid");
    let gone = ingest::ingest(db, &f.probe, &report).await;
    assert!(matches!(gone, Err(Error::NotFound)), "{gone:?}");
    assert_eq!(test.count("assets").await, 0);
    assert_eq!(test.count("vulnerabilities").await, 0, "the whole report rolled back");
});

db_test!(async fn agents_reach_only_their_own_company(test) {
    demo::load(&test.db).await.expect("demo");
    let db = &test.db;
    let ours = fixture(db, NORTHWIND, "Acme").await;
    let theirs = fixture(db, CONTOSO, "Acme").await;
    let report = Report::new(ReportKind::Scan, AgentKind::Probe, vec![host("web-01", vec![finding("CVE-2024-0001", Severity::High)])]).expect("valid");
    ingest::ingest(db, &ours.probe, &report).await.expect("ingest");
    ingest::ingest(db, &theirs.probe, &report).await.expect("ingest");
    // Same hostname, same CVE, two tenants: two assets, two catalogue entries, separate counters.
    assert_eq!(test.count("assets").await, 2);
    assert_eq!(test.count("vulnerabilities").await, 2);
    assert_eq!(rollup(&test, ours.company).await.open_high, 1);
    assert_eq!(rollup(&test, theirs.company).await.open_high, 1);

    // A report that drops the finding fixes it in the agent's own company only.
    let empty = Report::new(ReportKind::Scan, AgentKind::Probe, vec![host("web-01", vec![])]).expect("valid");
    ingest::ingest(db, &theirs.probe, &empty).await.expect("ingest");
    assert_eq!(rollup(&test, ours.company).await.open_high, 1);
    assert_eq!(rollup(&test, theirs.company).await.open_high, 0);
    assert_exact(&test, ours.company).await;
    assert_exact(&test, theirs.company).await;
});

/// One step of a random history: which agent reports, and for each of a few hosts, which of a
/// few vulnerabilities it has now (and with which severity), or that it is left out.
#[derive(Debug, Clone)]
struct Step {
    lightweight: bool,
    external: bool,
    hosts: Vec<Option<Vec<(u8, Severity)>>>,
}

fn severity() -> impl Strategy<Value = Severity> {
    prop::sample::select(Severity::ALL.to_vec())
}

fn step() -> impl Strategy<Value = Step> {
    let findings = prop::collection::vec((0u8..6, severity()), 0..5);
    let hosts = prop::collection::vec(prop::option::of(findings), 1..5);
    (any::<bool>(), any::<bool>(), hosts).prop_map(|(lightweight, external, hosts)| Step {
        lightweight,
        external,
        hosts,
    })
}

impl Step {
    fn report(&self) -> (bool, Report) {
        let kind = if self.external {
            ReportKind::External
        } else {
            ReportKind::Scan
        };
        let agent_kind = if self.lightweight {
            AgentKind::Lightweight
        } else {
            AgentKind::Probe
        };
        let mut assets = Vec::new();
        for (i, host_findings) in self.hosts.iter().enumerate() {
            let Some(host_findings) = host_findings else {
                continue;
            };
            let mut seen = std::collections::HashSet::new();
            let findings = host_findings
                .iter()
                .filter(|(v, _)| seen.insert(*v))
                // One severity per vulnerability throughout a report, as a scanner reports.
                .map(|(v, _)| finding(&format!("CVE-2025-{v:04}"), self.severity_of(*v)))
                .collect();
            assets.push(host(&format!("host-{i}"), findings));
        }
        if self.lightweight && !self.external {
            assets.truncate(1);
        }
        (
            self.lightweight,
            Report::new(kind, agent_kind, assets).expect("valid report"),
        )
    }

    fn severity_of(&self, vulnerability: u8) -> Severity {
        self.hosts
            .iter()
            .flatten()
            .flatten()
            .find(|(v, _)| *v == vulnerability)
            .map(|(_, s)| *s)
            .unwrap_or(Severity::Low)
    }
}

/// Random sequences of reports leave every roll-up equal to a recount from raw rows.
fn rollups_equal_a_recount(engine: domain::Engine) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (test, fixtures) = runtime.block_on(async {
        let test = match engine {
            domain::Engine::Sqlite => TestDb::sqlite().await,
            domain::Engine::Postgres => TestDb::postgres().await,
        };
        demo::load(&test.db).await.expect("demo");
        let fixture = fixture(&test.db, NORTHWIND, "Proptest").await;
        (test, fixture)
    });
    let config = ProptestConfig {
        cases: 24,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(steps in prop::collection::vec(step(), 1..8))| {
        runtime.block_on(async {
            for step in &steps {
                let (lightweight, report) = step.report();
                let agent = if lightweight { &fixtures.lightweight } else { &fixtures.probe };
                ingest::ingest(&test.db, agent, &report).await.expect("ingest");
                assert_exact(&test, fixtures.company).await;
            }
        });
    });
}

#[test]
fn rollups_equal_a_recount_on_sqlite() {
    rollups_equal_a_recount(domain::Engine::Sqlite);
}

#[test]
fn rollups_equal_a_recount_on_postgres() {
    rollups_equal_a_recount(domain::Engine::Postgres);
}
