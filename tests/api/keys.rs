//! API keys: printed once, stored hashed, listed, revoked; and every way of calling without the right one.

use super::*;

#[tokio::test]
async fn an_api_key_is_printed_once_on_the_last_line_stored_hashed_listed_and_revocable() {
    let app = TestApp::spawn().await;
    let key = create_key(&app, "huaxia-sync", "accounts:write,proposals:read");
    assert!(key.starts_with("rdk_") && key.len() == 68, "{key}");
    let stored = text(&app, "SELECT key_hash FROM api_keys WHERE name = 'huaxia-sync'")
        .await
        .expect("a row");
    assert_eq!(stored.len(), 64);
    assert!(!stored.contains(&key[4..]), "only the hash is stored");
    let second = create_key(&app, "jinhai-sync", "payments:write");
    assert_ne!(key, second);

    let (ok, listed, _) = key_command(&app, &["list"]);
    assert!(ok);
    assert!(
        listed.contains("huaxia-sync") && listed.contains(&key[..12]),
        "{listed}"
    );
    assert!(listed.contains("accounts:write,proposals:read"), "{listed}");
    assert!(
        !listed.contains(&key) && !listed.contains(&second),
        "keys are never listed"
    );

    let (ok, _, error) = key_command(&app, &["create", "--name", "huaxia-sync", "--scopes", "accounts:write"]);
    assert!(!ok && error.contains("exists already"), "{error}");
    let (ok, _, error) = key_command(&app, &["create", "--name", "other", "--scopes", "accounts:delete"]);
    assert!(!ok && error.contains("unknown scope"), "{error}");
    let (ok, _, error) = key_command(
        &app,
        &["create", "--name", "no spaces allowed", "--scopes", "accounts:write"],
    );
    assert!(!ok && error.contains("name"), "{error}");

    let (ok, _, error) = key_command(&app, &["revoke", "--name", "huaxia-sync"]);
    assert!(ok, "{error}");
    let (ok, _, error) = key_command(&app, &["revoke", "--name", "huaxia-sync"]);
    assert!(!ok && error.contains("no active key"), "{error}");
    let id = scalar(&app, "SELECT id FROM api_keys WHERE name = 'jinhai-sync'")
        .await
        .to_string();
    let (ok, _, error) = key_command(&app, &["revoke", "--id", &id]);
    assert!(ok, "{error}");
    let (_, listed, _) = key_command(&app, &["list"]);
    assert_eq!(listed.matches("revoked").count(), 2, "{listed}");
    let actions = app.audit_actions().await;
    assert_eq!(actions.iter().filter(|a| *a == "api_key.created").count(), 2);
    assert_eq!(actions.iter().filter(|a| *a == "api_key.revoked").count(), 2);
}

#[tokio::test]
async fn no_key_a_wrong_key_a_revoked_key_a_missing_scope_and_a_session_are_all_refused() {
    let app = TestApp::spawn().await;
    let reader = create_key(&app, "reader", "agreements:read");
    let revoked = create_key(&app, "revoked", ALL_SCOPES);
    let (ok, _, error) = key_command(&app, &["revoke", "--name", "revoked"]);
    assert!(ok, "{error}");
    let session = sign_in_token(&app.base_url, BORROWER_A.0, BORROWER_A.1).await;
    let operations: [(Method, &str, Option<Value>, &str); 5] = [
        (
            Method::PUT,
            "/api/v1/accounts/CL-2026-000904",
            Some(placement(1, "13900000040")),
            "accounts:write",
        ),
        (
            Method::POST,
            "/api/v1/accounts:batch",
            Some(json!({ "items": [] })),
            "accounts:write",
        ),
        (
            Method::POST,
            "/api/v1/payments",
            Some(payment("P-A", "AG-A", 1)),
            "payments:write",
        ),
        (Method::GET, "/api/v1/proposals", None, "proposals:read"),
        (Method::GET, "/api/v1/agreements", None, "agreements:read"),
    ];
    for (method, path, body, scope) in operations {
        let build = |key: Option<&str>| {
            let builder = request(&app, method.clone(), path, key);
            match &body {
                Some(body) => builder.json(body),
                None => builder,
            }
        };
        let anonymous = build(None).send().await.expect("request");
        assert_eq!(
            anonymous
                .headers()
                .get("www-authenticate")
                .and_then(|v| v.to_str().ok()),
            Some("Bearer realm=\"repaydesk\""),
            "{path}"
        );
        problem(&send(build(None)).await, 401);
        problem(&send(build(Some("rdk_0000"))).await, 401);
        problem(&send(build(Some(&revoked))).await, 401);
        let with_session = build(None).header("cookie", format!("rd_session={session}"));
        problem(&send(with_session).await, 401);
        let scoped = send(build(Some(&reader))).await;
        if scope == "agreements:read" {
            assert_eq!(scoped.status, 200, "{path}: {}", scoped.text);
        } else {
            let refused = problem(&scoped, 403);
            assert!(
                refused["detail"].as_str().unwrap_or_default().contains(scope),
                "{refused}"
            );
        }
    }
    let refusals = scalar(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'access.refused'").await;
    // Per operation: five unauthenticated attempts, and a missing scope on all but one.
    assert_eq!(refusals, 5 * 5 + 4, "every refusal is audited");
}
