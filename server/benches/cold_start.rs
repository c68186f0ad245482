//! Cold start: from spawning `mssp-portal serve` on an already-migrated SQLite database to the
//! first `200` from `GET /readyz`. Runs the real binary 20 times and prints min / median / max.
//!
//! `cargo bench -p server --bench cold_start` (uses the bench profile's binary).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 20;

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn ready(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let request =
        format!("GET /readyz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response.starts_with("HTTP/1.1 200")
}

fn main() {
    let binary = env!("CARGO_BIN_EXE_mssp-portal");
    let dir = std::env::temp_dir().join(format!("mssp-cold-start-{}", std::process::id()));
    let url = format!("sqlite://{}/portal.db", dir.display());
    let migrated = Command::new(binary)
        .args(["migrate"])
        .env("DATABASE_URL", &url)
        .output()
        .expect("migrate");
    assert!(
        migrated.status.success(),
        "{}",
        String::from_utf8_lossy(&migrated.stderr)
    );

    let mut samples = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let port = free_port();
        let start = Instant::now();
        let mut child = Command::new(binary)
            .args(["serve"])
            .env("DATABASE_URL", &url)
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        while !ready(port) {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "not ready within 10 s"
            );
            std::thread::sleep(Duration::from_millis(2));
        }
        samples.push(start.elapsed());
        let _ = child.kill();
        let _ = child.wait();
    }
    let _ = std::fs::remove_dir_all(&dir);
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "cold start to /readyz: min {:.1} ms, median {:.1} ms, max {:.1} ms (n={RUNS})",
        ms(samples[0]),
        ms(samples[RUNS / 2]),
        ms(samples[RUNS - 1])
    );
}
