//! The inventory's closed vocabularies: agent kinds, asset sources, severities, finding
//! statuses. Each has one stored (and wire) spelling, a label for people, and a parser whose
//! error names what it expected.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Declares a closed set of values stored and sent as lower-case strings.
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($what:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $stored:literal, $label:literal; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        // The stored spellings are the variants in snake case (a test holds them to it).
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The stored and wire spelling.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $stored),+ }
            }

            /// What people read.
            pub fn label(self) -> &'static str {
                match self { $(Self::$variant => $label),+ }
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|value| value.as_str() == s)
                    .ok_or_else(|| {
                        let expected: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                        format!("unknown {} {s:?} (expected one of: {})", $what, expected.join(", "))
                    })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary! {
    /// What kind of agent reports: a probe scans its network, a lightweight agent its own host.
    pub enum AgentKind ("agent kind") {
        Probe = "probe", "Probe";
        Lightweight = "lightweight", "Lightweight";
    }
}

vocabulary! {
    /// How an asset came to be known.
    pub enum AssetSource ("asset source") {
        /// Found on the network by a probe agent.
        ProbeDiscovered = "probe_discovered", "Probe discovered";
        /// Internet-facing, reported by an external scan of the company.
        External = "external", "External";
        /// The host a lightweight agent runs on.
        AgentHost = "agent_host", "Agent host";
    }
}

vocabulary! {
    /// How bad a vulnerability is, worst first. `Info` is kept but never counted in totals.
    pub enum Severity ("severity") {
        Critical = "critical", "Critical";
        High = "high", "High";
        Medium = "medium", "Medium";
        Low = "low", "Low";
        Info = "info", "Info";
    }
}

vocabulary! {
    /// Whether a finding is still there.
    pub enum FindingStatus ("finding status") {
        Open = "open", "Open";
        Fixed = "fixed", "Fixed";
    }
}

impl Severity {
    /// Whether open findings of this severity count in the totals.
    pub fn is_counted(self) -> bool {
        self != Self::Info
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trips<T>(all: &[T])
    where
        T: Copy + PartialEq + fmt::Debug + FromStr<Err = String> + Serialize + fmt::Display,
    {
        for &value in all {
            assert_eq!(value.to_string().parse::<T>(), Ok(value));
            let json = serde_json::to_string(&value).expect("serialize");
            assert_eq!(json, format!("\"{value}\""), "serde spells it as stored");
        }
    }

    #[test]
    fn stored_spelling_round_trips_through_parse_and_serde() {
        round_trips(Severity::ALL);
        round_trips(AssetSource::ALL);
        round_trips(AgentKind::ALL);
        round_trips(FindingStatus::ALL);
    }

    #[test]
    fn unknown_values_name_what_was_expected() {
        let error = "severe".parse::<Severity>().expect_err("unknown");
        assert_eq!(
            error,
            "unknown severity \"severe\" (expected one of: critical, high, medium, low, info)"
        );
        assert!("Probe".parse::<AgentKind>().is_err(), "spelling is exact");
    }
}
