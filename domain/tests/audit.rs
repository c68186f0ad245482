//! The audit log on SQLite and PostgreSQL: each tenant reads only its own trail; filters by
//! action, text and time; pagination; the export's keyset batches; clear errors for bad input.

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::audit::{self, Actor, AuditFilter, EXPORT_BATCH, MAX_PER_PAGE};
use domain::testing::signed_in_scope;
use domain::{Db, Error, Scope, db_test, demo};
use entity::audit_event;
use sea_orm::{ActiveValue::Set, EntityTrait};

struct Actors {
    mssp: Scope,
    northwind: Scope,
    contoso: Scope,
}

async fn actors(db: &Db) -> Actors {
    demo::load(db).await.expect("demo");
    Actors {
        mssp: signed_in_scope(db, "Demo MSSP", "owner@demo-mssp.test").await,
        northwind: signed_in_scope(db, "Northwind MSP", "admin@northwind-msp.test").await,
        contoso: signed_in_scope(db, "Contoso MSP", "admin@contoso-msp.test").await,
    }
}

/// Appends an event to `scope`'s own trail through the real `record`.
async fn record(db: &Db, scope: &Scope, action: &str, target: &str, details: serde_json::Value) {
    audit::record(
        db.scoped(scope).conn(),
        scope.tenant_id(),
        &Actor::System,
        action,
        target,
        details,
    )
    .await
    .expect("record");
}

/// Inserts `count` events at `at` into `scope`'s trail in one statement.
async fn insert_at(db: &Db, scope: &Scope, action: &str, count: usize, at: DateTime<Utc>) {
    let rows = (0..count).map(|i| audit_event::ActiveModel {
        tenant_id: Set(scope.tenant_id().0),
        actor_user_id: Set(None),
        actor_label: Set("system".into()),
        action: Set(action.into()),
        target: Set(format!("item {i}")),
        details: Set("{}".into()),
        created_at: Set(at),
        ..Default::default()
    });
    audit_event::Entity::insert_many(rows)
        .exec(db.scoped(scope).conn())
        .await
        .expect("insert");
}

fn filter(action: Option<&str>, text: Option<&str>) -> AuditFilter {
    AuditFilter {
        action: action.map(str::to_owned),
        text: text.map(str::to_owned),
        ..AuditFilter::default()
    }
}

async fn targets(db: &Db, scope: &Scope, filter: &AuditFilter) -> Vec<String> {
    let page = audit::page(&db.scoped(scope), filter, 1, 100)
        .await
        .expect("page");
    page.rows.into_iter().map(|r| r.target).collect()
}

