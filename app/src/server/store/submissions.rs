//! What a borrower's plan submission writes: the proposal, its agreement and schedule when the
//! plan is accepted on the spot, and the audit entries, in the caller's write transaction.
//!
//! On a SQLite file every submission queues for the one writer, so its writes go as one
//! multi-statement round trip instead of four (each round trip is a hand-off to SQLite's
//! connection thread and back, during which the writer waits for nothing else). The statements
//! find the new proposal by its borrower and idempotency key, which are unique together.
//! PostgreSQL, where writers do not queue for one connection, takes them one at a time.

use sqlx::Row;

use super::agreements::{self, NewAgreement};
use super::audit::{self, Actor, Entry};
use super::parameter_rows;
use super::proposals::{self, NewProposal};
use crate::domain::schedule::Schedule;
use crate::model::{AgreementOrigin, CurrentUser};
use crate::server::db::{now_ms, Tx};
use crate::server::Viewer;

/// The agreement of a plan accepted on the spot.
pub struct Accepted<'a> {
    pub schedule: &'a Schedule,
    pub today: chrono::NaiveDate,
}

/// What was recorded; `None` from `record` when the account was blocked meanwhile.
pub struct Recorded {
    pub proposal_id: i64,
    /// The agreement's reference, when the plan was accepted on the spot.
    pub agreement: Option<String>,
}

/// Records the proposal, the agreement when `accepted`, and the audit entries (`submitted` is
/// the submission's detail, to which the proposal id is added). `None`, with nothing to keep,
/// when the account already has a pending proposal or an active agreement: the caller drops
/// the transaction. A unique violation means a copy of this request committed first.
pub async fn record(
    tx: &mut Tx,
    viewer: &Viewer,
    borrower: &CurrentUser,
    proposal: &NewProposal<'_>,
    accepted: Option<&Accepted<'_>>,
    submitted: serde_json::Value,
) -> Result<Option<Recorded>, sqlx::Error> {
    if tx.backend_name() == "PostgreSQL" {
        record_in_turn(tx, viewer, borrower, proposal, accepted, submitted).await
    } else {
        record_at_once(tx, viewer, borrower, proposal, accepted, submitted).await
    }
}

fn entries<'a>(
    submitted: serde_json::Value,
    account_id: i64,
    proposal_id: Option<i64>,
    agreement: Option<&str>,
) -> Vec<Entry<'a>> {
    let with_id = |mut detail: serde_json::Value| {
        if let (Some(id), Some(fields)) = (proposal_id, detail.as_object_mut()) {
            fields.insert("proposal_id".into(), id.into());
        }
        detail
    };
    let subject_id = account_id.to_string();
    let mut entries = vec![Entry {
        action: "proposal.submitted",
        subject_kind: "account",
        subject_id: subject_id.clone(),
        detail: with_id(submitted),
    }];
    if let Some(reference) = agreement {
        entries.push(Entry {
            action: "agreement.recorded",
            subject_kind: "account",
            subject_id,
            detail: with_id(
                serde_json::json!({ "reference": reference, "origin": AgreementOrigin::SelfService.code() }),
            ),
        });
    }
    entries
}

/// PostgreSQL: one statement after the other, each knowing the ids before it.
async fn record_in_turn(
    tx: &mut Tx,
    viewer: &Viewer,
    borrower: &CurrentUser,
    proposal: &NewProposal<'_>,
    accepted: Option<&Accepted<'_>>,
    submitted: serde_json::Value,
) -> Result<Option<Recorded>, sqlx::Error> {
    let inserted: Option<i64> = proposals::bind_new(sqlx::query(proposals::INSERT_UNLESS_BLOCKED), proposal, now_ms())?
        .fetch_optional(&mut **tx)
        .await?
        .map(|row| row.try_get("id"))
        .transpose()?;
    let Some(proposal_id) = inserted else {
        return Ok(None);
    };
    let agreement = match accepted {
        Some(accepted) => {
            let agreement = NewAgreement {
                account_id: proposal.account_id,
                borrower_id: proposal.borrower_id,
                proposal_id,
                origin: AgreementOrigin::SelfService,
                terms: proposal.terms,
                schedule: accepted.schedule,
                policy_version: proposal.policy_version,
                accepted_by: borrower.id,
                today: accepted.today,
            };
            Some(agreements::insert(tx, &agreement).await?)
        }
        None => None,
    };
    let entries = entries(submitted, proposal.account_id, Some(proposal_id), agreement.as_deref());
    audit::append_all(&mut **tx, viewer, Some(borrower), &entries).await?;
    Ok(Some(Recorded { proposal_id, agreement }))
}

