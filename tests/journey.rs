//! The borrower's whole journey in a real browser, the same steps in each language: read an
//! account, build a plan with the live preview, see a violation inline, fix it, review, submit
//! and get an agreement (within policy); propose a bigger plan that waits for a collector;
//! decline one counter-offer and accept another. Every page on the way is audited with
//! axe-core and photographed at phone width.

use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::Locator;
use serde_json::{json, Value};
use tests::browser::{Browser, PHONE};
use tests::workspace::decide;
use tests::{submit_plan, TestApp, BORROWER_A, COLLECTOR};

/// What the pages say in one language, where the test reads them.
struct Words {
    accept_language: &'static str,
    /// Screenshot names end with this ("" for English).
    suffix: &'static str,
    stage_heading: &'static str,
    too_many_installments: &'static str,
    review_heading: &'static str,
    needs_review_because: &'static str,
    pending_status: &'static str,
    declined: &'static str,
    accepted_origin: &'static str,
}

const ENGLISH: Words = Words {
    accept_language: "en",
    suffix: "",
    stage_heading: "Where this account stands",
    too_many_installments: "at most 26 installments",
    review_heading: "Check your plan before you send it",
    needs_review_because: "more than 12 installments",
    pending_status: "Waiting for review",
    declined: "You declined this counter-offer",
    accepted_origin: "counter-offer accepted",
};

const CHINESE: Words = Words {
    accept_language: "zh-CN",
    suffix: "-zh",
    stage_heading: "账户当前状况",
    too_many_installments: "最多可分 26 期",
    review_heading: "提交前请确认您的计划",
    needs_review_because: "期数超过 12 期",
    pending_status: "待审核",
    declined: "您已拒绝该还款建议",
    accepted_origin: "接受还款建议",
};

async fn find(browser: &Browser, css: &str) -> Element {
    browser
        .client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
}

async fn click(browser: &Browser, css: &str) {
    find(browser, css)
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

async fn wait_for(browser: &Browser, css: &str) -> Element {
    browser
        .client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("waiting for {css}: {e}"))
}

async fn replace_text(element: &Element, text: &str) {
    element.clear().await.expect("clear");
    element.send_keys(text).await.expect("type");
}

async fn visit(browser: &Browser, app: &TestApp, path: &str) {
    browser
        .client
        .goto(&app.url(path))
        .await
        .unwrap_or_else(|e| panic!("open {path}: {e}"));
}

/// Zero axe-core violations, and nothing wider than the phone's screen.
async fn assert_accessible(browser: &Browser, page: &str, words: &Words) {
    let violations = browser.accessibility_violations().await;
    assert!(
        violations.is_empty(),
        "accessibility violations on {page} ({}): {violations:#?}",
        words.accept_language
    );
    let overflow = browser.horizontal_overflow().await;
    assert_eq!(
        overflow, 0,
        "{page} ({}) scrolls sideways at phone width",
        words.accept_language
    );
}

async fn screenshot(browser: &Browser, name: &str, words: &Words) {
    browser.screenshot(&format!("{name}{}-phone", words.suffix)).await;
}

/// A collector counter-offers the pending proposal `id`: six monthly payments.
async fn counter_offer(app: &TestApp, id: i64, note: &str) {
    let collector = app.signed_in(COLLECTOR.0, COLLECTOR.1).await;
    let terms =
        json!({ "down_payment": "", "installments": "6", "frequency": "monthly", "first_payment_date": "2026-12-05" });
    let decision = json!({ "CounterOffer": { "terms": terms, "expires_on": "2026-12-08", "note": note } });
    let (status, body) = decide(&collector, app, id, decision).await;
    assert_eq!(status, 200, "{body}");
}

/// Sends the plan at the current URL's builder through review and submission.
async fn review_and_submit(browser: &Browser, words: &Words) {
    click(browser, ".plan-form button.primary").await;
    browser.wait_text("#preview-title", words.review_heading).await;
    assert_accessible(browser, "plan review step", words).await;
    screenshot(browser, "plan-review", words).await;
    click(browser, ".plan-form button.primary").await;
}

