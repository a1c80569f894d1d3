//! The collector workspace over HTTP: exactly one decision wins a race (SQLite and PostgreSQL),
//! counter-offers are answered once before they expire, payments apply in schedule order, and
//! the audit trail records each step of a negotiation in order.

use serde_json::{json, Value};
use tests::workspace::{approved, counter, db, decide, pay, pending_proposal, scalar, ACCOUNT};
use tests::{
    fresh_database, on_both_backends, page_html, post_json, Backend, TestApp, BORROWER_A, BORROWER_B, COLLECTOR,
    SUPERVISOR,
};

async fn exactly_one_of_many_concurrent_decisions_is_recorded(app: TestApp) {
    let borrower = app.signed_in(BORROWER_A.0, BORROWER_A.1).await;
    let id = pending_proposal(&app, &borrower, ACCOUNT, "key-race-0001").await;
    let collector = app.signed_in(COLLECTOR.0, COLLECTOR.1).await;
    let supervisor = app.signed_in(SUPERVISOR.0, SUPERVISOR.1).await;
    let attempts = (0..20).map(|n| {
        let client = if n % 2 == 0 { &collector } else { &supervisor };
        let decision = if n % 3 == 0 {
            json!({ "Reject": { "reason": format!("attempt {n}") } })
        } else {
            json!("Approve")
        };
        decide(client, &app, id, decision)
    });
    let results = futures::future::join_all(attempts).await;
    let won: Vec<_> = results.iter().filter(|(s, _)| *s == 200).collect();
    assert_eq!(won.len(), 1, "{results:?}");
    for (status, body) in results.iter().filter(|(s, _)| *s != 200) {
        assert_eq!(*status, 409, "{body}");
        let by = body["AlreadyDecided"]["by"].as_str().unwrap_or_default();
        assert!(by.contains("Liu Yang") || by.contains("Wang Fang"), "{body}");
        assert!(!body["AlreadyDecided"]["at"].as_str().unwrap_or_default().is_empty());
    }
    let decisions = scalar(
        &app,
        "SELECT COUNT(*) FROM audit_log WHERE action IN ('proposal.approved', 'proposal.rejected')",
    )
    .await;
    assert_eq!(decisions, 1);
    let agreements = scalar(&app, "SELECT COUNT(*) FROM agreements").await;
    let approved = won[0].1.get("Approved").is_some();
    assert_eq!(agreements, i64::from(approved));
}

#[tokio::test]
async fn exactly_one_of_twenty_concurrent_decisions_wins_on_sqlite() {
    exactly_one_of_many_concurrent_decisions_is_recorded(TestApp::spawn().await).await;
}

#[tokio::test]
async fn exactly_one_of_twenty_concurrent_decisions_wins_on_postgres() {
    let Some(url) = fresh_database(Backend::Postgres).await else {
        return;
    };
    exactly_one_of_many_concurrent_decisions_is_recorded(TestApp::spawn_with(&url, &[]).await).await;
}

#[tokio::test]
async fn borrowers_cannot_use_the_queue_or_decide() {
    let app = TestApp::spawn().await;
    let borrower = app.signed_in(BORROWER_A.0, BORROWER_A.1).await;
    let id = pending_proposal(&app, &borrower, ACCOUNT, "key-forbid-01").await;
    let (status, _) = decide(&borrower, &app, id, json!("Approve")).await;
    assert_eq!(status, 403);
    let (status, _) = post_json(&borrower, &app, "/api/queue/list", json!({ "query": {} })).await;
    assert_eq!(status, 403);
    let page = borrower.get(app.url("/queue")).send().await.expect("page");
    let html = page.text().await.expect("html");
    assert!(html.contains("You do not have access"), "{html}");
}

