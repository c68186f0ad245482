//! What makes generated data look real: company names, host roles, operating systems,
//! vulnerability titles, and a believable severity mix.

use portal_types::Severity;
use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use std::collections::HashSet;

const NAME_FIRST: [&str; 24] = [
    "Bluewater",
    "Cedar",
    "Summit",
    "Harbor",
    "Northgate",
    "Riverside",
    "Oakridge",
    "Granite",
    "Silverline",
    "Maple",
    "Beacon",
    "Pioneer",
    "Evergreen",
    "Lakeshore",
    "Ironwood",
    "Redstone",
    "Clearview",
    "Highland",
    "Westfield",
    "Brightpath",
    "Stonebridge",
    "Willow",
    "Crescent",
    "Falcon",
];
const NAME_SECOND: [&str; 20] = [
    "Dental",
    "Logistics",
    "Legal",
    "Family Clinic",
    "Engineering",
    "Accounting",
    "Realty",
    "Foods",
    "Veterinary",
    "Builders",
    "Insurance",
    "Pharmacy",
    "Architects",
    "Motors",
    "Credit Union",
    "Media",
    "Labs",
    "Outfitters",
    "Hospitality",
    "Freight",
];
const NAME_SUFFIX: [&str; 6] = ["", " LLC", " Group", " Inc.", " & Co.", " Partners"];
pub(super) const HOST_ROLES: [&str; 10] = [
    "ws", "srv", "db", "web", "app", "fs", "dc", "prn", "nas", "vpn",
];
pub(super) const OSES: [&str; 10] = [
    "Windows 11 Pro 23H2",
    "Windows 10 Pro 22H2",
    "Windows Server 2022",
    "Windows Server 2019",
    "Ubuntu 22.04 LTS",
    "Ubuntu 24.04 LTS",
    "Debian 12",
    "Red Hat Enterprise Linux 9",
    "macOS 14 Sonoma",
    "VMware ESXi 8.0",
];
const COMPONENTS: [&str; 16] = [
    "OpenSSL",
    "Apache HTTP Server",
    "Microsoft Exchange",
    "Windows SMB",
    "OpenSSH",
    "nginx",
    "Log4j",
    "Chrome",
    "Firefox",
    "Microsoft Office",
    "Citrix ADC",
    "Fortinet FortiOS",
    "VMware vCenter",
    "Jenkins",
    "PHP",
    "glibc",
];
const FLAWS: [&str; 10] = [
    "remote code execution",
    "privilege escalation",
    "buffer overflow",
    "SQL injection",
    "authentication bypass",
    "information disclosure",
    "denial of service",
    "cross-site scripting",
    "path traversal",
    "use-after-free",
];

/// A believable severity mix: few critical, many medium.
pub(super) fn severity(rng: &mut ChaCha8Rng) -> (Severity, i16) {
    let roll: u32 = rng.gen_range(0..100);
    let (severity, cvss) = match roll {
        0..=5 => (Severity::Critical, rng.gen_range(90..=100)),
        6..=30 => (Severity::High, rng.gen_range(70..=89)),
        31..=75 => (Severity::Medium, rng.gen_range(40..=69)),
        76..=94 => (Severity::Low, rng.gen_range(10..=39)),
        _ => (Severity::Info, 0),
    };
    (severity, cvss)
}

/// "Cedar Dental Group": a name not yet in `taken` (lower-cased names), which it joins.
pub(super) fn company_name(rng: &mut ChaCha8Rng, taken: &mut HashSet<String>) -> String {
    loop {
        let base = format!(
            "{} {}{}",
            NAME_FIRST.choose(rng).copied().unwrap_or("Acme"),
            NAME_SECOND.choose(rng).copied().unwrap_or("Co"),
            NAME_SUFFIX.choose(rng).copied().unwrap_or("")
        );
        let name = if taken.contains(&base.to_lowercase()) {
            format!("{base} {}", taken.len() + 1)
        } else {
            base
        };
        if taken.insert(name.to_lowercase()) {
            return name;
        }
    }
}

/// "OpenSSL buffer overflow".
pub(super) fn vulnerability_title(rng: &mut ChaCha8Rng) -> String {
    format!(
        "{} {}",
        COMPONENTS.choose(rng).copied().unwrap_or("Component"),
        FLAWS.choose(rng).copied().unwrap_or("flaw")
    )
}
