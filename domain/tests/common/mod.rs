//! Shared by the domain's inventory tests: demo MSPs, a company with both kinds of agent
//! enrolled, report builders, and the check that a roll-up equals a recount.

#![allow(dead_code)]

use domain::Db;
use domain::agents::{self, Enrollment, ValidDays};
use domain::companies;
use domain::ingest::{ReportedAsset, ReportedFinding};
use domain::rollups::{self, Recount};
use domain::scope::AgentScope;
use domain::testing::{TestDb, signed_in_scope};
use entity::company_rollup;
use portal_types::{AgentKind, AgentVersion, CompanyName, Hostname, Severity, VulnKey, VulnTitle};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Statement};
use std::collections::BTreeMap;

pub const NORTHWIND: (&str, &str) = ("Northwind MSP", "admin@northwind-msp.test");
pub const CONTOSO: (&str, &str) = ("Contoso MSP", "admin@contoso-msp.test");

/// A company of `msp` with a probe and a lightweight agent enrolled.
pub struct Fixture {
    pub company: i64,
    pub probe: AgentScope,
    pub lightweight: AgentScope,
}

pub async fn fixture(db: &Db, msp: (&str, &str), company: &str) -> Fixture {
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

pub fn finding(id: &str, severity: Severity) -> ReportedFinding {
    ReportedFinding {
        id: VulnKey::parse(id).expect("id"),
        title: VulnTitle::parse(&format!("Title of {id}")).expect("title"),
        severity,
        cvss_tenths: Some(75),
    }
}

pub fn host(name: &str, findings: Vec<ReportedFinding>) -> ReportedAsset {
    ReportedAsset {
        hostname: Some(Hostname::parse(name).expect("hostname")),
        ip: None,
        os: None,
        findings,
    }
}

pub async fn rollup(test: &TestDb, company: i64) -> Recount {
    let row = company_rollup::Entity::find_by_id(company)
        .one(test.conn())
        .await
        .expect("read")
        .expect("row");
    Recount::from(&row)
}

pub async fn asset_last_seen(test: &TestDb, key: &str) -> chrono::DateTime<chrono::Utc> {
    entity::asset::Entity::find()
        .filter(entity::asset::Column::AssetKey.eq(key))
        .one(test.conn())
        .await
        .expect("read")
        .expect("asset")
        .last_seen_at
}

pub async fn assert_exact(test: &TestDb, company: i64) {
    let counted = rollups::recount(test.conn(), company)
        .await
        .expect("recount");
    assert_eq!(
        rollup(test, company).await,
        counted,
        "roll-up of company {company} equals a recount"
    );
    assert_tenants_exact(test).await;
}

/// Every tenant's kept sums equal its companies' roll-ups summed (and tenants without
/// companies have zeros, or no row).
pub async fn assert_tenants_exact(test: &TestDb) {
    const COLUMNS: &str = "companies, probe_agents, lightweight_agents, probe_discovered_assets, \
        external_assets, agent_host_assets, total_assets, open_findings, open_critical, open_high, \
        open_medium, open_low";
    let read = |sql: String| async move {
        let rows = test
            .conn()
            .query_all_raw(Statement::from_string(
                test.conn().get_database_backend(),
                sql,
            ))
            .await
            .expect("read sums");
        rows.into_iter()
            .map(|row| {
                let tenant: i64 = row.try_get("", "tenant_id").expect("tenant");
                let sums: Vec<i64> = COLUMNS
                    .split(',')
                    .map(|c| row.try_get::<i64>("", c.trim()).expect("sum"))
                    .collect();
                (tenant, sums)
            })
            .filter(|(_, sums)| sums.iter().any(|n| *n != 0))
            .collect::<BTreeMap<i64, Vec<i64>>>()
    };
    let kept = read(format!("SELECT tenant_id, {COLUMNS} FROM tenant_rollups")).await;
    let sums = COLUMNS
        .split(',')
        .skip(1)
        .map(|c| format!("CAST(SUM({0}) AS BIGINT) AS {0}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    let truth = read(format!(
        "SELECT tenant_id, COUNT(*) AS companies, {sums} FROM company_rollups GROUP BY tenant_id"
    ))
    .await;
    assert_eq!(
        kept, truth,
        "each tenant's sums equal its companies' roll-ups"
    );
}

/// Every entry's counter equals its open findings counted from the rows.
pub async fn assert_counts_exact(test: &TestDb) {
    let counters: BTreeMap<i64, i64> = entity::vulnerability::Entity::find()
        .all(test.conn())
        .await
        .expect("catalogue")
        .into_iter()
        .map(|v| (v.id, v.open_findings))
        .collect();
    let sql = "SELECT vulnerability_id, COUNT(*) AS n FROM findings WHERE status = 'open' GROUP BY vulnerability_id";
    let rows = test
        .conn()
        .query_all_raw(Statement::from_string(
            test.conn().get_database_backend(),
            sql.to_owned(),
        ))
        .await
        .expect("count");
    let mut truth: BTreeMap<i64, i64> = counters.keys().map(|id| (*id, 0)).collect();
    for row in rows {
        truth.insert(
            row.try_get("", "vulnerability_id").expect("id"),
            row.try_get("", "n").expect("n"),
        );
    }
    assert_eq!(counters, truth, "counters equal a recount");
    assert_tenants_exact(test).await;
}
