//! Billing: the operator's pricing plans and the tier arithmetic (`pricing`), which plan each
//! MSSP is on (`plans`), the daily usage samples (`metering`), what a period costs
//! (`statements`), and the running estimate and frozen monthly statements (`ledger`).

pub mod ledger;
pub mod metering;
pub mod plans;
pub mod pricing;
pub mod statements;
