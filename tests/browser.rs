//! Real-browser tests in headless Chromium: what only a browser can show (hydration, islands
//! calling server functions, layout at phone width).

use std::time::Duration;

use fantoccini::Locator;
use tests::browser::{Browser, DESKTOP, PHONE};
use tests::{TestApp, BORROWER_A, FIRST_ACCESS};

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
        assert_eq!(
            browser.horizontal_overflow().await,
            0,
            "horizontal overflow at {name} width"
        );
        let heading = browser.text("h1").await;
        assert_eq!(heading, "您的逾期账户");
        browser.screenshot(&format!("accounts-zh-{name}")).await;
        browser.close().await;
    }
}

async fn type_into(browser: &Browser, id: &str, text: &str) {
    browser
        .client
        .find(Locator::Id(id))
        .await
        .expect(id)
        .send_keys(text)
        .await
        .expect("type");
}

async fn submit(browser: &Browser, form_action: &str) {
    browser
        .client
        .find(Locator::Css(&format!(
            "form[action='{form_action}'] button[type=submit]"
        )))
        .await
        .expect("submit button")
        .click()
        .await
        .expect("click");
}

async fn wait_for_path(browser: &Browser, base_url: &str, path: &str) {
    browser
        .client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_url(&format!("{base_url}{path}").parse().expect("url"))
        .await
        .unwrap_or_else(|e| panic!("never reached {path}: {e}"));
}

#[tokio::test]
async fn a_borrower_sets_up_access_signs_in_sees_their_accounts_and_signs_out() {
    let app = TestApp::spawn().await;
    let browser = Browser::start(PHONE, "en").await;
    let c = &browser.client;
    let b = &FIRST_ACCESS;

    // From the sign-in page to first access.
    c.goto(&app.url("/sign-in")).await.expect("open sign-in");
    c.find(Locator::Id("first-access-link"))
        .await
        .expect("first-access link")
        .click()
        .await
        .expect("follow link");
    wait_for_path(&browser, &app.base_url, "/first-access").await;

    // A wrong detail: the generic message, and the reference is still there.
    type_into(&browser, "reference", b.reference).await;
    c.execute(
        "document.getElementById('date_of_birth').value = arguments[0]; return null;",
        vec![serde_json::json!("1990-05-18")],
    )
    .await
    .expect("set date");
    type_into(&browser, "phone_last4", b.phone_last4).await;
    submit(&browser, "/auth/first-access").await;
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Id("first-access-error"))
        .await
        .expect("an error");
    assert!(browser
        .text("#first-access-error")
        .await
        .contains("We could not confirm who you are"));
    let kept = c
        .find(Locator::Id("reference"))
        .await
        .expect("reference")
        .prop("value")
        .await
        .expect("value");
    assert_eq!(kept.as_deref(), Some(b.reference));
    browser.screenshot("first-access-failed-phone").await;

    // The right details, then a password.
    c.execute(
        "document.getElementById('date_of_birth').value = arguments[0]; return null;",
        vec![serde_json::json!(b.date_of_birth)],
    )
    .await
    .expect("set date");
    type_into(&browser, "phone_last4", b.phone_last4).await;
    submit(&browser, "/auth/first-access").await;
    wait_for_path(&browser, &app.base_url, "/first-access/password").await;
    let violations = browser.accessibility_violations().await;
    assert!(
        violations.is_empty(),
        "accessibility violations on the password step: {violations:#?}"
    );
    type_into(&browser, "new_password", "river lantern 1990").await;
    type_into(&browser, "confirmation", "river lantern 1990").await;
    browser.screenshot("first-access-password-phone").await;
    submit(&browser, "/auth/first-access/password").await;
    wait_for_path(&browser, &app.base_url, "/accounts").await;
    assert!(browser.text("#accounts").await.contains("CL-2026-000301"));

    // Sign out, then sign in with the new password: their own accounts, nobody else's.
    submit(&browser, "/auth/sign-out").await;
    wait_for_path(&browser, &app.base_url, "/sign-in?notice=signed_out").await;
    browser.sign_in(&app.base_url, b.phone, "river lantern 1990").await;
    let accounts = browser.text("#accounts").await;
    assert!(accounts.contains("CL-2026-000301"), "{accounts}");
    assert!(!accounts.contains("CL-2026-000101"));
    let cards = c.find_all(Locator::Css("article.account")).await.expect("cards");
    assert_eq!(cards.len(), 1);
    browser.screenshot("first-access-accounts-phone").await;
    submit(&browser, "/auth/sign-out").await;
    wait_for_path(&browser, &app.base_url, "/sign-in?notice=signed_out").await;

    // Signed out for real: the accounts page sends the browser back to sign in.
    c.goto(&app.url("/accounts")).await.expect("open accounts");
    wait_for_path(&browser, &app.base_url, "/sign-in").await;
    browser.close().await;
}

/// Presses Tab `times` times and names each element that receives the focus (its id, else its
/// class, else its text).
async fn tab_through(browser: &Browser, times: usize) -> Vec<String> {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    use fantoccini::key::Key;
    let mut order = Vec::with_capacity(times);
    for _ in 0..times {
        let tab = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: Key::Tab.into() })
            .then(KeyAction::Up { value: Key::Tab.into() });
        browser.client.perform_actions(tab).await.expect("press Tab");
        let focused = browser
            .client
            .execute(
                "const e = document.activeElement; \
                 return e.id || e.getAttribute('class') || e.textContent.trim();",
                vec![],
            )
            .await
            .expect("the focused element");
        order.push(focused.as_str().unwrap_or_default().to_owned());
    }
    order
}

#[tokio::test]
async fn the_keyboard_reaches_everything_in_reading_order_on_a_phone() {
    let app = TestApp::spawn().await;
    let browser = Browser::start(PHONE, "en").await;
    browser.client.goto(&app.url("/sign-in")).await.expect("sign-in");
    let order = tab_through(&browser, 7).await;
    assert_eq!(
        order,
        [
            "skip",
            "brand",
            "lang",
            "login",
            "password",
            "button primary",
            "first-access-link"
        ],
        "the sign-in page in reading order"
    );
    browser.sign_in(&app.base_url, BORROWER_A.0, BORROWER_A.1).await;
    browser
        .client
        .goto(&app.url("/accounts/1/plan"))
        .await
        .expect("plan page");
    browser.wait_hydrated().await;
    // The form's fields come in the order they are read, each reachable.
    let order = tab_through(&browser, 20).await;
    let position = |id: &str| {
        order
            .iter()
            .position(|o| o == id)
            .unwrap_or_else(|| panic!("{id} in {order:?}"))
    };
    assert!(position("down_payment") < position("installments"), "{order:?}");
    assert!(position("installments") < position("first_payment_date"), "{order:?}");
    browser.close().await;
}
