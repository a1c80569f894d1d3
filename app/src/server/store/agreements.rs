//! Agreements: immutable terms and schedule (installment 0 is the down payment), written once.

use rand::Rng;
use sqlx::any::AnyRow;
use sqlx::Row;

use super::proposals::{currency_of, terms_from};
use super::{date, parameter_rows};
use crate::domain::money::Money;
use crate::domain::schedule::Schedule;
use crate::model::{AgreementOrigin, AgreementStatus, PlanTerms};
use crate::server::db::{now_ms, Db};

#[derive(Clone, Debug)]
pub struct AgreementRow {
    pub id: i64,
    pub reference: String,
    pub account_id: i64,
    pub borrower_id: i64,
    pub proposal_id: i64,
    pub origin: AgreementOrigin,
    pub status: AgreementStatus,
    pub total: Money,
    pub terms: PlanTerms,
    pub policy_version: String,
    pub accepted_at: i64,
}

/// One scheduled payment with what has been paid against it.
#[derive(Clone, Debug)]
pub struct InstallmentRow {
    pub number: u32,
    pub due: chrono::NaiveDate,
    pub amount: Money,
    pub paid: Money,
}

pub(super) const COLUMNS: &str =
    "id, reference, account_id, borrower_id, proposal_id, origin, status, currency, total_minor, \
    down_payment_minor, installments, frequency, first_payment_date, policy_version, accepted_at";

fn decode_err(what: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("stored agreement has an invalid {what}").into())
}

pub(super) fn parse(row: &AnyRow) -> Result<AgreementRow, sqlx::Error> {
    let currency = currency_of(row)?;
    let origin: String = row.try_get("origin")?;
    let status: String = row.try_get("status")?;
    Ok(AgreementRow {
        id: row.try_get("id")?,
        reference: row.try_get("reference")?,
        account_id: row.try_get("account_id")?,
        borrower_id: row.try_get("borrower_id")?,
        proposal_id: row.try_get("proposal_id")?,
        origin: AgreementOrigin::parse(&origin).ok_or_else(|| decode_err("origin"))?,
        status: AgreementStatus::parse(&status).ok_or_else(|| decode_err("status"))?,
        total: Money::new(row.try_get("total_minor")?, currency),
        terms: terms_from(row, currency)?,
        policy_version: row.try_get("policy_version")?,
        accepted_at: row.try_get("accepted_at")?,
    })
}

/// A reference a person can read out on the phone: AG-YYYYMMDD-XXXXXX (no 0/O, 1/I).
pub(super) fn new_reference(today: chrono::NaiveDate) -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let mut rng = rand::thread_rng();
    let code: String = (0..6)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    format!("AG-{}-{code}", today.format("%Y%m%d"))
}

pub struct NewAgreement<'a> {
    pub account_id: i64,
    pub borrower_id: i64,
    pub proposal_id: i64,
    pub origin: AgreementOrigin,
    pub terms: &'a PlanTerms,
    pub schedule: &'a Schedule,
    pub policy_version: &'a str,
    pub accepted_by: i64,
    pub today: chrono::NaiveDate,
}

/// The schedule as stored: number (0 for the down payment), due date and amount.
pub(super) fn installment_rows(schedule: &Schedule) -> Vec<(u32, chrono::NaiveDate, Money)> {
    let down = schedule.down_payment.iter().map(|d| (0u32, d.due, d.amount));
    let regular = schedule.installments.iter().map(|i| (i.number, i.due, i.amount));
    down.chain(regular).collect()
}

/// An agreement's columns as every insert writes them, followed by its values or a SELECT.
pub(super) const INSERT_INTO_AGREEMENTS: &str =
    "INSERT INTO agreements (reference, account_id, borrower_id, proposal_id, origin, status, currency, total_minor, \
     down_payment_minor, installments, frequency, first_payment_date, policy_version, accepted_by, accepted_at, updated_at)";
/// A schedule's columns as every insert writes them.
pub(super) const INSERT_INTO_INSTALLMENTS: &str =
    "INSERT INTO agreement_installments (agreement_id, number, due_date, amount_minor)";
const AGREEMENT_VALUES: &str = "VALUES ($1, $2, $3, $4, $5, 'active', $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";
/// How many parameters `AGREEMENT_VALUES` takes.
const AGREEMENT_PARAMS: usize = 15;

