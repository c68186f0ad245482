//! Pricing: the operator's plans, read from a TOML file and checked before the portal starts,
//! and the tier arithmetic that turns a usage count into charge lines.
//!
//! Money is an integer count of the currency's minor units (cents), never floating point.
//! Both kinds of tiers are supported, chosen per plan, because operators sell both ways:
//! **graduated** (each unit is priced by the tier it falls in: 1–10 at one price, 11–50 at the
//! next, …) and **volume** (every unit at the price of the tier the total reaches). A tier may
//! also carry a flat fee, charged once when usage reaches it.
//!
//! A plan prices MSP tenants and agents, the agents either together (`agents`) or probe and
//! lightweight apart (`probe_agents`, `lightweight_agents`).
//!
//! ```toml
//! [default]
//! currency = "EUR"
//! mode = "graduated"
//! msp_tenants = [
//!   { from = 1, up_to = 10, unit_price = 5000 },
//!   { from = 11, unit_price = 4000 },
//! ]
//! agents = [
//!   { from = 1, up_to = 500, unit_price = 300 },
//!   { from = 501, unit_price = 200 },
//! ]
//!
//! [plans.enterprise]   # assigned to an MSSP instead of the default
//! # …the same keys
//!
//! [metering]           # optional
//! agents_seen_within_days = 7
//! ```

use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use toml::Spanned;

/// The pricing the portal runs with when the operator gives none (and the starting point
/// for a pricing file of their own).
pub const EXAMPLE: &str = include_str!("pricing.example.toml");

/// An amount in a currency's minor units.
pub type Minor = i64;

pub use portal_types::{ChargeLine, PriceTier as Tier, TierMode};

/// A checked list of tiers: contiguous from unit 1, non-overlapping, the last one open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tiers(Vec<Tier>);

/// What a plan prices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgentPricing {
    /// Probe and lightweight agents together.
    Together(Tiers),
    /// Each kind on its own tiers.
    Apart { probe: Tiers, lightweight: Tiers },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub currency: iso_currency::Currency,
    pub mode: TierMode,
    pub msp_tenants: Tiers,
    pub agents: AgentPricing,
}

/// The operator's pricing: the default plan, named plans assigned to some MSSPs, and how
/// recently an agent must have been seen to count as deployed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pricing {
    pub default: Plan,
    pub plans: BTreeMap<String, Plan>,
    pub deployed_window: chrono::Duration,
}

/// The name the default plan goes by on statements.
pub const DEFAULT_PLAN: &str = "default";

/// How many days back an agent may have been last seen and still count, unless the pricing
/// file says otherwise (`[metering] agents_seen_within_days`).
pub const DEFAULT_DEPLOYED_WINDOW_DAYS: u16 = 7;
const MAX_DEPLOYED_WINDOW_DAYS: u16 = 90;

/// Why a pricing file was refused, with the line it concerns when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricingError {
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for PricingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "pricing file, line {line}: {}", self.message),
            None => write!(f, "pricing file: {}", self.message),
        }
    }
}