fn invalid_field(result: Result<impl std::fmt::Debug, Error>) -> &'static str {
    match result {
        Err(Error::Invalid(e)) => e.field,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

db_test!(async fn each_tenant_reads_only_its_own_trail(test) {
    let db = &test.db;
    let a = actors(db).await;
    record(db, &a.contoso, "secret.contoso", "contoso-only", serde_json::json!({})).await;
    record(db, &a.northwind, "secret.northwind", "northwind-only", serde_json::json!({})).await;

    let all = AuditFilter::default();
    let mssp = targets(db, &a.mssp, &all).await;
    let northwind = targets(db, &a.northwind, &all).await;
    assert!(mssp.iter().any(|t| t == "Demo MSSP"), "the MSSP's own events: {mssp:?}");
    assert!(!mssp.iter().any(|t| t.ends_with("-only")), "no MSP's events reach the MSSP: {mssp:?}");
    assert!(northwind.contains(&"northwind-only".to_owned()));
    assert!(!northwind.contains(&"contoso-only".to_owned()), "{northwind:?}");
    assert!(!northwind.iter().any(|t| t == "Contoso MSP" || t == "Demo MSSP"), "{northwind:?}");

    // The filter's choices and the export are scoped the same way.
    let actions = audit::actions(&db.scoped(&a.northwind)).await.expect("actions");
    assert!(actions.contains(&"secret.northwind".to_owned()) && !actions.contains(&"secret.contoso".to_owned()), "{actions:?}");
    let mut sorted = actions.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(actions, sorted, "distinct and in order");
    let mut export = audit::export(&db.scoped(&a.mssp), &all).await.expect("export");
    while let Some(batch) = export.next_batch().await.expect("batch") {
        assert!(batch.iter().all(|r| !r.target.ends_with("-only")));
    }
});

db_test!(async fn filters_by_action_text_and_time(test) {
    let db = &test.db;
    let a = actors(db).await;
    let scoped = db.scoped(&a.mssp);

    // Exact action, and a prefix; the approval's reason comes out of its details.
    let approvals = audit::page(&scoped, &filter(Some("association.approve"), None), 1, 10).await.expect("page");
    assert_eq!(approvals.total, 1);
    assert_eq!(approvals.rows[0].reason.as_deref(), Some("Managed security partner since 2024"));
    assert_eq!(approvals.rows[0].actor, "admin@northwind-msp.test");
    let associations = audit::page(&scoped, &filter(Some("association."), None), 1, 10).await.expect("page");
    assert_eq!(associations.total, 3, "two requests and an approval");
    assert!(associations.rows.iter().all(|r| r.action.starts_with("association.")));
    assert_eq!(audit::page(&scoped, &filter(Some("association"), None), 1, 10).await.expect("page").total, 0, "no dot, no prefix");

    // Text matches actor or target, case-insensitively, with wildcards taken literally.
    record(db, &a.mssp, "test.text", "50% off_sale", serde_json::json!({})).await;
    record(db, &a.mssp, "test.text", "500 of sale", serde_json::json!({})).await;
    assert_eq!(targets(db, &a.mssp, &filter(None, Some("CONTOSO msp"))).await, ["Contoso MSP"]);
    assert_eq!(targets(db, &a.mssp, &filter(None, Some("0% off_"))).await, ["50% off_sale"]);
    assert_eq!(targets(db, &a.mssp, &filter(None, Some("%"))).await, ["50% off_sale"]);
    let by_actor = audit::page(&scoped, &filter(None, Some("ADMIN@NORTHWIND")), 1, 10).await.expect("page");
    assert_eq!(by_actor.total, 1, "the approval, by its actor");
    let both = audit::page(&scoped, &filter(Some("association.request"), Some("contoso")), 1, 10).await.expect("page");
    assert_eq!(both.total, 1);

    // Time: from and to are both included.
    let day = Utc.with_ymd_and_hms(2025, 3, 10, 12, 0, 0).single().expect("time");
    insert_at(db, &a.mssp, "test.time", 1, day - Duration::days(1)).await;
    insert_at(db, &a.mssp, "test.time", 2, day).await;
    insert_at(db, &a.mssp, "test.time", 1, day + Duration::days(1)).await;
    let window = |from, to| AuditFilter { action: Some("test.time".into()), from, to, ..AuditFilter::default() };
    let count = |f: AuditFilter| {
        let scoped = db.scoped(&a.mssp);
        async move { audit::page(&scoped, &f, 1, 10).await.expect("page").total }
    };
    assert_eq!(count(window(Some(day), Some(day))).await, 2);
    assert_eq!(count(window(Some(day), None)).await, 3);
    assert_eq!(count(window(None, Some(day))).await, 3);
    assert_eq!(count(window(Some(day + Duration::seconds(1)), None)).await, 1);
    let parsed = portal_types::AuditQuery { action: "test.time".into(), from: "2025-03-10".into(), to: "2025-03-10".into(), ..Default::default() };
    assert_eq!(count(parsed.parse().expect("valid")).await, 2, "a day from the date inputs covers the whole day");
});

db_test!(async fn pages_are_newest_first_and_bounded(test) {
    let db = &test.db;
    let a = actors(db).await;
    let scoped = db.scoped(&a.northwind);
    let start = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).single().expect("time");
    for i in 0..25 {
        insert_at(db, &a.northwind, "test.bulk", 1, start + Duration::minutes(i)).await;
    }
    let bulk = filter(Some("test.bulk"), None);
    let first = audit::page(&scoped, &bulk, 1, 10).await.expect("page 1");
    assert_eq!((first.rows.len(), first.total), (10, 25));
    assert!(first.rows.windows(2).all(|w| w[0].at > w[1].at), "newest first");
    assert_eq!(first.rows[0].at, start + Duration::minutes(24));
    let third = audit::page(&scoped, &bulk, 3, 10).await.expect("page 3");
    assert_eq!((third.rows.len(), third.total), (5, 25));
    assert_eq!(third.rows[4].at, start);
    let past = audit::page(&scoped, &bulk, 4, 10).await.expect("page 4");
    assert_eq!((past.rows.len(), past.total), (0, 25));
    let far = audit::page(&scoped, &bulk, i64::MAX, i64::MAX).await.expect("far page");
    assert_eq!((far.rows.len(), far.total), (0, 25));
    // per_page is held to 1..=MAX_PER_PAGE.
    insert_at(db, &a.northwind, "test.many", 150, start).await;
    let many = filter(Some("test.many"), None);
    assert_eq!(audit::page(&scoped, &many, 1, 10_000).await.expect("page").rows.len() as u64, MAX_PER_PAGE);
    assert_eq!(audit::page(&scoped, &many, 1, 0).await.expect("page").rows.len(), 1);
});

