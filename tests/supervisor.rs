//! The supervisor's pages: the audit search (supervisors only, filters, a negotiation read in
//! order, entries shown as text) and plan policy versions (a new version changes what new
//! proposals get, decisions already taken keep theirs, bad input changes nothing).

use app::domain::policy::draft::draft_of;
use app::domain::policy::PlanPolicy;
use serde_json::{json, Value};
use tests::workspace::{counter, decide, pay, pending_proposal, scalar};
use tests::{
    fresh_database, location, page_html, post_form, post_json, submit_plan, Backend, TestApp, BORROWER_A, BORROWER_B,
    COLLECTOR, SUPERVISOR,
};

async fn search(client: &reqwest::Client, app: &TestApp, query: Value) -> (u16, Value) {
    post_json(client, app, "/api/audit/search", json!({ "query": query })).await
}

fn actions(page: &Value) -> Vec<String> {
    page["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| l["action"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn supervisors_find_a_whole_negotiation_in_order_and_others_are_refused_on_sqlite() {
    supervisors_find_a_whole_negotiation_in_order_and_others_are_refused(TestApp::spawn().await).await;
}

#[tokio::test]
async fn supervisors_find_a_whole_negotiation_in_order_and_others_are_refused_on_postgres() {
    let Some(url) = fresh_database(Backend::Postgres).await else {
        return;
    };
    supervisors_find_a_whole_negotiation_in_order_and_others_are_refused(TestApp::spawn_with(&url, &[]).await).await;
}

async fn supervisors_find_a_whole_negotiation_in_order_and_others_are_refused(app: TestApp) {
    let borrower = app.signed_in(BORROWER_A.0, BORROWER_A.1).await;
    let collector = app.signed_in(COLLECTOR.0, COLLECTOR.1).await;
    let id = pending_proposal(&app, &borrower, 1, "key-audit-0001").await;
    let (status, body) = counter(&collector, &app, id, "6", "2026-12-08").await;
    assert_eq!(status, 200, "{body}");
    let (status, reference) = post_json(
        &borrower,
        &app,
        "/api/plans/counter-offer",
        json!({ "proposal_id": id, "accept": true }),
    )
    .await;
    assert_eq!(status, 200, "{reference}");
    let reference = reference.as_str().expect("agreement reference").to_owned();
    let (status, body) = pay(&collector, &app, &reference, "1000", "BANK-AUDIT-1").await;
    assert_eq!(status, 200, "{body}");
    // Something on another account, which the account filter must leave out.
    pending_proposal(&app, &borrower, 2, "key-audit-0002").await;

    let supervisor = app.signed_in(SUPERVISOR.0, SUPERVISOR.1).await;
    let (status, page) = search(
        &supervisor,
        &app,
        json!({ "account": "cl-2026-000101", "order": "oldest" }),
    )
    .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(
        actions(&page),
        [
            "proposal.submitted",
            "proposal.countered",
            "counter_offer.accepted",
            "agreement.recorded",
            "payment.recorded"
        ]
    );
    assert!(page["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .all(|l| l["account_reference"] == "CL-2026-000101"));

    let (_, by_actor) = search(&supervisor, &app, json!({ "actor": "collector", "action": "payment." })).await;
    assert_eq!(actions(&by_actor), ["payment.recorded"]);
    assert_eq!(by_actor["lines"][0]["actor_name"], "刘洋 Liu Yang (collector)");
    let (_, by_text) = search(&supervisor, &app, json!({ "text": "bank-audit-1" })).await;
    assert_eq!(actions(&by_text), ["payment.recorded"]);
    let (_, by_phone) = search(
        &supervisor,
        &app,
        json!({ "actor": "13800000001", "action": "proposal.submitted" }),
    )
    .await;
    assert_eq!(by_phone["total"], 2);
    let (_, today) = search(&supervisor, &app, json!({ "from": "2026-12-01", "to": "2026-12-01" })).await;
    let (_, all) = search(&supervisor, &app, json!({})).await;
    // Entries are stamped with the real clock; none lies outside the test's own day range.
    let (_, long_ago) = search(&supervisor, &app, json!({ "from": "2001-01-01", "to": "2001-12-31" })).await;
    assert_eq!(long_ago["total"], 0);
    assert!(all["total"].as_i64().unwrap_or_default() >= 8, "{all}");
    assert!(today["total"].as_i64().is_some());
    let (status, body) = search(&supervisor, &app, json!({ "from": "2026-12-40" })).await;
    assert_eq!((status, body["Invalid"]["field"].as_str()), (422, Some("from")));
    let (status, body) = search(&supervisor, &app, json!({ "from": "2026-12-02", "to": "2026-12-01" })).await;
    assert_eq!(
        (status, body["Invalid"]["code"].as_str()),
        (422, Some("date_range_inverted"))
    );
    let html = page_html(&supervisor, &app, "/audit?from=2026-12-40", "zh-CN").await;
    assert!(html.contains("请按 年-月-日 输入日期"), "{html}");
    assert!(
        html.contains("value=\"2026-12-40\""),
        "the typed filter comes back: {html}"
    );

    for client in [&collector, &borrower] {
        let (status, _) = search(client, &app, json!({})).await;
        assert_eq!(status, 403);
        let response = client.get(app.url("/audit")).send().await.expect("page");
        assert_eq!(response.status(), 403);
    }
    let (status, _) = search(&TestApp::client(), &app, json!({})).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn audit_entries_show_what_people_typed_as_text_never_as_markup() {
    let app = TestApp::spawn().await;
    let borrower = app.signed_in(BORROWER_A.0, BORROWER_A.1).await;
    let collector = app.signed_in(COLLECTOR.0, COLLECTOR.1).await;
    let id = pending_proposal(&app, &borrower, 1, "key-audit-html").await;
    let reason = "<script>alert('x')</script><b>bold</b>";
    let (status, body) = decide(&collector, &app, id, json!({ "Reject": { "reason": reason } })).await;
    assert_eq!(status, 200, "{body}");
    let supervisor = app.signed_in(SUPERVISOR.0, SUPERVISOR.1).await;
    let html = page_html(&supervisor, &app, "/audit?action=proposal.rejected", "en").await;
    assert!(html.contains("&lt;script&gt;alert"), "{html}");
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(!html.contains("<b>bold</b>"), "{html}");
}

/// The form's fields for the default policy under a new version id, with `changes` applied.
fn draft(version: &str, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut draft = draft_of(&PlanPolicy::default());
    draft.insert("version".into(), version.into());
    for (k, v) in changes {
        draft.insert((*k).into(), (*v).into());
    }
    draft.into_iter().collect()
}

async fn publish(client: &reqwest::Client, app: &TestApp, form: &[(String, String)]) -> (u16, String) {
    let response = client
        .post(app.url("/policy/publish"))
        .form(form)
        .send()
        .await
        .expect("publish");
    (response.status().as_u16(), location(&response))
}

/// Three monthly installments on an early-stage account: auto-approved by the default policy.
fn three_monthly() -> Value {
    json!({ "down_payment": "", "installments": "3", "frequency": "monthly", "first_payment_date": "2026-12-10" })
}

#[tokio::test]
async fn a_published_policy_decides_new_proposals_while_old_agreements_keep_their_version_on_sqlite() {
    a_published_policy_decides_new_proposals_while_old_agreements_keep_their_version(TestApp::spawn().await).await;
}

#[tokio::test]
async fn a_published_policy_decides_new_proposals_while_old_agreements_keep_their_version_on_postgres() {
    let Some(url) = fresh_database(Backend::Postgres).await else {
        return;
    };
    a_published_policy_decides_new_proposals_while_old_agreements_keep_their_version(
        TestApp::spawn_with(&url, &[]).await,
    )
    .await;
}

async fn a_published_policy_decides_new_proposals_while_old_agreements_keep_their_version(app: TestApp) {
    let a = app.signed_in(BORROWER_A.0, BORROWER_A.1).await;
    let (status, before) = submit_plan(&a, &app, 1, "key-policy-0001", three_monthly()).await;
    assert_eq!(status, 200, "{before}");
    let old_reference = before["AgreementRecorded"]["reference"]
        .as_str()
        .expect("auto-approved")
        .to_owned();

    let supervisor = app.signed_in(SUPERVISOR.0, SUPERVISOR.1).await;
    let (status, to) = publish(
        &supervisor,
        &app,
        &draft("2026-12-strict", &[("early.auto_max_installments", "2")]),
    )
    .await;
    assert_eq!((status, to.as_str()), (303, "/policy?published=2026-12-strict"));

    // Borrower B's early-stage account, the same plan: now a collector decides.
    let b = app.signed_in(BORROWER_B.0, BORROWER_B.1).await;
    let (status, after) = submit_plan(&b, &app, 4, "key-policy-0002", three_monthly()).await;
    assert_eq!(status, 200, "{after}");
    let proposal = after["SentForReview"]["proposal_id"].as_i64().expect("sent for review");
    let (_, view) = post_form(&b, &app, "/api/plans/proposal", &[("id", &proposal.to_string())]).await;
    assert_eq!(view["policy_version"], "2026-12-strict", "{view}");
    let (_, agreement) = post_form(&a, &app, "/api/plans/agreement", &[("reference", &old_reference)]).await;
    assert_eq!(agreement["policy_version"], "default-1", "{agreement}");
    // The borrower's plan builder is given the policy in force.
    let (_, context) = post_form(&b, &app, "/api/plans/context", &[("account_id", "4")]).await;
    assert_eq!(context["policy"]["version"], "2026-12-strict");
    assert_eq!(context["policy"]["early"]["auto_approve"]["max_installments"], 2);

    let html = page_html(&supervisor, &app, "/policy", "en").await;
    let current = html.split("id=\"policy-current\"").nth(1).unwrap_or_default();
    assert!(
        current
            .split_once('>')
            .is_some_and(|(_, v)| v.starts_with("2026-12-strict<")),
        "{html}"
    );
    let versions = html.split("id=\"policy-versions\"").nth(1).unwrap_or_default();
    assert!(
        versions.contains("2026-12-strict") && versions.contains("default-1"),
        "{html}"
    );
    assert!(versions.contains("王芳 Wang Fang"), "who published: {html}");
}

#[tokio::test]
async fn invalid_policy_input_gets_per_field_errors_keeps_what_was_typed_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let supervisor = app.signed_in(SUPERVISOR.0, SUPERVISOR.1).await;
    let bad = draft(
        "has space",
        &[
            ("early.max_installments", "lots"),
            ("middle.min_down_payment_percent", "120"),
            ("late.auto_max_installments", "30"),
        ],
    );
    let (status, to) = publish(&supervisor, &app, &bad).await;
    assert_eq!(status, 303);
    assert!(to.starts_with("/policy?error=invalid"), "{to}");
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM policy_versions").await, 1);
    let html = page_html(&supervisor, &app, &to, "en").await;
    assert!(html.contains("Nothing was published."), "{html}");
    let after = |id: &str| {
        html.split(&format!("id=\"{id}\""))
            .nth(1)
            .unwrap_or_default()
            .to_owned()
    };
    assert!(
        after("policy-early-max_installments").contains("value=\"lots\""),
        "{html}"
    );
    assert!(
        after("err-policy-early-max_installments").contains("Enter a whole number"),
        "{html}"
    );
    assert!(
        after("err-policy-middle-min_down_payment_percent").contains("from 0 to 100"),
        "{html}"
    );
    assert!(
        after("err-policy-late-auto_max_installments").contains("most installments of any plan (24)"),
        "{html}"
    );
    assert!(after("err-policy-version").contains("letters, digits"), "{html}");
    let zh = page_html(&supervisor, &app, &to, "zh-CN").await;
    assert!(zh.contains("请输入整数"), "{zh}");

    // A version id already used is refused on its field.
    let (_, to) = publish(&supervisor, &app, &draft("default-1", &[])).await;
    assert!(to.starts_with("/policy?error=version"), "{to}");
    let html = page_html(&supervisor, &app, &to, "en").await;
    assert!(html.contains("A version with this id was already published"), "{html}");
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM policy_versions").await, 1);
    let (status, body) = post_json(
        &supervisor,
        &app,
        "/api/policy/publish",
        json!({ "draft": { "version": "v2" } }),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["PolicyRejected"]["errors"]
            .as_array()
            .is_some_and(|e| e.len() > 10),
        "{body}"
    );
}

#[tokio::test]
async fn collectors_and_borrowers_cannot_publish_a_policy() {
    let app = TestApp::spawn().await;
    let form = draft("sneaky-1", &[("early.auto_max_installments", "1")]);
    for who in [COLLECTOR, BORROWER_A] {
        let client = app.signed_in(who.0, who.1).await;
        let (status, _) = publish(&client, &app, &form).await;
        assert_eq!(status, 403);
        let draft: serde_json::Map<String, Value> = form.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
        let (status, _) = post_json(&client, &app, "/api/policy/publish", json!({ "draft": draft })).await;
        assert_eq!(status, 403);
        let response = client.get(app.url("/policy")).send().await.expect("page");
        assert_eq!(response.status(), 403);
    }
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM policy_versions").await, 1);
}
