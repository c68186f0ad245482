//! Pricing: the tier arithmetic against a unit-by-unit reference (property tests), its
//! boundaries, and pricing files refused with the line at fault.

use domain::billing::pricing::{AgentPricing, Pricing, TierMode, Tiers, total};
use proptest::prelude::*;

const FILE: &str = r#"
[default]
currency = "EUR"
mode = "graduated"
msp_tenants = [
  { from = 1, up_to = 10, unit_price = 5000 },
  { from = 11, up_to = 50, unit_price = 4000, flat_fee = 10000 },
  { from = 51, unit_price = 3000 },
]
agents = [
  { from = 1, up_to = 500, unit_price = 300 },
  { from = 501, unit_price = 200 },
]

[plans.enterprise]
currency = "USD"
mode = "volume"
msp_tenants = [{ from = 1, unit_price = 3500 }]
probe_agents = [{ from = 1, up_to = 100, unit_price = 400 }, { from = 101, unit_price = 250 }]
lightweight_agents = [{ from = 1, unit_price = 100 }]
"#;

fn tenants() -> Tiers {
    Pricing::parse(FILE).expect("valid").default.msp_tenants
}

/// The price of unit `n` (1-based) under graduated tiers, one unit at a time, plus the flat
/// fee of each tier reached: the reference the arithmetic must agree with.
fn graduated_reference(tiers: &Tiers, units: u64) -> i64 {
    let mut sum = 0;
    for tier in tiers.tiers() {
        let reached = (tier.from..=units).take_while(|n| tier.up_to.is_none_or(|up| *n <= up));
        let count = reached.count() as i64;
        if count > 0 {
            sum += count * tier.unit_price + tier.flat_fee;
        }
    }
    sum
}

#[test]
fn a_file_reads_into_plans() {
    let pricing = Pricing::parse(FILE).expect("valid");
    assert_eq!(pricing.default.currency.code(), "EUR");
    assert_eq!(pricing.default.mode, TierMode::Graduated);
    assert!(matches!(pricing.default.agents, AgentPricing::Together(_)));
    let enterprise = &pricing.plans["enterprise"];
    assert_eq!(enterprise.mode, TierMode::Volume);
    assert!(matches!(enterprise.agents, AgentPricing::Apart { .. }));
}

#[test]
fn graduated_boundaries() {
    let tiers = tenants();
    let charge =
        |units| total(&tiers.charge(units, TierMode::Graduated).expect("fits")).expect("fits");
    assert_eq!(charge(0), 0, "no usage, no charge (and no flat fee)");
    assert_eq!(charge(1), 5000);
    assert_eq!(charge(10), 50_000);
    assert_eq!(
        charge(11),
        50_000 + 4000 + 10_000,
        "the first unit of a tier brings its flat fee"
    );
    assert_eq!(charge(50), 50_000 + 40 * 4000 + 10_000);
    assert_eq!(
        charge(51),
        50_000 + 40 * 4000 + 10_000 + 3000,
        "one unit past the top tier's start"
    );
    let lines = tiers.charge(51, TierMode::Graduated).expect("fits");
    assert_eq!(
        lines.iter().map(|l| l.units).collect::<Vec<_>>(),
        [10, 40, 1]
    );
}

#[test]
fn volume_boundaries() {
    let tiers = tenants();
    let charge =
        |units| total(&tiers.charge(units, TierMode::Volume).expect("fits")).expect("fits");
    assert_eq!(charge(0), 0);
    assert_eq!(charge(10), 10 * 5000);
    assert_eq!(
        charge(11),
        11 * 4000 + 10_000,
        "every unit at the reached tier's price"
    );
    assert_eq!(charge(51), 51 * 3000);
    assert_eq!(tiers.charge(51, TierMode::Volume).expect("fits").len(), 1);
}

#[test]
fn amounts_that_overflow_are_refused_not_wrapped() {
    let pricing = Pricing::parse(
        "[default]\ncurrency = \"EUR\"\nmode = \"volume\"\nmsp_tenants = [{ from = 1, unit_price = 9223372036854775807 }]\nagents = [{ from = 1, unit_price = 1 }]\n",
    )
    .expect("valid");
    assert!(
        pricing
            .default
            .msp_tenants
            .charge(2, TierMode::Volume)
            .is_none()
    );
}

