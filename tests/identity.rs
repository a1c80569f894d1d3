//! Identity and access over HTTP against the real server: first access, staff accounts from
//! the command line, throttling, cross-site refusals, security headers and the audit trail.
//! Sessions have their own file (sessions.rs).

use tests::{
    bare_client, fresh_database, location, my_accounts_status, page_html, run_server_command, session_cookie,
    set_cookie, sign_in_attempt, sign_in_token, Backend, TestApp, BORROWER_A, BORROWER_B, COLLECTOR, FIRST_ACCESS,
    SUPERVISOR,
};

async fn prove(app: &TestApp, client: &reqwest::Client, reference: &str, dob: &str, last4: &str) -> reqwest::Response {
    client
        .post(app.url("/auth/first-access"))
        .form(&[("reference", reference), ("date_of_birth", dob), ("phone_last4", last4)])
        .send()
        .await
        .expect("first-access request")
}

async fn choose(app: &TestApp, client: &reqwest::Client, new: &str, again: &str) -> reqwest::Response {
    client
        .post(app.url("/auth/first-access/password"))
        .form(&[("new_password", new), ("confirmation", again)])
        .send()
        .await
        .expect("password request")
}

#[tokio::test]
async fn a_borrower_proves_who_they_are_chooses_a_password_and_is_signed_in() {
    let app = TestApp::spawn().await;
    let client = TestApp::client();
    let b = &FIRST_ACCESS;
    // The reference is accepted in any case and with stray spaces.
    let proved = prove(&app, &client, " cl-2026-000301 ", b.date_of_birth, b.phone_last4).await;
    assert_eq!(proved.status(), 303);
    assert_eq!(location(&proved), "/first-access/password");
    let ticket = set_cookie(&proved, "rd_first_access").expect("a first-access ticket");
    assert!(ticket.len() >= 64, "an opaque random ticket");
    let cookie_line = proved.headers()["set-cookie"].to_str().expect("cookie");
    assert!(cookie_line.contains("HttpOnly") && cookie_line.contains("SameSite=Strict"));

    // Weak choices are refused with a specific reason, and nothing is set yet.
    for (new, again, code) in [
        ("short-one", "short-one", "password_too_short"),
        ("password1234", "password1234", "password_too_common"),
        (
            "a long enough passphrase",
            "a long enough passphrase!",
            "password_mismatch",
        ),
    ] {
        let refused = choose(&app, &client, new, again).await;
        assert_eq!(location(&refused), format!("/first-access/password?error={code}"));
        assert!(!location(&refused).contains(new), "a password never travels back");
    }
    let html = page_html(
        &bare_client(),
        &app,
        "/first-access/password?error=password_too_short",
        "zh-CN",
    )
    .await;
    assert!(html.contains("密码至少需要 12 个字符"), "the reason in Chinese");

    let chosen = choose(&app, &client, "river lantern 1990", "river lantern 1990").await;
    assert_eq!(location(&chosen), "/accounts");
    assert!(session_cookie(&chosen).is_some_and(|t| !t.is_empty()));
    let accounts = client
        .get(app.url("/accounts"))
        .send()
        .await
        .expect("accounts")
        .text()
        .await
        .expect("html");
    assert!(accounts.contains("CL-2026-000301"), "sees their own account");
    assert!(!accounts.contains("CL-2026-000101"), "and nobody else's");

    // The ticket was single-use, and the phone number now signs in with the new password.
    let again = choose(&app, &client, "another passphrase 1", "another passphrase 1").await;
    assert_eq!(location(&again), "/first-access?error=expired");
    assert_eq!(sign_in_attempt(&app, b.phone, "river lantern 1990").await, "/accounts");
    // First access cannot be used again to take the account over.
    let replay = prove(&app, &TestApp::client(), b.reference, b.date_of_birth, b.phone_last4).await;
    assert!(location(&replay).starts_with("/first-access?error=failed"));

    let actions = app.audit_actions().await;
    for action in [
        "auth.first_access_verified",
        "auth.first_password_set",
        "auth.signed_in",
    ] {
        assert!(actions.iter().any(|a| a == action), "{action} in {actions:?}");
    }
}

