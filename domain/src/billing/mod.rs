//! Billing: the operator's pricing plans and the tier arithmetic (`pricing`), and the daily
//! usage samples (`metering`). Statements build on both.

pub mod metering;
pub mod pricing;
pub mod statements;
