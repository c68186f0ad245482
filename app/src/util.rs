//! Small helpers shared by pages.

/// A time as the portal shows it: minutes, in UTC. Written out by hand rather than with a
/// `strftime` pattern, whose parser and formatter would otherwise ship in the WASM of every
/// island that shows a time.
pub fn when(at: &chrono::DateTime<chrono::Utc>) -> String {
    use chrono::{Datelike, Timelike};
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        at.year(),
        at.month(),
        at.day(),
        at.hour(),
        at.minute()
    )
}

/// Percent-encodes a query-string value (everything but unreserved characters and `/`).
pub fn encode_query_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// `params` as the query part of an address: empty, or `?` and the pairs, each encoded by
/// [`encode_query_value`] (so `assets_sort=last_seen` reads as written).
pub fn query_string(params: &leptos_router::params::ParamsMap) -> String {
    let pairs: Vec<String> = params
        .into_iter()
        .map(|(key, value)| format!("{}={}", encode_query_value(key), encode_query_value(value)))
        .collect();
    if pairs.is_empty() {
        String::new()
    } else {
        format!("?{}", pairs.join("&"))
    }
}

/// The route's `:id`, as a number. Not a number gives 0, an id nothing has, so the page says
/// "not found" as for any other id out of reach.
pub fn use_id_param() -> leptos::prelude::Memo<i64> {
    use_number_param("id")
}

/// The route's `name` parameter as a number; 0 (found nowhere) when it is not one.
pub fn use_number_param(name: &'static str) -> leptos::prelude::Memo<i64> {
    use leptos::prelude::*;
    let params = leptos_router::hooks::use_params_map();
    Memo::new(move |_| {
        params.with(|p| {
            p.get(name)
                .and_then(|raw| raw.parse::<i64>().ok())
                .unwrap_or(0)
        })
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn times_read_to_the_minute_in_utc() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-03-04T05:06:59+02:00")
            .expect("valid")
            .with_timezone(&chrono::Utc);
        assert_eq!(super::when(&at), "2026-03-04 03:06 UTC");
    }

    #[test]
    fn encodes_reserved_characters() {
        assert_eq!(
            super::encode_query_value("/mssp/settings?a=1&b"),
            "/mssp/settings%3Fa%3D1%26b"
        );
        assert_eq!(super::encode_query_value("é"), "%C3%A9");
    }

    #[test]
    fn query_strings_keep_plain_names_readable() {
        let mut params = leptos_router::params::ParamsMap::new();
        assert_eq!(super::query_string(&params), "");
        params.insert("assets_sort", "last_seen".to_owned());
        params.insert("q", "a&b c".to_owned());
        assert_eq!(
            super::query_string(&params),
            "?assets_sort=last_seen&q=a%26b%20c"
        );
    }
}
