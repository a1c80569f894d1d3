//! Sessions over HTTP against the real server: a new id on sign-in (no fixation), idle and
//! absolute expiry, sign-out, and one session and one set of sign-in limits across two replicas
//! sharing a database (SQLite file and PostgreSQL).

use std::time::Duration;

use tests::{
    bare_client, fresh_database, location, my_accounts_status, session_cookie, sign_in_attempt, sign_in_token, Backend,
    TestApp, BORROWER_A, BORROWER_B,
};

#[tokio::test]
async fn signing_in_issues_a_new_session_id_and_a_planted_or_earlier_one_is_worthless() {
    let app = TestApp::spawn().await;
    let planted = "a".repeat(64);
    let response = bare_client()
        .post(app.url("/auth/sign-in"))
        .header("cookie", format!("rd_session={planted}"))
        .form(&[("login", BORROWER_A.0), ("password", BORROWER_A.1)])
        .send()
        .await
        .expect("sign-in");
    let first = session_cookie(&response).expect("a session cookie");
    assert_ne!(first, planted);
    assert_eq!(my_accounts_status(&app.base_url, &planted).await, 401);
    assert_eq!(my_accounts_status(&app.base_url, &first).await, 200);
    let line = response.headers()["set-cookie"].to_str().expect("cookie");
    assert!(line.contains("HttpOnly") && line.contains("SameSite=Lax") && line.contains("Path=/"));

    // Signing in again while holding a session replaces it.
    let again = bare_client()
        .post(app.url("/auth/sign-in"))
        .header("cookie", format!("rd_session={first}"))
        .form(&[("login", BORROWER_A.0), ("password", BORROWER_A.1)])
        .send()
        .await
        .expect("sign-in");
    let second = session_cookie(&again).expect("a session cookie");
    assert_ne!(second, first);
    assert_eq!(my_accounts_status(&app.base_url, &first).await, 401);
    assert_eq!(my_accounts_status(&app.base_url, &second).await, 200);
}

#[tokio::test]
async fn an_idle_session_ends_after_the_idle_timeout_while_activity_keeps_it_alive() {
    let app = TestApp::spawn_flags(&["--session-idle-seconds", "2"]).await;
    let token = sign_in_token(&app.base_url, BORROWER_A.0, BORROWER_A.1).await;
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_millis(900)).await;
        assert_eq!(my_accounts_status(&app.base_url, &token).await, 200, "still active");
    }
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(my_accounts_status(&app.base_url, &token).await, 401, "idle too long");
    // The page sends the reader to sign in, saying their session ended; a visitor who never
    // had one is simply asked to sign in.
    let page = bare_client()
        .get(app.url("/accounts"))
        .header("cookie", format!("rd_session={token}"))
        .send()
        .await
        .expect("page");
    assert_eq!(location(&page), "/sign-in?error=expired");
    let page = bare_client().get(app.url("/accounts")).send().await.expect("page");
    assert_eq!(location(&page), "/sign-in");
}

#[tokio::test]
async fn a_session_ends_at_the_absolute_timeout_however_active() {
    let app = TestApp::spawn_flags(&["--session-idle-seconds", "60", "--session-max-seconds", "3"]).await;
    let token = sign_in_token(&app.base_url, BORROWER_A.0, BORROWER_A.1).await;
    assert_eq!(my_accounts_status(&app.base_url, &token).await, 200);
    let mut ended = false;
    for _ in 0..10 {
        tokio::time::sleep(Duration::from_millis(700)).await;
        if my_accounts_status(&app.base_url, &token).await == 401 {
            ended = true;
            break;
        }
    }
    assert!(ended, "the session outlived its absolute timeout");
}

#[tokio::test]
async fn signing_out_destroys_the_session_on_the_server() {
    let app = TestApp::spawn().await;
    let token = sign_in_token(&app.base_url, BORROWER_A.0, BORROWER_A.1).await;
    let out = bare_client()
        .post(app.url("/auth/sign-out"))
        .header("cookie", format!("rd_session={token}"))
        .send()
        .await
        .expect("sign-out");
    assert_eq!(location(&out), "/sign-in?notice=signed_out");
    assert_eq!(session_cookie(&out).as_deref(), Some(""), "the cookie is cleared");
    // A copy of the old cookie is worth nothing now.
    assert_eq!(my_accounts_status(&app.base_url, &token).await, 401);
    assert!(app.audit_actions().await.iter().any(|a| a == "auth.signed_out"));
}

async fn sessions_and_limits_hold_across_two_replicas(backend: Backend) {
    let Some(url) = fresh_database(backend).await else {
        return;
    };
    let one = TestApp::spawn_with(&url, &[]).await;
    let two = TestApp::spawn_with(&url, &[]).await;
    let token = sign_in_token(&one.base_url, BORROWER_A.0, BORROWER_A.1).await;
    let on_two = bare_client()
        .post(two.url("/api/accounts/mine"))
        .header("cookie", format!("rd_session={token}"))
        .header("accept", "application/json")
        .send()
        .await
        .expect("server fn");
    assert_eq!(on_two.status(), 200);
    let body = on_two.text().await.expect("body");
    assert!(body.contains("CL-2026-000101"), "{body}");
    // Sign out on the second; the first no longer knows the session either.
    bare_client()
        .post(two.url("/auth/sign-out"))
        .header("cookie", format!("rd_session={token}"))
        .send()
        .await
        .expect("sign-out");
    assert_eq!(my_accounts_status(&one.base_url, &token).await, 401);

    // Failed attempts count together, whichever replica saw them.
    for app in [&one, &two, &one, &two] {
        assert!(sign_in_attempt(app, BORROWER_B.0, "wrong password here")
            .await
            .contains("error=failed"));
    }
    assert!(sign_in_attempt(&one, BORROWER_B.0, "wrong password here")
        .await
        .contains("error=locked"));
    assert!(sign_in_attempt(&two, BORROWER_B.0, BORROWER_B.1)
        .await
        .contains("error=locked"));
}

#[tokio::test]
async fn a_session_and_the_sign_in_limits_hold_across_two_replicas_on_one_sqlite_file() {
    sessions_and_limits_hold_across_two_replicas(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_session_and_the_sign_in_limits_hold_across_two_replicas_on_one_postgres_database() {
    sessions_and_limits_hold_across_two_replicas(Backend::Postgres).await;
}
