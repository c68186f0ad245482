//! Enrollment and ingest on SQLite and PostgreSQL: tokens that expire and can be revoked,
//! agents that reach only their own company, reports that land whole, and roll-ups that always
//! equal a recount of the raw rows, whatever sequence of reports arrives.

use domain::agents::{self, Enrollment, Refused, ValidDays};
use domain::ingest::{self, Report, ReportKind, ReportedAsset, ReportedFinding};
use domain::rollups::{self, Recount};
use domain::scope::AgentScope;
use domain::testing::{TestDb, signed_in_scope};
use domain::{Db, Error, companies, db_test, demo};
use entity::company_rollup;
use portal_types::{AgentKind, AgentVersion, CompanyName, Hostname, Severity, VulnKey, VulnTitle};
use proptest::prelude::*;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

const NORTHWIND: (&str, &str) = ("Northwind MSP", "admin@northwind-msp.test");
const CONTOSO: (&str, &str) = ("Contoso MSP", "admin@contoso-msp.test");

/// A company of `msp` with a probe and a lightweight agent enrolled.
struct Fixture {
    company: i64,
    probe: AgentScope,
    lightweight: AgentScope,
}

async fn fixture(db: &Db, msp: (&str, &str), company: &str) -> Fixture {
    let scope = signed_in_scope(db, msp.0, msp.1).await;
    let scoped = db.scoped(&scope);
    let company = companies::create(&scoped, &CompanyName::parse(company).expect("name"))
        .await
        .expect("company");
    let token = agents::issue_token(&scoped, company.id, ValidDays::DEFAULT)
        .await
        .expect("token");
    let enroll = |kind, host: &str| Enrollment {
        kind,
        hostname: Hostname::parse(host).expect("hostname"),
        version: AgentVersion::parse("1.4.2").expect("version"),
    };
    let probe = agents::enroll(
        db,
        token.secret.expose(),
        &enroll(AgentKind::Probe, "probe-1"),
    )
    .await
    .expect("probe");
    let lightweight = agents::enroll(
        db,
        token.secret.expose(),
        &enroll(AgentKind::Lightweight, "laptop-7"),
    )
    .await
    .expect("lightweight");
    Fixture {
        company: company.id,
        probe: probe.agent,
        lightweight: lightweight.agent,
    }
}

fn finding(id: &str, severity: Severity) -> ReportedFinding {
    ReportedFinding {
        id: VulnKey::parse(id).expect("id"),
        title: VulnTitle::parse(&format!("Title of {id}")).expect("title"),
        severity,
        cvss_tenths: Some(75),
    }
}

fn host(name: &str, findings: Vec<ReportedFinding>) -> ReportedAsset {
    ReportedAsset {
        hostname: Some(Hostname::parse(name).expect("hostname")),
        ip: None,
        os: None,
        findings,
    }
}

async fn rollup(test: &TestDb, company: i64) -> Recount {
    let row = company_rollup::Entity::find_by_id(company)
        .one(test.conn())
        .await
        .expect("read")
        .expect("row");
    Recount::from(&row)
}

async fn asset_last_seen(test: &TestDb, key: &str) -> chrono::DateTime<chrono::Utc> {
    entity::asset::Entity::find()
        .filter(entity::asset::Column::AssetKey.eq(key))
        .one(test.conn())
        .await
        .expect("read")
        .expect("asset")
        .last_seen_at
}

async fn assert_exact(test: &TestDb, company: i64) {
    let counted = rollups::recount(test.conn(), company)
        .await
        .expect("recount");
    assert_eq!(
        rollup(test, company).await,
        counted,
        "roll-up of company {company} equals a recount"
    );
}

