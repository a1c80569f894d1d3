//! The review queue and the adherence watch lists, filtered and paged in SQL.

use chrono::NaiveDate;
use sqlx::any::AnyRow;
use sqlx::Row;

use super::date;
use super::proposals::currency_of;
use crate::domain::money::Money;
use crate::domain::policy::Frequency;
use crate::domain::stage::Stage;
use crate::model::AgreementStatus;

/// The queue's filters, parsed.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub stage: Option<Stage>,
    pub min_balance_minor: Option<i64>,
    pub max_balance_minor: Option<i64>,
    /// Submitted at or before this instant (Unix ms).
    pub submitted_before: Option<i64>,
    pub flagged_only: bool,
    pub sort: Sort,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    Oldest,
    Risk,
    Amount,
}

/// A query argument of either type both backends bind alike.
pub(super) enum Arg {
    Int(i64),
    Text(String),
}

/// The WHERE clause and its arguments; numbered placeholders work on both backends.
fn where_clause(f: &Filter) -> (String, Vec<Arg>) {
    let mut clauses = vec!["p.status = 'pending'".to_owned()];
    let mut args = Vec::new();
    let mut push = |clause: &str, arg: Arg, args: &mut Vec<Arg>| {
        args.push(arg);
        clauses.push(clause.replace('?', &format!("${}", args.len())));
    };
    if let Some(stage) = f.stage {
        push("p.stage = ?", Arg::Text(stage.code().to_owned()), &mut args);
    }
    if let Some(min) = f.min_balance_minor {
        push("p.balance_minor >= ?", Arg::Int(min), &mut args);
    }
    if let Some(max) = f.max_balance_minor {
        push("p.balance_minor <= ?", Arg::Int(max), &mut args);
    }
    if let Some(before) = f.submitted_before {
        push("p.created_at <= ?", Arg::Int(before), &mut args);
    }
    if f.flagged_only {
        // The flag is stored as its serialised enum; only the exceeding variant has this name.
        push(
            "p.affordability LIKE ?",
            Arg::Text("%ExceedsDisposable%".into()),
            &mut args,
        );
    }
    (clauses.join(" AND "), args)
}

pub(super) fn bind_all<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    args: Vec<Arg>,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for arg in args {
        query = match arg {
            Arg::Int(v) => query.bind(v),
            Arg::Text(v) => query.bind(v),
        };
    }
    query
}

/// One queue row, before dates are put in the lender's zone.
pub struct QueueRow {
    pub proposal_id: i64,
    pub account_reference: String,
    pub lender_name: String,
    pub borrower_name: String,
    pub stage: Option<Stage>,
    pub dpd: u32,
    pub balance: Money,
    pub installments: u32,
    pub frequency: Frequency,
    pub created_at: i64,
    pub flagged: bool,
}

fn parse_row(row: &AnyRow) -> Result<QueueRow, sqlx::Error> {
    let currency = currency_of(row)?;
    let bad = |what: &str| sqlx::Error::Decode(format!("queue row has an invalid {what}").into());
    let stage: String = row.try_get("stage")?;
    let frequency: String = row.try_get("frequency")?;
    let affordability: String = row.try_get("affordability")?;
    Ok(QueueRow {
        proposal_id: row.try_get("id")?,
        account_reference: row.try_get("account_reference")?,
        lender_name: row.try_get("lender_name")?,
        borrower_name: row.try_get("full_name")?,
        stage: Stage::parse(&stage),
        dpd: u32::try_from(row.try_get::<i64, _>("dpd")?).map_err(|_| bad("dpd"))?,
        balance: Money::new(row.try_get("balance_minor")?, currency),
        installments: u32::try_from(row.try_get::<i64, _>("installments")?).map_err(|_| bad("installments"))?,
        frequency: Frequency::parse(&frequency).ok_or_else(|| bad("frequency"))?,
        created_at: row.try_get("created_at")?,
        flagged: affordability.contains("ExceedsDisposable"),
    })
}

