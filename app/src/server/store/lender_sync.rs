//! What a lender's system reads back: proposals and agreements in the order they last changed,
//! (updated_at, id), so a client can page through everything and later ask only for what changed.

use sqlx::Row;

use super::agreements::{self, AgreementRow, InstallmentRow};
use super::proposals::{self, ProposalRow};
use super::queue::{bind_all, Arg};
use crate::server::db::Db;

/// Where a page starts: just after the row last seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub updated_at: i64,
    pub id: i64,
}

/// The filters, parsed; `status` is a stored status code.
#[derive(Clone, Debug, Default)]
pub struct SyncFilter {
    pub status: Option<&'static str>,
    pub account_reference: Option<String>,
    /// Only rows changed at or after this instant (Unix ms).
    pub updated_since: Option<i64>,
    pub after: Option<Position>,
    pub limit: u32,
}

pub struct SyncedProposal {
    pub proposal: ProposalRow,
    pub account_reference: String,
    pub agreement_reference: Option<String>,
    pub updated_at: i64,
}

pub struct SyncedAgreement {
    pub agreement: AgreementRow,
    pub account_reference: String,
    pub installments: Vec<InstallmentRow>,
    pub updated_at: i64,
}

/// `table.col` for every column of a row type, so joined tables cannot make names ambiguous.
fn qualified(table: &str, columns: &str) -> String {
    columns
        .split(',')
        .map(|c| format!("{table}.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The WHERE clause shared by both lists, over the alias `t` of the listed table.
fn where_clause(filter: &SyncFilter) -> (String, Vec<Arg>) {
    let mut clauses = vec!["1 = 1".to_owned()];
    let mut args = Vec::new();
    let mut push = |clause: &str, values: Vec<Arg>, args: &mut Vec<Arg>| {
        let mut clause = clause.to_owned();
        for value in values {
            args.push(value);
            clause = clause.replacen('?', &format!("${}", args.len()), 1);
        }
        clauses.push(clause);
    };
    if let Some(status) = filter.status {
        push("t.status = ?", vec![Arg::Text(status.to_owned())], &mut args);
    }
    if let Some(reference) = &filter.account_reference {
        push("a.reference = ?", vec![Arg::Text(reference.clone())], &mut args);
    }
    if let Some(since) = filter.updated_since {
        push("t.updated_at >= ?", vec![Arg::Int(since)], &mut args);
    }
    if let Some(after) = filter.after {
        push(
            "(t.updated_at > ? OR (t.updated_at = ? AND t.id > ?))",
            vec![
                Arg::Int(after.updated_at),
                Arg::Int(after.updated_at),
                Arg::Int(after.id),
            ],
            &mut args,
        );
    }
    args.push(Arg::Int(i64::from(filter.limit)));
    let sql = format!(
        "{} ORDER BY t.updated_at, t.id LIMIT ${}",
        clauses.join(" AND "),
        args.len()
    );
    (sql, args)
}

pub async fn proposals(db: &Db, filter: &SyncFilter) -> Result<Vec<SyncedProposal>, sqlx::Error> {
    let (clause, args) = where_clause(filter);
    let sql = format!(
        "SELECT {}, t.updated_at AS sync_updated_at, a.reference AS account_reference, \
         ag.reference AS agreement_reference \
         FROM proposals t JOIN accounts a ON a.id = t.account_id LEFT JOIN agreements ag ON ag.proposal_id = t.id \
         WHERE {clause}",
        qualified("t", proposals::COLUMNS)
    );
    let rows = bind_all(sqlx::query(&sql), args).fetch_all(&db.pool).await?;
    rows.iter()
        .map(|row| {
            Ok(SyncedProposal {
                proposal: proposals::parse(row)?,
                account_reference: row.try_get("account_reference")?,
                agreement_reference: row.try_get("agreement_reference")?,
                updated_at: row.try_get("sync_updated_at")?,
            })
        })
        .collect()
}

pub async fn agreements(db: &Db, filter: &SyncFilter) -> Result<Vec<SyncedAgreement>, sqlx::Error> {
    let (clause, args) = where_clause(filter);
    let sql = format!(
        "SELECT {}, t.updated_at AS sync_updated_at, a.reference AS account_reference \
         FROM agreements t JOIN accounts a ON a.id = t.account_id WHERE {clause}",
        qualified("t", agreements::COLUMNS)
    );
    let rows = bind_all(sqlx::query(&sql), args).fetch_all(&db.pool).await?;
    let mut page = rows
        .iter()
        .map(|row| {
            Ok(SyncedAgreement {
                agreement: agreements::parse(row)?,
                account_reference: row.try_get("account_reference")?,
                installments: Vec::new(),
                updated_at: row.try_get("sync_updated_at")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    if page.is_empty() {
        return Ok(page);
    }
    // Every schedule of the page in one query rather than one per agreement.
    let placeholders: Vec<String> = (1..=page.len()).map(|n| format!("${n}")).collect();
    let sql = format!(
        "SELECT agreement_id, number, due_date, amount_minor, paid_minor FROM agreement_installments \
         WHERE agreement_id IN ({}) ORDER BY agreement_id, number",
        placeholders.join(", ")
    );
    let ids = page.iter().map(|s| Arg::Int(s.agreement.id)).collect();
    let rows = bind_all(sqlx::query(&sql), ids).fetch_all(&db.pool).await?;
    for row in &rows {
        let agreement_id: i64 = row.try_get("agreement_id")?;
        let Some(synced) = page.iter_mut().find(|s| s.agreement.id == agreement_id) else {
            continue;
        };
        let currency = synced.agreement.total.currency;
        synced.installments.push(agreements::installment_from(row, currency)?);
    }
    Ok(page)
}