db_test!(async fn bad_input_is_a_clear_error(test) {
    let db = &test.db;
    let a = actors(db).await;
    let scoped = db.scoped(&a.mssp);
    let long = filter(None, Some(&"x".repeat(10_000)));
    assert_eq!(invalid_field(audit::page(&scoped, &long, 1, 10).await), "q");
    let day = Utc::now();
    let backwards = AuditFilter { from: Some(day), to: Some(day - Duration::days(1)), ..AuditFilter::default() };
    assert_eq!(invalid_field(audit::page(&scoped, &backwards, 1, 10).await), "from");
    assert_eq!(invalid_field(audit::page(&scoped, &AuditFilter::default(), 0, 10).await), "page");
    assert_eq!(invalid_field(audit::page(&scoped, &AuditFilter::default(), -3, 10).await), "page");
    assert_eq!(invalid_field(audit::page(&scoped, &filter(Some("'; drop"), None), 1, 10).await), "action");
    assert_eq!(invalid_field(audit::export(&scoped, &long).await.map(|_| ())), "q");
    let message = audit::page(&scoped, &long, 1, 10).await.expect_err("refused").into_app_error().to_string();
    assert_eq!(message, "Search text has at most 200 characters.");
});

db_test!(async fn exports_read_in_keyset_batches(test) {
    let db = &test.db;
    let a = actors(db).await;
    // Many rows at one instant: the batches must break ties by id, losing and repeating none.
    let at = Utc.with_ymd_and_hms(2025, 6, 1, 8, 0, 0).single().expect("time");
    let count = EXPORT_BATCH as usize * 2 + 500;
    insert_at(db, &a.contoso, "test.export", count, at).await;
    insert_at(db, &a.contoso, "test.export", 1, at + Duration::seconds(1)).await;
    let mut export = audit::export(&db.scoped(&a.contoso), &filter(Some("test.export"), None)).await.expect("export");
    let mut sizes = Vec::new();
    let mut ids = Vec::new();
    let mut times = Vec::new();
    while let Some(batch) = export.next_batch().await.expect("batch") {
        sizes.push(batch.len());
        ids.extend(batch.iter().map(|r| r.id));
        times.extend(batch.iter().map(|r| r.at));
    }
    assert_eq!(sizes, [1000, 1000, 501]);
    assert_eq!(times[0], at + Duration::seconds(1), "newest first");
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), count + 1, "every row once");
    assert!(ids[1..].windows(2).all(|w| w[0] > w[1]), "ties in id order, newest first");
    assert!(export.next_batch().await.expect("after the end").is_none());
});