async fn journey(words: &Words) {
    let app = TestApp::spawn().await;
    let browser = Browser::start(PHONE, words.accept_language).await;
    for (path, page) in [
        ("/sign-in", "sign-in"),
        ("/first-access", "first access"),
        ("/no-such-page", "not found"),
    ] {
        visit(&browser, &app, path).await;
        assert_accessible(&browser, page, words).await;
    }
    browser.sign_in(&app.base_url, BORROWER_A.0, BORROWER_A.1).await;
    assert_accessible(&browser, "accounts", words).await;
    screenshot(&browser, "accounts", words).await;

    // The account page explains the stage and what comes next.
    visit(&browser, &app, "/accounts/1").await;
    browser.wait_text("main", words.stage_heading).await;
    screenshot(&browser, "account", words).await;
    assert_accessible(&browser, "account", words).await;

    // Start from a suggested plan, then ask for more installments than the stage allows.
    visit(&browser, &app, "/accounts/1/plan").await;
    wait_for(&browser, ".plan-builder[data-hydrated='true']").await;
    // A fresh form is unfinished, not wrong: no problem shows until the borrower leaves a field.
    let shown = |css: &'static str| async { browser.client.find_all(Locator::Css(css)).await.expect(css).len() };
    assert_eq!(shown(".field-error").await + shown(".verdict-fix").await, 0);
    click(&browser, "#installments").await;
    click(&browser, "#down_payment").await;
    wait_for(&browser, "#err-installments .field-error").await;
    assert_eq!(shown("#err-down_payment .field-error").await, 0);
    click(&browser, ".suggestions li:last-child button").await;
    wait_for(&browser, ".verdict-ok").await;
    let installments = find(&browser, "#installments").await;
    replace_text(&installments, "40").await;
    wait_for(&browser, "#err-installments .field-error").await;
    let message = browser.text("#err-installments").await;
    assert!(message.contains(words.too_many_installments), "{message}");
    let invalid = installments.attr("aria-invalid").await.expect("attr");
    assert_eq!(invalid.as_deref(), Some("true"));
    screenshot(&browser, "plan-violation", words).await;
    assert_accessible(&browser, "plan builder showing a violation", words).await;
    // Fix it: the violation disappears and the plan is acceptable at once.
    replace_text(&installments, "5").await;
    wait_for(&browser, ".verdict-ok").await;
    assert!(browser.text(".schedule tfoot").await.contains("¥13,014.50"));
    assert_accessible(&browser, "plan builder", words).await;
    screenshot(&browser, "plan-builder", words).await;
    review_and_submit(&browser, words).await;
    let reference = wait_for(&browser, "#agreement-reference")
        .await
        .text()
        .await
        .expect("reference");
    assert!(reference.starts_with("AG-"), "{reference}");
    screenshot(&browser, "agreement", words).await;
    assert_accessible(&browser, "agreement", words).await;

    // The overview and the plans page show the agreement in progress.
    visit(&browser, &app, "/accounts").await;
    wait_for(&browser, ".in-progress").await;
    visit(&browser, &app, "/plans").await;
    wait_for(&browser, &format!("a[href='/agreements/{reference}']")).await;
    assert_accessible(&browser, "plans", words).await;

    // Account 2 is in the middle stage: more than 12 installments need a collector.
    visit(&browser, &app, "/accounts/2/plan").await;
    wait_for(&browser, ".plan-builder[data-hydrated='true']").await;
    click(&browser, ".suggestions li:first-child button").await;
    click(&browser, "input[name=frequency][value=weekly]").await;
    replace_text(&find(&browser, "#installments").await, "20").await;
    browser.wait_text(".verdict-review", words.needs_review_because).await;
    review_and_submit(&browser, words).await;
    browser.wait_text(".status-line", words.pending_status).await;
    let url = browser.client.current_url().await.expect("url");
    let pending: i64 = url
        .path()
        .strip_prefix("/proposals/")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("a proposal page: {url}"));
    screenshot(&browser, "proposal-pending", words).await;
    assert_accessible(&browser, "pending proposal", words).await;

    // A counter-offer, declined: the account is free for a new plan.
    counter_offer(&app, pending, "Six monthly payments. 每月还款，共六期。").await;
    visit(&browser, &app, &format!("/proposals/{pending}")).await;
    browser.wait_text("#counter-offer-card", "每月还款，共六期。").await;
    assert_accessible(&browser, "counter-offer", words).await;
    screenshot(&browser, "counter-offer", words).await;
    click(&browser, "#decline-offer").await;
    browser.wait_text("#offer-state", words.declined).await;
    assert_accessible(&browser, "declined counter-offer", words).await;

    // Another pending plan and another counter-offer, accepted: the agreement is recorded.
    let borrower = app.signed_in(BORROWER_A.0, BORROWER_A.1).await;
    let weekly =
        json!({ "down_payment": "", "installments": "20", "frequency": "weekly", "first_payment_date": "2026-12-05" });
    let (_, body): (u16, Value) = submit_plan(&borrower, &app, 2, "journey-second-plan", weekly).await;
    let id = body["SentForReview"]["proposal_id"]
        .as_i64()
        .unwrap_or_else(|| panic!("pending: {body}"));
    counter_offer(&app, id, "Six monthly payments instead.").await;
    visit(&browser, &app, &format!("/proposals/{id}")).await;
    wait_for(&browser, "#counter-offer-card").await;
    click(&browser, "#accept-offer").await;
    wait_for(&browser, "#agreement-reference").await;
    browser.wait_text("main", words.accepted_origin).await;
    screenshot(&browser, "agreement-from-counter-offer", words).await;
    assert_accessible(&browser, "agreement from a counter-offer", words).await;
    browser.close().await;
}

#[tokio::test]
async fn a_borrower_goes_through_the_whole_journey_in_english() {
    journey(&ENGLISH).await;
}

#[tokio::test]
async fn a_borrower_goes_through_the_whole_journey_in_chinese() {
    journey(&CHINESE).await;
}