db_test!(async fn enrollment_tokens_expire_can_be_revoked_and_stay_in_their_tenant(test) {
    demo::load(&test.db).await.expect("demo");
    let db = &test.db;
    let own = signed_in_scope(db, NORTHWIND.0, NORTHWIND.1).await;
    let other = signed_in_scope(db, CONTOSO.0, CONTOSO.1).await;
    let new_viewer = domain::users::NewUser {
        tenant: portal_types::TenantName::parse(NORTHWIND.0).expect("name"),
        email: portal_types::Email::parse("viewer@northwind-msp.test").expect("email"),
        display_name: "Viewer".into(),
        role: portal_types::Role::Viewer,
        password: portal_types::Password::parse_new(demo::PASSWORD).expect("password"),
    };
    domain::users::add(db, new_viewer).await.expect("viewer");
    let viewer = signed_in_scope(db, NORTHWIND.0, "viewer@northwind-msp.test").await;
    let company = companies::create(&db.scoped(&own), &CompanyName::parse("Acme").expect("name")).await.expect("company");
    let enrollment = Enrollment {
        kind: AgentKind::Probe,
        hostname: Hostname::parse("probe-1").expect("hostname"),
        version: AgentVersion::parse("1.0").expect("version"),
    };

    // Another MSP, or a viewer, cannot issue a token for this company.
    let refused = agents::issue_token(&db.scoped(&other), company.id, ValidDays::DEFAULT).await;
    assert!(matches!(refused, Err(Error::NotFound)), "{refused:?}");
    let refused = agents::issue_token(&db.scoped(&viewer), company.id, ValidDays::DEFAULT).await;
    assert!(matches!(refused, Err(Error::Forbidden)), "{refused:?}");

    let token = agents::issue_token(&db.scoped(&own), company.id, ValidDays::new(1).expect("days")).await.expect("token");
    assert_eq!(token.token.token_hash.len(), 64, "stored hashed");
    assert_ne!(token.token.token_hash, token.secret.expose());
    let enrolled = agents::enroll(db, token.secret.expose(), &enrollment).await.expect("enroll");
    assert_eq!(enrolled.agent.company_id, company.id);
    let again = agents::authenticate(db, enrolled.secret.expose()).await.expect("authenticate");
    assert_eq!(again, enrolled.agent);
    assert_eq!(rollup(&test, company.id).await.probe_agents, 1);

    // Bad, revoked and expired tokens are refused, each with its reason.
    let bad = agents::enroll(db, "not-a-token", &enrollment).await;
    assert!(matches!(bad, Err(Error::Refused(Refused::UnknownToken))), "{bad:?}");
    let listed = agents::tokens(&db.scoped(&own), company.id).await.expect("tokens");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].uses, 1);
    assert!(agents::tokens(&db.scoped(&other), company.id).await.expect("tokens").is_empty(), "not another MSP's");
    let refused = agents::revoke_token(&db.scoped(&other), token.token.id).await;
    assert!(matches!(refused, Err(Error::NotFound)), "{refused:?}");
    agents::revoke_token(&db.scoped(&own), token.token.id).await.expect("revoke");
    let revoked = agents::enroll(db, token.secret.expose(), &enrollment).await;
    assert!(matches!(revoked, Err(Error::Refused(Refused::RevokedToken))), "{revoked:?}");
    // An agent enrolled before the revocation keeps working.
    agents::heartbeat(test.conn(), &enrolled.agent, None).await.expect("heartbeat");

    let expiring = agents::issue_token(&db.scoped(&own), company.id, ValidDays::new(1).expect("days")).await.expect("token");
    test.expire_token(expiring.token.id).await;
    let expired = agents::enroll(db, expiring.secret.expose(), &enrollment).await;
    assert!(matches!(expired, Err(Error::Refused(Refused::ExpiredToken))), "{expired:?}");
    assert_eq!(rollup(&test, company.id).await.probe_agents, 1, "refusals changed nothing");

    assert!(ValidDays::new(0).is_err() && ValidDays::new(366).is_err());
    let wrong = agents::authenticate(db, token.secret.expose()).await;
    assert!(matches!(wrong, Err(Error::Refused(Refused::UnknownSecret))), "a token is not a secret");
});

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

