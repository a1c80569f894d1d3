//! Hostile input against every server function: malformed numbers, huge values, unicode,
//! markup, empty and missing fields, wrong types, broken JSON. Every answer is a 2xx, a redirect
//! or a specific 4xx, never a 5xx, and the server keeps serving.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::json;
use tests::{on_both_backends, upload_payment_file, TestApp, BORROWER_A, SUPERVISOR};

const NASTY: &[&str] = &[
    "",
    " ",
    "0",
    "-1",
    "1.5",
    "1e309",
    "NaN",
    "inf",
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551616",
    "１２３",
    "¥1,000",
    "1,2,3",
    "0x10",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "\u{0}",
    "😀",
    "٣",
    "2026-02-30",
    "9999-12-31",
    "0000-01-01",
    "+123",
    "--1",
];

fn nasty_or_random() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(NASTY).prop_map(str::to_owned),
        any::<String>(),
        "[0-9]{1,40}",
        ".{0,2000}",
    ]
}

async fn status_of(request: reqwest::RequestBuilder) -> u16 {
    request.send().await.expect("the server answers").status().as_u16()
}

/// A success, a redirect (the no-JavaScript forms answer with one) or a specific 4xx.
fn acceptable(status: u16) -> bool {
    (200..500).contains(&status)
}

/// Sends `cases` generated inputs through `requests` (which answers every status it got) and
/// fails on the first answer that is not acceptable.
fn fuzz<S: Strategy>(cases: u32, strategy: S, requests: impl Fn(S::Value) -> Vec<u16>) {
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&strategy, |value| {
        let statuses = requests(value);
        prop_assert!(statuses.iter().all(|s| acceptable(*s)), "statuses {:?}", statuses);
        Ok(())
    });
    result.unwrap();
}

