//! Small helpers shared by pages.

/// A time as the portal shows it: minutes, in UTC.
pub fn when(at: &chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
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
    fn encodes_reserved_characters() {
        assert_eq!(
            super::encode_query_value("/mssp/settings?a=1&b"),
            "/mssp/settings%3Fa%3D1%26b"
        );
        assert_eq!(super::encode_query_value("é"), "%C3%A9");
    }
}
