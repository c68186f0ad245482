//! Billing: the operator's pricing plans and the tier arithmetic (`pricing`). Metering and
//! statements build on it.

pub mod pricing;
