//! The MSP home page's numbers from roll-ups, against the same numbers computed by GROUP BY over
//! raw rows, in the same database and the same run.
//!
//! Runs on a database generated beforehand at the stated scale, for example:
//!
//! ```text
//! DATABASE_URL=sqlite:///tmp/demo10m.db mssp-portal demo --reset --msps 100 \
//!     --companies-per-msp 100 --assets-per-company 100 --findings-per-asset 10 --seed 1
//! BENCH_DATABASE_URL=sqlite:///tmp/demo10m.db cargo bench -p domain --bench rollups
//! ```
//!
//! Prints p50 and p99 of the roll-up read (1,000 runs), of a roll-up over every MSP (1,000
//! runs), the median of the GROUP BY (10 runs), and the ratio of the medians.

use domain::Db;
use domain::db::PoolSettings;
use sea_orm::{ConnectionTrait, Statement};
use std::time::{Duration, Instant};

const MSP: &str = "Demo MSP 050";
const FAST_RUNS: usize = 1000;
const SLOW_RUNS: usize = 10;

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let index = ((samples.len() as f64 * p).ceil() as usize).clamp(1, samples.len()) - 1;
    samples[index]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn time<F, Fut>(runs: usize, mut f: F) -> Vec<Duration>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        f().await;
        samples.push(started.elapsed());
    }
    samples
}

fn main() {
    let url = std::env::var("BENCH_DATABASE_URL")
        .expect("BENCH_DATABASE_URL names a database made by `mssp-portal demo` at scale");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let db = Db::connect(&url, &PoolSettings::default()).await.expect("connect");
        let scope = domain::testing::signed_in_scope(&db, MSP, "admin@demo-msp-050.test").await;
        let scoped = db.scoped(&scope);
        let tenant = scope.tenant_id().0;
        let conn = scoped.conn();
        let backend = conn.get_database_backend();
        let findings = conn
            .query_one_raw(Statement::from_string(backend, "SELECT COUNT(*) AS n FROM findings".to_owned()))
            .await
            .expect("count")
            .expect("row")
            .try_get::<i64>("", "n")
            .expect("n");

        let posture = domain::inventory::own_posture(&scoped).await.expect("posture");
        let mut rollup = time(FAST_RUNS, || async {
            domain::inventory::own_posture(&scoped).await.expect("posture");
        })
        .await;

        let all_msps = "SELECT COUNT(*), SUM(probe_agents), SUM(lightweight_agents), SUM(probe_discovered_assets), \
            SUM(external_assets), SUM(total_assets), SUM(open_findings), SUM(open_critical), SUM(open_high), \
            SUM(open_medium), SUM(open_low) FROM company_rollups";
        let mut every_msp = time(FAST_RUNS, || async {
            conn.query_one_raw(Statement::from_string(backend, all_msps.to_owned())).await.expect("sum");
        })
        .await;

        // The same numbers from raw rows: companies, agents by kind, assets by source, open
        // findings by severity.
        let raw = [
            format!("SELECT COUNT(*) FROM companies WHERE tenant_id = {tenant}"),
            format!("SELECT kind, COUNT(*) FROM agents WHERE tenant_id = {tenant} GROUP BY kind"),
            format!("SELECT source, COUNT(*) FROM assets WHERE tenant_id = {tenant} GROUP BY source"),
            format!("SELECT severity, COUNT(*) FROM findings WHERE tenant_id = {tenant} AND status = 'open' GROUP BY severity"),
        ];
        let open_by_group: i64 = {
            let rows = conn
                .query_all_raw(Statement::from_string(backend, raw[3].clone()))
                .await
                .expect("group by");
            rows.iter()
                .filter(|r| r.try_get::<String>("", "severity").map(|s| s != "info").unwrap_or(false))
                .map(|r| r.try_get_by_index::<i64>(1).unwrap_or(0))
                .sum()
        };
        assert_eq!(open_by_group, posture.open_findings, "the roll-up equals the GROUP BY");
        let mut grouped = time(SLOW_RUNS, || async {
            for sql in &raw {
                conn.query_all_raw(Statement::from_string(backend, sql.clone())).await.expect("group by");
            }
        })
        .await;

        let rollup_p50 = percentile(&mut rollup, 0.50);
        let rollup_p99 = percentile(&mut rollup, 0.99);
        let every_p50 = percentile(&mut every_msp, 0.50);
        let every_p99 = percentile(&mut every_msp, 0.99);
        let grouped_p50 = percentile(&mut grouped, 0.50);
        println!("database: {} findings in all; {MSP}: {} companies, {} open findings", findings, posture.companies, posture.open_findings);
        println!("MSP posture from roll-ups:        p50 {:.3} ms, p99 {:.3} ms (n={FAST_RUNS})", ms(rollup_p50), ms(rollup_p99));
        println!("roll-up over every MSP:           p50 {:.3} ms, p99 {:.3} ms (n={FAST_RUNS})", ms(every_p50), ms(every_p99));
        println!("same numbers by GROUP BY:         p50 {:.1} ms (n={SLOW_RUNS})", ms(grouped_p50));
        println!("ratio of medians (GROUP BY / roll-up): {:.0}×", grouped_p50.as_secs_f64() / rollup_p50.as_secs_f64());
    });
}
