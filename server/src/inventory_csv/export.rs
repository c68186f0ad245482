//! The rows of one export, a batch at a time: which table, in which order, from where.

use domain::companies::{ListQuery, SortBy};
use domain::inventory::{Cursor, TableQuery};
use domain::{Db, Owner, Scope};

/// Rows read per batch (the largest page the domain serves).
const BATCH: u64 = domain::paging::MAX_PER_PAGE;

/// Which table, in which order.
#[derive(Debug, Clone, Copy)]
pub(super) enum Table {
    Msps(
        domain::associations::SortBy,
        Option<portal_types::AssociationStatus>,
    ),
    Companies(SortBy),
    Assets(domain::inventory::AssetSort),
    Findings(domain::inventory::FindingSort),
}

impl Table {
    pub(super) fn header(self) -> &'static [&'static str] {
        match self {
            Table::Msps(..) => &[
                "msp",
                "admin_email",
                "request_status",
                "companies",
                "agents",
                "assets",
                "open_findings",
                "critical",
                "high",
                "medium",
                "low",
                "requested",
                "decided_or_ended",
                "reason",
            ],
            Table::Companies(_) => &[
                "company",
                "probe_agents",
                "lightweight_agents",
                "probe_discovered_assets",
                "external_assets",
                "total_vulnerabilities",
                "critical",
                "high",
                "medium",
                "low",
            ],
            Table::Assets(_) => &[
                "hostname",
                "ip",
                "os",
                "source",
                "last_seen",
                "critical",
                "high",
                "medium",
                "low",
            ],
            Table::Findings(_) => &[
                "vulnerability",
                "title",
                "severity",
                "cvss",
                "asset",
                "first_seen",
            ],
        }
    }

    pub(super) fn file(self) -> &'static str {
        match self {
            Table::Msps(..) => "msps",
            Table::Companies(_) => "companies",
            Table::Assets(_) => "assets",
            Table::Findings(_) => "open-findings",
        }
    }
}

/// Where the next batch starts.
#[derive(Debug, Clone, Copy)]
pub(super) enum Position {
    After(Option<i64>),
    Page(u64),
}

/// One export: who asks, whose table, which rows.
pub(super) struct Export {
    pub(super) db: Db,
    pub(super) scope: Scope,
    pub(super) owner: Owner,
    pub(super) company: i64,
    pub(super) table: Table,
    pub(super) search: String,
    pub(super) descending: bool,
}

impl Export {
    /// The keyset query of the batch at `at`.
    fn query<S>(&self, sort: S, at: Position) -> TableQuery<S> {
        TableQuery {
            search: Some(self.search.clone()),
            sort,
            descending: self.descending,
            cursor: match at {
                Position::After(Some(id)) => Cursor::After(id),
                _ => Cursor::First,
            },
            per_page: BATCH,
        }
    }

    /// The rows at `at` as CSV cells, and where the batch after it starts (if any).
    pub(super) async fn batch(
        &self,
        at: Position,
    ) -> domain::Result<(Vec<Vec<String>>, Option<Position>)> {
        let scoped = self.db.scoped(&self.scope);
        let after = |has_next: bool, last: Option<i64>| {
            has_next
                .then_some(Position::After(last))
                .filter(|_| last.is_some())
        };
        match self.table {
            Table::Assets(sort) => {
                let page = domain::inventory::assets(
                    &scoped,
                    self.owner,
                    self.company,
                    &self.query(sort, at),
                )
                .await?;
                let next = after(page.has_next, page.rows.last().map(|r| r.id));
                let rows = page
                    .rows
                    .into_iter()
                    .map(|a| {
                        vec![
                            a.hostname.unwrap_or_default(),
                            a.ip.unwrap_or_default(),
                            a.os.unwrap_or_default(),
                            a.source.as_str().to_owned(),
                            time(a.last_seen_at),
                            a.open.critical.to_string(),
                            a.open.high.to_string(),
                            a.open.medium.to_string(),
                            a.open.low.to_string(),
                        ]
                    })
                    .collect();
                Ok((rows, next))
            }
            Table::Findings(sort) => {
                let page = domain::inventory::open_findings(
                    &scoped,
                    self.owner,
                    self.company,
                    &self.query(sort, at),
                )
                .await?;
                let next = after(page.has_next, page.rows.last().map(|r| r.id));
                let rows = page
                    .rows
                    .into_iter()
                    .map(|f| {
                        vec![
                            f.vuln_key,
                            f.title,
                            f.severity.as_str().to_owned(),
                            f.cvss_tenths
                                .map(|t| format!("{:.1}", f64::from(t) / 10.0))
                                .unwrap_or_default(),
                            f.asset,
                            time(f.first_seen_at),
                        ]
                    })
                    .collect();
                Ok((rows, next))
            }
            Table::Msps(sort, status) => {
                let page = match at {
                    Position::Page(page) => page,
                    Position::After(_) => 1,
                };
                let query = domain::associations::ListQuery {
                    search: Some(self.search.clone()),
                    status,
                    sort,
                    descending: self.descending,
                    page,
                    per_page: BATCH,
                };
                let found = domain::associations::list_for_mssp(&scoped, &query).await?;
                let next = (page * BATCH < found.total).then_some(Position::Page(page + 1));
                let rows = found
                    .rows
                    .into_iter()
                    .map(|m| {
                        let counts = m.posture.map(|p| {
                            [
                                p.companies,
                                p.probe_agents + p.lightweight_agents,
                                p.total_assets,
                                p.open_findings,
                                p.open_critical,
                                p.open_high,
                                p.open_medium,
                                p.open_low,
                            ]
                        });
                        let mut row =
                            vec![m.msp_name, m.requested_email, m.status.as_str().to_owned()];
                        // Blank where the MSP has not approved: its numbers are not the MSSP's to see.
                        row.extend(
                            (0..8).map(|i| counts.map(|c| c[i].to_string()).unwrap_or_default()),
                        );
                        row.push(time(m.requested_at));
                        row.push(m.ended_at.or(m.decided_at).map(time).unwrap_or_default());
                        row.push(m.end_reason.or(m.decision_reason).unwrap_or_default());
                        row
                    })
                    .collect();
                Ok((rows, next))
            }
            Table::Companies(sort) => {
                let page = match at {
                    Position::Page(page) => page,
                    Position::After(_) => 1,
                };
                let query = ListQuery {
                    search: Some(self.search.clone()),
                    sort,
                    descending: self.descending,
                    page,
                    per_page: BATCH,
                };
                let found = match self.owner {
                    Owner::Own => domain::companies::page(&scoped, &query).await?,
                    Owner::Msp(msp) => domain::companies::msp_page(&scoped, msp, &query).await?,
                };
                let next = (page * BATCH < found.total).then_some(Position::Page(page + 1));
                let rows = found
                    .rows
                    .into_iter()
                    .map(|c| {
                        let r = c.rollup;
                        let counts = [
                            r.probe_agents,
                            r.lightweight_agents,
                            r.probe_discovered_assets,
                            r.external_assets,
                            r.open_findings,
                            r.open_critical,
                            r.open_high,
                            r.open_medium,
                            r.open_low,
                        ];
                        std::iter::once(c.name)
                            .chain(counts.iter().map(i64::to_string))
                            .collect()
                    })
                    .collect();
                Ok((rows, next))
            }
        }
    }
}

fn time(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
