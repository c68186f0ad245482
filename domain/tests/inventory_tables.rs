//! The assets and findings tables on SQLite and PostgreSQL: every order, both ways, walked by
//! keyset page by page forward and back, gives exactly the rows the database holds in that
//! order; search narrows them; and only the owner (or its approving MSSP) reads them.

mod common;

use common::*;
use domain::ingest::{self, Report, ReportKind};
use domain::inventory::{self, AssetSort, Cursor, FindingSort, Page, TableQuery};
use domain::testing::signed_in_scope;
use domain::{Error, Owner, Scoped, db_test, demo};
use entity::{asset, finding};
use portal_types::{AgentKind, FindingStatus, Severity};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::future::Future;
use std::pin::Pin;

const PER_PAGE: u64 = 5;

type Fetch<'a> = Box<dyn Fn(Cursor) -> Pin<Box<dyn Future<Output = Page<i64>> + 'a>> + 'a>;

/// Every row id, walking forward from the first page, then the same pages walking back.
async fn walk(fetch: Fetch<'_>) -> Vec<i64> {
    let mut pages: Vec<Vec<i64>> = Vec::new();
    let mut cursor = Cursor::First;
    loop {
        let page = fetch(cursor).await;
        assert_eq!(
            page.has_previous,
            !pages.is_empty(),
            "page {}",
            pages.len() + 1
        );
        assert!(page.rows.len() as u64 <= PER_PAGE);
        let last = page.rows.last().copied();
        pages.push(page.rows);
        match (page.has_next, last) {
            (true, Some(last)) => cursor = Cursor::After(last),
            _ => break,
        }
    }
    // Back from the last page's first row, page by page, to the first.
    let mut back: Vec<Vec<i64>> = vec![pages.last().cloned().unwrap_or_default()];
    while let Some(&first) = back[0].first() {
        let page = fetch(Cursor::Before(first)).await;
        assert!(page.has_next, "a page before another has a next page");
        if page.rows.is_empty() {
            break;
        }
        let has_previous = page.has_previous;
        back.insert(0, page.rows);
        if !has_previous {
            break;
        }
    }
    assert_eq!(back, pages, "walking back gives the same pages");
    pages.concat()
}

fn query<S>(sort: S, descending: bool, search: Option<&str>, cursor: Cursor) -> TableQuery<S> {
    TableQuery {
        search: search.map(str::to_owned),
        sort,
        descending,
        cursor,
        per_page: PER_PAGE,
    }
}

fn assets_by<'a>(
    scoped: &'a Scoped<'a>,
    owner: Owner,
    company: i64,
    sort: AssetSort,
    descending: bool,
    search: Option<&'a str>,
) -> Fetch<'a> {
    Box::new(move |cursor| {
        Box::pin(async move {
            let page = inventory::assets(
                scoped,
                owner,
                company,
                &query(sort, descending, search, cursor),
            )
            .await
            .expect("assets");
            Page {
                rows: page.rows.iter().map(|r| r.id).collect(),
                total: page.total,
                has_previous: page.has_previous,
                has_next: page.has_next,
            }
        })
    })
}

fn findings_by<'a>(
    scoped: &'a Scoped<'a>,
    owner: Owner,
    company: i64,
    sort: FindingSort,
    descending: bool,
    search: Option<&'a str>,
) -> Fetch<'a> {
    Box::new(move |cursor| {
        Box::pin(async move {
            let page = inventory::open_findings(
                scoped,
                owner,
                company,
                &query(sort, descending, search, cursor),
            )
            .await
            .expect("findings");
            Page {
                rows: page.rows.iter().map(|r| r.id).collect(),
                total: page.total,
                has_previous: page.has_previous,
                has_next: page.has_next,
            }
        })
    })
}

fn rank(severity: &str) -> usize {
    Severity::ALL
        .iter()
        .position(|s| s.as_str() == severity)
        .expect("severity")
}

/// `rows` in order, or in reverse.
fn ordered(mut rows: Vec<i64>, descending: bool) -> Vec<i64> {
    if descending {
        rows.reverse();
    }
    rows
}

