//! The borrower's whole journey in a real browser, in both languages: read an account, build a
//! plan with the live preview, see a violation inline, fix it, review, submit, and get an
//! agreement (within policy) or a pending proposal (beyond it). Every page is audited with
//! axe-core and photographed at phone width.

use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::Locator;
use tests::browser::{Browser, PHONE};
use tests::{TestApp, BORROWER_A};

async fn find(browser: &Browser, css: &str) -> Element {
    browser
        .client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
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

async fn wait_for_text(browser: &Browser, css: &str, text: &str) {
    let xpath_text = text.replace('\'', "");
    let _ = css;
    browser
        .client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::XPath(&format!(
            "//*[contains(normalize-space(.), '{xpath_text}')]"
        )))
        .await
        .unwrap_or_else(|e| panic!("waiting for {text:?}: {e}"));
}

async fn replace_text(element: &Element, text: &str) {
    element.clear().await.expect("clear");
    element.send_keys(text).await.expect("type");
}

async fn assert_accessible(browser: &Browser, page: &str) {
    let violations = browser.accessibility_violations().await;
    assert!(
        violations.is_empty(),
        "accessibility violations on {page}: {violations:#?}"
    );
}

#[tokio::test]
async fn a_borrower_builds_a_plan_within_policy_and_gets_an_agreement_in_english() {
    let app = TestApp::spawn().await;
    let browser = Browser::start(PHONE, "en").await;
    for (path, page) in [("/sign-in", "sign-in"), ("/first-access", "first access")] {
        browser.client.goto(&app.url(path)).await.expect("open");
        assert_accessible(&browser, page).await;
    }
    browser.sign_in(&app.base_url, BORROWER_A.0, BORROWER_A.1).await;
    assert_accessible(&browser, "accounts").await;

    // The account page explains the stage and what comes next.
    browser
        .client
        .goto(&app.url("/accounts/1"))
        .await
        .expect("account page");
    wait_for_text(&browser, "h2", "Where this account stands").await;
    browser.screenshot("account-phone").await;
    assert_accessible(&browser, "account").await;

    browser
        .client
        .goto(&app.url("/accounts/1/plan"))
        .await
        .expect("plan page");
    wait_for(&browser, ".plan-builder[data-hydrated='true']").await;
    // Start from a suggested plan, then ask for more installments than the stage allows.
    find(&browser, ".suggestions li:last-child button")
        .await
        .click()
        .await
        .expect("use suggestion");
    wait_for(&browser, ".verdict-ok").await;
    let installments = find(&browser, "#installments").await;
    replace_text(&installments, "40").await;
    wait_for(&browser, "#err-installments .field-error").await;
    let message = browser.text("#err-installments").await;
    assert!(message.contains("at most 26 installments"), "{message}");
    assert_eq!(
        find(&browser, "#installments")
            .await
            .attr("aria-invalid")
            .await
            .expect("attr")
            .as_deref(),
        Some("true")
    );
    browser.screenshot("plan-violation-phone").await;
    // Fix it: the violation disappears and the plan is acceptable at once.
    replace_text(&installments, "5").await;
    wait_for(&browser, ".verdict-ok").await;
    assert!(browser.text(".schedule tfoot").await.contains("¥13,014.50"));
    assert_accessible(&browser, "plan builder").await;

    // Review, then submit.
    find(&browser, ".plan-form button.primary")
        .await
        .click()
        .await
        .expect("review");
    wait_for_text(&browser, "h2", "Check your plan before you send it").await;
    browser.screenshot("plan-review-phone").await;
    find(&browser, ".plan-form button.primary")
        .await
        .click()
        .await
        .expect("submit");
    browser
        .client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Id("agreement-reference"))
        .await
        .expect("agreement page");
    let url = browser.client.current_url().await.expect("url");
    assert!(url.path().starts_with("/agreements/AG-"), "{url}");
    assert!(browser.text("#agreement-reference").await.starts_with("AG-"));
    browser.screenshot("agreement-phone").await;
    assert_accessible(&browser, "agreement").await;

    // Back on the overview, the account shows the agreement in progress.
    browser.client.goto(&app.url("/accounts")).await.expect("overview");
    wait_for(&browser, ".in-progress").await;
    // The plans page lists it too.
    let reference = url.path().trim_start_matches("/agreements/").to_owned();
    browser.client.goto(&app.url("/plans")).await.expect("plans page");
    wait_for(&browser, &format!("a[href='/agreements/{reference}']")).await;
    assert_accessible(&browser, "plans").await;
    browser.close().await;
}

#[tokio::test]
async fn a_bigger_plan_becomes_a_pending_proposal_in_chinese() {
    let app = TestApp::spawn().await;
    let browser = Browser::start(PHONE, "zh-CN").await;
    browser.client.goto(&app.url("/sign-in")).await.expect("open");
    assert_accessible(&browser, "sign-in (zh)").await;
    browser.sign_in(&app.base_url, BORROWER_A.0, BORROWER_A.1).await;
    assert_accessible(&browser, "accounts (zh)").await;
    // Account 2 is in the middle stage: up to 12 installments are accepted without review.
    browser
        .client
        .goto(&app.url("/accounts/2/plan"))
        .await
        .expect("plan page");
    wait_for(&browser, ".plan-builder[data-hydrated='true']").await;
    find(&browser, ".suggestions li:first-child button")
        .await
        .click()
        .await
        .expect("use suggestion");
    find(&browser, "input[name=frequency][value=weekly]")
        .await
        .click()
        .await
        .expect("weekly");
    replace_text(&find(&browser, "#installments").await, "20").await;
    wait_for(&browser, ".verdict-review").await;
    let why = browser.text(".verdict-review").await;
    assert!(why.contains("期数超过 12 期"), "{why}");
    browser.screenshot("plan-review-needed-zh-phone").await;
    assert_accessible(&browser, "plan builder (zh)").await;
    find(&browser, ".plan-form button.primary")
        .await
        .click()
        .await
        .expect("review");
    wait_for_text(&browser, "h2", "提交前请确认您的计划").await;
    find(&browser, ".plan-form button.primary")
        .await
        .click()
        .await
        .expect("submit");
    browser
        .client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_url(&app.url("/proposals/1").parse().expect("url"))
        .await
        .expect("proposal page");
    let status = browser.text(".status-line").await;
    assert!(status.contains("待审核"), "{status}");
    browser.screenshot("proposal-pending-zh-phone").await;
    assert_accessible(&browser, "proposal (zh)").await;
    browser.close().await;
}