/// Writes the agreement and its schedule; call inside the transaction that decided it.
/// On PostgreSQL both go in one statement (one round trip);
/// SQLite, without INSERT in a WITH clause, takes two.
pub async fn insert(tx: &mut crate::server::db::Tx, a: &NewAgreement<'_>) -> Result<String, sqlx::Error> {
    let now = now_ms();
    let reference = new_reference(a.today);
    let installments = installment_rows(a.schedule);
    let postgres = tx.backend_name() == "PostgreSQL";
    let sql = if postgres {
        format!(
            "WITH agreement AS ({INSERT_INTO_AGREEMENTS} {AGREEMENT_VALUES} RETURNING id) \
             {INSERT_INTO_INSTALLMENTS} \
             SELECT agreement.id, v.number, v.due_date, v.amount_minor FROM agreement, \
             (VALUES {}) AS v (number, due_date, amount_minor)",
            parameter_rows(AGREEMENT_PARAMS + 1, installments.len(), 3)
        )
    } else {
        format!("{INSERT_INTO_AGREEMENTS} {AGREEMENT_VALUES} RETURNING id")
    };
    let mut statement = sqlx::query(&sql)
        .bind(&reference)
        .bind(a.account_id)
        .bind(a.borrower_id)
        .bind(a.proposal_id)
        .bind(a.origin.code())
        .bind(a.schedule.total.currency.code())
        .bind(a.schedule.total.minor)
        .bind(a.terms.down_payment.minor)
        .bind(i64::from(a.terms.installments))
        .bind(a.terms.frequency.code())
        .bind(a.terms.first_payment_date.to_string())
        .bind(a.policy_version)
        .bind(a.accepted_by)
        .bind(now)
        .bind(now);
    if postgres {
        for (number, due, amount) in &installments {
            statement = statement
                .bind(i64::from(*number))
                .bind(due.to_string())
                .bind(amount.minor);
        }
        statement.execute(&mut **tx).await?;
        return Ok(reference);
    }
    let id: i64 = statement.fetch_one(&mut **tx).await?.try_get("id")?;
    // The whole schedule in one statement: a submission holds the write lock while it runs.
    let sql = format!(
        "{INSERT_INTO_INSTALLMENTS} VALUES {}",
        parameter_rows(1, installments.len(), 4)
    );
    let mut insert = sqlx::query(&sql);
    for (number, due, amount) in installments {
        insert = insert
            .bind(id)
            .bind(i64::from(number))
            .bind(due.to_string())
            .bind(amount.minor);
    }
    insert.execute(&mut **tx).await?;
    Ok(reference)
}

pub async fn by_reference(db: &Db, reference: &str) -> Result<Option<AgreementRow>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM agreements WHERE reference = $1"))
        .bind(reference)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(parse).transpose()
}

pub async fn by_proposal<'c, E>(executor: E, proposal_id: i64) -> Result<Option<AgreementRow>, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM agreements WHERE proposal_id = $1"))
        .bind(proposal_id)
        .fetch_optional(executor)
        .await?;
    row.as_ref().map(parse).transpose()
}

pub async fn for_account<'c, E>(executor: E, account_id: i64) -> Result<Vec<AgreementRow>, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM agreements WHERE account_id = $1 ORDER BY id DESC"
    ))
    .bind(account_id)
    .fetch_all(executor)
    .await?;
    rows.iter().map(parse).collect()
}

pub async fn active_for_account<'c, E>(executor: E, account_id: i64) -> Result<Option<String>, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query_scalar("SELECT reference FROM agreements WHERE account_id = $1 AND status = 'active'")
        .bind(account_id)
        .fetch_optional(executor)
        .await
}

pub async fn installments(db: &Db, agreement: &AgreementRow) -> Result<Vec<InstallmentRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT number, due_date, amount_minor, paid_minor FROM agreement_installments WHERE agreement_id = $1 ORDER BY number",
    )
    .bind(agreement.id)
    .fetch_all(&db.pool)
    .await?;
    let currency = agreement.total.currency;
    rows.iter().map(|r| installment_from(r, currency)).collect()
}

/// One `agreement_installments` row (number, due_date, amount_minor, paid_minor), parsed.
pub(super) fn installment_from(
    row: &AnyRow,
    currency: crate::domain::money::Currency,
) -> Result<InstallmentRow, sqlx::Error> {
    let number: i64 = row.try_get("number")?;
    Ok(InstallmentRow {
        number: u32::try_from(number).map_err(|_| decode_err("installment number"))?,
        due: date(&row.try_get::<String, _>("due_date")?)?,
        amount: Money::new(row.try_get("amount_minor")?, currency),
        paid: Money::new(row.try_get("paid_minor")?, currency),
    })
}