/// One page of pending proposals and how many match in all.
pub async fn pending<'c, E>(
    executor: E,
    f: &Filter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<QueueRow>, i64), sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any> + Copy,
{
    let (clause, args) = where_clause(f);
    let order = match f.sort {
        Sort::Oldest => "p.created_at ASC, p.dpd DESC, p.id ASC",
        Sort::Risk => "p.dpd DESC, p.created_at ASC, p.id ASC",
        Sort::Amount => "p.balance_minor DESC, p.created_at ASC, p.id ASC",
    };
    let n = args.len();
    let sql = format!(
        "SELECT p.id, a.reference AS account_reference, a.lender_name, u.full_name, p.stage, p.dpd, p.currency, \
         p.balance_minor, p.installments, p.frequency, p.affordability, p.created_at \
         FROM proposals p JOIN accounts a ON a.id = p.account_id JOIN users u ON u.id = p.borrower_id \
         WHERE {clause} ORDER BY {order} LIMIT ${} OFFSET ${}",
        n + 1,
        n + 2
    );
    let (count_clause, count_args) = where_clause(f);
    let rows = bind_all(sqlx::query(&sql), args)
        .bind(limit)
        .bind(offset)
        .fetch_all(executor)
        .await?;
    let count_sql = format!("SELECT COUNT(*) AS n FROM proposals p WHERE {count_clause}");
    let total: i64 = bind_all(sqlx::query(&count_sql), count_args)
        .fetch_one(executor)
        .await?
        .try_get("n")?;
    Ok((rows.iter().map(parse_row).collect::<Result<_, _>>()?, total))
}

const WATCH_COLUMNS: &str = "ag.reference, a.reference AS account_reference, u.full_name, ag.status, ag.currency, \
    (SELECT CAST(SUM(i.amount_minor - i.paid_minor) AS BIGINT) FROM agreement_installments i WHERE i.agreement_id = ag.id) AS remaining, \
    (SELECT MIN(i.due_date) FROM agreement_installments i WHERE i.agreement_id = ag.id AND i.paid_minor < i.amount_minor) AS next_due \
    FROM agreements ag JOIN accounts a ON a.id = ag.account_id JOIN users u ON u.id = ag.borrower_id";

pub struct WatchRow {
    pub reference: String,
    pub account_reference: String,
    pub borrower_name: String,
    pub status: AgreementStatus,
    pub next_due: Option<NaiveDate>,
    pub remaining: Money,
}

fn parse_watch(row: &AnyRow) -> Result<WatchRow, sqlx::Error> {
    let currency = currency_of(row)?;
    let status: String = row.try_get("status")?;
    let next_due: Option<String> = row.try_get("next_due")?;
    Ok(WatchRow {
        reference: row.try_get("reference")?,
        account_reference: row.try_get("account_reference")?,
        borrower_name: row.try_get("full_name")?,
        status: AgreementStatus::parse(&status)
            .ok_or_else(|| sqlx::Error::Decode("agreement has an invalid status".into()))?,
        next_due: next_due.as_deref().map(date).transpose()?,
        remaining: Money::new(row.try_get::<Option<i64>, _>("remaining")?.unwrap_or(0), currency),
    })
}

/// Active agreements with an unpaid installment due between `from` and `to` (inclusive).
pub async fn at_risk<'c, E>(
    executor: E,
    from: NaiveDate,
    to: NaiveDate,
    limit: i64,
) -> Result<Vec<WatchRow>, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let rows = sqlx::query(&format!(
        "SELECT {WATCH_COLUMNS} WHERE ag.status = 'active' AND EXISTS (SELECT 1 FROM agreement_installments i \
         WHERE i.agreement_id = ag.id AND i.paid_minor < i.amount_minor AND i.due_date >= $1 AND i.due_date <= $2) \
         ORDER BY next_due, ag.id LIMIT $3"
    ))
    .bind(from.to_string())
    .bind(to.to_string())
    .bind(limit)
    .fetch_all(executor)
    .await?;
    rows.iter().map(parse_watch).collect()
}

pub async fn broken<'c, E>(executor: E, limit: i64) -> Result<Vec<WatchRow>, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let rows = sqlx::query(&format!(
        "SELECT {WATCH_COLUMNS} WHERE ag.status = 'broken' ORDER BY ag.updated_at DESC, ag.id DESC LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(executor)
    .await?;
    rows.iter().map(parse_watch).collect()
}

/// Active agreements with more unpaid installments due before `missed_before` than tolerated.
pub async fn beyond_tolerance<'c, E>(
    executor: E,
    missed_before: NaiveDate,
    tolerance: u32,
) -> Result<Vec<(i64, i64, String)>, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query_as(
        "SELECT ag.id, ag.account_id, ag.reference FROM agreements ag JOIN agreement_installments i ON i.agreement_id = ag.id \
         WHERE ag.status = 'active' AND i.paid_minor < i.amount_minor AND i.due_date < $1 \
         GROUP BY ag.id, ag.account_id, ag.reference HAVING COUNT(*) > $2",
    )
    .bind(missed_before.to_string())
    .bind(i64::from(tolerance))
    .fetch_all(executor)
    .await
}
