//! `mssp-portal billing …`: the operator's side of billing. Prices live in the pricing file;
//! these commands show the plans in effect and put an MSSP on one of them.

use clap::Subcommand;
use domain::Db;
use domain::billing::pricing::{Plan, Pricing};
use domain::billing::{plans, statements};
use portal_types::{Money, TenantName};

#[derive(Subcommand, Debug)]
pub enum BillingCommand {
    /// Show the pricing plans in effect (PRICING_FILE, or the built-in example) and which
    /// MSSPs are on a plan other than the default.
    Plans,
    /// Put an MSSP on a plan of the pricing file ("default" to go back to the default plan).
    /// It prices the running month and every month closed from now on; closed statements
    /// keep the prices they were closed with.
    SetPlan {
        /// The MSSP tenant's name.
        #[arg(long)]
        mssp: String,
        /// A plan name of the pricing file, or "default".
        #[arg(long)]
        plan: String,
    },
}

pub async fn run(command: BillingCommand, db: &Db, pricing: &Pricing) -> Result<(), String> {
    match command {
        BillingCommand::Plans => {
            println!(
                "Agents count as deployed when seen within {} days.",
                pricing.deployed_window.num_days()
            );
            for name in pricing.plan_names() {
                if let Some(plan) = pricing.plan(name) {
                    print_plan(name, plan);
                }
            }
            let assigned = plans::assignments(db).await.map_err(super::describe)?;
            println!();
            if assigned.is_empty() {
                println!("Every MSSP is on the default plan.");
            }
            for (mssp, plan) in assigned {
                println!("MSSP \"{mssp}\" is on plan {plan}");
            }
            Ok(())
        }
        BillingCommand::SetPlan { mssp, plan } => {
            let name = TenantName::parse(&mssp).map_err(|e| e.to_string())?;
            plans::assign(db, pricing, &name, &plan, chrono::Utc::now())
                .await
                .map_err(super::describe)?;
            println!("MSSP \"{name}\" is now on plan {plan}");
            Ok(())
        }
    }
}

fn print_plan(name: &str, plan: &Plan) {
    let shown = statements::plan_tiers(name, plan);
    println!(
        "\nPlan {name}: {}, {} ({})",
        shown.currency.code,
        shown.mode.label().to_lowercase(),
        shown.mode.explanation()
    );
    let money = |minor| Money {
        minor,
        currency: &shown.currency,
    };
    for meter in &shown.meters {
        println!("  {}", meter.meter);
        for tier in &meter.tiers {
            let fee = if tier.flat_fee > 0 {
                format!(" + {} flat", money(tier.flat_fee))
            } else {
                String::new()
            };
            println!(
                "    {:<18} {} each{fee}",
                tier.range(),
                money(tier.unit_price)
            );
        }
    }
}
