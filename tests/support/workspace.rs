//! Steps of the collector workspace that several test files take: a borrower's plan waiting
//! for review, a collector's decision or counter-offer, an approved agreement, a payment.

use app::server::db::Db;
use serde_json::{json, Value};

use crate::{post_json, submit_plan, TestApp, BORROWER_A, COLLECTOR};

/// Borrower A's early-stage account (¥13,014.50) in the demo data.
pub const ACCOUNT: i64 = 1;

/// A plan outside the auto-approve limits, so it waits for a collector.
pub async fn pending_proposal(app: &TestApp, borrower: &reqwest::Client, account: i64, key: &str) -> i64 {
    let proposal =
        json!({ "down_payment": "", "installments": "20", "frequency": "weekly", "first_payment_date": "2026-12-05" });
    let (status, body) = submit_plan(borrower, app, account, key, proposal).await;
    assert_eq!(status, 200, "{body}");
    body["SentForReview"]["proposal_id"]
        .as_i64()
        .expect("a pending proposal")
}

pub async fn decide(client: &reqwest::Client, app: &TestApp, id: i64, decision: Value) -> (u16, Value) {
    post_json(
        client,
        app,
        "/api/queue/decide",
        json!({ "proposal_id": id, "decision": decision }),
    )
    .await
}

pub async fn db(app: &TestApp) -> Db {
    Db::open(&app.database_url, 1).await.expect("open the test database")
}

pub async fn scalar(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&db(app).await.pool).await.expect(sql)
}

pub async fn counter(
    client: &reqwest::Client,
    app: &TestApp,
    id: i64,
    installments: &str,
    expires: &str,
) -> (u16, Value) {
    let terms = json!({ "down_payment": "1000", "installments": installments, "frequency": "monthly", "first_payment_date": "2026-12-10" });
    decide(
        client,
        app,
        id,
        json!({ "CounterOffer": { "terms": terms, "expires_on": expires, "note": "A shorter plan with a down payment." } }),
    )
    .await
}

/// An approved agreement on account 1: 20 weekly installments of ¥650.72 (the last ¥650.82).
pub async fn approved(app: &TestApp) -> (reqwest::Client, String) {
    let borrower = app.signed_in(BORROWER_A.0, BORROWER_A.1).await;
    let id = pending_proposal(app, &borrower, ACCOUNT, "key-pay-0001").await;
    let collector = app.signed_in(COLLECTOR.0, COLLECTOR.1).await;
    let (status, body) = decide(&collector, app, id, json!("Approve")).await;
    assert_eq!(status, 200, "{body}");
    let reference = body["Approved"]["reference"].as_str().expect("reference").to_owned();
    (collector, reference)
}

pub async fn pay(client: &reqwest::Client, app: &TestApp, reference: &str, amount: &str, ext: &str) -> (u16, Value) {
    post_json(
        client,
        app,
        "/api/agreements/payment",
        json!({ "reference": reference, "amount": amount, "paid_on": "", "external_ref": ext }),
    )
    .await
}
