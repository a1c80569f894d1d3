//! What a borrower's plan submission writes: the proposal, its agreement and schedule when the
//! plan is accepted on the spot, and the audit entries, as one write job (`Db::write_job`).
//!
//! The writes go in one round trip instead of four: the transaction holds the account's row
//! (and on a SQLite file the one writer every submission queues for) from the first write to
//! the commit, and each round trip is a wait on SQLite's connection thread or the network. The
//! job is prepared (SQL and every parameter) before it queues for the writer. On PostgreSQL the
//! statement is its own transaction: the account's row lock is taken inside it, by the gate
//! the proposal's insert passes (`proposals::insert_unless_blocked`).
//!
//! On a SQLite file the writer's job thread runs the statements itself (`group_commit::direct`);
//! on an in-memory database (tests) this relies on sqlx running a query of several statements
//! with shared numbered parameters, which sqlx 0.8 (pinned by the lockfile) does but has
//! deprecated; an upgrade that drops it fails the write-job test on an in-memory database.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock, PoisonError};

use super::agreements;
use super::audit::{self, Actor, Entry};
use super::parameter_rows;
use super::proposals::{self, NewProposal};
use crate::domain::schedule::Schedule;
use crate::model::{AgreementOrigin, CurrentUser};
use crate::server::db::{now_ms, Backend, WriteJob};
use crate::server::Viewer;

/// The agreement of a plan accepted on the spot.
pub struct Accepted<'a> {
    pub schedule: &'a Schedule,
    pub today: chrono::NaiveDate,
}

/// A submission's write job, and what it records besides the proposal.
pub struct Submission {
    /// Answers the new proposal's id, or `None` when the account was blocked meanwhile.
    pub job: WriteJob,
    /// The agreement's reference, when the plan was accepted on the spot.
    pub agreement: Option<String>,
}

/// The job recording the proposal, the agreement when `accepted`, and the audit entries
/// (`submitted` is the submission's detail, to which the proposal id is added), all in one
/// statement or one multi-statement round trip. It answers `None` when the account already has
/// a pending proposal or an active agreement (on PostgreSQL by failing with `JOB_DECLINED`):
/// then nothing of it is kept. A unique violation means a copy of this request came first.
pub fn job(
    backend: Backend,
    viewer: &Viewer,
    borrower: &CurrentUser,
    proposal: &NewProposal<'_>,
    accepted: Option<&Accepted<'_>>,
    submitted: serde_json::Value,
) -> Result<Submission, sqlx::Error> {
    let reference = accepted.map(|a| agreements::new_reference(a.today));
    let installments = accepted
        .map(|a| agreements::installment_rows(a.schedule))
        .unwrap_or_default();
    let entries = entries(submitted, proposal.account_id, reference.as_deref());
    let sql = statements(backend, accepted.is_some(), installments.len(), entries.len());

    let mut query = proposals::bind_new(sqlx::query(sql), proposal, now_ms())?;
    if let (Some(reference), Some(accepted)) = (&reference, accepted) {
        query = query.bind(reference.clone()).bind(accepted.schedule.total.minor);
        for (number, due, amount) in &installments {
            query = query.bind(i64::from(*number)).bind(due.to_string()).bind(amount.minor);
        }
    }
    // One statement returns a row: the proposal's id, when it was inserted.
    let query = audit::bind_entries(query, viewer, Actor::Person(borrower), &entries);
    Ok(Submission {
        job: WriteJob::new(query),
        agreement: reference,
    })
}

/// Where the parameters after the proposal's ($1 to $21) start.
const REFERENCE: usize = 22;
const TOTAL: usize = 23;
const FIRST_INSTALLMENT: usize = 24;

/// The SQL of a submission of this shape, built once per shape and kept for the life of the
/// process (a job owns its query, so its SQL must live as long). The shapes are few: the
/// rulebook bounds the number of installments before a submission gets here.
fn statements(backend: Backend, accepted: bool, installments: usize, entries: usize) -> &'static str {
    type Shape = (Backend, bool, usize, usize);
    static BUILT: OnceLock<Mutex<HashMap<Shape, &'static str>>> = OnceLock::new();
    let mut built = BUILT
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    built
        .entry((backend, accepted, installments, entries))
        .or_insert_with(|| Box::leak(build_statements(backend, accepted, installments, entries).into_boxed_str()))
}

