//! What every paginated, searchable table checks the same way: the search text and the page.

use crate::{Error, Result};
use portal_types::ParseError;

/// Longest search text accepted.
pub const MAX_SEARCH_CHARS: usize = 200;
/// Largest page.
pub const MAX_PER_PAGE: u64 = 100;

/// The trimmed search text, `None` when there is none; refused when too long.
pub fn search_text(search: Option<&str>) -> Result<Option<&str>> {
    match search.map(str::trim) {
        Some(text) if text.chars().count() > MAX_SEARCH_CHARS => Err(Error::Invalid(ParseError {
            field: "search",
            message: format!("Search text can be at most {MAX_SEARCH_CHARS} characters."),
        })),
        Some(text) if !text.is_empty() => Ok(Some(text)),
        _ => Ok(None),
    }
}

/// `per_page`, refused outside 1 to [`MAX_PER_PAGE`].
pub fn per_page(per_page: u64) -> Result<u64> {
    if per_page == 0 || per_page > MAX_PER_PAGE {
        return Err(Error::Invalid(ParseError {
            field: "page",
            message: format!("Pages hold 1 to {MAX_PER_PAGE} rows."),
        }));
    }
    Ok(per_page)
}

/// The offset of 1-based `page`, refusing page 0 and pages outside 1 to [`MAX_PER_PAGE`] rows.
pub fn offset(page: u64, per_page: u64) -> Result<u64> {
    if page == 0 || per_page == 0 || per_page > MAX_PER_PAGE {
        return Err(Error::Invalid(ParseError {
            field: "page",
            message: format!("Pages start at 1 and hold 1 to {MAX_PER_PAGE} rows."),
        }));
    }
    Ok((page - 1).saturating_mul(per_page))
}
