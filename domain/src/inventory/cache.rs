//! A few seconds' memory of what an MSSP's dashboards read: the aggregates (postures, the
//! riskiest MSPs, trends, top vulnerabilities), the selector's names and the MSPs table's
//! pages. The aggregates sum up to a million roll-up rows' worth of MSPs; a dashboard page asks
//! for several, and every colleague of the MSSP who opens it asks again. Remembering them
//! briefly turns most of those reads into a map lookup.
//!
//! What keeps one tenant's numbers from reaching another:
//! - an entry's key holds the viewing tenant and the exact set of MSPs its scope could see
//!   (the scope resolved for this request), so a scope that sees anything else never finds it;
//!   a revoked MSP changes the set, and the next request misses at once;
//! - it is consulted only after the caller's scope has been checked for the object asked for;
//! - an association change drops the viewer's entries, on this instance when it commits and
//!   on every instance when it hears of it.
//!
//! Only MSSP scopes use it: an MSP's own pages show its own edits at once.

use crate::inventory::{TopOf, TrendOf};
use crate::{Error, Result, Scope};
use portal_types::{TenantId, TenantKind};
use std::any::Any;
use std::sync::Arc;
use std::time::Duration;

/// What was asked, with every argument its answer depends on besides the data.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Query {
    GlobalPosture,
    MspPosture(TenantId),
    /// The postures of these MSPs (one page of the MSPs table).
    Postures(Vec<TenantId>),
    Riskiest(u64),
    Trend(TrendOf, u32, chrono::NaiveDate),
    Top(TopOf, u64),
    ViewableMsps,
    /// A page of the MSPs table: the viewer's requests, which change only by association
    /// changes (names and counters may lag like every other entry).
    MspsPage(crate::associations::ListQuery),
    /// A dashboard page as rendered (see [`PageKey`]).
    Page(Box<PageKey>),
}

/// A dashboard page as one principal is shown it: the principal as its session reads now
/// (name, role, white label: any change is another key), the page's address with its query,
/// and the theme it was drawn in. The scope's MSP set is in every key already.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageKey {
    pub principal: crate::Principal,
    pub address: String,
    pub theme: Option<String>,
}

/// A dashboard page's HTML, and the script nonce it was rendered with: each response that
/// reuses it puts its own nonce in that one's place.
#[derive(Debug, Clone)]
pub struct RenderedPage {
    pub html: Arc<str>,
    pub nonce: Arc<str>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    viewer: TenantId,
    /// The viewer's approved MSPs, sorted, as the scope that stored the entry saw them.
    approved: Vec<TenantId>,
    query: Query,
}

impl Key {
    fn new(scope: &Scope, query: Query) -> Self {
        let mut approved = scope.approved_msps().to_vec();
        approved.sort_unstable();
        Self {
            viewer: scope.tenant_id(),
            approved,
            query,
        }
    }
}

/// The answer to a [`Query`]; its variant fixes the type.
type Answer = Arc<dyn Any + Send + Sync>;

/// What the cache holds at most, in KiB: pages weigh their HTML, every other entry 1. About 64
/// MiB of pages, or tens of thousands of aggregates, whatever the traffic.
const CAPACITY_KIB: u64 = 64 * 1024;

fn weight(_: &Key, answer: &Answer) -> u32 {
    answer.downcast_ref::<RenderedPage>().map_or(1, |page| {
        u32::try_from(page.html.len() / 1024 + 1).unwrap_or(u32::MAX)
    })
}

/// The process's memory of dashboard aggregates. Cheap to clone.
#[derive(Clone)]
pub struct DashboardCache {
    entries: moka::future::Cache<Key, Answer>,
    ttl: Duration,
}

impl std::fmt::Debug for DashboardCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DashboardCache")
            .field("ttl", &self.ttl)
            .field("entries", &self.entries.entry_count())
            .finish()
    }
}

impl DashboardCache {
    /// Entries live `ttl` from when they were computed: dashboards may lag new data by that.
    pub fn new(ttl: Duration) -> Self {
        Self {
            entries: moka::future::Cache::builder()
                .max_capacity(CAPACITY_KIB)
                .weigher(weight)
                .time_to_live(ttl)
                .support_invalidation_closures()
                .build(),
            ttl,
        }
    }

    /// `query`'s answer for `scope`: remembered, or computed by `load` and remembered. Callers
    /// waiting for the same key at once share one computation. Only for MSSP scopes; anything
    /// else is computed every time.
    pub(crate) async fn get_or_load<T, F>(&self, scope: &Scope, query: Query, load: F) -> Result<T>
    where
        T: Clone + Send + Sync + 'static,
        F: Future<Output = Result<T>>,
    {
        if scope.kind() != TenantKind::Mssp {
            return load.await;
        }
        let answer = self
            .entries
            .try_get_with(Key::new(scope, query), async {
                load.await.map(|value| Arc::new(value) as Answer)
            })
            .await
            .map_err(|shared| {
                Arc::try_unwrap(shared).unwrap_or_else(|shared| Error::Internal(shared.to_string()))
            })?;
        answer
            .downcast_ref::<T>()
            .cloned()
            .ok_or_else(|| Error::Internal("dashboard cache: answer of another type".into()))
    }

