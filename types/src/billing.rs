//! Billing statements as the Billing page shows them and as a closed month is frozen: the
//! period, the plan that priced it, the peak usage, each line of the charge, each MSP's share
//! and the daily usage. A closed month's statement is stored as this, so what it says never
//! changes afterwards.
//!
//! Amounts are integers in the currency's minor units; [`Money`] formats them.

use crate::TenantId;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A calendar month (UTC), the billing period. Written `2026-10`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Period {
    first_day: NaiveDate,
}

impl Period {
    /// The month `day` falls in.
    pub fn containing(day: NaiveDate) -> Self {
        Self {
            first_day: day.with_day(1).unwrap_or(day),
        }
    }

    /// Reads `2026-10`.
    pub fn parse(text: &str) -> Result<Self, crate::ParseError> {
        let invalid = || crate::ParseError::new("period", "A period is a month: YYYY-MM.");
        let (year, month) = text.trim().split_once('-').ok_or_else(invalid)?;
        if year.len() != 4 || month.len() != 2 {
            return Err(invalid());
        }
        let year: i32 = year.parse().map_err(|_| invalid())?;
        let month: u32 = month.parse().map_err(|_| invalid())?;
        NaiveDate::from_ymd_opt(year, month, 1)
            .map(|first_day| Self { first_day })
            .ok_or_else(invalid)
    }

    pub fn first_day(self) -> NaiveDate {
        self.first_day
    }

    /// The month's last day.
    pub fn last_day(self) -> NaiveDate {
        self.next().first_day.pred_opt().unwrap_or(self.first_day)
    }

    pub fn days(self) -> u32 {
        self.last_day().day()
    }

    /// The month after.
    pub fn next(self) -> Self {
        let (year, month) = match self.first_day.month() {
            12 => (self.first_day.year() + 1, 1),
            month => (self.first_day.year(), month + 1),
        };
        Self {
            first_day: NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(self.first_day),
        }
    }

    /// "October 2026".
    pub fn label(self) -> String {
        self.first_day.format("%B %Y").to_string()
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.first_day.format("%Y-%m"))
    }
}

impl TryFrom<String> for Period {
    type Error = crate::ParseError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<Period> for String {
    fn from(period: Period) -> Self {
        period.to_string()
    }
}

/// A currency as statements show it: its ISO 4217 code and how many minor-unit digits it has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Currency {
    pub code: String,
    pub minor_digits: u8,
}

/// An amount of a currency, for display: `USD 1,234.50`.
#[derive(Debug, Clone, Copy)]
pub struct Money<'a> {
    pub minor: i64,
    pub currency: &'a Currency,
}

impl Money<'_> {
    /// The amount without the code, with thousands separators: `1,234.50`.
    pub fn amount(&self) -> String {
        let digits = u32::from(self.currency.minor_digits);
        let scale = 10u128.pow(digits);
        let magnitude = u128::from(self.minor.unsigned_abs());
        let whole = group_thousands(&(magnitude / scale).to_string());
        let sign = if self.minor < 0 { "-" } else { "" };
        match digits {
            0 => format!("{sign}{whole}"),
            _ => format!(
                "{sign}{whole}.{:0width$}",
                magnitude % scale,
                width = digits as usize
            ),
        }
    }

    /// The amount as a plain decimal for CSV (`1234.50`): no separators, no code.
    pub fn decimal(&self) -> String {
        self.amount().replace(',', "")
    }
}

impl fmt::Display for Money<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.currency.code, self.amount())
    }
}

/// `1234567` → `1,234,567`.
pub fn group_thousands(digits: &str) -> String {
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    grouped
}

/// How a plan prices units across tiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TierMode {
    /// Each unit priced by the tier it falls in.
    Graduated,
    /// Every unit priced by the tier the total reaches.
    Volume,
}

impl TierMode {
    pub fn label(self) -> &'static str {
        match self {
            Self::Graduated => "Graduated",
            Self::Volume => "Volume",
        }
    }

    pub fn explanation(self) -> &'static str {
        match self {
            Self::Graduated => "each unit is priced by the tier it falls in",
            Self::Volume => "every unit is priced by the tier the total reaches",
        }
    }
}

/// Units `from` through `up_to` (no `up_to`: and above).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceTier {
    pub from: u64,
    pub up_to: Option<u64>,
    pub unit_price: i64,
    pub flat_fee: i64,
}

impl PriceTier {
    /// "1–10", "51 and above".
    pub fn range(&self) -> String {
        match self.up_to {
            Some(up_to) if up_to == self.from => self.from.to_string(),
            Some(up_to) => format!("{}–{up_to}", self.from),
            None => format!("{} and above", self.from),
        }
    }
}

