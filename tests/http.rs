//! The real server over HTTP: health probes, server-rendered pages, sign-in, security headers,
//! and start-up failures that end with one specific line.

use std::process::Command;

use tests::{
    fresh_database, page_html, scratch_dir, server_binary, site_root, Backend, Logs, TestApp, BORROWER_A, BORROWER_B,
};

#[tokio::test]
async fn health_and_readiness_answer_ok() {
    let app = TestApp::spawn().await;
    let client = TestApp::client();
    let health = client.get(app.url("/healthz")).send().await.expect("healthz");
    assert_eq!(health.status(), 200);
    let ready = client.get(app.url("/readyz")).send().await.expect("readyz");
    assert_eq!(ready.status(), 200);
    let body: serde_json::Value = ready.json().await.expect("json");
    assert_eq!(body["database"], "ok");
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_security_headers() {
    let app = TestApp::spawn().await;
    let response = TestApp::client()
        .get(app.url("/sign-in"))
        .send()
        .await
        .expect("sign-in page");
    let headers = response.headers();
    assert!(headers.contains_key("x-request-id"));
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let csp = headers["content-security-policy"].to_str().expect("csp");
    assert!(
        csp.contains("'wasm-unsafe-eval'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert!(headers.contains_key("referrer-policy"));
}

#[tokio::test]
async fn the_accounts_page_is_rendered_on_the_server_from_the_database() {
    let app = TestApp::spawn().await;
    let client = app.signed_in(BORROWER_A.0, BORROWER_A.1).await;
    let response = client
        .get(app.url("/accounts"))
        .header("accept-language", "en")
        .send()
        .await
        .expect("accounts");
    assert_eq!(response.status(), 200);
    let html = response.text().await.expect("html");
    assert!(html.contains("Your overdue accounts"));
    // Both of borrower A's accounts, with amounts formatted and stages named.
    assert!(
        html.contains("CL-2026-000101") && html.contains("CC-2026-000102"),
        "{html}"
    );
    assert!(html.contains("¥13,014.50"), "early-stage account total");
    assert!(html.contains("Early stage") && html.contains("Middle stage"));
    // Never borrower B's.
    assert!(!html.contains("CL-2025-000201"));
}

#[tokio::test]
async fn the_accounts_page_speaks_chinese_when_the_browser_asks_for_it() {
    let app = TestApp::spawn().await;
    let client = app.signed_in(BORROWER_B.0, BORROWER_B.1).await;
    let html = page_html(&client, &app, "/accounts", "zh-CN,zh;q=0.9,en;q=0.8").await;
    assert!(
        html.contains("<html lang=\"zh-CN\""),
        "{}",
        &html[..200.min(html.len())]
    );
    assert!(html.contains("您的逾期账户") && html.contains("后期"));
}

#[tokio::test]
async fn an_anonymous_visitor_is_sent_to_sign_in() {
    let app = TestApp::spawn().await;
    let response = TestApp::client()
        .get(app.url("/accounts"))
        .header("accept", "text/html")
        .send()
        .await
        .expect("accounts");
    assert!(response.status().is_redirection(), "{}", response.status());
    assert_eq!(response.headers()["location"], "/sign-in");
}

#[tokio::test]
async fn a_wrong_password_returns_to_sign_in_with_the_login_kept_and_a_generic_message() {
    let app = TestApp::spawn().await;
    let client = TestApp::client();
    let response = client
        .post(app.url("/auth/sign-in"))
        .form(&[("login", BORROWER_A.0), ("password", "not the password")])
        .send()
        .await
        .expect("sign-in");
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().expect("location").to_owned();
    assert_eq!(location, format!("/sign-in?error=failed&login={}", BORROWER_A.0));
    let unknown = client
        .post(app.url("/auth/sign-in"))
        .form(&[("login", "19999999999"), ("password", "not the password")])
        .send()
        .await
        .expect("sign-in");
    assert_eq!(
        unknown.headers()["location"],
        "/sign-in?error=failed&login=19999999999",
        "unknown logins read the same"
    );
    let page = client
        .get(app.url(&location))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(page.contains("We could not sign you in") && page.contains(&format!("value=\"{}\"", BORROWER_A.0)));
}

#[tokio::test]
async fn a_server_function_refuses_an_anonymous_caller_with_401() {
    let app = TestApp::spawn().await;
    let response = TestApp::client()
        .post(app.url("/api/accounts/hardship"))
        .header("origin", &app.base_url)
        .form(&[("account_id", "1"), ("reason", "illness"), ("note", "")])
        .send()
        .await
        .expect("server fn");
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn a_cross_origin_post_is_refused() {
    let app = TestApp::spawn().await;
    let client = app.signed_in(BORROWER_A.0, BORROWER_A.1).await;
    let response = client
        .post(app.url("/api/accounts/hardship"))
        .header("origin", "https://evil.example")
        .form(&[("account_id", "1"), ("reason", "illness"), ("note", "")])
        .send()
        .await
        .expect("server fn");
    assert_eq!(response.status(), 403);
}

#[tokio::test]
async fn a_borrower_cannot_record_hardship_on_another_borrowers_account() {
    let app = TestApp::spawn().await;
    let client = app.signed_in(BORROWER_A.0, BORROWER_A.1).await;
    // Account 3 belongs to borrower B in the demo data; 999 does not exist: both read alike.
    for id in ["3", "999"] {
        let response = client
            .post(app.url("/api/accounts/hardship"))
            .header("accept", "application/json")
            .form(&[("account_id", id), ("reason", "illness"), ("note", "")])
            .send()
            .await
            .expect("server fn");
        assert_eq!(response.status(), 404, "account {id}");
    }
}

fn start_failure(args: &[&str]) -> String {
    let output = Command::new(server_binary())
        .args(args)
        .arg("--site-root")
        .arg(site_root())
        .env("RUST_LOG", "off")
        .output()
        .expect("run server");
    assert!(
        !output.status.success(),
        "the server should refuse to start with {args:?}"
    );
    let stderr = String::from_utf8_lossy(&output.stderr).trim().to_owned();
    assert_eq!(stderr.lines().count(), 1, "one line, got: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

#[test]
fn an_unwritable_database_path_ends_the_process_with_one_clear_line() {
    let line = start_failure(&[
        "--addr",
        "127.0.0.1:0",
        "--database-url",
        "sqlite:/nonexistent-dir/x/repaydesk.db",
    ]);
    assert!(
        line.contains("cannot open the SQLite database") && line.contains("does not exist"),
        "{line}"
    );
}

#[test]
fn a_malformed_database_url_ends_the_process_with_one_clear_line() {
    let line = start_failure(&["--addr", "127.0.0.1:0", "--database-url", "mysql://nowhere/db"]);
    assert!(line.contains("is not understood"), "{line}");
}

#[test]
fn a_port_in_use_ends_the_process_with_one_clear_line() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr").to_string();
    let db = tests::scratch_dir("port").join("r.db");
    let line = start_failure(&["--addr", &addr, "--database-url", &format!("sqlite:{}", db.display())]);
    assert!(line.contains(&format!("cannot listen on {addr}")), "{line}");
}

#[test]
fn a_database_path_that_is_a_folder_ends_the_process_with_one_clear_line() {
    let folder = scratch_dir("db-is-a-folder");
    let line = start_failure(&[
        "--addr",
        "127.0.0.1:0",
        "--database-url",
        &format!("sqlite:{}", folder.display()),
    ]);
    assert!(line.contains("cannot open the SQLite database"), "{line}");
}

#[test]
fn a_postgres_url_that_cannot_be_read_ends_the_process_with_one_clear_line() {
    let line = start_failure(&[
        "--addr",
        "127.0.0.1:0",
        "--database-url",
        "postgres://who:hunter2secret@127.0.0.1:notaport/db",
    ]);
    assert!(line.contains("database"), "{line}");
    assert!(
        !line.contains("hunter2secret"),
        "the password stays out of the log: {line}"
    );
}

#[test]
fn session_cookies_without_secure_are_refused_on_an_address_other_machines_reach() {
    let db = scratch_dir("insecure").join("r.db");
    let line = start_failure(&[
        "--addr",
        "0.0.0.0:0",
        "--secure-cookies",
        "never",
        "--database-url",
        &format!("sqlite:{}", db.display()),
    ]);
    assert!(line.contains("only for plain http on a loopback address"), "{line}");
    assert!(!db.exists(), "nothing was created before the refusal");
}

#[tokio::test]
async fn every_request_is_logged_with_its_request_id_at_the_default_level() {
    let log = scratch_dir("request-log").join("server.log");
    let url = fresh_database(Backend::Sqlite).await.expect("sqlite");
    let mut app = TestApp::spawn_logging(&url, &[], Logs::InfoInto(log.clone())).await;
    let response = TestApp::client()
        .get(app.url("/sign-in"))
        .header("x-request-id", "log-check-7f3a")
        .send()
        .await
        .expect("page");
    assert_eq!(response.headers()["x-request-id"], "log-check-7f3a");
    assert!(app.terminate().await.success(), "a clean exit on SIGTERM");
    let text = std::fs::read_to_string(&log).expect("log");
    let lines: Vec<&str> = text.lines().filter(|l| l.contains("log-check-7f3a")).collect();
    assert!(
        lines.iter().any(|l| l.contains("/sign-in") && l.contains("200")),
        "a line with the request id, path and status: {text}"
    );
}

#[tokio::test]
async fn sigterm_lets_the_request_in_flight_finish_then_exits_cleanly() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut app = TestApp::spawn().await;
    // A sign-in takes a password hash; the request is on the wire before SIGTERM is sent.
    let host = app.base_url.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&host).await.expect("connect");
    let body = format!("login={}&password={}", BORROWER_A.0, BORROWER_A.1);
    let request = format!(
        "POST /auth/sign-in HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("send");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let status = app.terminate().await;
    assert!(status.success(), "exit status {status:?}");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.expect("the answer");
    assert!(answer.starts_with("HTTP/1.1 303"), "{answer}");
}

#[tokio::test]
async fn readiness_says_503_when_the_database_is_gone_while_health_stays_200() {
    let Some(url) = fresh_database(Backend::Postgres).await else {
        return;
    };
    let app = TestApp::spawn_with(&url, &[]).await;
    let client = TestApp::client();
    assert_eq!(
        client.get(app.url("/readyz")).send().await.expect("readyz").status(),
        200
    );
    let name = url.rsplit('/').next().expect("database name").to_owned();
    let admin = tests::postgres_admin_url().expect("admin url");
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin)
        .await
        .expect("admin");
    sqlx::query(&format!("DROP DATABASE \"{name}\" WITH (FORCE)"))
        .execute(&mut conn)
        .await
        .expect("drop the server's database");
    let ready = client.get(app.url("/readyz")).send().await.expect("readyz");
    assert_eq!(ready.status(), 503);
    assert_eq!(
        client.get(app.url("/healthz")).send().await.expect("healthz").status(),
        200
    );
}

#[tokio::test]
async fn the_language_choice_is_remembered_and_never_redirects_off_site() {
    let app = TestApp::spawn().await;
    let client = TestApp::client();
    let response = client
        .get(app.url("/lang/zh-CN?next=/sign-in"))
        .send()
        .await
        .expect("switch");
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/sign-in");
    // The browser says English, the remembered choice says Chinese: the choice wins.
    let html = page_html(&client, &app, "/sign-in", "en").await;
    assert!(html.contains("<html lang=\"zh-CN\"") && html.contains("登录 RepayDesk"));
    for next in ["//evil.example/x", "https://evil.example", "/\\evil.example"] {
        let response = client
            .get(app.url("/lang/en"))
            .query(&[("next", next)])
            .send()
            .await
            .expect("switch");
        assert_eq!(response.headers()["location"], "/", "{next}");
    }
}

#[test]
fn help_lists_every_serving_flag_with_its_environment_fallback() {
    let (ok, out, _) = tests::run_server_command(&["--help"], "");
    assert!(ok, "{out}");
    for (flag, env) in [
        ("--addr", "REPAYDESK_ADDR"),
        ("--database-url", "DATABASE_URL"),
        ("--demo", "REPAYDESK_DEMO"),
        ("--time-zone", "REPAYDESK_TIME_ZONE"),
        ("--secure-cookies", "REPAYDESK_SECURE_COOKIES"),
    ] {
        assert!(out.contains(flag) && out.contains(env), "{flag} / {env} in:\n{out}");
    }
    for subcommand in ["user", "api-key", "import"] {
        assert!(out.contains(subcommand), "{subcommand} in:\n{out}");
    }
}