#[tokio::test]
async fn every_failed_first_access_reads_the_same_and_keeps_what_was_typed_except_the_digits() {
    let app = TestApp::spawn().await;
    let b = &FIRST_ACCESS;
    let cases = [
        (b.reference, "1990-05-18", b.phone_last4),         // wrong date of birth
        (b.reference, b.date_of_birth, "0004"),             // wrong phone digits
        ("CL-2099-999999", b.date_of_birth, b.phone_last4), // no such account
        ("CL-2026-000101", "1988-03-14", "0001"),           // someone who already has a password
    ];
    for (reference, dob, last4) in cases {
        let response = prove(&app, &TestApp::client(), reference, dob, last4).await;
        assert!(set_cookie(&response, "rd_first_access").is_none());
        let expected = format!(
            "/first-access?error=failed&reference={}&dob={dob}",
            reference.replace(' ', "+")
        );
        assert_eq!(location(&response), expected);
    }
    let missing = prove(&app, &TestApp::client(), b.reference, "", "").await;
    assert!(location(&missing).starts_with("/first-access?error=missing"));

    let html = page_html(
        &bare_client(),
        &app,
        "/first-access?error=failed&reference=CL-2026-000301&dob=1990-05-18",
        "en",
    )
    .await;
    assert!(html.contains("We could not confirm who you are"), "generic message");
    assert!(html.contains("value=\"CL-2026-000301\"") && html.contains("value=\"1990-05-18\""));
    let zh = page_html(&bare_client(), &app, "/first-access?error=failed", "zh-CN").await;
    assert!(zh.contains("无法使用这些信息确认您的身份"));
    let audit = app.audit_actions().await;
    assert_eq!(audit.iter().filter(|a| *a == "auth.first_access_failed").count(), 4);
}

#[tokio::test]
async fn the_sign_in_page_links_to_first_access_and_choosing_a_password_needs_a_proof() {
    let app = TestApp::spawn().await;
    let html = page_html(&bare_client(), &app, "/sign-in", "en").await;
    assert!(html.contains("href=\"/first-access\""));
    assert!(page_html(&bare_client(), &app, "/sign-in", "zh-CN")
        .await
        .contains("首次使用"));
    let no_ticket = choose(&app, &TestApp::client(), "river lantern 1990", "river lantern 1990").await;
    assert_eq!(location(&no_ticket), "/first-access?error=expired");
    let forged = bare_client()
        .post(app.url("/auth/first-access/password"))
        .header("cookie", "rd_first_access=0000")
        .form(&[
            ("new_password", "river lantern 1990"),
            ("confirmation", "river lantern 1990"),
        ])
        .send()
        .await
        .expect("password");
    assert_eq!(location(&forged), "/first-access?error=expired");
}

#[tokio::test]
async fn failed_sign_ins_lock_the_account_with_a_try_again_message_and_an_audit_entry() {
    let app = TestApp::spawn().await;
    let (login, password) = BORROWER_A;
    for n in 1..=4 {
        let to = sign_in_attempt(&app, login, "not the password").await;
        assert_eq!(to, format!("/sign-in?error=failed&login={login}"), "attempt {n}");
    }
    let locked = format!("/sign-in?error=locked&minutes=15&login={login}");
    assert_eq!(sign_in_attempt(&app, login, "not the password").await, locked);
    // While locked, even the right password does not get in.
    assert_eq!(sign_in_attempt(&app, login, password).await, locked);
    let en = page_html(&bare_client(), &app, &locked, "en").await;
    assert!(en.contains("try again in 15 minutes"), "clear message");
    let zh = page_html(&bare_client(), &app, &locked, "zh-CN").await;
    assert!(zh.contains("请在 15 分钟后重试"));
    // Another account from the same address is not locked by this one.
    assert_eq!(sign_in_attempt(&app, BORROWER_B.0, BORROWER_B.1).await, "/accounts");

    // Unknown logins lock exactly the same way: nothing tells them apart.
    for _ in 1..=4 {
        sign_in_attempt(&app, "19999999999", "not the password").await;
    }
    assert_eq!(
        sign_in_attempt(&app, "19999999999", "not the password").await,
        "/sign-in?error=locked&minutes=15&login=19999999999"
    );
    let actions = app.audit_actions().await;
    assert_eq!(actions.iter().filter(|a| *a == "auth.locked_out").count(), 2);
    assert!(actions.iter().filter(|a| *a == "auth.sign_in_failed").count() >= 10);
}

