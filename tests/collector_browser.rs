//! The collector workspace in a real browser: a collector filters the queue, approves one plan,
//! rejects one with a reason and counter-offers one; each borrower then sees the outcome and
//! accepts the counter-offer. Pages are audited with axe-core.

use std::time::Duration;

use fantoccini::Locator;
use serde_json::{json, Value};
use tests::browser::{wait_until, Browser, DESKTOP, PHONE};
use tests::{submit_plan, TestApp, BORROWER_A, BORROWER_B, COLLECTOR, SUPERVISOR};

async fn submit(app: &TestApp, login: (&str, &str), account: i64, key: &str, plan: Value) -> i64 {
    let client = app.signed_in(login.0, login.1).await;
    let (_, body) = submit_plan(&client, app, account, key, plan).await;
    body["SentForReview"]["proposal_id"]
        .as_i64()
        .unwrap_or_else(|| panic!("pending: {body}"))
}

async fn wait_css(browser: &Browser, css: &str) {
    browser
        .client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("waiting for {css}: {e}"));
}

async fn click(browser: &Browser, css: &str) {
    browser
        .client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

async fn set_value(browser: &Browser, id: &str, value: &str) {
    browser
        .client
        .execute(
            "document.getElementById(arguments[0]).value = arguments[1];",
            vec![json!(id), json!(value)],
        )
        .await
        .unwrap_or_else(|e| panic!("set {id}: {e}"));
}

/// A browser signed in as a collector or supervisor (who land on the queue).
async fn staff_browser(app: &TestApp, size: (u32, u32), login: (&str, &str)) -> Browser {
    let browser = Browser::start(size, "en").await;
    let c = &browser.client;
    c.goto(&app.url("/sign-in")).await.expect("sign-in");
    for (id, text) in [("login", login.0), ("password", login.1)] {
        c.find(Locator::Id(id))
            .await
            .expect(id)
            .send_keys(text)
            .await
            .expect("type");
    }
    click(&browser, "form[action='/auth/sign-in'] button[type=submit]").await;
    wait_css(&browser, "#nav-queue").await;
    browser
}

/// Types into a field as a person would (input events fire), replacing what was there.
async fn type_into(browser: &Browser, id: &str, text: &str) {
    let field = browser.client.find(Locator::Id(id)).await.expect(id);
    field.clear().await.expect("clear");
    field.send_keys(text).await.expect("type");
}

/// Waits until the queue shows exactly `count` plans.
async fn wait_rows(browser: &Browser, count: usize) {
    let rows = async || {
        browser
            .client
            .find_all(Locator::Css("tr[data-proposal]"))
            .await
            .map_or(0, |rows| rows.len())
    };
    wait_until(&format!("{count} plans in the queue"), rows, |n| *n == count).await;
}

async fn assert_accessible(browser: &Browser, page: &str) {
    let violations = browser.accessibility_violations().await;
    assert!(
        violations.is_empty(),
        "accessibility violations on {page}: {violations:#?}"
    );
}

#[tokio::test]
async fn a_collector_approves_rejects_and_counter_offers_and_borrowers_see_each_outcome() {
    let app = TestApp::spawn().await;
    let weekly =
        json!({ "down_payment": "", "installments": "20", "frequency": "weekly", "first_payment_date": "2026-12-05" });
    let approve_id = submit(&app, BORROWER_A, 1, "key-browser-1", weekly.clone()).await;
    let reject_id = submit(&app, BORROWER_A, 2, "key-browser-2", weekly).await;
    let late = json!({ "down_payment": "4100", "installments": "20", "frequency": "biweekly", "first_payment_date": "2026-12-05" });
    let counter_id = submit(&app, BORROWER_B, 3, "key-browser-3", late).await;

    let collector = staff_browser(&app, DESKTOP, COLLECTOR).await;
    let c = &collector.client;
    wait_css(&collector, "#queue-table").await;
    assert_eq!(
        c.find_all(Locator::Css("tr[data-proposal]")).await.expect("rows").len(),
        3
    );
    assert_accessible(&collector, "queue").await;

    // Filter to the early stage: only the first plan remains.
    set_value(&collector, "filter-stage", "early").await;
    click(&collector, "#apply-filters").await;
    // The filter reloads the page: until the new one is in, the old three rows are still there.
    wait_rows(&collector, 1).await;
    wait_css(&collector, &format!("tr[data-proposal='{approve_id}']")).await;
    assert!(c.current_url().await.expect("url").as_str().contains("stage=early"));
    collector.screenshot("collector-queue-desktop").await;

    click(&collector, &format!("a[href='/queue/{approve_id}']")).await;
    wait_css(&collector, "#approve").await;
    // The review page carries the counter-offer island: let it load before acting.
    collector.wait_hydrated().await;
    assert_accessible(&collector, "review").await;
    click(&collector, "#approve").await;
    wait_css(&collector, "#decision-done").await;
    wait_css(&collector, "#review-agreement").await;

    c.goto(&app.url(&format!("/queue/{reject_id}"))).await.expect("review");
    collector.wait_hydrated().await;
    c.find(Locator::Id("reject-reason"))
        .await
        .expect("reason")
        .send_keys("Twenty weekly payments is too long at this stage; try 12.")
        .await
        .expect("type");
    click(&collector, "#reject").await;
    wait_css(&collector, "#decision-done").await;

    c.goto(&app.url(&format!("/queue/{counter_id}"))).await.expect("review");
    wait_css(&collector, "#counter-form").await;
    collector.wait_hydrated().await;
    set_value(&collector, "counter-down", "5000").await;
    set_value(&collector, "counter-installments", "12").await;
    set_value(&collector, "counter-frequency", "monthly").await;
    set_value(&collector, "counter-first", "2026-12-05").await;
    set_value(&collector, "counter-expires", "2026-12-08").await;
    set_value(&collector, "counter-note", "A larger down payment, monthly instead.").await;
    click(&collector, "#send-counter").await;
    wait_css(&collector, "#decision-done").await;
    collector.screenshot("collector-review-desktop").await;
    collector.close().await;

    // Borrower A: one plan approved (an agreement), one rejected with the reason.
    let a = Browser::start(PHONE, "en").await;
    a.sign_in(&app.base_url, BORROWER_A.0, BORROWER_A.1).await;
    a.client
        .goto(&app.url(&format!("/proposals/{approve_id}")))
        .await
        .expect("proposal");
    wait_css(&a, "a[href^='/agreements/AG-']").await;
    a.client
        .goto(&app.url(&format!("/proposals/{reject_id}")))
        .await
        .expect("proposal");
    wait_css(&a, "#decision-note").await;
    assert!(a.text("#decision-note").await.contains("try 12"));
    assert_accessible(&a, "rejected proposal").await;
    a.close().await;

    // Borrower B: the counter-offer next to their plan, accepted.
    let b = Browser::start(PHONE, "en").await;
    b.sign_in(&app.base_url, BORROWER_B.0, BORROWER_B.1).await;
    b.client
        .goto(&app.url(&format!("/proposals/{counter_id}")))
        .await
        .expect("proposal");
    wait_css(&b, "#counter-offer-card").await;
    assert_accessible(&b, "counter-offer").await;
    b.screenshot("counter-offer-phone").await;
    // Decided already: why it went to review is told as history, not as what comes next.
    let main = b.text("main").await;
    assert!(main.contains("went to a collector for review because of"), "{main}");
    assert!(!main.contains("will review this plan"), "{main}");
    click(&b, "#accept-offer").await;
    wait_css(&b, "#agreement-reference").await;
    assert!(b.text("main").await.contains("counter-offer accepted"));
    b.close().await;
}

#[tokio::test]
async fn the_counter_offer_preview_follows_what_the_collector_types_on_a_phone() {
    let app = TestApp::spawn().await;
    let late = json!({ "down_payment": "4100", "installments": "20", "frequency": "biweekly", "first_payment_date": "2026-12-05" });
    let id = submit(&app, BORROWER_B, 3, "key-preview-01", late).await;
    let collector = staff_browser(&app, PHONE, COLLECTOR).await;
    collector
        .client
        .goto(&app.url(&format!("/queue/{id}")))
        .await
        .expect("review");
    collector.wait_hydrated().await;
    // It starts from the borrower's own terms, which pass the rules.
    let installments = collector
        .client
        .find(Locator::Id("counter-installments"))
        .await
        .expect("field");
    assert_eq!(installments.prop("value").await.expect("value").as_deref(), Some("20"));
    collector.wait_text("#counter-verdict", "pass every rule").await;
    // Too many installments for the late stage: named at once, no schedule.
    type_into(&collector, "counter-installments", "30").await;
    collector.wait_text("#counter-verdict", "at most 24 installments").await;
    assert!(collector.text("#counter-schedule").await.is_empty());
    // Twelve monthly payments after ¥5,000 down.
    type_into(&collector, "counter-installments", "12").await;
    type_into(&collector, "counter-down", "5000").await;
    collector
        .client
        .find(Locator::Id("counter-frequency"))
        .await
        .expect("frequency")
        .select_by_value("monthly")
        .await
        .expect("choose monthly");
    collector.wait_text("#counter-verdict", "pass every rule").await;
    let rows = collector
        .client
        .find_all(Locator::Css("#counter-schedule tbody tr"))
        .await
        .expect("rows");
    assert_eq!(rows.len(), 13, "the down payment and twelve installments");
    collector
        .client
        .execute("document.getElementById('counter-form').scrollIntoView();", vec![])
        .await
        .expect("scroll");
    assert_accessible(&collector, "counter-offer preview").await;
    collector.screenshot("counter-offer-preview-phone").await;
    collector.close().await;
}

#[tokio::test]
async fn a_collector_uploads_a_payment_file_and_reads_the_report_on_a_phone() {
    let app = TestApp::spawn().await;
    let (_, reference) = tests::workspace::approved(&app).await;
    let file = tests::scratch_dir("import").join("bank-2026-12-01.csv");
    let csv = format!(
        "agreement_reference,amount,paid_on,payment_reference\n\
         {reference},650.72,2026-12-01,ICBC-20261130-000184\n\
         {reference},12.5.0,2026-12-01,ICBC-20261130-000185\n\
         AG-20261201-NOPE22,100,2026-12-01,ICBC-20261130-000186\n"
    );
    std::fs::write(&file, csv).expect("write the file");
    let collector = staff_browser(&app, PHONE, COLLECTOR).await;
    click(&collector, "#nav-import").await;
    wait_css(&collector, "#import-form").await;
    assert_accessible(&collector, "payment file upload").await;
    collector.screenshot("payment-import-phone").await;
    collector
        .client
        .find(Locator::Id("import-file"))
        .await
        .expect("file input")
        .send_keys(&file.to_string_lossy())
        .await
        .expect("choose the file");
    click(&collector, "#import-upload").await;
    wait_css(&collector, "#import-rows").await;
    assert!(collector.text("#import-counts").await.contains("1 applied · 2 refused"));
    assert!(collector.text("tr[data-row='2']").await.contains("Installment 1"));
    assert!(collector
        .text("tr[data-row='4']")
        .await
        .contains("No agreement has this reference."));
    assert_accessible(&collector, "payment file report").await;
    collector.screenshot("payment-import-report-phone").await;
    collector.close().await;
}

#[tokio::test]
async fn a_supervisor_fixes_a_refused_policy_field_publishes_and_searches_the_audit_trail_on_a_phone() {
    let app = TestApp::spawn().await;
    let supervisor = staff_browser(&app, PHONE, SUPERVISOR).await;
    click(&supervisor, "#nav-policy").await;
    wait_css(&supervisor, "#policy-form").await;
    assert_accessible(&supervisor, "policy").await;
    type_into(&supervisor, "policy-version", "2026-12-a").await;
    type_into(&supervisor, "policy-early-auto_max_installments", "40").await;
    click(&supervisor, "#policy-publish").await;
    wait_css(&supervisor, "#policy-error").await;
    // Refused: the field says why, and what was typed is still there.
    supervisor
        .wait_text(
            "#err-policy-early-auto_max_installments",
            "most installments of any plan (26)",
        )
        .await;
    let typed = supervisor
        .client
        .find(Locator::Id("policy-early-auto_max_installments"))
        .await
        .expect("field");
    assert_eq!(typed.prop("value").await.expect("value").as_deref(), Some("40"));
    supervisor
        .client
        .execute(
            "document.getElementById('policy-early-auto_max_installments').scrollIntoView({block: 'center'});",
            vec![],
        )
        .await
        .expect("scroll");
    assert_accessible(&supervisor, "policy with an error").await;
    supervisor.screenshot("policy-error-phone").await;
    type_into(&supervisor, "policy-early-auto_max_installments", "4").await;
    click(&supervisor, "#policy-publish").await;
    wait_css(&supervisor, "#policy-published").await;
    assert_eq!(supervisor.text("#policy-current").await, "2026-12-a");

    click(&supervisor, "#nav-audit").await;
    wait_css(&supervisor, "#audit-filters").await;
    type_into(&supervisor, "audit-action", "policy.").await;
    click(&supervisor, "#audit-search").await;
    // The unfiltered table is already on the page: wait for the searched one to replace it.
    supervisor.wait_text("#audit-table", "policy.published").await;
    assert_accessible(&supervisor, "audit search").await;
    supervisor.screenshot("audit-search-phone").await;
    supervisor.close().await;
}