db_test!(async fn a_day_is_snapshotted_once_however_often_the_job_runs(test) {
    demo::load(&test.db).await.expect("demo");
    let f = fixture(&test.db, NORTHWIND, "Acme").await;
    let report = Report::new(ReportKind::Scan, AgentKind::Probe, vec![host("web-01", vec![finding("CVE-1", Severity::High)])]).expect("valid");
    ingest::ingest(&test.db, &f.probe, &report).await.expect("ingest");
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).expect("date");

    let added = rollups::snapshot(test.conn(), day).await.expect("snapshot");
    assert_eq!(added, 1, "one company");
    // Counters move later that day; a second run (or another instance) keeps the first row.
    let empty = Report::new(ReportKind::Scan, AgentKind::Probe, vec![host("web-01", vec![])]).expect("valid");
    ingest::ingest(&test.db, &f.probe, &empty).await.expect("ingest");
    assert_eq!(rollups::snapshot(test.conn(), day).await.expect("again"), 0);
    let next_day = day.succ_opt().expect("date");
    assert_eq!(rollups::snapshot(test.conn(), next_day).await.expect("next day"), 1);

    let rows = entity::rollup_snapshot::Entity::find().all(test.conn()).await.expect("rows");
    let open_high: Vec<(chrono::NaiveDate, i64)> = rows.iter().map(|r| (r.day, r.open_high)).collect();
    assert_eq!(open_high, [(day, 1), (next_day, 0)]);
});

db_test!(async fn the_inventory_reads_sum_roll_ups_and_page_assets_and_findings(test) {
    use domain::companies::{ListQuery, SortBy};
    use domain::inventory;
    demo::load(&test.db).await.expect("demo");
    let db = &test.db;
    let a = fixture(db, NORTHWIND, "Acme").await;
    let b = fixture(db, NORTHWIND, "Globex").await;
    let other = fixture(db, CONTOSO, "Initech").await;
    let two = Report::new(ReportKind::Scan, AgentKind::Probe, vec![
        host("web-01", vec![finding("CVE-1", Severity::Critical), finding("CVE-2", Severity::Low)]),
        host("db-01", vec![finding("CVE-3", Severity::Info)]),
    ]).expect("valid");
    ingest::ingest(db, &a.probe, &two).await.expect("ingest");
    let one = Report::new(ReportKind::Scan, AgentKind::Probe, vec![host("app", vec![finding("CVE-1", Severity::Critical)])]).expect("valid");
    ingest::ingest(db, &b.probe, &one).await.expect("ingest");
    ingest::ingest(db, &other.probe, &one).await.expect("ingest");

    let scope = signed_in_scope(db, NORTHWIND.0, NORTHWIND.1).await;
    let scoped = db.scoped(&scope);
    let posture = inventory::own_posture(&scoped).await.expect("posture");
    assert_eq!((posture.companies, posture.probe_agents, posture.lightweight_agents), (2, 2, 2));
    assert_eq!((posture.total_assets, posture.open_findings, posture.open_critical), (3, 3, 2), "Contoso's are not summed");

    let query = |sort, descending, search: Option<&str>| ListQuery { search: search.map(str::to_owned), sort, descending, page: 1, per_page: 10 };
    let page = domain::companies::page(&scoped, &query(SortBy::TotalAssets, true, None)).await.expect("page");
    let names: Vec<&str> = page.rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!((names, page.total), (vec!["Acme", "Globex"], 2));
    let page = domain::companies::page(&scoped, &query(SortBy::Name, true, Some("GLO"))).await.expect("page");
    assert_eq!(page.rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["Globex"]);
    let bad = domain::companies::page(&scoped, &ListQuery { page: 0, ..query(SortBy::Name, false, None) }).await;
    assert!(matches!(bad, Err(Error::Invalid(_))), "{bad:?}");

    let assets = inventory::assets_page(&scoped, a.company, 1, 10).await.expect("assets");
    let shown: Vec<(Option<&str>, i64, i64)> = assets.rows.iter().map(|r| (r.hostname.as_deref(), r.open.critical, r.open.low)).collect();
    assert_eq!(shown, [(Some("db-01"), 0, 0), (Some("web-01"), 1, 1)]);
    let findings = inventory::open_findings_page(&scoped, a.company, 1, 10).await.expect("findings");
    let shown: Vec<(&str, Severity)> = findings.rows.iter().map(|r| (r.vuln_key.as_str(), r.severity)).collect();
    assert_eq!(shown, [("CVE-1", Severity::Critical), ("CVE-2", Severity::Low), ("CVE-3", Severity::Info)]);
    assert_eq!(findings.total, 3);

    // Another MSP's company is not found, for every read.
    assert!(matches!(inventory::assets_page(&scoped, other.company, 1, 10).await, Err(Error::NotFound)));
    assert!(matches!(inventory::open_findings_page(&scoped, other.company, 1, 10).await, Err(Error::NotFound)));
    assert!(agents::list(&scoped, other.company).await.expect("agents").is_empty());
});