impl std::error::Error for PricingError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPricing {
    default: Spanned<RawPlan>,
    #[serde(default)]
    plans: BTreeMap<String, Spanned<RawPlan>>,
    metering: Option<RawMetering>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMetering {
    agents_seen_within_days: Spanned<u16>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlan {
    currency: Spanned<String>,
    mode: TierMode,
    msp_tenants: Vec<Spanned<RawTier>>,
    agents: Option<Vec<Spanned<RawTier>>>,
    probe_agents: Option<Vec<Spanned<RawTier>>>,
    lightweight_agents: Option<Vec<Spanned<RawTier>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTier {
    from: u64,
    up_to: Option<u64>,
    unit_price: Minor,
    #[serde(default)]
    flat_fee: Minor,
}

impl Pricing {
    /// Reads and checks a pricing file's text.
    pub fn parse(text: &str) -> Result<Self, PricingError> {
        let line_of =
            |offset: usize| Some(text[..offset.min(text.len())].matches('\n').count() + 1);
        let raw: RawPricing = toml::from_str(text).map_err(|e| PricingError {
            line: e.span().and_then(|span| line_of(span.start)),
            message: e.message().to_owned(),
        })?;
        let plan = |raw: &Spanned<RawPlan>| plan(raw.get_ref(), raw.span().start, &line_of);
        let window = match &raw.metering {
            None => DEFAULT_DEPLOYED_WINDOW_DAYS,
            Some(metering) => {
                let days = *metering.agents_seen_within_days.get_ref();
                if !(1..=MAX_DEPLOYED_WINDOW_DAYS).contains(&days) {
                    return Err(PricingError {
                        line: line_of(metering.agents_seen_within_days.span().start),
                        message: format!(
                            "agents_seen_within_days is 1 to {MAX_DEPLOYED_WINDOW_DAYS}"
                        ),
                    });
                }
                days
            }
        };
        let mut plans = BTreeMap::new();
        for (name, raw) in &raw.plans {
            if name == DEFAULT_PLAN || !valid_plan_name(name) {
                return Err(PricingError {
                    line: line_of(raw.span().start),
                    message: format!(
                        "the plan name {name:?} is not allowed: use 1 to 64 letters, digits, \
                         '-' or '_', and not \"{DEFAULT_PLAN}\""
                    ),
                });
            }
            plans.insert(name.clone(), plan(raw)?);
        }
        Ok(Self {
            default: plan(&raw.default)?,
            plans,
            deployed_window: chrono::Duration::days(i64::from(window)),
        })
    }

    /// The plan called `name` ("default" is the default plan).
    pub fn plan(&self, name: &str) -> Option<&Plan> {
        match name {
            DEFAULT_PLAN => Some(&self.default),
            name => self.plans.get(name),
        }
    }

    /// Every plan's name, the default first.
    pub fn plan_names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(DEFAULT_PLAN).chain(self.plans.keys().map(String::as_str))
    }
}

/// Plan names go on the command line and into statements: keep them plain.
pub fn valid_plan_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn plan(
    raw: &RawPlan,
    at: usize,
    line_of: &impl Fn(usize) -> Option<usize>,
) -> Result<Plan, PricingError> {
    let currency =
        iso_currency::Currency::from_code(raw.currency.get_ref()).ok_or_else(|| PricingError {
            line: line_of(raw.currency.span().start),
            message: format!(
                "unknown currency {:?} (expected an ISO 4217 code such as EUR)",
                raw.currency.get_ref()
            ),
        })?;
    let tiers = |what: &str, raw: &[Spanned<RawTier>]| Tiers::check(what, raw, line_of);
    let agents = match (&raw.agents, &raw.probe_agents, &raw.lightweight_agents) {
        (Some(agents), None, None) => AgentPricing::Together(tiers("agents", agents)?),
        (None, Some(probe), Some(lightweight)) => AgentPricing::Apart {
            probe: tiers("probe_agents", probe)?,
            lightweight: tiers("lightweight_agents", lightweight)?,
        },
        _ => {
            return Err(PricingError {
                line: line_of(at),
                message: "a plan prices either `agents`, or both `probe_agents` and \
                          `lightweight_agents`"
                    .into(),
            });
        }
    };
    Ok(Plan {
        currency,
        mode: raw.mode,
        msp_tenants: tiers("msp_tenants", &raw.msp_tenants)?,
        agents,
    })
}

impl Tiers {
    fn check(
        what: &str,
        raw: &[Spanned<RawTier>],
        line_of: &impl Fn(usize) -> Option<usize>,
    ) -> Result<Self, PricingError> {
        let mut tiers = Vec::with_capacity(raw.len());
        let mut next_from = 1u64;
        for (index, spanned) in raw.iter().enumerate() {
            let refuse = |message: String| PricingError {
                line: line_of(spanned.span().start),
                message: format!("{what}: {message}"),
            };
            let tier = spanned.get_ref();
            if tier.from != next_from {
                return Err(refuse(if tier.from < next_from {
                    format!(
                        "the tier from {} overlaps the one before it (next free unit: {next_from})",
                        tier.from
                    )
                } else {
                    format!(
                        "the tiers leave a gap: units {next_from} to {} are priced by none",
                        tier.from - 1
                    )
                }));
            }
            if tier.unit_price < 0 || tier.flat_fee < 0 {
                return Err(refuse("prices cannot be negative".into()));
            }
            let last = index + 1 == raw.len();
            match tier.up_to {
                Some(up_to) if up_to < tier.from => {
                    return Err(refuse(format!(
                        "the tier ends ({up_to}) before it starts ({})",
                        tier.from
                    )));
                }
                Some(_) if last => {
                    return Err(refuse(
                        "the last tier must be open (no `up_to`), so that every unit is priced"
                            .into(),
                    ));
                }
                None if !last => {
                    return Err(refuse("only the last tier can be open (no `up_to`)".into()));
                }
                Some(up_to) => {
                    next_from = up_to
                        .checked_add(1)
                        .ok_or_else(|| refuse("`up_to` is too large".into()))?
                }
                None => {}
            }
            tiers.push(Tier {
                from: tier.from,
                up_to: tier.up_to,
                unit_price: tier.unit_price,
                flat_fee: tier.flat_fee,
            });
        }
        if tiers.is_empty() {
            return Err(PricingError {
                line: None,
                message: format!("{what}: at least one tier is needed"),
            });
        }
        Ok(Self(tiers))
    }

    pub fn tiers(&self) -> &[Tier] {
        &self.0
    }

    /// What `units` cost, line by line (tiers with no units in them are left out). `None`
    /// when the amount does not fit in 64 bits.
    pub fn charge(&self, units: u64, mode: TierMode) -> Option<Vec<ChargeLine>> {
        if units == 0 {
            return Some(Vec::new());
        }
        let line = |tier: &Tier, units: u64| {
            let amount = i64::try_from(units)
                .ok()?
                .checked_mul(tier.unit_price)?
                .checked_add(tier.flat_fee)?;
            Some(ChargeLine {
                tier: tier.clone(),
                units,
                amount,
            })
        };
        match mode {
            TierMode::Graduated => self
                .0
                .iter()
                .take_while(|tier| tier.from <= units)
                .map(|tier| {
                    let last_unit = tier.up_to.map_or(units, |up_to| up_to.min(units));
                    line(tier, last_unit - tier.from + 1)
                })
                .collect(),
            TierMode::Volume => {
                let reached = self.0.iter().rev().find(|tier| tier.from <= units)?;
                Some(vec![line(reached, units)?])
            }
        }
    }
}

/// The sum of a charge's lines; `None` on overflow.
pub fn total(lines: &[ChargeLine]) -> Option<Minor> {
    lines
        .iter()
        .try_fold(0i64, |sum, line| sum.checked_add(line.amount))
}
