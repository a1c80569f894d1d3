//! Decisions on proposals: the one conditional update that lets exactly one decision win.

use crate::model::ProposalStatus;
use crate::server::db::now_ms;

/// Moves a pending proposal to `status`; 0 rows means someone else decided first.
pub async fn mark_decided<'c, E>(
    executor: E,
    proposal_id: i64,
    status: ProposalStatus,
    decided_by: i64,
    note: Option<&str>,
) -> Result<u64, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let now = now_ms();
    let done = sqlx::query(
        "UPDATE proposals SET status = $2, decided_by = $3, decided_at = $4, decision_note = $5, updated_at = $4 \
         WHERE id = $1 AND status = 'pending'",
    )
    .bind(proposal_id)
    .bind(status.code())
    .bind(decided_by)
    .bind(now)
    .bind(note)
    .execute(executor)
    .await?;
    Ok(done.rows_affected())
}

/// Who decided a proposal and when (Unix ms), once decided by a person.
pub async fn decided<'c, E>(executor: E, proposal_id: i64) -> Result<Option<(String, i64)>, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let row: Option<(String, i64)> = sqlx::query_as(
        "SELECT u.full_name, p.decided_at FROM proposals p JOIN users u ON u.id = p.decided_by \
         WHERE p.id = $1 AND p.decided_at IS NOT NULL",
    )
    .bind(proposal_id)
    .fetch_optional(executor)
    .await?;
    Ok(row)
}

/// The income and expenses the borrower gave with a proposal, in minor units.
pub async fn affordability_inputs<'c, E>(
    executor: E,
    proposal_id: i64,
) -> Result<(Option<i64>, Option<i64>), sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query_as("SELECT monthly_income_minor, monthly_expenses_minor FROM proposals WHERE id = $1")
        .bind(proposal_id)
        .fetch_one(executor)
        .await
}