/// What a plan charges for one meter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeterTiers {
    /// "MSP tenants", "Agents", "Probe agents" or "Lightweight agents".
    pub meter: String,
    pub tiers: Vec<PriceTier>,
}

/// The plan a statement was priced by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanTiers {
    /// "default", or the name of the plan the operator put this MSSP on.
    pub name: String,
    pub currency: Currency,
    pub mode: TierMode,
    pub meters: Vec<MeterTiers>,
}

/// The highest usage of the period, each on its own day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeakUsage {
    pub msp_tenants: u64,
    pub probe_agents: u64,
    pub lightweight_agents: u64,
    /// The most agents of both kinds on one day.
    pub agents: u64,
}

/// One line of the calculation: units in a tier and what they cost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChargeLine {
    pub tier: PriceTier,
    pub units: u64,
    pub amount: i64,
}

/// One meter's charge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeterCharge {
    pub meter: String,
    /// The peak this meter bills.
    pub units: u64,
    /// The tier the peak falls in (none at zero usage).
    pub tier_reached: Option<PriceTier>,
    pub lines: Vec<ChargeLine>,
    pub amount: i64,
}

/// One MSP tenant's part of the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MspShare {
    pub msp: TenantId,
    pub name: String,
    /// Days the MSP counted (its association APPROVED at the day's end).
    pub days_counted: u32,
    /// Its most agents on one day, by kind and together.
    pub peak_probe_agents: u64,
    pub peak_lightweight_agents: u64,
    pub peak_agents: u64,
    /// Its share of the total: each meter split in proportion to the MSP's tenant-days and
    /// agent-days (largest remainder, so the shares add up to the total exactly).
    pub share: i64,
}

/// One day's usage, summed over the MSPs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageDay {
    pub day: NaiveDate,
    pub msp_tenants: u64,
    pub probe_agents: u64,
    pub lightweight_agents: u64,
    /// Today's count so far, not yet the day's sample.
    pub provisional: bool,
}

/// A period's statement: the estimate while the month runs, frozen once it closes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub period: Period,
    /// Days of the period gone by (today included while it runs).
    pub days_elapsed: u32,
    /// When the statement was frozen; `None` for the running month's estimate.
    pub closed_at: Option<DateTime<Utc>>,
    pub plan: PlanTiers,
    pub peak: PeakUsage,
    pub charges: Vec<MeterCharge>,
    pub total: i64,
    pub msps: Vec<MspShare>,
    pub daily: Vec<UsageDay>,
}

impl Statement {
    pub fn money(&self, minor: i64) -> Money<'_> {
        Money {
            minor,
            currency: &self.plan.currency,
        }
    }
}

/// A closed month, as the list of past statements shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementSummary {
    pub period: Period,
    pub currency: Currency,
    pub total: i64,
    pub closed_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd() -> Currency {
        Currency {
            code: "USD".into(),
            minor_digits: 2,
        }
    }

    #[test]
    fn money_is_grouped_and_keeps_its_minor_digits() {
        let usd = usd();
        let money = |minor| Money {
            minor,
            currency: &usd,
        };
        assert_eq!(money(17_100).to_string(), "USD 171.00");
        assert_eq!(money(123_456_789).to_string(), "USD 1,234,567.89");
        assert_eq!(money(5).amount(), "0.05");
        assert_eq!(money(-250).amount(), "-2.50");
        assert_eq!(money(i64::MIN).decimal(), "-92233720368547758.08");
        let yen = Currency {
            code: "JPY".into(),
            minor_digits: 0,
        };
        assert_eq!(
            Money {
                minor: 1_500_000,
                currency: &yen
            }
            .to_string(),
            "JPY 1,500,000"
        );
    }

    #[test]
    fn periods_parse_and_know_their_days() {
        let october = Period::parse("2026-10").expect("period");
        assert_eq!(october.days(), 31);
        assert_eq!(october.label(), "October 2026");
        assert_eq!(october.next().to_string(), "2026-11");
        assert_eq!(
            Period::parse("2026-12").expect("period").next().to_string(),
            "2027-01"
        );
        assert_eq!(Period::parse("2028-02").expect("period").days(), 29);
        for bad in [
            "",
            "2026",
            "2026-13",
            "26-10",
            "2026-1",
            "2026-10-01",
            "abcd-ef",
        ] {
            assert!(Period::parse(bad).is_err(), "{bad:?}");
        }
    }
}
