//! Each catalogue entry's open-findings counter on SQLite and PostgreSQL: exact after new,
//! fixed, reopened and re-rated findings, after a company is deleted, and in generated demo
//! data; and the top lists read from it only what the caller may see.

mod common;

use common::*;
use domain::generate::{Scale, generate};
use domain::ingest::{self, Report, ReportKind};
use domain::inventory::{TopOf, top_vulnerabilities};
use domain::testing::signed_in_scope;
use domain::{Error, Owner, db_test, demo};
use portal_types::{AgentKind, Severity};

db_test!(async fn the_counters_follow_every_change_and_the_top_lists_stay_in_scope(test) {
    demo::load(&test.db).await.expect("demo");
    let db = &test.db;
    let acme = fixture(db, NORTHWIND, "Acme").await;
    let globex = fixture(db, NORTHWIND, "Globex").await;
    let initech = fixture(db, CONTOSO, "Initech").await;
    let scan = |hosts| Report::new(ReportKind::Scan, AgentKind::Probe, hosts).expect("valid");
    let report = scan(vec![
        host("web-01", vec![finding("CVE-1", Severity::Critical), finding("CVE-2", Severity::High)]),
        host("web-02", vec![finding("CVE-1", Severity::Critical), finding("CVE-3", Severity::Info)]),
    ]);
    ingest::ingest(db, &acme.probe, &report).await.expect("ingest");
    ingest::ingest(db, &globex.probe, &scan(vec![host("app", vec![finding("CVE-1", Severity::Critical), finding("CVE-4", Severity::Low)])])).await.expect("ingest");
    ingest::ingest(db, &initech.probe, &scan(vec![host("x", vec![finding("CVE-9", Severity::Critical); 1])])).await.expect("ingest");
    assert_counts_exact(&test).await;

    let northwind = signed_in_scope(db, NORTHWIND.0, NORTHWIND.1).await;
    let keys = |list: Vec<domain::inventory::TopVulnerability>| list.into_iter().map(|v| (v.vuln_key, v.open_findings)).collect::<Vec<_>>();
    let own = top_vulnerabilities(&db.scoped(&northwind), TopOf::Tenant(Owner::Own), 10).await.expect("top");
    assert_eq!(keys(own), [("CVE-1".to_owned(), 3), ("CVE-2".to_owned(), 1), ("CVE-4".to_owned(), 1)], "info left out; most open first, then CVSS");

    // A rescan fixes CVE-2 and web-02's CVE-1, re-rates nothing; then both come back.
    ingest::ingest(db, &acme.probe, &scan(vec![host("web-01", vec![finding("CVE-1", Severity::Critical)])])).await.expect("ingest");
    assert_counts_exact(&test).await;
    ingest::ingest(db, &acme.probe, &report).await.expect("reopen");
    assert_counts_exact(&test).await;
    // CVE-1 re-rated high: still open, counted once.
    ingest::ingest(db, &acme.probe, &scan(vec![host("web-01", vec![finding("CVE-1", Severity::High)]), host("web-02", vec![finding("CVE-1", Severity::High)])])).await.expect("re-rate");
    assert_counts_exact(&test).await;
    // Deleting Globex takes its open findings out of the counters.
    domain::companies::delete(&db.scoped(&northwind), globex.company).await.expect("delete");
    assert_counts_exact(&test).await;

    // The MSSP's Global list: approved Northwind's entries, with its name; never Contoso's.
    let mssp = signed_in_scope(db, demo::MSSP_NAME, "owner@demo-mssp.test").await;
    let global = top_vulnerabilities(&db.scoped(&mssp), TopOf::Global, 10).await.expect("global");
    assert!(global.iter().all(|v| v.msp.as_ref().map(|m| m.name.as_str()) == Some(NORTHWIND.0)), "{global:?}");
    assert_eq!(global[0].vuln_key, "CVE-1");
    let northwind_id = northwind.tenant_id();
    assert_eq!(top_vulnerabilities(&db.scoped(&mssp), TopOf::Tenant(Owner::Msp(northwind_id)), 10).await.expect("msp")[0].vuln_key, "CVE-1");
    let contoso_id = signed_in_scope(db, CONTOSO.0, CONTOSO.1).await.tenant_id();
    for (scope, of) in [(&mssp, TopOf::Tenant(Owner::Msp(contoso_id))), (&mssp, TopOf::Tenant(Owner::Own)), (&northwind, TopOf::Global), (&northwind, TopOf::Tenant(Owner::Msp(northwind_id)))] {
        let refused = top_vulnerabilities(&db.scoped(scope), of, 10).await;
        assert!(matches!(refused, Err(Error::NotFound)), "{of:?}: {refused:?}");
    }
});

db_test!(async fn generated_demo_data_counts_its_open_findings_per_vulnerability(test) {
    demo::load(&test.db).await.expect("demo");
    generate(&test.db, &Scale::default(), &|_, _| {}).await.expect("generate");
    assert_counts_exact(&test).await;
});
