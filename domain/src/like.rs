//! Text search with SQL `LIKE`, the same on SQLite and PostgreSQL: the user's `%` and `_` are
//! taken literally.

use sea_orm::sea_query::{Expr, ExprTrait, Func, IntoColumnRef, LikeExpr};

/// The escape character: not a backslash, whose quoting differs between engines.
const ESCAPE: char = '!';

/// `text` with LIKE's wildcards (and the escape character) taken literally.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | ESCAPE) {
            escaped.push(ESCAPE);
        }
        escaped.push(c);
    }
    escaped
}

/// `column` contains `text`, case-insensitively (`LOWER(column) LIKE '%text%'`).
pub(crate) fn contains(column: impl IntoColumnRef, text: &str) -> Expr {
    let pattern = format!("%{}%", escape(&text.to_lowercase()));
    Expr::expr(Func::lower(Expr::col(column))).like(LikeExpr::new(pattern).escape(ESCAPE))
}

/// `column` starts with `text`, exactly.
pub(crate) fn starts_with(column: impl IntoColumnRef, text: &str) -> Expr {
    Expr::col(column).like(LikeExpr::new(format!("{}%", escape(text))).escape(ESCAPE))
}

#[cfg(test)]
mod tests {
    #[test]
    fn wildcards_are_taken_literally() {
        assert_eq!(super::escape("50%_off!"), "50!%!_off!!");
        assert_eq!(super::escape("plain"), "plain");
    }
}
