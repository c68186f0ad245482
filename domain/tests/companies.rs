//! An MSP's companies on SQLite and PostgreSQL: created with their roll-up row, unique names
//! per MSP in any letter case, rename, delete with everything under them, and no reach into
//! another tenant's companies.

use domain::companies::{self, Deleted};
use domain::testing::signed_in_scope;
use domain::{Error, db_test, demo};
use portal_types::CompanyName;

fn name(raw: &str) -> CompanyName {
    CompanyName::parse(raw).expect("valid name")
}

db_test!(async fn a_company_starts_with_zero_counters_and_a_unique_name(test) {
    demo::load(&test.db).await.expect("demo");
    let northwind = signed_in_scope(&test.db, "Northwind MSP", "admin@northwind-msp.test").await;
    let scoped = test.db.scoped(&northwind);

    let acme = companies::create(&scoped, &name("Acme Dental")).await.expect("create");
    assert_eq!(acme.rollup.total_assets, 0);
    assert_eq!(acme.rollup.open_findings, 0);
    let listed = companies::list_own(&scoped).await.expect("list");
    assert_eq!(listed, vec![acme.clone()]);

    let again = companies::create(&scoped, &name("  ACME dental ")).await;
    assert!(matches!(again, Err(Error::Conflict(ref m)) if m.contains("already exists")), "{again:?}");
    assert_eq!(companies::count_own(&scoped).await.expect("count"), 1, "nothing half-written");

    // Another MSP may use the same name.
    let contoso = signed_in_scope(&test.db, "Contoso MSP", "admin@contoso-msp.test").await;
    companies::create(&test.db.scoped(&contoso), &name("Acme Dental")).await.expect("other tenant");
});

db_test!(async fn rename_and_delete_stay_inside_the_tenant(test) {
    demo::load(&test.db).await.expect("demo");
    let northwind = signed_in_scope(&test.db, "Northwind MSP", "admin@northwind-msp.test").await;
    let contoso = signed_in_scope(&test.db, "Contoso MSP", "admin@contoso-msp.test").await;
    let mssp = signed_in_scope(&test.db, "Demo MSSP", "owner@demo-mssp.test").await;
    let own = test.db.scoped(&northwind);
    let acme = companies::create(&own, &name("Acme Dental")).await.expect("create");
    companies::create(&own, &name("Globex")).await.expect("create");

    companies::rename(&own, acme.id, &name("Acme Dental Group")).await.expect("rename");
    let renamed = companies::rename(&own, acme.id, &name("GLOBEX")).await;
    assert!(matches!(renamed, Err(Error::Conflict(_))), "{renamed:?}");

    for outsider in [&contoso, &mssp] {
        let theirs = test.db.scoped(outsider);
        assert!(matches!(companies::rename(&theirs, acme.id, &name("Mine")).await, Err(Error::NotFound)));
        assert!(matches!(companies::delete(&theirs, acme.id).await, Err(Error::NotFound)));
    }
    // An MSSP has no companies of its own to create.
    let refused = companies::create(&test.db.scoped(&mssp), &name("X")).await;
    assert!(matches!(refused, Err(Error::NotFound)), "{refused:?}");
    let names: Vec<String> = companies::list_own(&own).await.expect("list").into_iter().map(|c| c.name).collect();
    assert_eq!(names, ["Acme Dental Group", "Globex"]);

    let deleted = companies::delete(&own, acme.id).await.expect("delete");
    assert_eq!(deleted, Deleted { agents: 0, assets: 0, open_findings: 0 });
    let names: Vec<String> = companies::list_own(&own).await.expect("list").into_iter().map(|c| c.name).collect();
    assert_eq!(names, ["Globex"]);
    assert!(matches!(companies::delete(&own, acme.id).await, Err(Error::NotFound)));

    let trail = domain::audit::recent(&own, 10).await.expect("audit");
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    for action in ["company.create", "company.rename", "company.delete"] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
});