db_test!(async fn generated_demo_data_is_deterministic_and_its_roll_ups_exact(test) {
    use domain::generate::{Scale, generate};
    demo::load(&test.db).await.expect("demo");
    // 80 assets: enough external ones that names and addresses would collide if they could.
    let scale = Scale { msps: 4, companies_per_msp: 3, assets_per_company: 80, findings_per_asset: 5, seed: 7 };
    let seen = std::sync::Mutex::new(Vec::new());
    let generated = generate(&test.db, &scale, &|done, total| seen.lock().expect("lock").push((done, total))).await.expect("generate");
    assert_eq!((generated.msps, generated.companies, generated.assets, generated.findings), (4, 12, 960, 4800));
    assert_eq!(seen.lock().expect("lock").last(), Some(&(4800, 4800)), "progress reaches the total");
    assert_eq!(test.count("findings").await, 4800);
    assert_eq!(test.count("tenants").await, 5, "the demo MSSP, three demo MSPs and one created");

    let companies = entity::company::Entity::find().all(test.conn()).await.expect("companies");
    for company in &companies {
        assert_exact(&test, company.id).await;
    }
    // Both agent kinds, every asset source, every counted severity.
    let rollups = entity::company_rollup::Entity::find().all(test.conn()).await.expect("roll-ups");
    let sum = |f: fn(&entity::company_rollup::Model) -> i64| rollups.iter().map(f).sum::<i64>();
    for (what, total) in [
        ("probe agents", sum(|r| r.probe_agents)),
        ("lightweight agents", sum(|r| r.lightweight_agents)),
        ("probe-discovered assets", sum(|r| r.probe_discovered_assets)),
        ("external assets", sum(|r| r.external_assets)),
        ("agent hosts", sum(|r| r.agent_host_assets)),
        ("critical", sum(|r| r.open_critical)),
        ("high", sum(|r| r.open_high)),
        ("medium", sum(|r| r.open_medium)),
        ("low", sum(|r| r.open_low)),
    ] {
        assert!(total > 0, "some {what}");
    }
    let created = signed_in_scope(&test.db, "Demo MSP 004", "admin@demo-msp-004.test").await;
    let posture = domain::inventory::own_posture(&test.db.scoped(&created)).await.expect("posture");
    assert_eq!(posture.companies, 3);

    // The same seed gives the same names on a fresh database.
    let again = TestDb::sqlite().await;
    demo::load(&again.db).await.expect("demo");
    generate(&again.db, &scale, &|_, _| {}).await.expect("generate");
    let names = |rows: Vec<entity::company::Model>| rows.into_iter().map(|c| c.name).collect::<Vec<_>>();
    let first = names(companies);
    let second = names(entity::company::Entity::find().all(again.conn()).await.expect("companies"));
    assert_eq!(first, second);
});
