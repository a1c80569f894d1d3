//! Everything a borrower's overview shows: their accounts, the proposals and agreements on
//! them, and each account's latest hardship report, read in one round trip on SQLite.

use std::collections::HashMap;

use futures_util::TryStreamExt;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Either};

use super::accounts::{self, AccountRow};
use super::agreements::{self, AgreementRow};
use super::hardship;
use super::proposals::{self, ProposalRow};
use crate::model::HardshipRecord;

pub struct BorrowerRecords {
    /// Most overdue first.
    pub accounts: Vec<AccountRow>,
    /// Newest first.
    pub proposals: Vec<ProposalRow>,
    /// Newest first.
    pub agreements: Vec<AgreementRow>,
    /// The latest report per account.
    pub hardship: HashMap<i64, HardshipRecord>,
}

pub async fn for_borrower(
    conn: &mut AnyConnection,
    borrower_id: i64,
    zone: chrono_tz::Tz,
) -> Result<BorrowerRecords, sqlx::Error> {
    let on_their_accounts = |columns: &str, table: &str, order: &str| {
        format!(
            "SELECT {columns} FROM {table} \
             WHERE account_id IN (SELECT id FROM accounts WHERE borrower_id = $1) ORDER BY {order}"
        )
    };
    let statements = [
        format!(
            "SELECT {} FROM accounts WHERE borrower_id = $1 ORDER BY oldest_unpaid_due, id",
            accounts::COLUMNS
        ),
        on_their_accounts(proposals::COLUMNS, "proposals", "id DESC"),
        on_their_accounts(agreements::COLUMNS, "agreements", "id DESC"),
        // Oldest first, so each account's latest comes last.
        on_their_accounts(hardship::COLUMNS, "hardship_reports", "id"),
    ];
    let [account_rows, proposal_rows, agreement_rows, hardship_rows] =
        rows_of_each(conn, statements, borrower_id).await?;
    Ok(BorrowerRecords {
        accounts: account_rows.iter().map(accounts::parse).collect::<Result<_, _>>()?,
        proposals: proposal_rows.iter().map(proposals::parse).collect::<Result<_, _>>()?,
        agreements: agreement_rows.iter().map(agreements::parse).collect::<Result<_, _>>()?,
        hardship: hardship::latest_per_account(&hardship_rows, zone)?,
    })
}

/// The rows of each of `statements`, which take one parameter, `$1`. SQLite runs them as one
/// query: one hand-off to its connection thread instead of one each (this relies on the sqlx
/// behaviour `submissions` describes). PostgreSQL takes no parameters in a query of several
/// statements, so it runs them in turn.
async fn rows_of_each<const N: usize>(
    conn: &mut AnyConnection,
    statements: [String; N],
    param: i64,
) -> Result<[Vec<AnyRow>; N], sqlx::Error> {
    let mut each: [Vec<AnyRow>; N] = std::array::from_fn(|_| Vec::new());
    if conn.backend_name() == "PostgreSQL" {
        for (sql, rows) in statements.iter().zip(each.iter_mut()) {
            *rows = sqlx::query(sql).bind(param).fetch_all(&mut *conn).await?;
        }
        return Ok(each);
    }
    let joined = statements.join(";\n");
    // A statement's end arrives as its result, after its rows.
    #[allow(deprecated)]
    let mut steps = sqlx::query(&joined).bind(param).fetch_many(&mut *conn);
    let mut ended = 0;
    while let Some(step) = steps.try_next().await? {
        match step {
            Either::Left(_) => ended += 1,
            Either::Right(row) => each
                .get_mut(ended)
                .ok_or_else(|| sqlx::Error::Protocol("a row after the last statement ended".into()))?
                .push(row),
        }
    }
    if ended != N {
        return Err(sqlx::Error::Protocol(format!("{ended} of {N} statements ended")));
    }
    Ok(each)
}
