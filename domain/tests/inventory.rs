//! Reading the inventory on SQLite and PostgreSQL: daily snapshots, a tenant's posture, the
//! companies table, a company's assets and findings, and the demo generator.

mod common;

use common::*;
use domain::agents;
use domain::ingest::{self, Report, ReportKind};
use domain::rollups;
use domain::testing::{TestDb, signed_in_scope};
use domain::{Error, db_test, demo};
use portal_types::{AgentKind, Severity};
use sea_orm::EntityTrait;

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
    use domain::inventory::{self, TableQuery};
    use domain::Owner;
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

    let assets = inventory::assets(&scoped, Owner::Own, a.company, &TableQuery { per_page: 10, ..Default::default() }).await.expect("assets");
    let shown: Vec<(Option<&str>, i64, i64)> = assets.rows.iter().map(|r| (r.hostname.as_deref(), r.open.critical, r.open.low)).collect();
    assert_eq!(shown, [(Some("db-01"), 0, 0), (Some("web-01"), 1, 1)]);
    let findings = inventory::open_findings(&scoped, Owner::Own, a.company, &TableQuery { per_page: 10, ..Default::default() }).await.expect("findings");
    let shown: Vec<(&str, Severity)> = findings.rows.iter().map(|r| (r.vuln_key.as_str(), r.severity)).collect();
    assert_eq!(shown, [("CVE-1", Severity::Critical), ("CVE-2", Severity::Low), ("CVE-3", Severity::Info)]);
    assert_eq!(findings.total, 3);

    // Another MSP's company is not found, for every read.
    assert!(matches!(inventory::assets(&scoped, Owner::Own, other.company, &TableQuery { per_page: 10, ..Default::default() }).await, Err(Error::NotFound)));
    assert!(matches!(inventory::open_findings(&scoped, Owner::Own, other.company, &TableQuery { per_page: 10, ..Default::default() }).await, Err(Error::NotFound)));
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

db_test!(async fn trends_read_daily_snapshots_of_what_the_caller_may_see(test) {
    use domain::inventory::{self, TrendOf};
    use domain::Owner;
    demo::load(&test.db).await.expect("demo");
    let db = &test.db;
    let north = fixture(db, NORTHWIND, "Acme").await;
    let contoso = fixture(db, CONTOSO, "Initech").await;
    let two = Report::new(ReportKind::Scan, AgentKind::Probe, vec![host("web-01", vec![finding("CVE-1", Severity::Critical), finding("CVE-2", Severity::High)])]).expect("valid");
    ingest::ingest(db, &north.probe, &two).await.expect("ingest");
    ingest::ingest(db, &contoso.probe, &two).await.expect("ingest");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).expect("date");
    let yesterday = today.pred_opt().expect("date");
    rollups::snapshot(test.conn(), yesterday).await.expect("snapshot");
    let one = Report::new(ReportKind::Scan, AgentKind::Probe, vec![host("web-01", vec![finding("CVE-1", Severity::Critical)])]).expect("valid");
    ingest::ingest(db, &north.probe, &one).await.expect("ingest");
    rollups::snapshot(test.conn(), today).await.expect("snapshot");

    let northwind = signed_in_scope(db, NORTHWIND.0, NORTHWIND.1).await;
    let mssp = signed_in_scope(db, demo::MSSP_NAME, "owner@demo-mssp.test").await;
    let totals = |points: Vec<inventory::TrendPoint>| points.iter().map(|p| (p.day, p.open_findings, p.critical, p.high)).collect::<Vec<_>>();
    let own = inventory::trend(&db.scoped(&northwind), TrendOf::Tenant(Owner::Own), 30, today).await.expect("trend");
    assert_eq!(totals(own), [(yesterday, 2, 1, 1), (today, 1, 1, 0)]);
    let company = inventory::trend(&db.scoped(&northwind), TrendOf::Company(Owner::Own, north.company), 30, today).await.expect("trend");
    assert_eq!(totals(company), [(yesterday, 2, 1, 1), (today, 1, 1, 0)]);
    // One day back covers today only.
    assert_eq!(inventory::trend(&db.scoped(&northwind), TrendOf::Tenant(Owner::Own), 1, today).await.expect("trend").len(), 1);
    // The MSSP's Global trend sums approved Northwind, not pending Contoso.
    let global = inventory::trend(&db.scoped(&mssp), TrendOf::Global, 30, today).await.expect("trend");
    assert_eq!(totals(global), [(yesterday, 2, 1, 1), (today, 1, 1, 0)]);
    let contoso_id = signed_in_scope(db, CONTOSO.0, CONTOSO.1).await.tenant_id();
    for of in [TrendOf::Tenant(Owner::Msp(contoso_id)), TrendOf::Company(Owner::Msp(contoso_id), contoso.company), TrendOf::Company(Owner::Msp(northwind.tenant_id()), contoso.company), TrendOf::Tenant(Owner::Own)] {
        let refused = inventory::trend(&db.scoped(&mssp), of, 30, today).await;
        assert!(matches!(refused, Err(Error::NotFound)), "{of:?}: {refused:?}");
    }
    assert!(matches!(inventory::trend(&db.scoped(&northwind), TrendOf::Global, 30, today).await, Err(Error::NotFound)));
    assert!(matches!(inventory::trend(&db.scoped(&northwind), TrendOf::Tenant(Owner::Own), 0, today).await, Err(Error::Invalid(_))));
});