async fn server_functions_answer_hostile_input_with_4xx_never_5xx(app: TestApp) {
    let client = app.signed_in(BORROWER_A.0, BORROWER_A.1).await;
    let runtime = tokio::runtime::Handle::current();
    let strategy = (
        nasty_or_random(),
        nasty_or_random(),
        nasty_or_random(),
        nasty_or_random(),
        nasty_or_random(),
    );
    fuzz(64, strategy, |(a, b, c, d, e)| {
        tokio::task::block_in_place(|| {
            runtime.block_on(async {
                let post_form = |path: &str, pairs: Vec<(&'static str, String)>| client.post(app.url(path)).form(&pairs);
                vec![
                    status_of(post_form("/api/accounts/hardship", vec![("account_id", a.clone()), ("reason", b.clone()), ("note", c.clone())])).await,
                    status_of(post_form("/api/accounts/detail", vec![("account_id", a.clone())])).await,
                    status_of(post_form("/api/plans/context", vec![("account_id", b.clone())])).await,
                    status_of(post_form("/api/plans/proposal", vec![("id", c.clone())])).await,
                    status_of(post_form("/api/plans/agreement", vec![("reference", d.clone())])).await,
                    status_of(client.post(app.url("/api/plans/submit")).json(&json!({
                        "account_id": 1, "idempotency_key": e.clone(),
                        "proposal": { "down_payment": a, "installments": b, "frequency": c, "first_payment_date": d,
                                      "hardship_reason": e, "hardship_note": a, "monthly_income": b, "monthly_expenses": c }
                    }))).await,
                    status_of(post_form("/plans/submit", vec![("account_id", "1".into()), ("idempotency_key", e.clone()), ("down_payment", a.clone()), ("installments", b.clone())])).await,
                ]
            })
        })
    });

    // Shapes the UI never sends: wrong types, missing fields, broken JSON, the wrong method.
    let raw = |body: &'static str| {
        client
            .post(app.url("/api/plans/submit"))
            .header("content-type", "application/json")
            .body(body)
    };
    for body in [
        "",
        "{",
        "null",
        "[]",
        "{\"account_id\": \"one\"}",
        "{\"account_id\": 1}",
        "{\"account_id\": 1e99, \"idempotency_key\": 5}",
        "{\"account_id\": 1, \"idempotency_key\": \"k\", \"proposal\": 7}",
    ] {
        let status = status_of(raw(body)).await;
        assert!((400..500).contains(&status), "{body:?} -> {status}");
    }
    let bad_utf8 = client
        .post(app.url("/api/accounts/detail"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![0xff, 0xfe, 0x3d]);
    assert!((400..500).contains(&status_of(bad_utf8).await));
    let missing = client
        .post(app.url("/api/accounts/detail"))
        .form(&[("nothing", "here")]);
    assert_eq!(status_of(missing).await, 400);
    // PostgreSQL cannot store or even compare text holding NUL: refused before any query.
    let anonymous = tests::bare_client();
    for request in [
        anonymous
            .post(app.url("/auth/sign-in"))
            .header("origin", &app.base_url)
            .form(&[("login", "13800000001\u{0}"), ("password", "x")]),
        client.get(app.url("/accounts/1/plan?hardship_note=%00")),
        client.post(app.url("/api/accounts/hardship")).form(&[
            ("account_id", "1"),
            ("reason", "job_loss"),
            ("note", "a\u{0}b"),
        ]),
    ] {
        assert_eq!(status_of(request).await, 400);
    }
    let readyz = status_of(client.get(app.url("/readyz"))).await;
    assert_eq!(readyz, 200, "the server still serves");
}

on_both_backends!(
    server_functions_answer_hostile_input_with_4xx_never_5xx =>
    server_functions_answer_hostile_input_with_4xx_never_5xx_on_sqlite,
    server_functions_answer_hostile_input_with_4xx_never_5xx_on_postgres
);

/// Markup typed into a free-text field reaches every page that shows it as text, never as HTML:
/// the collector's and the supervisor's review of the proposal, and the borrower's own page.
#[tokio::test]
async fn markup_in_a_hardship_note_is_shown_as_text_wherever_it_appears() {
    let app = TestApp::spawn().await;
    let borrower = app.signed_in(BORROWER_A.0, BORROWER_A.1).await;
    let note = "<script>alert('owned')</script><img src=x onerror=alert(1)> lost my job";
    let proposal = json!({
        "down_payment": "", "installments": "20", "frequency": "weekly", "first_payment_date": "2026-12-05",
        "hardship_reason": "job_loss", "hardship_note": note,
    });
    let (status, body) = tests::submit_plan(&borrower, &app, 1, "key-markup-0001", proposal).await;
    assert_eq!(status, 200, "{body}");
    let id = body["SentForReview"]["proposal_id"]
        .as_i64()
        .expect("a pending proposal");
    let collector = app.signed_in(tests::COLLECTOR.0, tests::COLLECTOR.1).await;
    let supervisor = app.signed_in(tests::SUPERVISOR.0, tests::SUPERVISOR.1).await;
    for (client, path) in [
        (&collector, format!("/queue/{id}")),
        (&supervisor, format!("/queue/{id}")),
    ] {
        let html = tests::page_html(client, &app, &path, "en").await;
        assert!(html.contains("lost my job"), "{path} shows the note: {html}");
        assert!(
            html.contains("&lt;script&gt;") || html.contains("&lt;script>"),
            "{path}: {html}"
        );
        assert!(
            !html.contains("<script>alert('owned')") && !html.contains("<img src=x"),
            "{path} must escape the note: {html}"
        );
    }
    // What a refused decision sends back into the review form's text areas stays text: a
    // crafted link cannot close the textarea and plant its own form.
    let planted = "</textarea><form method=post action=/x><button id=planted>go</button></form>";
    let encoded: String = planted.bytes().map(|b| format!("%{b:02X}")).collect();
    let path = format!("/queue/{id}?error=reason_required&reason={encoded}&note={encoded}");
    let html = tests::page_html(&collector, &app, &path, "en").await;
    assert!(!html.contains("<button id=planted>"), "{html}");
    assert_eq!(html.matches("&lt;/textarea&gt;").count(), 2, "{html}");

    let html = tests::page_html(&borrower, &app, &format!("/proposals/{id}"), "en").await;
    assert!(
        !html.contains("<script>alert('owned')") && !html.contains("<img src=x"),
        "{html}"
    );
}

async fn staff_endpoints_answer_hostile_input_with_4xx_never_5xx(app: TestApp) {
    let client = app.signed_in(SUPERVISOR.0, SUPERVISOR.1).await;
    let runtime = tokio::runtime::Handle::current();
    let strategy = (
        nasty_or_random(),
        nasty_or_random(),
        nasty_or_random(),
        nasty_or_random(),
    );
    fuzz(48, strategy, |(a, b, c, d)| {
        tokio::task::block_in_place(|| {
            runtime.block_on(async {
                let query = json!({ "account": a, "actor": b, "action": c, "from": d, "to": a, "text": b, "order": c, "page": d });
                let file = format!("agreement_reference,amount,paid_on,payment_reference\n{a},{b},{c},{d}\n{d},{c},{b},{a}\n");
                vec![
                    status_of(client.post(app.url("/api/audit/search")).json(&json!({ "query": query }))).await,
                    status_of(client.post(app.url("/api/audit/search")).json(&json!({ "query": { "text": a, "page": "1" } }))).await,
                    status_of(client.post(app.url("/policy/publish")).form(&[("version", a.as_str()), ("early.max_installments", b.as_str()), ("late.min_installment", c.as_str()), ("middle.auto_max_term_days", d.as_str())])).await,
                    status_of(client.post(app.url("/api/policy/publish")).json(&json!({ "draft": { "version": d, "early.min_down_payment_percent": a } }))).await,
                    status_of(client.post(app.url("/api/imports/report")).form(&[("id", a.as_str())])).await,
                    upload_payment_file(&client, &app, &b, file.as_bytes()).await.0,
                ]
            })
        })
    });
    let readyz = status_of(client.get(app.url("/readyz"))).await;
    assert_eq!(readyz, 200, "the server still serves");
}

on_both_backends!(
    staff_endpoints_answer_hostile_input_with_4xx_never_5xx =>
    staff_endpoints_answer_hostile_input_with_4xx_never_5xx_on_sqlite,
    staff_endpoints_answer_hostile_input_with_4xx_never_5xx_on_postgres
);
