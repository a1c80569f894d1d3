//! Plan submission over HTTP: the server re-checks every rule, records exactly once per
//! idempotency key, and the form works without JavaScript.

use app::server::db::Db;
use serde_json::{json, Value};
use tests::{clone_accounts, on_both_backends, submit_plan, TestApp, BORROWER_A, BORROWER_B};

/// Borrower A's early-stage account (¥13,014.50, 12 days past due) in the demo data.
const EARLY_ACCOUNT: i64 = 1;
/// Borrower B's late-stage account: bi-weekly or monthly plans only.
const LATE_ACCOUNT: i64 = 3;

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

/// Borrower A submits, with `keys`, a plan accepted at once on the early account and one sent
/// for review on the middle-stage one: the agreement's reference and the pending proposal's id.
async fn one_accepted_one_pending(client: &reqwest::Client, app: &TestApp, keys: [&str; 2]) -> (String, i64) {
    let (_, accepted) = submit_plan(client, app, EARLY_ACCOUNT, keys[0], plan("6", "monthly", "2026-12-10")).await;
    let reference = accepted["AgreementRecorded"]["reference"]
        .as_str()
        .expect("accepted at once")
        .to_owned();
    let (_, pending) = submit_plan(client, app, 2, keys[1], plan("20", "weekly", "2026-12-05")).await;
    let proposal = pending["SentForReview"]["proposal_id"]
        .as_i64()
        .expect("sent for review");
    (reference, proposal)
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

/// The rule a rejection names: the variant of each listed error ("TooManyInstallments"), with
/// the field and the amount error for amounts ("Amount:down_payment:Negative").
fn rules_named(body: &Value) -> Vec<String> {
    let errors = body["PlanRejected"]["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("the broken rules are listed: {body}"));
    errors
        .iter()
        .map(|e| match e {
            Value::String(unit) => unit.clone(),
            Value::Object(map) => {
                let (name, detail) = map.iter().next().expect("one variant");
                match (detail.get("field"), detail.get("error")) {
                    (Some(field), Some(error)) => {
                        let error = error.as_str().map(str::to_owned).unwrap_or_else(|| {
                            error
                                .as_object()
                                .and_then(|o| o.keys().next().cloned())
                                .unwrap_or_default()
                        });
                        format!("{name}:{}:{error}", field.as_str().unwrap_or_default())
                    }
                    (Some(field), None) => format!("{name}:{}", field.as_str().unwrap_or_default()),
                    _ => name.clone(),
                }
            }
            other => panic!("an error is a variant: {other}"),
        })
        .collect()
}

#[tokio::test]
async fn tampered_plans_are_rejected_with_the_rule_named_and_nothing_recorded() {
    let app = TestApp::spawn().await;
    let a = app.signed_in(BORROWER_A.0, BORROWER_A.1).await;
    let b = app.signed_in(BORROWER_B.0, BORROWER_B.1).await;
    let with = |extra: Value| {
        let mut proposal = plan("4", "monthly", "2026-12-05");
        for (k, v) in extra.as_object().expect("fields") {
            proposal[k] = v.clone();
        }
        proposal
    };
    // Values the form never sends, each with the rule the server must name.
    let cases = [
        (
            &a,
            EARLY_ACCOUNT,
            plan("60", "monthly", "2026-12-05"),
            "TooManyInstallments",
        ),
        (
            &a,
            EARLY_ACCOUNT,
            plan("2000", "weekly", "2026-12-05"),
            "TooManyInstallments",
        ),
        (
            &a,
            EARLY_ACCOUNT,
            plan("0", "monthly", "2026-12-05"),
            "TooFewInstallments",
        ),
        (&a, EARLY_ACCOUNT, plan("-3", "monthly", "2026-12-05"), "InvalidNumber"),
        (&a, EARLY_ACCOUNT, plan("4", "daily", "2026-12-05"), "InvalidFrequency"),
        (
            &b,
            LATE_ACCOUNT,
            plan("4", "weekly", "2026-12-05"),
            "FrequencyNotAllowed",
        ),
        (
            &a,
            EARLY_ACCOUNT,
            plan("4", "monthly", "2027-06-01"),
            "FirstPaymentTooLate",
        ),
        (
            &a,
            EARLY_ACCOUNT,
            plan("4", "monthly", "2026-11-01"),
            "FirstPaymentTooSoon",
        ),
        (&a, EARLY_ACCOUNT, plan("4", "monthly", "2026-02-30"), "InvalidDate"),
        (&a, EARLY_ACCOUNT, plan("26", "monthly", "2026-12-05"), "TermTooLong"),
        (
            &a,
            EARLY_ACCOUNT,
            with(json!({ "down_payment": "-100" })),
            "Amount:down_payment:Negative",
        ),
        (
            &a,
            EARLY_ACCOUNT,
            with(json!({ "down_payment": "99999999999999999999" })),
            "Amount:down_payment:TooLarge",
        ),
        (
            &a,
            EARLY_ACCOUNT,
            with(json!({ "down_payment": "20000" })),
            "DownPaymentExceedsBalance",
        ),
        (
            &a,
            EARLY_ACCOUNT,
            with(json!({ "down_payment": "13014.50" })),
            "DownPaymentCoversBalance",
        ),
        (
            &a,
            EARLY_ACCOUNT,
            with(json!({ "down_payment": "12000", "installments": "26", "frequency": "weekly" })),
            "InstallmentBelowMinimum",
        ),
        (
            &a,
            EARLY_ACCOUNT,
            with(json!({ "hardship_reason": "bogus" })),
            "UnknownHardshipReason",
        ),
        (
            &a,
            EARLY_ACCOUNT,
            with(json!({ "hardship_note": "x".repeat(5000) })),
            "HardshipNoteTooLong",
        ),
        (
            &a,
            EARLY_ACCOUNT,
            with(json!({ "monthly_income": "-5", "monthly_expenses": "100" })),
            "Amount:monthly_income:Negative",
        ),
        (
            &a,
            EARLY_ACCOUNT,
            with(json!({ "monthly_income": "8000" })),
            "Required:monthly_expenses",
        ),
    ];
    for (i, (client, account, proposal, rule)) in cases.into_iter().enumerate() {
        let (status, body) = submit_plan(client, &app, account, &format!("key-tamper-{i:04}"), proposal.clone()).await;
        assert_eq!(status, 422, "{proposal} -> {body}");
        let named = rules_named(&body);
        assert!(
            named.iter().any(|r| r == rule),
            "{proposal}: expected {rule}, got {named:?}"
        );
    }
    assert_eq!(count(&app, "proposals").await, 0);
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
    // Refused: the builder comes back in the same response, everything typed in place and no
    // URL carrying the note.
    let response = client
        .post(app.url("/plans/submit"))
        .form(&form)
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), 422);
    assert!(response.headers().get("location").is_none());
    let html = response.text().await.expect("html");
    assert!(
        html.contains("value=\"abc\"") && html.contains("Enter an amount in numbers"),
        "{html}"
    );
    assert!(
        html.contains("&lt;b&gt;hours cut&lt;/b&gt;"),
        "free text is shown as text"
    );
    // "Update preview" recomputes the schedule on the server and records nothing.
    let preview = client
        .post(app.url("/plans/preview"))
        .form(&[
            ("account_id", "1"),
            ("installments", "4"),
            ("frequency", "monthly"),
            ("first_payment_date", "2026-12-05"),
            ("monthly_income", "9000"),
            ("monthly_expenses", "5000"),
        ])
        .send()
        .await
        .expect("preview");
    assert_eq!(preview.status(), 200);
    let html = preview.text().await.expect("html");
    assert!(
        html.contains("value=\"9000\"") && html.contains("class=\"schedule"),
        "{html}"
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

#[tokio::test]
async fn another_borrowers_real_proposals_and_agreements_read_exactly_like_missing_ones() {
    let app = TestApp::spawn().await;
    let a = app.signed_in(BORROWER_A.0, BORROWER_A.1).await;
    let (reference, proposal) = one_accepted_one_pending(&a, &app, ["key-owner-agreement", "key-owner-pending"]).await;
    let b = app.signed_in(BORROWER_B.0, BORROWER_B.1).await;
    let ask = |path: &'static str, form: Vec<(&'static str, String)>| {
        let b = b.clone();
        let url = app.url(path);
        async move {
            let response = b.post(url).form(&form).send().await.expect("request");
            (response.status().as_u16(), response.text().await.expect("body"))
        }
    };
    let pairs = [
        ("/api/plans/proposal", "id", proposal.to_string(), "999999".to_owned()),
        (
            "/api/plans/agreement",
            "reference",
            reference.clone(),
            "AG-20991231-ZZZZZZ".to_owned(),
        ),
        (
            "/api/plans/context",
            "account_id",
            EARLY_ACCOUNT.to_string(),
            "999999".to_owned(),
        ),
        (
            "/api/accounts/detail",
            "account_id",
            EARLY_ACCOUNT.to_string(),
            "999999".to_owned(),
        ),
    ];
    for (path, field, theirs, missing) in pairs {
        let real = ask(path, vec![(field, theirs)]).await;
        let unknown = ask(path, vec![(field, missing)]).await;
        assert_eq!(real.0, 404, "{path}: {real:?}");
        assert_eq!(real, unknown, "{path}: someone else's reads like a missing one");
    }
    let answer = |id: i64| {
        let b = b.clone();
        let url = app.url("/api/plans/counter-offer");
        async move {
            let r = b
                .post(url)
                .json(&json!({ "proposal_id": id, "accept": true }))
                .send()
                .await
                .expect("answer");
            (r.status().as_u16(), r.text().await.expect("body"))
        }
    };
    let (real, unknown) = (answer(proposal).await, answer(999_999).await);
    assert_eq!(real.0, 404, "{real:?}");
    assert_eq!(real, unknown);
    for (theirs, missing) in [
        (format!("/proposals/{proposal}"), "/proposals/999999".to_owned()),
        (
            format!("/agreements/{reference}"),
            "/agreements/AG-20991231-ZZZZZZ".to_owned(),
        ),
        (format!("/accounts/{EARLY_ACCOUNT}"), "/accounts/999999".to_owned()),
    ] {
        let real = b.get(app.url(&theirs)).send().await.expect("page");
        let unknown = b.get(app.url(&missing)).send().await.expect("page");
        assert_eq!(real.status(), 404, "{theirs}");
        assert_eq!(unknown.status(), 404, "{missing}");
        let real = real.text().await.expect("html");
        // Nothing of the owner's account shows: not its reference, lender or balance.
        for private in ["CL-2026-000101", "Huaxia", "13,014.50"] {
            assert!(!real.contains(private), "{theirs} shows {private}");
        }
    }
}

/// What one submission writes names each other on either database: the agreement its
/// proposal, the schedule its agreement, the audit entries the proposal and the agreement.
async fn a_submissions_writes_name_each_other(app: TestApp) {
    let client = app.signed_in(BORROWER_A.0, BORROWER_A.1).await;
    let (reference, pending_id) = one_accepted_one_pending(&client, &app, ["key-links-1", "key-links-2"]).await;

    let db = Db::open(&app.database_url, 1).await.expect("open the test database");
    let proposal_of = |key: &'static str| {
        sqlx::query_scalar::<_, i64>("SELECT id FROM proposals WHERE idempotency_key = $1")
            .bind(key)
            .fetch_one(&db.pool)
    };
    let accepted_id = proposal_of("key-links-1").await.expect("accepted proposal");
    assert_eq!(proposal_of("key-links-2").await.expect("pending proposal"), pending_id);
    let (agreement_id, agreement_proposal): (i64, i64) =
        sqlx::query_as("SELECT id, proposal_id FROM agreements WHERE reference = $1")
            .bind(&reference)
            .fetch_one(&db.pool)
            .await
            .expect("the agreement");
    assert_eq!(agreement_proposal, accepted_id);
    let schedule: Vec<(i64, i64)> =
        sqlx::query_as("SELECT agreement_id, number FROM agreement_installments ORDER BY agreement_id, number")
            .fetch_all(&db.pool)
            .await
            .expect("the schedule");
    assert_eq!(schedule, (1..=6).map(|n| (agreement_id, n)).collect::<Vec<_>>());

    let audit: Vec<(String, String)> = sqlx::query_as(
        "SELECT action, detail FROM audit_log WHERE action IN ('proposal.submitted', 'agreement.recorded') ORDER BY id",
    )
    .fetch_all(&db.pool)
    .await
    .expect("the audit trail");
    let entries: Vec<(String, Value)> = audit
        .into_iter()
        .map(|(action, detail)| (action, serde_json::from_str(&detail).expect("JSON detail")))
        .collect();
    let actions: Vec<&str> = entries.iter().map(|(action, _)| action.as_str()).collect();
    assert_eq!(
        actions,
        ["proposal.submitted", "agreement.recorded", "proposal.submitted"]
    );
    assert_eq!(entries[0].1["proposal_id"], accepted_id);
    assert_eq!(entries[0].1["decision"], "auto_approve");
    assert_eq!(
        entries[1].1,
        json!({ "reference": reference, "origin": "self_service", "proposal_id": accepted_id })
    );
    assert_eq!(entries[2].1["proposal_id"], pending_id);
    assert_eq!(entries[2].1["installments"], 20);
}

