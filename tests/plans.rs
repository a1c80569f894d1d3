//! Plan submission over HTTP: the server re-checks every rule, records exactly once per
//! idempotency key, and the form works without JavaScript.

use app::server::db::Db;
use serde_json::{json, Value};
use tests::{page_html, submit_plan, TestApp, BORROWER_A};

/// Borrower A's early-stage account (¥13,014.50, 12 days past due) in the demo data.
const EARLY_ACCOUNT: i64 = 1;

fn plan(installments: &str, frequency: &str, first: &str) -> Value {
    json!({ "down_payment": "", "installments": installments, "frequency": frequency, "first_payment_date": first })
}

async fn count(app: &TestApp, table: &str) -> i64 {
    let db = Db::open(&app.database_url, 1).await.expect("open the test database");
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(&db.pool)
        .await
        .expect("count")
}

#[tokio::test]
async fn a_plan_within_policy_becomes_an_agreement_at_once() {
    let app = TestApp::spawn().await;
    let client = app.signed_in(BORROWER_A.0, BORROWER_A.1).await;
    let (status, body) = submit_plan(
        &client,
        &app,
        EARLY_ACCOUNT,
        "key-auto-0001",
        plan("6", "monthly", "2026-12-10"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let reference = body["AgreementRecorded"]["reference"]
        .as_str()
        .expect("an agreement reference")
        .to_owned();
    let page = client
        .get(app.url(&format!("/agreements/{reference}")))
        .header("accept-language", "en")
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(
        html.contains(&reference) && html.contains("¥13,014.50") && html.contains("default-1"),
        "{html}"
    );
    assert!(html.contains("accepted online within policy"));
    // The schedule adds up: five equal installments of ¥2,169.08 and a last one of ¥2,169.10.
    assert!(html.contains("¥2,169.08") && html.contains("¥2,169.10"));
    assert_eq!(count(&app, "agreement_installments").await, 6);
}

#[tokio::test]
async fn a_replayed_submission_returns_the_first_result_and_records_nothing_new() {
    let app = TestApp::spawn().await;
    let client = app.signed_in(BORROWER_A.0, BORROWER_A.1).await;
    let first = submit_plan(
        &client,
        &app,
        EARLY_ACCOUNT,
        "key-replay-001",
        plan("4", "monthly", "2026-12-05"),
    )
    .await;
    let again = submit_plan(
        &client,
        &app,
        EARLY_ACCOUNT,
        "key-replay-001",
        plan("4", "monthly", "2026-12-05"),
    )
    .await;
    assert_eq!(first.0, 200);
    assert_eq!(first, again, "the replay answers exactly like the first request");
    assert_eq!(count(&app, "proposals").await, 1);
    assert_eq!(count(&app, "agreements").await, 1);
}

#[tokio::test]
async fn concurrent_copies_of_one_submission_record_one_agreement() {
    let app = TestApp::spawn().await;
    let client = app.signed_in(BORROWER_A.0, BORROWER_A.1).await;
    let copies = (0..8).map(|_| {
        submit_plan(
            &client,
            &app,
            EARLY_ACCOUNT,
            "key-storm-0001",
            plan("3", "monthly", "2026-12-05"),
        )
    });
    let answers = futures::future::join_all(copies).await;
    assert!(answers.iter().all(|a| a == &answers[0]), "{answers:?}");
    assert_eq!(answers[0].0, 200);
    assert_eq!(count(&app, "agreements").await, 1);
}

#[tokio::test]
async fn the_same_key_with_a_different_plan_is_refused_with_422() {
    let app = TestApp::spawn().await;
    let client = app.signed_in(BORROWER_A.0, BORROWER_A.1).await;
    let (status, _) = submit_plan(
        &client,
        &app,
        EARLY_ACCOUNT,
        "key-reuse-0001",
        plan("4", "monthly", "2026-12-05"),
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = submit_plan(
        &client,
        &app,
        EARLY_ACCOUNT,
        "key-reuse-0001",
        plan("5", "monthly", "2026-12-05"),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["Invalid"]["code"], "idempotency_key_reused");
    assert_eq!(count(&app, "proposals").await, 1);
}

#[tokio::test]
async fn tampered_plans_are_rejected_with_the_rule_named_and_nothing_recorded() {
    let app = TestApp::spawn().await;
    let client = app.signed_in(BORROWER_A.0, BORROWER_A.1).await;
    let cases = [
        (plan("60", "monthly", "2026-12-05"), "too_many_installments"),
        (plan("4", "daily", "2026-12-05"), "invalid_frequency"),
        (plan("4", "monthly", "2027-06-01"), "first_payment_too_late"),
        (plan("4", "monthly", "2026-11-01"), "first_payment_too_soon"),
        (plan("-3", "monthly", "2026-12-05"), "invalid_number"),
        (
            json!({ "down_payment": "-100", "installments": "4", "frequency": "monthly", "first_payment_date": "2026-12-05" }),
            "amount",
        ),
        (
            json!({ "down_payment": "99999999999999999999", "installments": "4", "frequency": "monthly", "first_payment_date": "2026-12-05" }),
            "amount",
        ),
        (plan("2000", "weekly", "2026-12-05"), "too_many_installments"),
    ];
    for (i, (proposal, rule)) in cases.into_iter().enumerate() {
        let (status, body) = submit_plan(
            &client,
            &app,
            EARLY_ACCOUNT,
            &format!("key-tamper-{i:04}"),
            proposal.clone(),
        )
        .await;
        assert_eq!(status, 422, "{proposal} -> {body}");
        let errors = body["PlanRejected"]["errors"]
            .as_array()
            .expect("the broken rules are listed");
        let named = errors
            .iter()
            .any(|e| e.to_string().to_lowercase().contains(&rule.replace('_', "")) || e.get(camel(rule)).is_some());
        assert!(named, "{proposal}: expected {rule} in {body}");
    }
    assert_eq!(count(&app, "proposals").await, 0);
}

/// `too_many_installments` -> `TooManyInstallments`, the variant name in the JSON.
fn camel(code: &str) -> String {
    code.split('_').map(|w| w[..1].to_uppercase() + &w[1..]).collect()
}

#[tokio::test]
async fn a_plan_beyond_the_auto_approve_limits_waits_for_a_collector_and_blocks_a_second_one() {
    let app = TestApp::spawn().await;
    let client = app.signed_in(BORROWER_A.0, BORROWER_A.1).await;
    let (status, body) = submit_plan(
        &client,
        &app,
        EARLY_ACCOUNT,
        "key-review-001",
        plan("20", "weekly", "2026-12-05"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let id = body["SentForReview"]["proposal_id"]
        .as_i64()
        .expect("a pending proposal");
    let page = client
        .get(app.url(&format!("/proposals/{id}")))
        .header("accept-language", "en")
        .send()
        .await
        .expect("page");
    let html = page.text().await.expect("html");
    assert!(
        html.contains("Waiting for review") && html.contains("more than 6 installments"),
        "{html}"
    );
    let (status, body) = submit_plan(
        &client,
        &app,
        EARLY_ACCOUNT,
        "key-review-002",
        plan("3", "monthly", "2026-12-05"),
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(body["Conflict"]["code"], "proposal_pending");
    assert_eq!(count(&app, "agreements").await, 0);
}

#[tokio::test]
async fn a_borrower_cannot_submit_a_plan_for_another_borrowers_account() {
    let app = TestApp::spawn().await;
    let client = app.signed_in(BORROWER_A.0, BORROWER_A.1).await;
    for account in [3, 999] {
        let (status, _) = submit_plan(
            &client,
            &app,
            account,
            &format!("key-other-{account:04}"),
            plan("3", "monthly", "2026-12-05"),
        )
        .await;
        assert_eq!(status, 404);
    }
    assert_eq!(count(&app, "proposals").await, 0);
}

#[tokio::test]
async fn the_plan_form_works_without_javascript_and_keeps_what_was_typed() {
    let app = TestApp::spawn().await;
    let client = app.signed_in(BORROWER_A.0, BORROWER_A.1).await;
    let form = [
        ("account_id", "1"),
        ("idempotency_key", "key-nojs-00001"),
        ("down_payment", "abc"),
        ("installments", "4"),
        ("frequency", "monthly"),
        ("first_payment_date", "2026-12-05"),
        ("hardship_note", "<b>hours cut</b>"),
    ];
    let response = client
        .post(app.url("/plans/submit"))
        .form(&form)
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), 303);
    let back = response.headers()["location"].to_str().expect("location").to_owned();
    assert!(back.starts_with("/accounts/1/plan?"), "{back}");
    let html = page_html(&client, &app, &back, "en").await;
    assert!(
        html.contains("value=\"abc\"") && html.contains("Enter an amount in numbers"),
        "{html}"
    );
    assert!(
        html.contains("&lt;b&gt;hours cut&lt;/b&gt;"),
        "free text is shown as text"
    );
    assert_eq!(count(&app, "proposals").await, 0);

    let fixed = [("down_payment", "500")]
        .into_iter()
        .chain(form.into_iter().filter(|(k, _)| *k != "down_payment"))
        .collect::<Vec<_>>();
    let response = client
        .post(app.url("/plans/submit"))
        .form(&fixed)
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().expect("location");
    assert!(location.starts_with("/agreements/AG-"), "{location}");
}