/// How many wrong passwords were checked (the audit records each as a failed sign-in).
async fn passwords_checked(app: &TestApp) -> usize {
    app.audit_actions()
        .await
        .iter()
        .filter(|a| *a == "auth.sign_in_failed")
        .count()
}

#[tokio::test]
async fn a_burst_of_simultaneous_guesses_gets_no_more_tries_than_the_limit() {
    let app = TestApp::spawn_flags(&["--attempts-per-address", "1000"]).await;
    let guesses = (0..20).map(|n| {
        let app = &app;
        async move { sign_in_attempt(app, BORROWER_A.0, &format!("guess number {n:02}")).await }
    });
    let answers = futures::future::join_all(guesses).await;
    let failed = answers.iter().filter(|to| to.contains("error=failed")).count();
    let locked = answers.iter().filter(|to| to.contains("error=locked")).count();
    assert_eq!(failed + locked, 20, "{answers:?}");
    // Exactly five wrong passwords were checked; every other guess was refused unchecked.
    assert_eq!(passwords_checked(&app).await, 5, "{answers:?}");
    assert!(sign_in_attempt(&app, BORROWER_A.0, BORROWER_A.1)
        .await
        .contains("error=locked"));
}

#[tokio::test]
async fn failed_sign_ins_from_one_address_lock_that_address_whatever_the_account() {
    let app = TestApp::spawn_flags(&["--attempts-per-address", "3", "--attempts-per-account", "10"]).await;
    for login in ["19900000001", "19900000002"] {
        assert!(sign_in_attempt(&app, login, "wrong password here")
            .await
            .contains("error=failed"));
    }
    assert!(sign_in_attempt(&app, "19900000003", "wrong password here")
        .await
        .contains("error=locked"));
    assert!(
        sign_in_attempt(&app, BORROWER_B.0, BORROWER_B.1)
            .await
            .contains("error=locked"),
        "the address is locked for every account"
    );
}

#[tokio::test]
async fn first_access_attempts_are_throttled_too() {
    let app = TestApp::spawn_flags(&["--attempts-per-account", "3"]).await;
    let b = &FIRST_ACCESS;
    for _ in 0..2 {
        let r = prove(&app, &TestApp::client(), b.reference, "2000-01-01", "9999").await;
        assert!(location(&r).starts_with("/first-access?error=failed"));
    }
    let r = prove(&app, &TestApp::client(), b.reference, "2000-01-01", "9999").await;
    assert!(
        location(&r).starts_with("/first-access?error=locked&minutes=15"),
        "{}",
        location(&r)
    );
    let right = prove(&app, &TestApp::client(), b.reference, b.date_of_birth, b.phone_last4).await;
    assert!(location(&right).starts_with("/first-access?error=locked"));
    assert!(set_cookie(&right, "rd_first_access").is_none());
    let html = page_html(&bare_client(), &app, &location(&right), "en").await;
    assert!(html.contains("try again in 15 minutes"));
    assert!(app
        .audit_actions()
        .await
        .iter()
        .any(|a| a == "auth.first_access_locked_out"));
}

#[tokio::test]
async fn cross_site_writes_are_refused_for_forms_server_functions_and_sign_out() {
    let app = TestApp::spawn().await;
    let token = sign_in_token(&app.base_url, BORROWER_A.0, BORROWER_A.1).await;
    let cookie = format!("rd_session={token}");
    let c = bare_client();
    let attempts = [
        c.post(app.url("/auth/sign-in"))
            .header("origin", "https://evil.example")
            .form(&[("login", BORROWER_A.0), ("password", BORROWER_A.1)]),
        c.post(app.url("/auth/sign-out"))
            .header("cookie", &cookie)
            .header("sec-fetch-site", "cross-site"),
        c.post(app.url("/auth/first-access"))
            .header("origin", "null")
            .form(&[("reference", "x")]),
        c.post(app.url("/api/accounts/hardship"))
            .header("cookie", &cookie)
            .header("sec-fetch-site", "same-site")
            .form(&[("account_id", "1"), ("reason", "illness"), ("note", "")]),
        c.post(app.url("/api/accounts/mine"))
            .header("cookie", &cookie)
            .header("origin", format!("{}.evil.example", app.base_url)),
    ];
    for attempt in attempts {
        let response = attempt.send().await.expect("request");
        assert_eq!(response.status(), 403);
    }
    // The session survived the forged sign-out, and a same-origin write goes through.
    assert_eq!(my_accounts_status(&app.base_url, &token).await, 200);
    let same = c
        .post(app.url("/api/accounts/mine"))
        .header("cookie", &cookie)
        .header("origin", &app.base_url)
        .header("sec-fetch-site", "same-origin")
        .header("accept", "application/json")
        .send()
        .await
        .expect("same origin");
    assert_eq!(same.status(), 200);
    let refused = app
        .audit_actions()
        .await
        .into_iter()
        .filter(|a| a == "access.cross_site_refused")
        .count();
    assert_eq!(refused, 5);
}

