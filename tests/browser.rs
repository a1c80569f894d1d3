//! Real-browser tests in headless Chromium: what only a browser can show (hydration, islands
//! calling server functions, layout at phone width).

use std::time::Duration;

use fantoccini::Locator;
use tests::browser::{Browser, DESKTOP, PHONE};
use tests::{TestApp, BORROWER_A};

#[tokio::test]
async fn a_borrower_records_a_hardship_reason_without_the_page_reloading() {
    let app = TestApp::spawn().await;
    let browser = Browser::start(PHONE, "en").await;
    browser.sign_in(&app.base_url, BORROWER_A.0, BORROWER_A.1).await;
    let c = &browser.client;

    // Server-rendered content is there before any script runs.
    let cards = c.find_all(Locator::Css("article.account")).await.expect("cards");
    assert_eq!(cards.len(), 2);
    browser.screenshot("accounts-phone").await;
    browser.wait_hydrated().await;

    // A marker on the window survives only if the page is not reloaded.
    c.execute("window.__repaydesk_marker = 42; return null;", vec![])
        .await
        .expect("mark window");
    c.find(Locator::Css("article.account:first-of-type details.hardship summary"))
        .await
        .expect("summary")
        .click()
        .await
        .expect("open");
    let select = c
        .find(Locator::Css("article.account:first-of-type select[name=reason]"))
        .await
        .expect("select");
    select.select_by_value("job_loss").await.expect("choose reason");
    c.find(Locator::Css("article.account:first-of-type textarea[name=note]"))
        .await
        .expect("note")
        .send_keys("<script>alert(1)</script> laid off in October")
        .await
        .expect("type note");
    c.find(Locator::Css(
        "article.account:first-of-type details.hardship button[type=submit]",
    ))
    .await
    .expect("save")
    .click()
    .await
    .expect("click save");

    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::XPath("//article[contains(@class,'account')][1]//p[contains(@class,'hardship-status')][contains(., 'I lost my job')]"))
        .await
        .expect("the status updates in place");
    let marker = c
        .execute("return window.__repaydesk_marker;", vec![])
        .await
        .expect("read marker");
    assert_eq!(marker, serde_json::json!(42), "the page was reloaded");
    browser.screenshot("accounts-hardship-recorded-phone").await;

    // A later visit shows the recorded reason from the server.
    c.refresh().await.expect("reload");
    let status = browser.text("article.account:first-of-type .hardship-status").await;
    assert!(status.contains("I lost my job"), "{status}");
    browser.close().await;
}

#[tokio::test]
async fn the_accounts_page_fits_a_phone_and_a_desktop_without_horizontal_scrolling() {
    let app = TestApp::spawn().await;
    for (size, name) in [(PHONE, "phone"), (DESKTOP, "desktop")] {
        let browser = Browser::start(size, "zh-CN").await;
        browser.sign_in(&app.base_url, BORROWER_A.0, BORROWER_A.1).await;
        let overflow = browser
            .client
            .execute(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
                vec![],
            )
            .await
            .expect("measure");
        assert_eq!(overflow, serde_json::json!(0), "horizontal overflow at {name} width");
        let heading = browser.text("h1").await;
        assert_eq!(heading, "您的逾期账户");
        browser.screenshot(&format!("accounts-zh-{name}")).await;
        browser.close().await;
    }
}