#[tokio::test]
async fn the_queue_lists_pending_plans_filtered_by_stage_and_amount() {
    let app = TestApp::spawn().await;
    let a = app.signed_in(BORROWER_A.0, BORROWER_A.1).await;
    let b = app.signed_in(BORROWER_B.0, BORROWER_B.1).await;
    let early = pending_proposal(&app, &a, 1, "key-queue-001").await;
    let _ = pending_proposal(&app, &a, 2, "key-queue-002").await;
    let late = json!({ "down_payment": "4100", "installments": "20", "frequency": "biweekly", "first_payment_date": "2026-12-05" });
    let (status, body) = post_json(
        &b,
        &app,
        "/api/plans/submit",
        json!({ "account_id": 3, "idempotency_key": "key-queue-003", "proposal": late }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let collector = app.signed_in(COLLECTOR.0, COLLECTOR.1).await;
    let (status, all) = post_json(&collector, &app, "/api/queue/list", json!({ "query": {} })).await;
    assert_eq!(status, 200, "{all}");
    assert_eq!(all["total"], 3, "{all}");
    let (_, late_only) = post_json(
        &collector,
        &app,
        "/api/queue/list",
        json!({ "query": { "stage": "late" } }),
    )
    .await;
    assert_eq!(late_only["total"], 1, "{late_only}");
    let (_, by_risk) = post_json(
        &collector,
        &app,
        "/api/queue/list",
        json!({ "query": { "sort": "risk" } }),
    )
    .await;
    let dpds: Vec<i64> = by_risk["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["dpd"].as_i64().unwrap_or(0))
        .collect();
    assert_eq!(dpds, [124, 47, 12]);
    let (_, large) = post_json(
        &collector,
        &app,
        "/api/queue/list",
        json!({ "query": { "stage": "early", "min_amount": "10000" } }),
    )
    .await;
    assert_eq!(large["total"], 1, "{large}");
    assert_eq!(large["items"][0]["proposal_id"], early);
    let html = page_html(&collector, &app, "/queue?stage=early&min_amount=10000", "en").await;
    assert!(
        html.contains(&format!("/queue/{early}")) && html.contains("1 plan waiting"),
        "{html}"
    );
    assert_eq!(html.matches("data-proposal=").count(), 1, "{html}");
}

#[tokio::test]
async fn a_rejection_needs_a_reason_and_the_borrower_reads_it_as_text() {
    let app = TestApp::spawn().await;
    let borrower = app.signed_in(BORROWER_A.0, BORROWER_A.1).await;
    let id = pending_proposal(&app, &borrower, ACCOUNT, "key-reject-01").await;
    let collector = app.signed_in(COLLECTOR.0, COLLECTOR.1).await;
    let (status, body) = decide(&collector, &app, id, json!({ "Reject": { "reason": "   " } })).await;
    assert_eq!(status, 422, "{body}");
    let reason = "Please offer a down payment <b>first</b>";
    let (status, _) = decide(&collector, &app, id, json!({ "Reject": { "reason": reason } })).await;
    assert_eq!(status, 200);
    let html = borrower
        .get(app.url(&format!("/proposals/{id}")))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        html.contains("Please offer a down payment &lt;b") && !html.contains("<b>first</b>"),
        "{html}"
    );
}

#[tokio::test]
async fn a_counter_offer_must_pass_the_rulebook_and_have_a_sensible_expiry() {
    let app = TestApp::spawn().await;
    let borrower = app.signed_in(BORROWER_A.0, BORROWER_A.1).await;
    let id = pending_proposal(&app, &borrower, ACCOUNT, "key-counter-01").await;
    let collector = app.signed_in(COLLECTOR.0, COLLECTOR.1).await;
    let (status, body) = counter(&collector, &app, id, "999", "2026-12-08").await;
    assert_eq!(status, 422, "{body}");
    assert!(body.get("PlanRejected").is_some(), "{body}");
    let (status, body) = counter(&collector, &app, id, "6", "2026-11-30").await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["Invalid"]["code"], "expiry_invalid");
    let (status, _) = counter(&collector, &app, id, "6", "2026-12-08").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn the_audit_trail_records_a_negotiation_in_order_and_accepting_twice_records_one_agreement() {
    let app = TestApp::spawn().await;
    let borrower = app.signed_in(BORROWER_A.0, BORROWER_A.1).await;
    let id = pending_proposal(&app, &borrower, ACCOUNT, "key-negot-01").await;
    let collector = app.signed_in(COLLECTOR.0, COLLECTOR.1).await;
    let (status, body) = counter(&collector, &app, id, "6", "2026-12-08").await;
    assert_eq!(status, 200, "{body}");
    let html = page_html(&borrower, &app, &format!("/proposals/{id}"), "en").await;
    assert!(
        html.contains("The collector suggests different terms") && html.contains("accept-offer"),
        "{html}"
    );
    // 20 weekly installments against 6 monthly ones: the difference is shown.
    assert!(html.contains("-14") && html.contains("A shorter plan"), "{html}");
    let answer = |accept: bool| {
        post_json(
            &borrower,
            &app,
            "/api/plans/counter-offer",
            json!({ "proposal_id": id, "accept": accept }),
        )
    };
    let (first, second) = futures::join!(answer(true), answer(true));
    let statuses = [first.0, second.0];
    assert!(
        statuses.contains(&200) && statuses.contains(&409),
        "{first:?} {second:?}"
    );
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM agreements WHERE origin = 'counter_offer'").await,
        1
    );
    let (status, _) = answer(false).await;
    assert_eq!(status, 409, "an answered offer cannot be declined afterwards");
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE subject_kind = 'account' AND subject_id = '1' ORDER BY id",
    )
    .fetch_all(&db(&app).await.pool)
    .await
    .expect("audit");
    assert_eq!(
        actions,
        [
            "proposal.submitted",
            "proposal.countered",
            "counter_offer.accepted",
            "agreement.recorded"
        ]
    );
}