fn assert_security_headers(what: &str, response: &reqwest::Response) -> String {
    let h = response.headers();
    assert_eq!(h["x-content-type-options"], "nosniff", "{what}");
    assert_eq!(h["referrer-policy"], "same-origin", "{what}");
    let csp = h["content-security-policy"].to_str().expect("csp").to_owned();
    for needed in [
        "default-src 'self'",
        "'wasm-unsafe-eval'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ] {
        assert!(csp.contains(needed), "{what}: {needed} missing from {csp}");
    }
    for foreign in ["http:", "https:", "*", "'unsafe-inline'", "'unsafe-eval'"] {
        assert!(!csp.contains(foreign), "{what}: {foreign} allowed by {csp}");
    }
    csp
}

#[tokio::test]
async fn every_kind_of_response_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    let client = app.signed_in(BORROWER_A.0, BORROWER_A.1).await;
    let page = client.get(app.url("/accounts")).send().await.expect("page");
    let csp = assert_security_headers("page", &page);
    assert_eq!(page.headers()["cache-control"], "no-store");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a script nonce")
        .to_owned();
    let html = page.text().await.expect("html");
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "scripts carry the nonce");

    let answers = [
        (
            "server function",
            client
                .post(app.url("/api/accounts/mine"))
                .header("accept", "application/json"),
        ),
        (
            "refused server function",
            TestApp::client().post(app.url("/api/accounts/mine")),
        ),
        ("health", client.get(app.url("/healthz"))),
        ("redirect", TestApp::client().get(app.url("/"))),
        (
            "form answer",
            TestApp::client().post(app.url("/auth/sign-in")).form(&[("login", "")]),
        ),
        ("missing page", client.get(app.url("/no-such-page"))),
        (
            "cross-site refusal",
            client
                .post(app.url("/auth/sign-out"))
                .header("origin", "https://evil.example"),
        ),
    ];
    for (what, request) in answers {
        let response = request.send().await.expect(what);
        assert_security_headers(what, &response);
    }
}

