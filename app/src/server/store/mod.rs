//! Queries, one file per table family. Each function takes the pool or an open transaction;
//! multi-statement writes are composed by the services inside one transaction.

pub mod accounts;
pub mod agreements;
pub mod api_keys;
pub mod api_replies;
pub mod audit;
pub mod auth_failures;
pub mod counter_offers;
pub mod decisions;
pub mod exports;
pub mod first_access;
pub mod hardship;
pub mod imports;
pub mod lender_sync;
pub mod overview;
pub mod payments;
pub mod policies;
pub mod proposals;
pub mod queue;
pub mod submissions;
pub mod users;

/// Parses a stored ISO date; a malformed one is a storage fault, not user input.
pub(crate) fn date(text: &str) -> Result<chrono::NaiveDate, sqlx::Error> {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// `($first, $first+1, …), (…)`: `rows` tuples of `width` numbered parameters.
pub(super) fn parameter_rows(first: usize, rows: usize, width: usize) -> String {
    (0..rows)
        .map(|row| {
            let params = (0..width).map(|col| format!("${}", first + row * width + col));
            format!("({})", params.collect::<Vec<_>>().join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}