#[tokio::test]
async fn an_expired_counter_offer_cannot_be_accepted_and_a_declined_one_frees_the_account() {
    let app = TestApp::spawn().await;
    let borrower = app.signed_in(BORROWER_A.0, BORROWER_A.1).await;
    let collector = app.signed_in(COLLECTOR.0, COLLECTOR.1).await;
    let id = pending_proposal(&app, &borrower, 1, "key-expire-01").await;
    counter(&collector, &app, id, "6", "2026-12-08").await;
    sqlx::query("UPDATE counter_offers SET expires_on = '2026-11-30'")
        .execute(&db(&app).await.pool)
        .await
        .expect("back-date the offer");
    let (status, body) = post_json(
        &borrower,
        &app,
        "/api/plans/counter-offer",
        json!({ "proposal_id": id, "accept": true }),
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(body["Conflict"]["code"], "counter_offer_expired");
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM agreements").await, 0);
    let id2 = pending_proposal(&app, &borrower, 1, "key-expire-02").await;
    counter(&collector, &app, id2, "6", "2026-12-08").await;
    let (status, body) = post_json(
        &borrower,
        &app,
        "/api/plans/counter-offer",
        json!({ "proposal_id": id2, "accept": false }),
    )
    .await;
    assert_eq!((status, body), (200, Value::Null));
    pending_proposal(&app, &borrower, 1, "key-expire-03").await;
}

/// A borrower who sent another plan for review while a counter-offer was open cannot then
/// accept the offer: an agreement would land beside a pending proposal. Nothing is recorded and
/// the offer stays open.
async fn an_offer_cannot_be_accepted_beside_a_newer_pending_plan(app: TestApp) {
    let borrower = app.signed_in(BORROWER_A.0, BORROWER_A.1).await;
    let collector = app.signed_in(COLLECTOR.0, COLLECTOR.1).await;
    let id = pending_proposal(&app, &borrower, 1, "key-beside-01").await;
    counter(&collector, &app, id, "6", "2026-12-08").await;
    pending_proposal(&app, &borrower, 1, "key-beside-02").await;
    let (status, body) = post_json(
        &borrower,
        &app,
        "/api/plans/counter-offer",
        json!({ "proposal_id": id, "accept": true }),
    )
    .await;
    assert_eq!(
        (status, &body["Conflict"]["code"]),
        (409, &json!("proposal_pending")),
        "{body}"
    );
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM agreements").await, 0);
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM counter_offers WHERE status = 'open'").await,
        1
    );
}

on_both_backends!(
    an_offer_cannot_be_accepted_beside_a_newer_pending_plan =>
    an_offer_cannot_be_accepted_beside_a_newer_pending_plan_on_sqlite,
    an_offer_cannot_be_accepted_beside_a_newer_pending_plan_on_postgres
);

async fn paid(app: &TestApp) -> Vec<i64> {
    sqlx::query_scalar("SELECT paid_minor FROM agreement_installments ORDER BY number")
        .fetch_all(&db(app).await.pool)
        .await
        .expect("paid")
}

#[tokio::test]
async fn partial_and_over_payments_fill_installments_in_order_and_too_much_is_refused() {
    let app = TestApp::spawn().await;
    let (collector, reference) = approved(&app).await;
    let (status, body) = pay(&collector, &app, &reference, "100", "BANK-0001").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(&paid(&app).await[..2], &[10_000, 0]);
    let (status, body) = pay(&collector, &app, &reference, "1000", "BANK-0002").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(&paid(&app).await[..3], &[65_072, 44_928, 0]);
    let (status, body) = pay(&collector, &app, &reference, "5", "BANK-0002").await;
    assert_eq!(
        (status, body["Conflict"]["code"].as_str()),
        (409, Some("duplicate_payment"))
    );
    let (status, body) = pay(&collector, &app, &reference, "20000", "BANK-0003").await;
    assert_eq!(status, 422);
    assert_eq!(body["Invalid"]["code"], "payment_exceeds_remaining");
    let (status, _) = pay(&collector, &app, &reference, "abc", "").await;
    assert_eq!(status, 422);
    // Exactly what is left completes the agreement.
    let (status, body) = pay(&collector, &app, &reference, "11914.50", "BANK-0004").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "Completed");
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM payments").await, 3);
}