/// SQLite: every statement in one round trip. The agreement copies its terms from the proposal
/// row the first statement inserted (`changes()` is 0 when it inserted none), the schedule and
/// the audit entries find their rows by the agreement's reference and the idempotency key.
async fn record_at_once(
    tx: &mut Tx,
    viewer: &Viewer,
    borrower: &CurrentUser,
    proposal: &NewProposal<'_>,
    accepted: Option<&Accepted<'_>>,
    submitted: serde_json::Value,
) -> Result<Option<Recorded>, sqlx::Error> {
    const REFERENCE: usize = 22;
    const TOTAL: usize = 23;
    const FIRST_INSTALLMENT: usize = 24;
    let now = now_ms();
    let mut sql = format!("{};\n", proposals::INSERT_UNLESS_BLOCKED);
    let reference = accepted.map(|a| agreements::new_reference(a.today));
    let installments = accepted
        .map(|a| agreements::installment_rows(a.schedule))
        .unwrap_or_default();
    let mut next = REFERENCE;
    if accepted.is_some() {
        sql.push_str(&format!(
            "INSERT INTO agreements (reference, account_id, borrower_id, proposal_id, origin, status, currency, \
             total_minor, down_payment_minor, installments, frequency, first_payment_date, policy_version, accepted_by, \
             accepted_at, updated_at) \
             SELECT ${REFERENCE}, account_id, borrower_id, id, '{origin}', 'active', currency, ${TOTAL}, \
             down_payment_minor, installments, frequency, first_payment_date, policy_version, borrower_id, $21, $21 \
             FROM proposals WHERE id = last_insert_rowid() AND changes() = 1;\n\
             INSERT INTO agreement_installments (agreement_id, number, due_date, amount_minor) \
             SELECT a.id, v.column1, v.column2, v.column3 FROM agreements a, (VALUES {rows}) AS v \
             WHERE a.reference = ${REFERENCE};\n",
            origin = AgreementOrigin::SelfService.code(),
            rows = parameter_rows(FIRST_INSTALLMENT, installments.len(), 3),
        ));
        next = FIRST_INSTALLMENT + 3 * installments.len();
    }
    let entries = entries(submitted, proposal.account_id, None, reference.as_deref());
    sql.push_str(&audit::insert_sql(next, entries.len(), |detail| {
        format!(
            "json_set({detail}, '$.proposal_id', \
             (SELECT id FROM proposals WHERE borrower_id = $2 AND idempotency_key = $3))"
        )
    }));
    let mut query = proposals::bind_new(sqlx::query(&sql), proposal, now)?;
    if let (Some(reference), Some(accepted)) = (&reference, accepted) {
        query = query.bind(reference.clone()).bind(accepted.schedule.total.minor);
        for (number, due, amount) in &installments {
            query = query.bind(i64::from(*number)).bind(due.to_string()).bind(amount.minor);
        }
    }
    let query = audit::bind_entries(query, viewer, Actor::Person(borrower), &entries);
    // Only the proposal insert returns a row; none means the account was blocked, and the
    // statements after it wrote nothing that the dropped transaction needs to keep.
    let rows = query.fetch_all(&mut **tx).await?;
    let Some(row) = rows.first() else {
        return Ok(None);
    };
    Ok(Some(Recorded {
        proposal_id: row.try_get("id")?,
        agreement: reference,
    }))
}