proptest! {
    #[test]
    fn graduated_matches_the_unit_by_unit_reference(units in 0u64..400) {
        let tiers = tenants();
        let lines = tiers.charge(units, TierMode::Graduated).expect("fits");
        prop_assert_eq!(total(&lines).expect("fits"), graduated_reference(&tiers, units));
        prop_assert_eq!(lines.iter().map(|l| l.units).sum::<u64>(), units);
    }

    #[test]
    fn graduated_never_falls_as_usage_grows(units in 0u64..10_000) {
        let tiers = tenants();
        let at = |n| total(&tiers.charge(n, TierMode::Graduated).expect("fits")).expect("fits");
        prop_assert!(at(units + 1) >= at(units));
    }

    #[test]
    fn volume_prices_every_unit_at_the_reached_tier(units in 1u64..10_000) {
        let tiers = tenants();
        let lines = tiers.charge(units, TierMode::Volume).expect("fits");
        let tier = tiers.tiers().iter().rev().find(|t| t.from <= units).expect("a tier");
        prop_assert_eq!(total(&lines).expect("fits"), units as i64 * tier.unit_price + tier.flat_fee);
    }
}

/// The file with `find` replaced by `replace`, parsed; the refusal's line and message.
fn refusal(find: &str, replace: &str) -> (Option<usize>, String) {
    assert!(FILE.contains(find), "{find}");
    let error = Pricing::parse(&FILE.replacen(find, replace, 1)).expect_err("refused");
    let text = error.to_string();
    (error.line, text)
}

#[test]
fn bad_files_are_refused_naming_the_line() {
    let (line, text) = refusal("{ from = 11, up_to = 50", "{ from = 9, up_to = 50");
    assert_eq!(line, Some(7), "{text}");
    assert!(text.contains("overlaps"), "{text}");
    let (line, text) = refusal("{ from = 51,", "{ from = 60,");
    assert_eq!(line, Some(8), "{text}");
    assert!(text.contains("gap"), "{text}");
    let (line, text) = refusal("unit_price = 300 }", "unit_price = -300 }");
    assert_eq!(line, Some(11), "{text}");
    assert!(text.contains("negative"), "{text}");
    let (line, text) = refusal("currency = \"EUR\"", "currency = \"EURO\"");
    assert_eq!(line, Some(3), "{text}");
    assert!(text.contains("unknown currency"), "{text}");
    let (_, text) = refusal(
        "{ from = 501, unit_price = 200 }",
        "{ from = 501, up_to = 900, unit_price = 200 }",
    );
    assert!(text.contains("last tier must be open"), "{text}");
    let (line, text) = refusal("mode = \"graduated\"", "mode = \"stepped\"");
    assert_eq!(line, Some(4), "{text}");
    let (_, text) = refusal(
        "agents = [\n  { from = 1, up_to = 500",
        "probe_agents = [\n  { from = 1, up_to = 500",
    );
    assert!(text.contains("either `agents`"), "{text}");
    let (_, text) = refusal("flat_fee = 10000", "flat_fees = 10000");
    assert!(text.contains("flat_fees"), "{text}");
    let (line, text) = refusal("[plans.enterprise]", "[plans.default]");
    assert_eq!(line, Some(15), "{text}");
    assert!(text.contains("not allowed"), "{text}");
    let (_, text) = refusal("[plans.enterprise]", "[plans.\"big deal\"]");
    assert!(text.contains("not allowed"), "{text}");
    let (line, text) = refusal(
        "[default]",
        "[metering]\nagents_seen_within_days = 0\n\n[default]",
    );
    assert_eq!(line, Some(3), "{text}");
    assert!(text.contains("1 to 90"), "{text}");
}

#[test]
fn the_deployed_window_is_a_week_unless_configured() {
    assert_eq!(
        Pricing::parse(FILE).expect("valid").deployed_window,
        chrono::Duration::days(7)
    );
    let fortnight = FILE.replacen(
        "[default]",
        "[metering]\nagents_seen_within_days = 14\n\n[default]",
        1,
    );
    assert_eq!(
        Pricing::parse(&fortnight).expect("valid").deployed_window,
        chrono::Duration::days(14)
    );
}

#[test]
fn the_built_in_example_is_a_valid_file() {
    let pricing = Pricing::parse(domain::billing::pricing::EXAMPLE).expect("valid");
    assert_eq!(pricing.default.currency.code(), "USD");
    assert!(pricing.plans.contains_key("volume"));
}
