//! Bulk data for the reliability tests and the load benchmark: many fresh accounts for one
//! borrower, since an account holds at most one open proposal or active agreement.

use app::server::db::Db;

/// Copies account `template` (its borrower, lender and balance) `copies` times under the
/// references `{tag}-000000`, `{tag}-000001`, ... and returns the new ids in that order.
pub async fn clone_accounts(database_url: &str, template: i64, tag: &str, copies: usize) -> Vec<i64> {
    let db = Db::open(database_url, 1).await.expect("open the database to seed");
    let mut tx = db.pool.begin().await.expect("begin seeding");
    for n in 0..copies {
        sqlx::query(
            "INSERT INTO accounts (borrower_id, reference, lender_name, currency, principal_minor, interest_minor, \
             fees_minor, oldest_unpaid_due, as_of, created_at, updated_at) \
             SELECT borrower_id, $1, lender_name, currency, principal_minor, interest_minor, fees_minor, \
             oldest_unpaid_due, as_of, created_at, updated_at FROM accounts WHERE id = $2",
        )
        .bind(format!("{tag}-{n:06}"))
        .bind(template)
        .execute(&mut *tx)
        .await
        .expect("copy the template account");
    }
    tx.commit().await.expect("commit seeding");
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM accounts WHERE reference LIKE $1 ORDER BY reference")
        .bind(format!("{tag}-%"))
        .fetch_all(&db.pool)
        .await
        .expect("read the seeded ids");
    db.pool.close().await;
    assert_eq!(ids.len(), copies, "every copy was stored");
    ids
}