    /// What is remembered for `query` in `scope`, if anything (MSSP scopes only).
    async fn get<T: Clone + Send + Sync + 'static>(
        &self,
        scope: &Scope,
        query: Query,
    ) -> Option<T> {
        if scope.kind() != TenantKind::Mssp {
            return None;
        }
        let answer = self.entries.get(&Key::new(scope, query)).await?;
        answer.downcast_ref::<T>().cloned()
    }

    /// `query`'s answer for `scope`: remembered, or made by `load` and remembered when it
    /// makes one. Callers waiting for the same key at once share one `load`. Only for MSSP
    /// scopes; anything else is made every time.
    async fn get_or_make<T, F>(&self, scope: &Scope, query: Query, load: F) -> Option<T>
    where
        T: Clone + Send + Sync + 'static,
        F: Future<Output = Option<T>>,
    {
        if scope.kind() != TenantKind::Mssp {
            return load.await;
        }
        let answer = self
            .entries
            .optionally_get_with(Key::new(scope, query), async {
                load.await.map(|value| Arc::new(value) as Answer)
            })
            .await?;
        answer.downcast_ref::<T>().cloned()
    }

    /// Drops the entries of each tenant whose associations are among `changes`.
    pub(crate) fn forget_if_changed(&self, changes: &[crate::live::Change]) {
        for change in changes {
            if change.topic == crate::live::Topic::Associations {
                self.forget_viewer(change.tenant);
            }
        }
    }

    /// Forgets everything `viewer` was told: its MSP set changed.
    fn forget_viewer(&self, viewer: TenantId) {
        // Only fails when closures are not supported, which `new` turns on.
        let _ = self
            .entries
            .invalidate_entries_if(move |key, _| key.viewer == viewer);
    }

    /// Forgets everything (this instance fell behind on changes).
    pub(crate) fn forget_all(&self) {
        self.entries.invalidate_all();
    }
}

impl crate::Scoped<'_> {
    /// `query`'s answer for this scope, from the dashboard cache when the database handle has
    /// one (see [`crate::Db::with_dashboard_cache`]); computed by `load` otherwise.
    pub(crate) async fn remembered<T, F>(&self, query: Query, load: F) -> Result<T>
    where
        T: Clone + Send + Sync + 'static,
        F: Future<Output = Result<T>>,
    {
        match &self.db().dashboards {
            Some(cache) => cache.get_or_load(self.scope(), query, load).await,
            None => load.await,
        }
    }
}

impl crate::Db {
    /// The dashboard page `page` as last rendered for `scope`, while the dashboard cache
    /// remembers it (never without one, never for an MSP's scope).
    pub async fn rendered_page(&self, scope: &Scope, page: &PageKey) -> Option<RenderedPage> {
        let cache = self.dashboards.as_ref()?;
        let query = Query::Page(Box::new(page.clone()));
        cache.get(scope, query).await
    }

    /// The dashboard page `page` as remembered for `scope`, or as `render` makes it, which is
    /// then remembered like every other dashboard entry: for the cache's lifetime, and until
    /// one of the viewer's associations changes. Requests for the same page at once wait for one
    /// render (when the entry expires, a dashboard's readers would otherwise all render it). A
    /// waiter gets `None` when that render made no page to remember (an error page, say).
    pub async fn rendered_page_or<F>(
        &self,
        scope: &Scope,
        page: PageKey,
        render: F,
    ) -> Option<RenderedPage>
    where
        F: Future<Output = Option<RenderedPage>>,
    {
        match &self.dashboards {
            Some(cache) => {
                let query = Query::Page(Box::new(page));
                cache.get_or_make(scope, query, render).await
            }
            None => render.await,
        }
    }

    /// Remembers MSSP dashboard aggregates for `ttl` (see [`DashboardCache`]), dropping a
    /// viewer's entries whenever one of its associations changes, on any instance.
    pub async fn with_dashboard_cache(mut self, ttl: Duration) -> Result<Self> {
        let cache = DashboardCache::new(ttl);
        let mut changes = self.subscribe().await?;
        let listening = cache.clone();
        tokio::spawn(async move {
            use tokio::sync::broadcast::error::RecvError;
            loop {
                match changes.recv().await {
                    Ok(change) => listening.forget_if_changed(&[change]),
                    Err(RecvError::Lagged(_)) => listening.forget_all(),
                    Err(RecvError::Closed) => break,
                }
            }
        });
        self.dashboards = Some(cache);
        Ok(self)
    }
}