#[tokio::test]
async fn refused_requests_are_recorded_in_the_audit_trail() {
    let app = TestApp::spawn().await;
    let anonymous = TestApp::client()
        .post(app.url("/api/accounts/mine"))
        .send()
        .await
        .expect("anonymous");
    assert_eq!(anonymous.status(), 401);
    let collector = app.signed_in(COLLECTOR.0, COLLECTOR.1).await;
    let forbidden = collector
        .post(app.url("/api/accounts/mine"))
        .send()
        .await
        .expect("collector");
    assert_eq!(forbidden.status(), 403);
    let b = app.signed_in(BORROWER_B.0, BORROWER_B.1).await;
    let not_theirs = b
        .post(app.url("/api/accounts/hardship"))
        .form(&[("account_id", "1"), ("reason", "illness"), ("note", "")])
        .send()
        .await
        .expect("borrower B");
    assert_eq!(not_theirs.status(), 404);
    let supervisor = app.signed_in(SUPERVISOR.0, SUPERVISOR.1).await;
    let trail: serde_json::Value = supervisor
        .post(app.url("/api/audit/recent"))
        .header("accept", "application/json")
        .form(&[("limit", "100")])
        .send()
        .await
        .expect("audit")
        .json()
        .await
        .expect("json");
    let refusals: Vec<(&str, &str)> = trail
        .as_array()
        .expect("a list")
        .iter()
        .filter(|e| e["action"] == "access.refused")
        .map(|e| {
            (
                e["actor_role"].as_str().unwrap_or_default(),
                e["subject_id"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert!(refusals.contains(&("anonymous", "/api/accounts/mine")), "{refusals:?}");
    assert!(refusals.contains(&("collector", "/api/accounts/mine")), "{refusals:?}");
    assert!(
        refusals.contains(&("borrower", "/api/accounts/hardship")),
        "{refusals:?}"
    );
}

#[tokio::test]
async fn refusals_by_the_plain_forms_are_recorded_in_the_audit_trail_too() {
    let app = TestApp::spawn().await;
    let plan = [
        ("account_id", "1"),
        ("idempotency_key", "key-refused-form-1"),
        ("installments", "3"),
        ("frequency", "monthly"),
        ("first_payment_date", "2026-12-05"),
    ];
    let b = app.signed_in(BORROWER_B.0, BORROWER_B.1).await;
    let not_theirs = b
        .post(app.url("/plans/submit"))
        .form(&plan)
        .send()
        .await
        .expect("borrower B");
    assert_eq!(not_theirs.status(), 404);
    let collector = app.signed_in(COLLECTOR.0, COLLECTOR.1).await;
    let not_a_borrower = collector
        .post(app.url("/plans/submit"))
        .form(&plan)
        .send()
        .await
        .expect("collector");
    assert_eq!(not_a_borrower.status(), 403);
    let borrower_export = b.get(app.url("/exports/agreements.csv")).send().await.expect("export");
    assert_eq!(borrower_export.status(), 403);
    let db = app::server::db::Db::open(&app.database_url, 1).await.expect("db");
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT actor_role, subject_id, detail FROM audit_log WHERE action = 'access.refused' ORDER BY id",
    )
    .fetch_all(&db.pool)
    .await
    .expect("audit");
    let seen = |role: &str, path: &str, reason: &str| {
        rows.iter()
            .any(|(r, p, d)| r == role && p == path && d.contains(reason))
    };
    assert!(seen("borrower", "/plans/submit", "not_found"), "{rows:?}");
    assert!(seen("collector", "/plans/submit", "forbidden"), "{rows:?}");
    assert!(seen("borrower", "/exports/agreements.csv", "forbidden"), "{rows:?}");
}

#[tokio::test]
async fn an_operator_adds_a_collector_with_the_password_on_standard_input() {
    let url = fresh_database(Backend::Sqlite).await.expect("sqlite");
    let add = |username: &'static str, password: &'static str| {
        let url = url.clone();
        move || {
            run_server_command(
                &[
                    "user",
                    "add",
                    "--role",
                    "collector",
                    "--username",
                    username,
                    "--full-name",
                    "吴磊 Wu Lei",
                    "--database-url",
                    &url,
                ],
                password,
            )
        }
    };
    let (ok, stdout, stderr) = add("wu.lei", "ledger-lantern-77\n")();
    assert!(ok, "{stderr}");
    assert!(stdout.contains("Added collector \"wu.lei\""), "{stdout}");
    assert!(!stdout.contains("ledger-lantern-77") && !stderr.contains("ledger-lantern-77"));

    for (username, password, expected) in [
        ("wu.lei", "another-long-secret\n", "already exists"),
        ("new.one", "short\n", "too short"),
        ("new.one", "password1234\n", "too common"),
        ("Not Valid", "ledger-lantern-77\n", "username must be"),
        ("new.one", "", "no password given"),
    ] {
        let (ok, _, stderr) = add(username, password)();
        assert!(!ok, "{username} / {password:?} should fail");
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
        assert!(stderr.contains(expected), "{stderr}");
    }
    // A password is never accepted on the command line.
    let (ok, _, _) = run_server_command(
        &[
            "user",
            "add",
            "--role",
            "collector",
            "--username",
            "x.y",
            "--password",
            "ledger-lantern-77",
            "--database-url",
            &url,
        ],
        "",
    );
    assert!(!ok);

    let app = TestApp::spawn_with(&url, &[]).await;
    let client = app.signed_in("wu.lei", "ledger-lantern-77").await;
    let mine = client
        .post(app.url("/api/accounts/mine"))
        .send()
        .await
        .expect("server fn");
    assert_eq!(mine.status(), 403, "a collector is not a borrower");
    assert!(app.audit_actions().await.iter().any(|a| a == "user.created"));
}