db_test!(async fn every_order_pages_forward_and_back_over_exactly_the_rows(test) {
    demo::load(&test.db).await.expect("demo");
    let db = &test.db;
    let f = fixture(db, NORTHWIND, "Acme").await;
    // 23 hosts with 1 to 4 findings of every severity; then a rescan sees 9 of them again, so
    // last-seen times differ and the findings of the other hosts are fixed.
    let hosts = |count: usize| -> Vec<_> {
        (0..count).map(|i| host(&format!("host-{i:03}"), (0..=i % 4).map(|j| finding(&format!("CVE-2026-{:04}", (i + j) % 7), Severity::ALL[(i + j) % 7 % 5])).collect())).collect()
    };
    let full = Report::new(ReportKind::Scan, AgentKind::Probe, hosts(23)).expect("valid");
    ingest::ingest(db, &f.probe, &full).await.expect("ingest");
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let part = Report::new(ReportKind::Scan, AgentKind::Probe, hosts(9)).expect("valid");
    ingest::ingest(db, &f.probe, &part).await.expect("ingest");

    let scope = signed_in_scope(db, NORTHWIND.0, NORTHWIND.1).await;
    let scoped = db.scoped(&scope);
    let assets = asset::Entity::find().filter(asset::Column::CompanyId.eq(f.company)).all(test.conn()).await.expect("assets");
    let mut by_name: Vec<_> = assets.iter().map(|a| (a.asset_key.clone(), a.id)).collect();
    by_name.sort();
    let mut by_seen: Vec<_> = assets.iter().map(|a| (a.last_seen_at, a.id)).collect();
    by_seen.sort();
    let open: Vec<finding::Model> = finding::Entity::find()
        .filter(finding::Column::CompanyId.eq(f.company))
        .filter(finding::Column::Status.eq(FindingStatus::Open.as_str()))
        .all(test.conn()).await.expect("findings");
    let mut by_severity: Vec<_> = open.iter().map(|f| (rank(&f.severity), f.id)).collect();
    by_severity.sort();
    let mut by_first_seen: Vec<_> = open.iter().map(|f| (f.first_seen_at, f.id)).collect();
    by_first_seen.sort();
    assert!(open.len() > 2 * PER_PAGE as usize, "several pages: {}", open.len());

    for descending in [false, true] {
        let expected = ordered(by_name.iter().map(|r| r.1).collect(), descending);
        assert_eq!(walk(assets_by(&scoped, Owner::Own, f.company, AssetSort::Name, descending, None)).await, expected, "assets by name, descending {descending}");
        let expected = ordered(by_seen.iter().map(|r| r.1).collect(), descending);
        assert_eq!(walk(assets_by(&scoped, Owner::Own, f.company, AssetSort::LastSeen, descending, None)).await, expected, "assets by last seen");
        let expected = ordered(by_severity.iter().map(|r| r.1).collect(), descending);
        assert_eq!(walk(findings_by(&scoped, Owner::Own, f.company, FindingSort::Severity, descending, None)).await, expected, "findings by severity");
        let expected = ordered(by_first_seen.iter().map(|r| r.1).collect(), descending);
        assert_eq!(walk(findings_by(&scoped, Owner::Own, f.company, FindingSort::FirstSeen, descending, None)).await, expected, "findings by first seen");
    }

    // Search: hosts host-010 to host-019, in any letter case; findings of one vulnerability.
    let expected: Vec<i64> = by_name.iter().filter(|(key, _)| key.starts_with("host-01")).map(|r| r.1).collect();
    assert_eq!(walk(assets_by(&scoped, Owner::Own, f.company, AssetSort::Name, false, Some(" HOST-01 "))).await, expected);
    let first = inventory::assets(&scoped, Owner::Own, f.company, &query(AssetSort::Name, false, Some("host-01"), Cursor::First)).await.expect("page");
    assert_eq!(first.total, 10);
    let cve: Vec<i64> = by_severity.iter().map(|r| r.1).filter(|id| open.iter().any(|f| f.id == *id && f.vulnerability_id == open[0].vulnerability_id)).collect();
    let page = inventory::open_findings(&scoped, Owner::Own, f.company, &query(FindingSort::Severity, false, None, Cursor::First)).await.expect("page");
    let key = page.rows.iter().find(|r| r.id == cve[0]).map(|r| r.vuln_key.clone()).unwrap_or_else(|| "CVE".into());
    let searched = walk(findings_by(&scoped, Owner::Own, f.company, FindingSort::Severity, false, Some(&key))).await;
    assert!(searched.iter().all(|id| cve.contains(id)) && searched.contains(&cve[0]), "{searched:?} within {cve:?}");

    // A cursor on a row that is not there starts over; bad pages and searches are refused.
    let gone = inventory::assets(&scoped, Owner::Own, f.company, &query(AssetSort::Name, false, None, Cursor::After(i64::MAX))).await.expect("page");
    assert!(!gone.has_previous && gone.rows[0].id == by_name[0].1);
    let bad = inventory::assets(&scoped, Owner::Own, f.company, &TableQuery { per_page: 0, ..Default::default() }).await;
    assert!(matches!(bad, Err(Error::Invalid(_))), "{bad:?}");
    let long = "x".repeat(201);
    let bad = inventory::open_findings(&scoped, Owner::Own, f.company, &query(FindingSort::Severity, false, Some(&long), Cursor::First)).await;
    assert!(matches!(bad, Err(Error::Invalid(_))), "{bad:?}");
});

