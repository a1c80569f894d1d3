//! Every agreement and every payment, flat, for the collectors' CSV exports.

use sqlx::any::AnyRow;
use sqlx::Row;

use super::proposals::currency_of;
use crate::domain::money::Money;

pub struct AgreementLine {
    pub reference: String,
    pub account_reference: String,
    pub borrower_name: String,
    pub status: String,
    pub origin: String,
    pub total: Money,
    pub paid: Money,
    pub down_payment: Money,
    pub installments: i64,
    pub frequency: String,
    pub first_payment_date: String,
    pub policy_version: String,
    pub accepted_at: i64,
}

pub struct PaymentLine {
    pub id: i64,
    pub agreement_reference: String,
    pub account_reference: String,
    pub borrower_name: String,
    pub amount: Money,
    pub paid_on: String,
    pub external_ref: Option<String>,
    pub source: String,
    pub recorded_by: Option<String>,
    pub created_at: i64,
}

fn agreement_line(r: &AnyRow) -> Result<AgreementLine, sqlx::Error> {
    let currency = currency_of(r)?;
    Ok(AgreementLine {
        reference: r.try_get("reference")?,
        account_reference: r.try_get("account_reference")?,
        borrower_name: r.try_get("full_name")?,
        status: r.try_get("status")?,
        origin: r.try_get("origin")?,
        total: Money::new(r.try_get("total_minor")?, currency),
        paid: Money::new(r.try_get("paid_minor")?, currency),
        down_payment: Money::new(r.try_get("down_payment_minor")?, currency),
        installments: r.try_get("installments")?,
        frequency: r.try_get("frequency")?,
        first_payment_date: r.try_get("first_payment_date")?,
        policy_version: r.try_get("policy_version")?,
        accepted_at: r.try_get("accepted_at")?,
    })
}

/// All agreements, oldest first, with what has been paid on each.
pub async fn agreements(pool: &sqlx::AnyPool) -> Result<Vec<AgreementLine>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT g.reference, c.reference AS account_reference, u.full_name, g.status, g.origin, g.currency, \
         g.total_minor, g.down_payment_minor, g.installments, g.frequency, g.first_payment_date, g.policy_version, \
         g.accepted_at, (SELECT COALESCE(SUM(i.paid_minor), 0) FROM agreement_installments i WHERE i.agreement_id = g.id) AS paid_minor \
         FROM agreements g JOIN accounts c ON c.id = g.account_id JOIN users u ON u.id = g.borrower_id ORDER BY g.id",
    )
    .fetch_all(pool)
    .await?;
    rows.iter().map(agreement_line).collect()
}

/// All payments, oldest first.
pub async fn payments(pool: &sqlx::AnyPool) -> Result<Vec<PaymentLine>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT p.id, g.reference, c.reference AS account_reference, b.full_name AS borrower_name, g.currency, \
         p.amount_minor, p.paid_on, p.external_ref, p.source, r.full_name AS recorded_by, p.created_at \
         FROM payments p JOIN agreements g ON g.id = p.agreement_id JOIN accounts c ON c.id = g.account_id \
         JOIN users b ON b.id = g.borrower_id LEFT JOIN users r ON r.id = p.recorded_by ORDER BY p.id",
    )
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(PaymentLine {
                id: r.try_get("id")?,
                agreement_reference: r.try_get("reference")?,
                account_reference: r.try_get("account_reference")?,
                borrower_name: r.try_get("borrower_name")?,
                amount: Money::new(r.try_get("amount_minor")?, currency_of(r)?),
                paid_on: r.try_get("paid_on")?,
                external_ref: r.try_get("external_ref")?,
                source: r.try_get("source")?,
                recorded_by: r.try_get("recorded_by")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}
