//! Bulk data for the reliability tests and the load benchmark: many fresh accounts for one
//! borrower, since an account holds at most one open proposal or active agreement.

use app::server::db::Db;

/// Copies account `template` (its lender and balance; its borrower unless `owner` says another)
/// `copies` times under the references `{tag}-0`, `{tag}-1`, ... in one statement, and returns
/// the new ids in that order.
pub async fn clone_accounts(
    database_url: &str,
    template: i64,
    owner: Option<i64>,
    tag: &str,
    copies: usize,
) -> Vec<i64> {
    let db = Db::open(database_url, 1).await.expect("open the database to seed");
    sqlx::query(
        "WITH RECURSIVE seq (n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < $3) \
         INSERT INTO accounts (borrower_id, reference, lender_name, currency, principal_minor, interest_minor, \
         fees_minor, oldest_unpaid_due, as_of, created_at, updated_at) \
         SELECT COALESCE($4, a.borrower_id), $1 || '-' || seq.n, a.lender_name, a.currency, a.principal_minor, a.interest_minor, \
         a.fees_minor, a.oldest_unpaid_due, a.as_of, a.created_at, a.updated_at FROM seq, accounts a WHERE a.id = $2",
    )
    .bind(tag)
    .bind(template)
    .bind(copies as i64)
    .bind(owner)
    .execute(&db.pool)
    .await
    .expect("copy the template account");
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM accounts WHERE reference LIKE $1 ORDER BY id")
        .bind(format!("{tag}-%"))
        .fetch_all(&db.pool)
        .await
        .expect("read the seeded ids");
    db.pool.close().await;
    assert_eq!(ids.len(), copies, "every copy was stored");
    ids
}

/// Copies the borrower who signs in as `template_login` `count` times, password included, as
/// borrowers who sign in with `{prefix}0`, `{prefix}1`, ...; returns (login, user id) pairs.
pub async fn clone_borrowers(
    database_url: &str,
    template_login: &str,
    prefix: &str,
    count: usize,
) -> Vec<(String, i64)> {
    let db = Db::open(database_url, 1).await.expect("open the database to seed");
    sqlx::query(
        "WITH RECURSIVE seq (n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < $3) \
         INSERT INTO users (role, full_name, phone, date_of_birth, password_hash, created_at) \
         SELECT u.role, u.full_name || ' ' || seq.n, $1 || seq.n, u.date_of_birth, u.password_hash, u.created_at \
         FROM seq, users u WHERE u.phone = $2",
    )
    .bind(prefix)
    .bind(template_login)
    .bind(count as i64)
    .execute(&db.pool)
    .await
    .expect("copy the template borrower");
    let rows: Vec<(String, i64)> = sqlx::query_as("SELECT phone, id FROM users WHERE phone LIKE $1 ORDER BY id")
        .bind(format!("{prefix}%"))
        .fetch_all(&db.pool)
        .await
        .expect("read the seeded borrowers");
    db.pool.close().await;
    assert_eq!(rows.len(), count, "every copy was stored");
    rows
}