db_test!(async fn only_the_owner_and_its_approved_mssp_read_the_tables(test) {
    demo::load(&test.db).await.expect("demo");
    let db = &test.db;
    let north = fixture(db, NORTHWIND, "Acme").await;
    let contoso = fixture(db, CONTOSO, "Initech").await;
    let report = Report::new(ReportKind::Scan, AgentKind::Probe, vec![host("web-01", vec![finding("CVE-1", Severity::High)])]).expect("valid");
    ingest::ingest(db, &north.probe, &report).await.expect("ingest");
    ingest::ingest(db, &contoso.probe, &report).await.expect("ingest");
    let northwind = signed_in_scope(db, NORTHWIND.0, NORTHWIND.1).await;
    let contoso_scope = signed_in_scope(db, CONTOSO.0, CONTOSO.1).await;
    let mssp = signed_in_scope(db, demo::MSSP_NAME, "owner@demo-mssp.test").await;
    let (north_id, contoso_id) = (northwind.tenant_id(), contoso_scope.tenant_id());

    let read = |scope, owner, company| async move {
        let scoped = db.scoped(scope);
        let assets = inventory::assets(&scoped, owner, company, &query(AssetSort::Name, false, None, Cursor::First)).await;
        let findings = inventory::open_findings(&scoped, owner, company, &query(FindingSort::Severity, false, None, Cursor::First)).await;
        match (assets, findings) {
            (Ok(a), Ok(f)) => Ok((a.rows.len(), f.rows.len())),
            (Err(Error::NotFound), Err(Error::NotFound)) => Err(()),
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(read(&northwind, Owner::Own, north.company).await, Ok((1, 1)));
    assert_eq!(read(&mssp, Owner::Msp(north_id), north.company).await, Ok((1, 1)), "approved");
    // Pending (Contoso), another MSP's company under an approved MSP, the MSSP's "own", and an
    // MSP reading as an MSSP are all "not found".
    assert_eq!(read(&mssp, Owner::Msp(contoso_id), contoso.company).await, Err(()));
    assert_eq!(read(&mssp, Owner::Msp(north_id), contoso.company).await, Err(()));
    assert_eq!(read(&mssp, Owner::Own, north.company).await, Err(()));
    assert_eq!(read(&northwind, Owner::Own, contoso.company).await, Err(()));
    assert_eq!(read(&northwind, Owner::Msp(north_id), north.company).await, Err(()));
    assert_eq!(read(&contoso_scope, Owner::Msp(north_id), north.company).await, Err(()));
});