on_both_backends!(
    a_submissions_writes_name_each_other =>
    a_submissions_writes_name_each_other_on_sqlite,
    a_submissions_writes_name_each_other_on_postgres
);

/// Submissions racing on one account with different keys, half of them plans accepted at once
/// and half plans sent for review: one lands, whichever it is, and every other is told 409.
/// A pending proposal and an active agreement never land together (PostgreSQL runs the
/// submission as one statement, with the account's lock taken inside it).
async fn racing_plans_on_one_account_leave_one_plan(app: TestApp) {
    let client = app.signed_in(BORROWER_A.0, BORROWER_A.1).await;
    let accounts = clone_accounts(&app.database_url, EARLY_ACCOUNT, None, "CL-RACE", 16).await;
    let db = Db::open(&app.database_url, 1).await.expect("open the test database");
    for (trial, account) in accounts.iter().enumerate() {
        let keys: Vec<String> = (0..6).map(|n| format!("key-race-{trial}-{n}")).collect();
        let copies = keys.iter().enumerate().map(|(n, key)| {
            let proposal = if n % 2 == 0 {
                plan("6", "monthly", "2026-12-10")
            } else {
                plan("20", "weekly", "2026-12-05")
            };
            submit_plan(&client, &app, *account, key, proposal)
        });
        let answers = futures::future::join_all(copies).await;
        let landed: Vec<&Value> = answers
            .iter()
            .filter(|(status, _)| *status == 200)
            .map(|(_, body)| body)
            .collect();
        assert_eq!(landed.len(), 1, "account {account}: {answers:?}");
        for (status, body) in answers.iter().filter(|(status, _)| *status != 200) {
            assert_eq!(*status, 409, "account {account}: {body}");
            let code = body["Conflict"]["code"].as_str().unwrap_or_default();
            assert!(["proposal_pending", "agreement_active"].contains(&code), "{body}");
        }
        let (proposals, pending, active): (i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM proposals WHERE account_id = $1), \
             (SELECT COUNT(*) FROM proposals WHERE account_id = $1 AND status = 'pending'), \
             (SELECT COUNT(*) FROM agreements WHERE account_id = $1 AND status = 'active')",
        )
        .bind(account)
        .fetch_one(&db.pool)
        .await
        .expect("the account's plans");
        assert_eq!((proposals, pending + active), (1, 1), "account {account}: {landed:?}");
    }
}

on_both_backends!(
    racing_plans_on_one_account_leave_one_plan =>
    racing_plans_on_one_account_leave_one_plan_on_sqlite,
    racing_plans_on_one_account_leave_one_plan_on_postgres
);