#[tokio::test]
async fn a_late_payment_within_grace_keeps_the_plan_and_misses_beyond_tolerance_break_it() {
    let app = TestApp::spawn().await;
    let (collector, reference) = approved(&app).await;
    let pool = db(&app).await.pool;
    // Installment 1 fell due two days ago: late, within the three grace days.
    sqlx::query("UPDATE agreement_installments SET due_date = '2026-11-29' WHERE number = 1")
        .execute(&pool)
        .await
        .expect("back-date");
    let html = collector
        .get(app.url("/queue"))
        .send()
        .await
        .expect("queue")
        .text()
        .await
        .expect("html");
    assert!(html.contains(&reference), "the agreement is listed at risk: {html}");
    let (status, body) = pay(&collector, &app, &reference, "650.72", "").await;
    assert_eq!((status, body["status"].as_str()), (200, Some("Active")), "{body}");
    // Two installments past their grace period: one more than tolerated.
    sqlx::query("UPDATE agreement_installments SET due_date = '2026-11-10' WHERE number IN (2, 3)")
        .execute(&pool)
        .await
        .expect("back-date");
    let (status, body) = pay(&collector, &app, &reference, "10", "").await;
    assert_eq!((status, body["status"].as_str()), (200, Some("Broken")), "{body}");
    let html = collector
        .get(app.url("/queue"))
        .send()
        .await
        .expect("queue")
        .text()
        .await
        .expect("html");
    let broken = html.split("id=\"broken\"").nth(1).unwrap_or_default();
    assert!(broken.contains(&reference), "{html}");
    let changes = scalar(
        &app,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'agreement.status_changed'",
    )
    .await;
    assert_eq!(changes, 1);
}

#[tokio::test]
async fn an_agreement_with_too_many_misses_is_marked_broken_when_viewed() {
    let app = TestApp::spawn().await;
    let (collector, reference) = approved(&app).await;
    sqlx::query("UPDATE agreement_installments SET due_date = '2026-11-10' WHERE number IN (1, 2)")
        .execute(&db(&app).await.pool)
        .await
        .expect("back-date");
    let html = page_html(&collector, &app, &format!("/agreements/{reference}"), "en").await;
    assert!(html.contains("pill-broken"), "{html}");
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM agreements WHERE status = 'broken'").await,
        1
    );
}

#[tokio::test]
async fn a_plan_above_what_the_borrower_can_afford_is_flagged_to_the_borrower_and_the_collector() {
    let app = TestApp::spawn().await;
    let borrower = app.signed_in(BORROWER_A.0, BORROWER_A.1).await;
    // ¥13,014.50 in 4 monthly payments (about ¥3,254 each) against ¥1,500 left each month.
    let plan = json!({ "down_payment": "", "installments": "4", "frequency": "monthly", "first_payment_date": "2026-12-05",
        "monthly_income": "6500", "monthly_expenses": "5000" });
    let (status, body) = tests::submit_plan(&borrower, &app, ACCOUNT, "key-afford-0001", plan).await;
    assert_eq!(status, 200, "{body}");
    let id = body["SentForReview"]["proposal_id"]
        .as_i64()
        .unwrap_or_else(|| panic!("a flagged plan waits for a collector: {body}"));
    let own = page_html(&borrower, &app, &format!("/proposals/{id}"), "en").await;
    assert!(
        own.contains("more than the ¥1,500.00 you have left after essentials"),
        "{own}"
    );
    let own_zh = page_html(&borrower, &app, &format!("/proposals/{id}"), "zh-CN").await;
    assert!(own_zh.contains("超过您扣除必要支出后剩余的 ¥1,500.00"), "{own_zh}");
    let collector = app.signed_in(COLLECTOR.0, COLLECTOR.1).await;
    let review = page_html(&collector, &app, &format!("/queue/{id}"), "en").await;
    assert!(
        review.contains("more than you have left each month after essentials") && review.contains("¥1,500.00"),
        "{review}"
    );
    let (_, queue) = post_json(
        &collector,
        &app,
        "/api/queue/list",
        json!({ "query": { "flagged": "on" } }),
    )
    .await;
    let items = queue["items"]
        .as_array()
        .unwrap_or_else(|| panic!("a page of items: {queue}"));
    assert!(
        items
            .iter()
            .any(|item| item["proposal_id"] == id && item["flagged"] == true),
        "the queue's flagged filter finds it: {queue}"
    );
}
