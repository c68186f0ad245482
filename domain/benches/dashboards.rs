//! The MSSP's and MSP's dashboard reads on the 10 M-finding demo set, each with the scope
//! resolution every server function starts with: Global (every MSP approved), one MSP's view,
//! the company selector, the riskiest MSPs, the top vulnerabilities, the trends, and the MSPs,
//! companies, assets and findings tables (first page, and a findings page deep in a company by
//! keyset). The database is migrated first, as the server would.
//!
//! ```text
//! DATABASE_URL=sqlite:///tmp/demo10m.db mssp-portal demo --reset --msps 100 \
//!     --companies-per-msp 100 --assets-per-company 100 --findings-per-asset 10 --seed 1
//! BENCH_DATABASE_URL=sqlite:///tmp/demo10m.db cargo bench -p domain --bench dashboards
//! ```
//!
//! The first run has every MSP approve the demo MSSP (so Global sums all 100). Prints p50 and
//! p99 of 1,000 runs of each read.

use domain::associations::{self, Decision, Status};
use domain::companies::{ListQuery, SortBy};
use domain::db::PoolSettings;
use domain::inventory::{self, AssetSort, Cursor, FindingSort, TableQuery, TopOf, TrendOf};
use domain::{Db, Owner, Scope};
use sea_orm::{ConnectionTrait, Statement};
use std::time::{Duration, Instant};

const RUNS: usize = 1000;
const MSSP: (&str, &str) = ("Demo MSSP", "owner@demo-mssp.test");
const MSP: (&str, &str) = ("Demo MSP 050", "admin@demo-msp-050.test");

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let index = ((samples.len() as f64 * p).ceil() as usize).clamp(1, samples.len()) - 1;
    samples[index]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Signs in a demo user; the benchmark signs in many, so the per-client limit is reset first.
async fn scope_of(db: &Db, raw: &sea_orm::DatabaseConnection, tenant: &str, email: &str) -> Scope {
    let reset = "DELETE FROM auth_throttle WHERE key = 'signin-client:test'";
    raw.execute_raw(Statement::from_string(
        raw.get_database_backend(),
        reset.to_owned(),
    ))
    .await
    .expect("reset the sign-in limit");
    domain::testing::signed_in_scope(db, tenant, email).await
}

/// Every MSP approves the MSSP, unless it already has.
async fn approve_all(db: &Db, raw: &sea_orm::DatabaseConnection) {
    let mssp = scope_of(db, raw, MSSP.0, MSSP.1).await;
    let conn = raw;
    let backend = conn.get_database_backend();
    let sql = "SELECT t.name AS name, u.email AS email FROM tenants t JOIN users u ON u.tenant_id = t.id \
               WHERE t.kind = 'msp' AND u.role = 'owner' ORDER BY t.id";
    let rows = conn
        .query_all_raw(Statement::from_string(backend, sql.to_owned()))
        .await
        .expect("msps");
    let now = chrono::Utc::now();
    for row in rows {
        let name: String = row.try_get("", "name").expect("name");
        let email: String = row.try_get("", "email").expect("email");
        let msp = scope_of(db, raw, &name, &email).await;
        let latest = associations::latest_for_msp(&db.scoped(&msp))
            .await
            .expect("latest");
        if matches!(&latest, Some(a) if a.status == Status::Approved) {
            continue;
        }
        if !matches!(&latest, Some(a) if a.status == Status::PendingApproval) {
            associations::request(db, &mssp, &name, &email, now)
                .await
                .expect("request");
        }
        let latest = associations::latest_for_msp(&db.scoped(&msp))
            .await
            .expect("latest")
            .expect("request");
        associations::decide(db, &msp, latest.id, Decision::Approve, "Benchmark", now)
            .await
            .expect("approve");
    }
}