/// The SQL of a submission: the proposal ($1 to $21), the agreement (reference, total) and its
/// schedule (three parameters per installment) when accepted, and `entries` audit entries.
/// On SQLite, statements in a row separated by semicolons: later ones find the proposal with
/// `last_insert_rowid()` or by its key, and the agreement by its reference. On PostgreSQL, one
/// statement of data-modifying WITH clauses, each reading what the one before returned.
fn build_statements(backend: Backend, accepted: bool, installments: usize, entries: usize) -> String {
    let postgres = backend == Backend::Postgres;
    let proposal_id = if postgres {
        "(SELECT id FROM proposal)"
    } else {
        "(SELECT id FROM proposals WHERE borrower_id = $2 AND idempotency_key = $3)"
    };
    // Named for PostgreSQL's WITH clauses.
    let mut parts = if postgres {
        vec![(
            "proposal",
            format!("{} RETURNING id", proposals::insert_unless_blocked(backend)),
        )]
    } else {
        // Its id, read while `changes()` still counts the insert: a RETURNING clause would
        // cost SQLite a temporary table per submission.
        vec![
            ("proposal", proposals::insert_unless_blocked(backend)),
            ("id", "SELECT last_insert_rowid() AS id WHERE changes() = 1".to_owned()),
        ]
    };
    let mut next = REFERENCE;
    if accepted {
        let (new_id, only_if_inserted, returning) = if postgres {
            ("proposal.id", "FROM proposal", " RETURNING id")
        } else {
            ("last_insert_rowid()", "WHERE changes() = 1", "")
        };
        parts.push((
            "agreement",
            format!(
                "{} SELECT ${REFERENCE}, $1, $2, {new_id}, '{origin}', 'active', $6, ${TOTAL}, $8, $9, $10, $11, $20, $2, \
                 $21, $21 {only_if_inserted}{returning}",
                agreements::INSERT_INTO_AGREEMENTS,
                origin = AgreementOrigin::SelfService.code(),
            ),
        ));
        let rows = parameter_rows(FIRST_INSTALLMENT, installments, 3);
        // On SQLite the rows lead the join: as its inner side they would be copied into a
        // temporary table first.
        let source = if postgres {
            format!("agreement a, (VALUES {rows}) AS v")
        } else {
            format!("(VALUES {rows}) AS v CROSS JOIN agreements a WHERE a.reference = ${REFERENCE}")
        };
        parts.push((
            "schedule",
            format!(
                "{} SELECT a.id, v.column1, v.column2, v.column3 FROM {source}",
                agreements::INSERT_INTO_INSTALLMENTS
            ),
        ));
        next = FIRST_INSTALLMENT + 3 * installments;
    }
    let audit = audit::insert_sql(next, entries, |detail| {
        if postgres {
            format!("({detail}::jsonb || jsonb_build_object('proposal_id', {proposal_id}))::text")
        } else {
            format!("json_set({detail}, '$.proposal_id', {proposal_id})")
        }
    });
    parts.push(("audit", audit));
    if postgres {
        let clauses: Vec<String> = parts.iter().map(|(name, sql)| format!("{name} AS ({sql})")).collect();
        format!("WITH {} SELECT id FROM proposal", clauses.join(", "))
    } else {
        let statements: Vec<&str> = parts.iter().map(|(_, sql)| sql.as_str()).collect();
        statements.join(";\n")
    }
}

fn entries<'a>(submitted: serde_json::Value, account_id: i64, agreement: Option<&str>) -> Vec<Entry<'a>> {
    let subject_id = account_id.to_string();
    let mut entries = vec![Entry {
        action: "proposal.submitted",
        subject_kind: "account",
        subject_id: subject_id.clone(),
        detail: submitted,
    }];
    if let Some(reference) = agreement {
        entries.push(Entry {
            action: "agreement.recorded",
            subject_kind: "account",
            subject_id,
            detail: serde_json::json!({ "reference": reference, "origin": AgreementOrigin::SelfService.code() }),
        });
    }
    entries
}
