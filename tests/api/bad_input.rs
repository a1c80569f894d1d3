//! Bad and hostile input on every endpoint: always a 4xx problem document, never a 5xx, nothing written.

use super::*;

/// A raw request body with a content type, for input no JSON serializer would produce.
async fn raw(
    app: &TestApp,
    method: Method,
    path: &str,
    key: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> Answer {
    let mut builder = request(app, method, path, Some(key)).body(body);
    if let Some(content_type) = content_type {
        builder = builder.header("content-type", content_type);
    }
    send(builder).await
}

/// What a bad request is, its method, path, content type and body, the status it must get, and
/// the (field, code) its problem must name, if any.
type BadRequest<'a> = (
    &'a str,
    Method,
    &'a str,
    Option<&'a str>,
    Vec<u8>,
    u16,
    Option<(&'a str, &'a str)>,
);

#[tokio::test]
async fn bad_input_of_every_kind_is_a_4xx_problem_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let key = create_key(&app, "jinhai-sync", ALL_SCOPES);
    let accounts = count_accounts(&app).await;
    let json = Some("application/json");
    let account_path = "/api/v1/accounts/CL-2026-000903";
    let good = placement(500_000, "13900000030").to_string();
    let with = |from: &str, to: &str| good.replacen(from, to, 1).into_bytes();
    let cases: Vec<BadRequest> = vec![
        ("malformed JSON", Method::PUT, account_path, json, br#"{"lender_name":"#.to_vec(), 400, None),
        ("empty body", Method::PUT, account_path, json, Vec::new(), 400, None),
        ("trailing garbage", Method::PUT, account_path, json, [good.as_bytes(), b"}"].concat(), 400, None),
        ("bad UTF-8", Method::PUT, account_path, json, with("Jinhai Bank", "Jinhai \u{0}Bank").into_iter().map(|b| if b == 0 { 0xff } else { b }).collect(), 400, None),
        ("wrong type", Method::PUT, account_path, json, with("\"principal_minor\":500000", "\"principal_minor\":\"500000\""), 422, Some(("principal_minor", "type_invalid"))),
        ("unknown field", Method::PUT, account_path, json, with("\"currency\"", "\"nickname\":\"x\",\"currency\""), 422, Some(("nickname", "field_unknown"))),
        ("unknown nested field", Method::PUT, account_path, json, with("\"phone\"", "\"age\":40,\"phone\""), 422, Some(("borrower.age", "field_unknown"))),
        ("missing field", Method::PUT, account_path, json, with("\"lender_name\":\"Jinhai Bank\",", ""), 422, Some(("lender_name", "field_missing"))),
        ("wrong content type", Method::PUT, account_path, Some("text/plain"), good.clone().into_bytes(), 415, None),
        ("no content type", Method::PUT, account_path, None, good.clone().into_bytes(), 415, None),
        ("form instead of JSON", Method::POST, "/api/v1/payments", Some("application/x-www-form-urlencoded"), b"amount_minor=1".to_vec(), 415, None),
        ("oversized account", Method::PUT, account_path, json, vec![b' '; 70 * 1024], 413, None),
        ("oversized payment", Method::POST, "/api/v1/payments", json, vec![b' '; 17 * 1024], 413, None),
        ("oversized batch", Method::POST, "/api/v1/accounts:batch", json, vec![b' '; 2 * 1024 * 1024 + 1], 413, None),
        ("batch of the wrong shape", Method::POST, "/api/v1/accounts:batch", json, br#"{"items":{}}"#.to_vec(), 422, Some(("items", "type_invalid"))),
        ("payment with a fraction", Method::POST, "/api/v1/payments", json, br#"{"payment_reference":"P-1","agreement_reference":"AG-1","amount_minor":10.5,"currency":"CNY","paid_on":"2026-12-01"}"#.to_vec(), 422, Some(("amount_minor", "type_invalid"))),
        ("unknown path", Method::POST, "/api/v1/nowhere", json, b"{}".to_vec(), 404, None),
        ("wrong method", Method::DELETE, "/api/v1/payments", None, Vec::new(), 405, None),
    ];
    for (what, method, path, content_type, body, status, fault) in cases {
        let answer = raw(&app, method, path, &key, content_type, body).await;
        assert_eq!(answer.status, status, "{what}: {}", answer.text);
        let refused = problem(&answer, status);
        if let Some((field, code)) = fault {
            assert_eq!(faults(&refused), pairs(&[(field, code)]), "{what}");
        }
    }
    let unknown_query = get(&app, "/api/v1/proposals?colour=red", &key).await;
    assert_faults(&unknown_query, 422, &[("colour", "field_unknown")]);
    let unknown_get = get(&app, "/api/v1/accounts", &key).await;
    problem(&unknown_get, 404);
    // A browser on another site cannot write through the API, even with a key.
    let cross_site = send(
        request(&app, Method::POST, "/api/v1/payments", Some(&key))
            .header("origin", "https://evil.example")
            .json(&payment("P-X", "AG-X", 1)),
    )
    .await;
    problem(&cross_site, 403);

    assert_eq!(count_accounts(&app).await, accounts);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM payments").await, 0);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM api_replies").await, 0);
    let actions = app.audit_actions().await;
    assert!(!actions.iter().any(|a| a.starts_with("account.")), "{actions:?}");
}