/// p50 and p99 of `RUNS` runs of `read`, each after resolving the scope as a request does.
async fn bench<F, Fut>(label: &str, db: &Db, principal: &domain::Principal, mut read: F)
where
    F: FnMut(Scope) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut samples = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        let scope = Scope::resolve(db, principal.clone()).await.expect("scope");
        read(scope).await;
        samples.push(started.elapsed());
    }
    let p50 = percentile(&mut samples, 0.50);
    let p99 = percentile(&mut samples, 0.99);
    println!(
        "{label:<44} p50 {:>7.3} ms   p99 {:>7.3} ms",
        ms(p50),
        ms(p99)
    );
}

fn main() {
    let url = std::env::var("BENCH_DATABASE_URL")
        .expect("BENCH_DATABASE_URL names a database made by `mssp-portal demo` at scale");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let db = Db::connect(&url, &PoolSettings::default())
            .await
            .expect("connect");
        db.migrate().await.expect("migrate");
        let raw = sea_orm::Database::connect(&url).await.expect("connect");
        approve_all(&db, &raw).await;
        let mssp = scope_of(&db, &raw, MSSP.0, MSSP.1).await;
        let msp = scope_of(&db, &raw, MSP.0, MSP.1).await;
        let (mssp_principal, msp_principal) = (mssp.principal().clone(), msp.principal().clone());
        let msp_id = msp.tenant_id();
        let owner = Owner::Msp(msp_id);
        let page = domain::companies::msp_page(
            &db.scoped(&mssp),
            msp_id,
            &ListQuery {
                page: 1,
                per_page: 25,
                ..Default::default()
            },
        )
        .await
        .expect("companies");
        let company = page.rows[0].id;
        let today = chrono::Utc::now().date_naive();
        // The row the last findings page of the company starts after.
        let deep = {
            let scoped = db.scoped(&mssp);
            let mut cursor = Cursor::First;
            let mut last = None;
            loop {
                let query = TableQuery {
                    sort: FindingSort::Severity,
                    cursor,
                    per_page: 100,
                    ..Default::default()
                };
                let page = inventory::open_findings(&scoped, owner, company, &query)
                    .await
                    .expect("findings");
                if !page.has_next {
                    break last.expect("several pages");
                }
                last = page.rows.last().map(|r| r.id);
                cursor = Cursor::After(last.expect("row"));
            }
        };
        let global = inventory::global_posture(&db.scoped(&mssp))
            .await
            .expect("global");
        println!(
            "Global: {} MSPs approved, {} companies, {} open findings",
            mssp.approved_msps().len(),
            global.companies,
            global.open_findings
        );

        bench(
            "Global posture (MSSP, every MSP)",
            &db,
            &mssp_principal,
            |s| {
                let db = &db;
                async move {
                    inventory::global_posture(&db.scoped(&s))
                        .await
                        .expect("global");
                }
            },
        )
        .await;
        bench("one MSP's posture (MSSP)", &db, &mssp_principal, |s| {
            let db = &db;
            async move {
                inventory::msp_posture(&db.scoped(&s), msp_id)
                    .await
                    .expect("msp");
            }
        })
        .await;
        bench(
            "company selector (approved MSPs)",
            &db,
            &mssp_principal,
            |s| {
                let db = &db;
                async move {
                    inventory::viewable_msps(&db.scoped(&s))
                        .await
                        .expect("msps");
                }
            },
        )
        .await;
        bench("riskiest MSPs (top 5)", &db, &mssp_principal, |s| {
            let db = &db;
            async move {
                inventory::riskiest_msps(&db.scoped(&s), 5)
                    .await
                    .expect("risky");
            }
        })
        .await;
        bench(
            "top vulnerabilities, Global (top 10)",
            &db,
            &mssp_principal,
            |s| {
                let db = &db;
                async move {
                    inventory::top_vulnerabilities(&db.scoped(&s), TopOf::Global, 10)
                        .await
                        .expect("top");
                }
            },
        )
        .await;
        bench(
            "top vulnerabilities, one MSP (top 10)",
            &db,
            &mssp_principal,
            |s| {
                let db = &db;
                async move {
                    inventory::top_vulnerabilities(&db.scoped(&s), TopOf::Tenant(owner), 10)
                        .await
                        .expect("top");
                }
            },
        )
        .await;
        bench("Global trend, 90 days", &db, &mssp_principal, |s| {
            let db = &db;
            async move {
                inventory::trend(&db.scoped(&s), TrendOf::Global, 90, today)
                    .await
                    .expect("trend");
            }
        })
        .await;
        bench("one MSP's trend, 90 days", &db, &mssp_principal, |s| {
            let db = &db;
            async move {
                inventory::trend(&db.scoped(&s), TrendOf::Tenant(owner), 90, today)
                    .await
                    .expect("trend");
            }
        })
        .await;
        bench("a company's trend, 90 days", &db, &mssp_principal, |s| {
            let db = &db;
            async move {
                inventory::trend(&db.scoped(&s), TrendOf::Company(owner, company), 90, today)
                    .await
                    .expect("trend");
            }
        })
        .await;
        bench(
            "MSPs table, by critical, first page",
            &db,
            &mssp_principal,
            |s| {
                let db = &db;
                async move {
                    let query = associations::ListQuery {
                        sort: associations::SortBy::Critical,
                        descending: true,
                        page: 1,
                        per_page: 20,
                        ..Default::default()
                    };
                    associations::list_for_mssp(&db.scoped(&s), &query)
                        .await
                        .expect("msps");
                }
            },
        )
        .await;
        bench(
            "companies table, by critical, first page",
            &db,
            &mssp_principal,
            |s| {
                let db = &db;
                async move {
                    let query = ListQuery {
                        sort: SortBy::Critical,
                        descending: true,
                        page: 1,
                        per_page: 25,
                        ..Default::default()
                    };
                    domain::companies::msp_page(&db.scoped(&s), msp_id, &query)
                        .await
                        .expect("companies");
                }
            },
        )
        .await;
        bench("assets table, first page", &db, &mssp_principal, |s| {
            let db = &db;
            async move {
                let query = TableQuery {
                    sort: AssetSort::Name,
                    per_page: 25,
                    ..Default::default()
                };
                inventory::assets(&db.scoped(&s), owner, company, &query)
                    .await
                    .expect("assets");
            }
        })
        .await;
        bench("findings table, first page", &db, &mssp_principal, |s| {
            let db = &db;
            async move {
                let query = TableQuery {
                    sort: FindingSort::Severity,
                    per_page: 25,
                    ..Default::default()
                };
                inventory::open_findings(&db.scoped(&s), owner, company, &query)
                    .await
                    .expect("findings");
            }
        })
        .await;
        bench(
            "findings table, last page (keyset)",
            &db,
            &mssp_principal,
            |s| {
                let db = &db;
                async move {
                    let query = TableQuery {
                        sort: FindingSort::Severity,
                        cursor: Cursor::After(deep),
                        per_page: 25,
                        ..Default::default()
                    };
                    inventory::open_findings(&db.scoped(&s), owner, company, &query)
                        .await
                        .expect("findings");
                }
            },
        )
        .await;
        bench(
            "findings table, searched, first page",
            &db,
            &mssp_principal,
            |s| {
                let db = &db;
                async move {
                    let query = TableQuery {
                        search: Some("sql".into()),
                        sort: FindingSort::FirstSeen,
                        per_page: 25,
                        ..Default::default()
                    };
                    inventory::open_findings(&db.scoped(&s), owner, company, &query)
                        .await
                        .expect("findings");
                }
            },
        )
        .await;
        bench("MSP home posture (MSP)", &db, &msp_principal, |s| {
            let db = &db;
            async move {
                inventory::own_posture(&db.scoped(&s))
                    .await
                    .expect("posture");
            }
        })
        .await;
        bench(
            "MSP's own companies, first page (MSP)",
            &db,
            &msp_principal,
            |s| {
                let db = &db;
                async move {
                    domain::companies::page(
                        &db.scoped(&s),
                        &ListQuery {
                            page: 1,
                            per_page: 25,
                            ..Default::default()
                        },
                    )
                    .await
                    .expect("companies");
                }
            },
        )
        .await;
    });
}
