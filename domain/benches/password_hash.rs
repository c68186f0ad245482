//! Password hash and verify time at the configured argon2id cost.
//! `cargo bench -p domain --bench password_hash` — prints min / median / max of 15 runs each.

use portal_types::Password;
use std::time::{Duration, Instant};

fn summary(mut samples: Vec<Duration>) -> String {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    format!(
        "min {:.1} ms, median {:.1} ms, max {:.1} ms (n={})",
        ms(samples[0]),
        ms(samples[samples.len() / 2]),
        ms(samples[samples.len() - 1]),
        samples.len()
    )
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let password = Password::parse_new("correct horse battery staple").expect("valid");
    runtime.block_on(async {
        let phc = domain::passwords::hash(&password).await.expect("warm-up");
        let mut hashes = Vec::new();
        let mut verifies = Vec::new();
        for _ in 0..15 {
            let start = Instant::now();
            domain::passwords::hash(&password).await.expect("hash");
            hashes.push(start.elapsed());
            let start = Instant::now();
            assert!(
                domain::passwords::verify(&password, Some(phc.clone()))
                    .await
                    .expect("verify")
            );
            verifies.push(start.elapsed());
        }
        println!(
            "argon2id m={} KiB t={} p={}",
            domain::passwords::MEMORY_KIB,
            domain::passwords::ITERATIONS,
            domain::passwords::LANES
        );
        println!("hash:   {}", summary(hashes));
        println!("verify: {}", summary(verifies));
    });
}