fn hostile_text() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    const NASTY: &[&str] = &[
        "",
        " ",
        "2026-02-30",
        "9999-12-31",
        "-1",
        "１２３",
        "\u{0}",
        "😀",
        "<script>",
        "' OR 1=1 --",
        "cny",
    ];
    prop_oneof![
        proptest::sample::select(NASTY).prop_map(str::to_owned),
        any::<String>(),
        "[A-Z0-9-]{1,70}",
        "[0-9+]{1,20}",
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_values_in_every_field_get_a_problem_never_a_5xx() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    let app = TestApp::spawn().await;
    let key = create_key(&app, "jinhai-sync", ALL_SCOPES);
    let runtime = tokio::runtime::Handle::current();
    let mut runner = TestRunner::new(Config {
        cases: 48,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (
        hostile_text(),
        hostile_text(),
        hostile_text(),
        hostile_text(),
        any::<i64>(),
        any::<i64>(),
    );
    let result = runner.run(&strategy, |(a, b, c, d, m, n)| {
        let answers = tokio::task::block_in_place(|| {
            runtime.block_on(async {
                let account = json!({
                    "lender_name": a, "currency": b, "principal_minor": m, "interest_minor": n, "fees_minor": 0,
                    "oldest_unpaid_due": c, "as_of": d,
                    "borrower": { "full_name": b, "phone": c, "date_of_birth": d, "email": a }
                });
                // Every byte of the reference travels percent-encoded, as a client library would send it.
                let reference: String = a.bytes().map(|b| format!("%{b:02X}")).collect();
                vec![
                    put(&app, &key, &format!("/api/v1/accounts/X{reference}"), &account).await,
                    call(&app, Method::POST, "/api/v1/accounts:batch", &key, &json!({ "items": [{ "external_ref": c, "account": account }] })).await,
                    pay(&app, &key, &json!({
                        "payment_reference": a, "agreement_reference": b, "amount_minor": m, "currency": c, "paid_on": d
                    })).await,
                    send(request(&app, Method::GET, "/api/v1/agreements", Some(&key)).query(&[("status", &a), ("account", &b), ("updated_since", &c), ("limit", &d), ("cursor", &a)])).await,
                ]
            })
        });
        for answer in &answers {
            prop_assert!(answer.status < 500, "{} {}", answer.status, answer.text);
            if answer.status >= 400 {
                prop_assert_eq!(answer.content_type.as_str(), "application/problem+json");
            }
        }
        Ok(())
    });
    result.unwrap();
    let ready = send(request(&app, Method::GET, "/readyz", None)).await;
    assert_eq!(ready.status, 200, "the server still serves");
}
