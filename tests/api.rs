//! The lender API over HTTP against the real server binary: API keys from the command line,
//! placing accounts (single and batch), idempotent payments, proposal and agreement sync, the
//! OpenAPI document against real answers, problem documents for every kind of bad input, and
//! the CSV import. Idempotency also runs on PostgreSQL.

use reqwest::Method;
use serde_json::{json, Value};
use tests::schema::{dangling_refs, violations};
use tests::{
    bare_client, fresh_database, run_server_command, scratch_dir, sign_in_token, submit_plan, Backend, TestApp,
    BORROWER_A, FIRST_ACCESS, TODAY,
};

const ALL_SCOPES: &str = "accounts:write,payments:write,agreements:read,proposals:read";
/// Demo account 1 (李伟 Li Wei, early stage): ¥13,014.50.
const LI_WEI_ACCOUNT: i64 = 1;
/// Demo account 2 (李伟 Li Wei, middle stage).
const LI_WEI_CARD: i64 = 2;

/// Creates an API key with the command line and returns it (printed on the last line).
fn create_key(app: &TestApp, name: &str, scopes: &str) -> String {
    let args = [
        "api-key",
        "create",
        "--name",
        name,
        "--scopes",
        scopes,
        "--database-url",
        &app.database_url,
    ];
    let (ok, stdout, stderr) = run_server_command(&args, "");
    assert!(ok, "api-key create failed: {stderr}");
    stdout.lines().last().expect("a last line").to_owned()
}

fn key_command(app: &TestApp, args: &[&str]) -> (bool, String, String) {
    let mut all = vec!["api-key"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--database-url", &app.database_url]);
    run_server_command(&all, "")
}

/// A response, read whole.
struct Answer {
    status: u16,
    content_type: String,
    text: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }
}

fn request(app: &TestApp, method: Method, path: &str, key: Option<&str>) -> reqwest::RequestBuilder {
    let builder = bare_client().request(method, app.url(path));
    match key {
        Some(key) => builder.bearer_auth(key),
        None => builder,
    }
}

async fn send(builder: reqwest::RequestBuilder) -> Answer {
    let response = builder.send().await.expect("request");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    Answer {
        status,
        content_type,
        text: response.text().await.expect("body"),
    }
}

async fn call(app: &TestApp, method: Method, path: &str, key: &str, body: &Value) -> Answer {
    send(request(app, method, path, Some(key)).json(body)).await
}

async fn get(app: &TestApp, path: &str, key: &str) -> Answer {
    send(request(app, Method::GET, path, Some(key))).await
}

/// Asserts a problem document with `status` and returns it.
fn problem(answer: &Answer, status: u16) -> Value {
    assert_eq!(answer.status, status, "{}", answer.text);
    assert_eq!(answer.content_type, "application/problem+json", "{}", answer.text);
    let problem = answer.json();
    let kind = problem["type"].as_str().unwrap_or_default();
    assert!(kind.starts_with("/api/v1/docs#problem-"), "{problem}");
    assert_eq!(problem["status"], status, "{problem}");
    assert!(
        problem["title"].is_string() && problem["detail"].is_string(),
        "{problem}"
    );
    assert!(problem["errors"].is_array(), "{problem}");
    problem
}

/// Asserts a problem document with `status` naming exactly these (field, code) pairs.
fn assert_faults(answer: &Answer, status: u16, expected: &[(&str, &str)]) {
    assert_eq!(faults(&problem(answer, status)), pairs(expected), "{}", answer.text);
}

async fn put(app: &TestApp, key: &str, path: &str, body: &Value) -> Answer {
    call(app, Method::PUT, path, key, body).await
}

async fn pay(app: &TestApp, key: &str, body: &Value) -> Answer {
    call(app, Method::POST, "/api/v1/payments", key, body).await
}

/// The (field, code) pairs a problem lists, sorted.
fn faults(problem: &Value) -> Vec<(String, String)> {
    let mut list: Vec<(String, String)> = problem["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            assert!(!e["message"].as_str().unwrap_or_default().is_empty(), "{e}");
            (
                e["field"].as_str().unwrap_or_default().to_owned(),
                e["code"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    list.sort();
    list
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut list: Vec<(String, String)> = list.iter().map(|(f, c)| ((*f).to_owned(), (*c).to_owned())).collect();
    list.sort();
    list
}

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    let db = app::server::db::Db::open(&app.database_url, 1)
        .await
        .expect("open the test database");
    let value = sqlx::query_scalar(sql).fetch_one(&db.pool).await.expect(sql);
    db.pool.close().await;
    value
}

async fn text(app: &TestApp, sql: &str) -> Option<String> {
    let db = app::server::db::Db::open(&app.database_url, 1)
        .await
        .expect("open the test database");
    let value = sqlx::query_scalar(sql).fetch_optional(&db.pool).await.expect(sql);
    db.pool.close().await;
    value
}

/// A server with demo data on a fresh PostgreSQL database; `None` (after a loud notice) when
/// PostgreSQL is not configured for the tests.
async fn postgres_app() -> Option<TestApp> {
    let url = fresh_database(Backend::Postgres).await?;
    Some(TestApp::spawn_with(&url, &[]).await)
}

/// Two tests running `$check` against a fresh server: one on SQLite, one on PostgreSQL.
macro_rules! on_both_backends {
    ($check:ident => $sqlite:ident, $postgres:ident) => {
        #[tokio::test]
        async fn $sqlite() {
            $check(TestApp::spawn().await).await;
        }

        #[tokio::test]
        async fn $postgres() {
            if let Some(app) = postgres_app().await {
                $check(app).await;
            }
        }
    };
}

/// A new borrower's account as a lender places it.
fn placement(principal: i64, phone: &str) -> Value {
    json!({
        "lender_name": "Jinhai Bank",
        "currency": "CNY",
        "principal_minor": principal,
        "interest_minor": 12_000,
        "fees_minor": 3_000,
        "oldest_unpaid_due": "2026-10-01",
        "as_of": "2026-11-30",
        "borrower": {
            "full_name": "赵丽 Zhao Li",
            "phone": phone,
            "date_of_birth": "1985-07-09",
            "email": "zhao.li@example.cn"
        }
    })
}

/// Borrower A agrees a plan within policy on `account`: its agreement reference.
async fn agreement(app: &TestApp, account: i64, installments: &str, first: &str) -> String {
    let borrower = app.signed_in(BORROWER_A.0, BORROWER_A.1).await;
    let plan = json!({ "down_payment": "", "installments": installments, "frequency": "monthly", "first_payment_date": first });
    let key = format!("key-api-agreement-{account}");
    let (status, body) = submit_plan(&borrower, app, account, &key, plan).await;
    assert_eq!(status, 200, "{body}");
    body["AgreementRecorded"]["reference"]
        .as_str()
        .unwrap_or_else(|| panic!("a plan within policy: {body}"))
        .to_owned()
}

fn payment(reference: &str, agreement: &str, amount: i64) -> Value {
    json!({
        "payment_reference": reference,
        "agreement_reference": agreement,
        "amount_minor": amount,
        "currency": "CNY",
        "paid_on": TODAY
    })
}

/// What has been paid against every schedule (SUM is NUMERIC on PostgreSQL: cast it back).
async fn paid_in_total(app: &TestApp) -> i64 {
    scalar(
        app,
        "SELECT CAST(SUM(paid_minor) AS BIGINT) FROM agreement_installments",
    )
    .await
}

async fn count_accounts(app: &TestApp) -> i64 {
    scalar(app, "SELECT COUNT(*) FROM accounts").await
}

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
async fn a_placed_account_is_created_once_updated_on_change_and_its_borrower_can_use_first_access() {
    let app = TestApp::spawn().await;
    let key = create_key(&app, "jinhai-sync", "accounts:write");
    let path = "/api/v1/accounts/CL-2026-000901";
    let created = put(&app, &key, path, &placement(500_000, "13900000009")).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.content_type, "application/json");
    let body = created.json();
    assert_eq!(body["outcome"], "created");
    assert_eq!(body["external_ref"], "CL-2026-000901");
    assert_eq!(body["total_minor"], 515_000);
    assert_eq!(body["borrower"]["phone"], "13900000009");

    let replay = put(&app, &key, path, &placement(500_000, "13900000009")).await;
    assert_eq!(replay.status, 200, "{}", replay.text);
    assert_eq!(replay.json()["outcome"], "unchanged");
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM accounts WHERE reference = 'CL-2026-000901'").await,
        1
    );
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM users WHERE phone = '13900000009'").await,
        1
    );

    let updated = put(&app, &key, path, &placement(450_000, "13900000009")).await;
    assert_eq!(updated.status, 200, "{}", updated.text);
    assert_eq!(updated.json()["outcome"], "updated");
    assert_eq!(
        scalar(
            &app,
            "SELECT principal_minor FROM accounts WHERE reference = 'CL-2026-000901'"
        )
        .await,
        450_000
    );
    let placed = scalar(
        &app,
        "SELECT COUNT(*) FROM audit_log WHERE action IN ('account.placed', 'account.updated') \
         AND actor_role = 'api_key' AND actor_name = 'jinhai-sync'",
    )
    .await;
    assert_eq!(
        placed, 2,
        "the creation and the update are audited, the unchanged replay is not"
    );

    // The placed borrower has no password yet: first access with the lender's reference works.
    let proved = bare_client()
        .post(app.url("/auth/first-access"))
        .form(&[
            ("reference", "CL-2026-000901"),
            ("date_of_birth", "1985-07-09"),
            ("phone_last4", "0009"),
        ])
        .send()
        .await
        .expect("first access");
    assert_eq!(proved.status(), 303);
    assert_eq!(tests::location(&proved), "/first-access/password");
}

#[tokio::test]
async fn every_problem_of_a_placement_is_listed_at_once_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let key = create_key(&app, "jinhai-sync", "accounts:write");
    let before = count_accounts(&app).await;
    let everything_wrong = json!({
        "lender_name": "  ",
        "currency": "XYZ",
        "principal_minor": -5,
        "interest_minor": 1_000_000_000_000_000i64,
        "fees_minor": 0,
        "oldest_unpaid_due": "2026-13-01",
        "as_of": "2027-01-01",
        "borrower": { "full_name": "", "phone": "12-34", "date_of_birth": "1850-01-01", "email": "nope" }
    });
    let answer = put(&app, &key, "/api/v1/accounts/cl-lower", &everything_wrong).await;
    let refused = problem(&answer, 422);
    assert_eq!(
        faults(&refused),
        pairs(&[
            ("external_ref", "reference_invalid"),
            ("lender_name", "text_invalid"),
            ("currency", "currency_unknown"),
            ("principal_minor", "amount_negative"),
            ("interest_minor", "amount_too_large"),
            ("as_of", "date_in_future"),
            ("oldest_unpaid_due", "date_invalid"),
            ("borrower.full_name", "text_invalid"),
            ("borrower.phone", "phone_invalid"),
            ("borrower.date_of_birth", "date_of_birth_invalid"),
            ("borrower.email", "email_invalid"),
        ])
    );
    assert_eq!(refused["type"], "/api/v1/docs#problem-validation");

    let mut nothing_owed = placement(0, "13900000010");
    nothing_owed["interest_minor"] = json!(0);
    nothing_owed["fees_minor"] = json!(0);
    nothing_owed["oldest_unpaid_due"] = json!("2026-12-01");
    let answer = put(&app, &key, "/api/v1/accounts/CL-2026-000902", &nothing_owed).await;
    assert_faults(
        &answer,
        422,
        &[
            ("principal_minor", "balance_zero"),
            ("oldest_unpaid_due", "due_after_as_of"),
        ],
    );
    assert_eq!(count_accounts(&app).await, before);
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM users WHERE phone = '13900000010'").await,
        0
    );
}

#[tokio::test]
async fn placements_that_contradict_stored_people_or_currency_are_conflicts() {
    let app = TestApp::spawn().await;
    let key = create_key(&app, "jinhai-sync", "accounts:write");
    let li_wei = |phone: &str, dob: &str, email: &str| {
        let mut body = placement(300_000, phone);
        body["borrower"] = json!({ "full_name": "李伟 Li Wei", "phone": phone, "date_of_birth": dob, "email": email });
        body
    };
    // Same phone and date of birth: the new account joins the known borrower.
    let joined = put(
        &app,
        &key,
        "/api/v1/accounts/NEW-0001",
        &li_wei("13800000001", "1988-03-14", "li.wei@example.cn"),
    )
    .await;
    assert_eq!(joined.status, 201, "{}", joined.text);
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(DISTINCT borrower_id) FROM accounts WHERE reference IN ('NEW-0001', 'CL-2026-000101')"
        )
        .await,
        1
    );
    let cases = [
        (
            "NEW-0002",
            li_wei("13800000002", "2000-01-01", ""),
            "borrower.date_of_birth",
            "borrower_mismatch",
        ),
        (
            "NEW-0003",
            placement(300_000, "13900000011"),
            "currency",
            "currency_change",
        ),
        (
            "NEW-0004",
            li_wei("13900000012", "1988-03-14", "li.wei@example.cn"),
            "borrower.email",
            "email_taken",
        ),
        (
            "CL-2026-000301",
            li_wei("13800000001", "1990-05-17", ""),
            "borrower.phone",
            "phone_taken",
        ),
    ];
    for (reference, mut body, field, code) in cases {
        if code == "currency_change" {
            // Placed in CNY first, then sent again in USD.
            let first = put(&app, &key, &format!("/api/v1/accounts/{reference}"), &body).await;
            assert_eq!(first.status, 201, "{}", first.text);
            body["currency"] = json!("USD");
        }
        let before = count_accounts(&app).await;
        let answer = put(&app, &key, &format!("/api/v1/accounts/{reference}"), &body).await;
        let conflict = problem(&answer, 409);
        assert_eq!(faults(&conflict), pairs(&[(field, code)]), "{reference}");
        assert_eq!(count_accounts(&app).await, before, "{reference}");
    }
    assert_eq!(
        text(&app, "SELECT phone FROM users WHERE full_name = '陈杰 Chen Jie'")
            .await
            .as_deref(),
        Some("13800000003"),
        "a refused update leaves the borrower as it was"
    );
}

/// The outcome of each item of a batch answer, in order.
fn outcomes(body: &Value) -> Vec<String> {
    body["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["outcome"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn a_batch_applies_good_items_and_reports_each_refused_one_by_index(app: TestApp) {
    let key = create_key(&app, "jinhai-sync", "accounts:write");
    let mut bad = placement(100_000, "13900000021");
    bad["currency"] = json!("GBP");
    let batch = json!({ "items": [
        { "external_ref": "BATCH-0001", "account": placement(100_000, "13900000020") },
        { "external_ref": "BATCH-0002", "account": bad },
        { "external_ref": "BATCH-0001", "account": placement(100_000, "13900000020") },
        { "external_ref": "BATCH-0003", "account": placement(200_000, "13900000020") },
    ]});
    let answer = call(&app, Method::POST, "/api/v1/accounts:batch", &key, &batch).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let body = answer.json();
    assert_eq!(outcomes(&body), ["created", "refused", "refused", "created"]);
    assert_eq!(
        faults(&body["results"][1]),
        pairs(&[("account.currency", "currency_unknown")])
    );
    assert_eq!(
        faults(&body["results"][2]),
        pairs(&[("external_ref", "reference_repeated")])
    );
    assert_eq!((body["created"].clone(), body["refused"].clone()), (json!(2), json!(2)));
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM accounts WHERE reference LIKE 'BATCH-%'").await,
        2
    );

    let again = call(&app, Method::POST, "/api/v1/accounts:batch", &key, &batch)
        .await
        .json();
    assert_eq!(outcomes(&again), ["unchanged", "refused", "refused", "unchanged"]);

    let item = json!({ "external_ref": "BATCH-9999", "account": placement(100_000, "13900000029") });
    let too_many = json!({ "items": vec![item; 1_001] });
    let answer = call(&app, Method::POST, "/api/v1/accounts:batch", &key, &too_many).await;
    assert_faults(&answer, 422, &[("items", "batch_size")]);
    let answer = call(
        &app,
        Method::POST,
        "/api/v1/accounts:batch",
        &key,
        &json!({ "items": [] }),
    )
    .await;
    assert_faults(&answer, 422, &[("items", "batch_size")]);
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM accounts WHERE reference = 'BATCH-9999'").await,
        0
    );
}

on_both_backends!(
    a_batch_applies_good_items_and_reports_each_refused_one_by_index =>
    a_batch_applies_good_items_and_reports_each_refused_one_on_sqlite,
    a_batch_applies_good_items_and_reports_each_refused_one_on_postgres
);

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

#[tokio::test]
async fn a_payment_is_recorded_once_and_a_replay_answers_exactly_the_first_reply() {
    let app = TestApp::spawn().await;
    let key = create_key(&app, "jinhai-payments", "payments:write");
    let reference = agreement(&app, LI_WEI_ACCOUNT, "6", "2026-12-10").await;
    let first = pay(&app, &key, &payment("PAY-0001", &reference, 100_000)).await;
    assert_eq!(first.status, 201, "{}", first.text);
    let body = first.json();
    assert_eq!(body["agreement_reference"], reference.as_str());
    assert_eq!(body["applied"], json!([{ "installment": 1, "amount_minor": 100_000 }]));
    assert_eq!(body["agreement_status"], "active");
    let replay = pay(&app, &key, &payment("PAY-0001", &reference, 100_000)).await;
    assert_eq!((replay.status, replay.text.as_str()), (201, first.text.as_str()));
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM payments").await, 1);
    assert_eq!(paid_in_total(&app).await, 100_000);

    let reused = pay(&app, &key, &payment("PAY-0001", &reference, 200_000)).await;
    assert_faults(&reused, 409, &[("payment_reference", "reference_reused")]);

    let everything_wrong = json!({
        "payment_reference": " ", "agreement_reference": "", "amount_minor": 0, "currency": "XYZ", "paid_on": "2026-12-02"
    });
    let answer = pay(&app, &key, &everything_wrong).await;
    assert_faults(
        &answer,
        422,
        &[
            ("payment_reference", "reference_invalid"),
            ("agreement_reference", "required"),
            ("amount_minor", "amount_invalid"),
            ("currency", "currency_unknown"),
            ("paid_on", "date_in_future"),
        ],
    );
    let unknown = pay(&app, &key, &payment("PAY-0002", "AG-20261201-NOPE22", 1)).await;
    assert_faults(&unknown, 422, &[("agreement_reference", "agreement_unknown")]);
    let mut dollars = payment("PAY-0002", &reference, 1_000);
    dollars["currency"] = json!("USD");
    let answer = pay(&app, &key, &dollars).await;
    assert_faults(&answer, 422, &[("currency", "currency_mismatch")]);
    let too_much = pay(&app, &key, &payment("PAY-0002", &reference, 99_999_999)).await;
    assert_faults(&too_much, 422, &[("amount_minor", "payment_exceeds_remaining")]);
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM payments").await,
        1,
        "refusals record nothing"
    );

    // A refusal is not stored: the corrected payment may reuse its reference.
    let rest = 1_301_450 - 100_000;
    let settled = pay(&app, &key, &payment("PAY-0002", &reference, rest)).await;
    assert_eq!(settled.status, 201, "{}", settled.text);
    assert_eq!(settled.json()["agreement_status"], "completed");
    let after = pay(&app, &key, &payment("PAY-0003", &reference, 1)).await;
    assert_faults(&after, 409, &[("agreement_reference", "agreement_not_active")]);
    let audited = scalar(
        &app,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'payment.recorded' AND actor_role = 'api_key' \
         AND actor_name = 'jinhai-payments'",
    )
    .await;
    assert_eq!(audited, 2);
}

/// Many copies of one payment and one placement at once: one effect, every caller the same answer.
async fn concurrent_replays_have_one_effect(app: TestApp) {
    let key = create_key(&app, "jinhai-sync", ALL_SCOPES);
    let reference = agreement(&app, LI_WEI_ACCOUNT, "6", "2026-12-10").await;
    let body = payment("PAY-RACE-1", &reference, 50_000);
    let attempts = (0..12).map(|_| pay(&app, &key, &body));
    let answers = futures::future::join_all(attempts).await;
    for answer in &answers {
        assert_eq!((answer.status, answer.text.as_str()), (201, answers[0].text.as_str()));
    }
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM payments").await, 1);
    assert_eq!(paid_in_total(&app).await, 50_000);

    let account = placement(800_000, "13900000050");
    let puts = (0..8).map(|_| call(&app, Method::PUT, "/api/v1/accounts/RACE-0001", &key, &account));
    let answers = futures::future::join_all(puts).await;
    let created = answers.iter().filter(|a| a.status == 201).count();
    assert_eq!(created, 1, "{:?}", answers.iter().map(|a| &a.text).collect::<Vec<_>>());
    for answer in &answers {
        let unchanged = answer.json()["outcome"] == "unchanged";
        assert!(answer.status == 201 || unchanged, "{} {}", answer.status, answer.text);
    }
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM accounts WHERE reference = 'RACE-0001'").await,
        1
    );
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM users WHERE phone = '13900000050'").await,
        1
    );
}

on_both_backends!(
    concurrent_replays_have_one_effect =>
    concurrent_replays_of_a_payment_and_a_placement_have_one_effect_on_sqlite,
    concurrent_replays_of_a_payment_and_a_placement_have_one_effect_on_postgres
);

fn items(answer: &Answer) -> Vec<Value> {
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.json()["items"].as_array().cloned().unwrap_or_default()
}

async fn proposals_and_agreements_page_by_cursor_filter_and_sync_incrementally(app: TestApp) {
    let key = create_key(&app, "jinhai-sync", ALL_SCOPES);
    let first = agreement(&app, LI_WEI_ACCOUNT, "6", "2026-12-10").await;
    let second = agreement(&app, LI_WEI_CARD, "3", "2026-12-05").await;

    let page = get(&app, "/api/v1/agreements?limit=1", &key).await;
    let body = page.json();
    assert_eq!(items(&page).len(), 1);
    assert_eq!(body["items"][0]["reference"], first.as_str());
    let cursor = body["next_cursor"]
        .as_str()
        .expect("a cursor after a full page")
        .to_owned();
    let next = get(&app, &format!("/api/v1/agreements?limit=1&cursor={cursor}"), &key).await;
    assert_eq!(items(&next)[0]["reference"], second.as_str());
    let cursor = next.json()["next_cursor"].as_str().expect("a cursor").to_owned();
    let last = get(&app, &format!("/api/v1/agreements?limit=1&cursor={cursor}"), &key).await;
    assert!(items(&last).is_empty());
    assert_eq!(last.json()["next_cursor"], Value::Null);

    let agreement_one = &items(&get(&app, "/api/v1/agreements?account=CL-2026-000101", &key).await)[0];
    assert_eq!(agreement_one["reference"], first.as_str());
    assert_eq!(agreement_one["status"], "active");
    assert_eq!(agreement_one["total_minor"], 1_301_450);
    let scheduled: i64 = agreement_one["schedule"]
        .as_array()
        .expect("schedule")
        .iter()
        .map(|i| i["amount_minor"].as_i64().unwrap_or_default())
        .sum();
    assert_eq!(scheduled, 1_301_450, "the schedule adds up to the total");
    assert_eq!(
        items(&get(&app, "/api/v1/agreements?status=completed", &key).await).len(),
        0
    );
    assert_eq!(
        items(&get(&app, "/api/v1/agreements?status=active", &key).await).len(),
        2
    );

    let proposals = items(&get(&app, "/api/v1/proposals?status=auto_approved", &key).await);
    assert_eq!(proposals.len(), 2);
    assert_eq!(proposals[0]["agreement_ref"], first.as_str());
    assert_eq!(proposals[0]["account_ref"], "CL-2026-000101");
    assert_eq!(
        items(&get(&app, "/api/v1/proposals?status=pending", &key).await).len(),
        0
    );

    // Incremental sync: after a payment, only the paid agreement has changed since.
    let synced_up_to = items(&get(&app, "/api/v1/agreements", &key).await)[1]["updated_at"]
        .as_str()
        .expect("updated_at")
        .to_owned();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let paid = pay(&app, &key, &payment("PAY-SYNC-1", &first, 10_000)).await;
    assert_eq!(paid.status, 201, "{}", paid.text);
    let since = synced_up_to.replace('+', "%2B");
    let changed = items(&get(&app, &format!("/api/v1/agreements?updated_since={since}"), &key).await);
    let references: Vec<&str> = changed.iter().filter_map(|a| a["reference"].as_str()).collect();
    assert_eq!(references.last(), Some(&first.as_str()), "{references:?}");
    assert_eq!(changed.last().expect("the paid one")["paid_minor"], 10_000);
    let later = changed.last().expect("the paid one")["updated_at"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(later > synced_up_to, "{later} after {synced_up_to}");

    let bad = get(
        &app,
        "/api/v1/agreements?status=lost&account=lower&updated_since=yesterday&limit=0&cursor=xyz",
        &key,
    )
    .await;
    assert_faults(
        &bad,
        422,
        &[
            ("status", "status_unknown"),
            ("account", "reference_invalid"),
            ("updated_since", "timestamp_invalid"),
            ("limit", "limit_invalid"),
            ("cursor", "cursor_invalid"),
        ],
    );
    let over = get(&app, "/api/v1/proposals?limit=201", &key).await;
    assert_faults(&over, 422, &[("limit", "limit_invalid")]);
}

on_both_backends!(
    proposals_and_agreements_page_by_cursor_filter_and_sync_incrementally =>
    proposals_and_agreements_page_and_sync_on_sqlite,
    proposals_and_agreements_page_and_sync_on_postgres
);

async fn openapi(app: &TestApp) -> Value {
    let answer = send(request(app, Method::GET, "/api/v1/openapi.json", None)).await;
    assert_eq!(answer.status, 200);
    assert!(answer.content_type.starts_with("application/json"));
    answer.json()
}

/// The (METHOD, path) of every operation the document describes.
fn documented(doc: &Value) -> Vec<(String, String)> {
    let mut list = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("a path item").keys() {
            list.push((method.to_uppercase(), path.clone()));
        }
    }
    list.sort();
    list
}

#[tokio::test]
async fn the_openapi_document_is_3_1_complete_and_matches_the_routes_and_the_reference_page() {
    let app = TestApp::spawn().await;
    let doc = openapi(&app).await;
    assert!(
        doc["openapi"].as_str().unwrap_or_default().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    assert!(dangling_refs(&doc).is_empty(), "{:?}", dangling_refs(&doc));
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");

    let (ok, routes, error) = run_server_command(&["routes"], "");
    assert!(ok, "{error}");
    let routes: Value = serde_json::from_str(&routes).expect("routes JSON");
    let mut operations: Vec<(String, String)> = routes
        .as_array()
        .expect("a list")
        .iter()
        .map(|r| {
            (
                r["method"].as_str().unwrap_or_default().to_owned(),
                r["path"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .filter(|(_, path)| path.starts_with("/api/v1/"))
        .filter(|(_, path)| {
            !matches!(
                path.as_str(),
                "/api/v1/openapi.json" | "/api/v1/docs" | "/api/v1/{*rest}"
            )
        })
        .collect();
    operations.sort();
    assert_eq!(
        documented(&doc),
        operations,
        "every API operation is documented, and only those"
    );

    for (method, path) in documented(&doc) {
        let operation = &doc["paths"][&path][method.to_lowercase()];
        let responses = operation["responses"].as_object().expect("responses");
        for status in ["401", "403", "422", "500"] {
            assert!(responses.contains_key(status), "{method} {path} documents no {status}");
        }
        assert!(
            operation["security"][0]["bearer"].is_array(),
            "{method} {path} names its scope"
        );
    }

    let page = send(request(&app, Method::GET, "/api/v1/docs", None)).await;
    assert_eq!(page.status, 200);
    assert!(page.content_type.starts_with("text/html"));
    for (method, path) in documented(&doc) {
        assert!(
            page.text.contains(&format!("{method} {path}")),
            "the page lists {method} {path}"
        );
    }
    for anchor in [
        "problem-validation",
        "problem-unauthenticated",
        "schema-AccountPlacement",
    ] {
        assert!(page.text.contains(&format!("id=\"{anchor}\"")), "{anchor}");
    }
    assert!(!page.text.contains("<script"), "no scripts");
    assert!(
        !page.text.contains("src=\"http") && !page.text.contains("href=\"http"),
        "no outside assets"
    );
}

/// Checks `value` against the schema the document gives for `operation`'s `status` answer.
fn conforms(doc: &Value, method: &str, path: &str, status: u16, content_type: &str, value: &Value) {
    let pointer = format!(
        "/paths/{}/{method}/responses/{status}/content/{}/schema",
        path.replace('~', "~0").replace('/', "~1"),
        content_type.replace('/', "~1")
    );
    let schema = doc
        .pointer(&pointer)
        .unwrap_or_else(|| panic!("the document has no schema at {pointer}"));
    let found = violations(doc, schema, value);
    assert!(
        found.is_empty(),
        "{method} {path} {status} departs from the document: {found:?}\n{value}"
    );
}

#[tokio::test]
async fn real_answers_match_the_schemas_the_document_gives_for_them() {
    let app = TestApp::spawn().await;
    let doc = openapi(&app).await;
    let key = create_key(&app, "jinhai-sync", ALL_SCOPES);
    let put_path = "/api/v1/accounts/{external_ref}";
    let created = put(
        &app,
        &key,
        "/api/v1/accounts/CL-2026-000905",
        &placement(1, "13900000060"),
    )
    .await;
    conforms(&doc, "put", put_path, 201, "application/json", &created.json());
    let mut no_email = placement(2, "13900000060");
    no_email["borrower"]["email"] = Value::Null;
    let updated = put(&app, &key, "/api/v1/accounts/CL-2026-000905", &no_email).await;
    assert_eq!(updated.json()["borrower"]["email"], Value::Null);
    conforms(&doc, "put", put_path, 200, "application/json", &updated.json());
    let conflict = put(&app, &key, "/api/v1/accounts/NEW-0005", &placement(1, "13800000002")).await;
    conforms(
        &doc,
        "put",
        put_path,
        409,
        "application/problem+json",
        &problem(&conflict, 409),
    );
    let invalid = put(&app, &key, "/api/v1/accounts/x", &json!({})).await;
    conforms(
        &doc,
        "put",
        put_path,
        422,
        "application/problem+json",
        &problem(&invalid, 422),
    );

    let batch = json!({ "items": [
        { "external_ref": "CL-2026-000906", "account": placement(1, "13900000061") },
        { "external_ref": "bad", "account": placement(1, "13900000062") },
    ]});
    let answer = call(&app, Method::POST, "/api/v1/accounts:batch", &key, &batch).await;
    conforms(
        &doc,
        "post",
        "/api/v1/accounts:batch",
        200,
        "application/json",
        &answer.json(),
    );

    let reference = agreement(&app, LI_WEI_ACCOUNT, "6", "2026-12-10").await;
    let paid = pay(&app, &key, &payment("PAY-SCHEMA", &reference, 5_000)).await;
    conforms(&doc, "post", "/api/v1/payments", 201, "application/json", &paid.json());
    let unauthenticated = send(request(&app, Method::POST, "/api/v1/payments", None).json(&json!({}))).await;
    conforms(
        &doc,
        "post",
        "/api/v1/payments",
        401,
        "application/problem+json",
        &problem(&unauthenticated, 401),
    );

    for path in ["/api/v1/proposals", "/api/v1/agreements"] {
        let page = get(&app, path, &key).await;
        assert!(!items(&page).is_empty(), "{path}");
        conforms(&doc, "get", path, 200, "application/json", &page.json());
    }
}

#[tokio::test]
async fn the_csv_import_applies_good_rows_reports_every_refused_one_and_exits_non_zero() {
    let app = TestApp::spawn().await;
    let file = scratch_dir("import").join("placement.csv");
    let csv = "\
external_ref,lender_name,currency,principal_minor,interest_minor,fees_minor,oldest_unpaid_due,as_of,borrower_full_name,borrower_phone,borrower_date_of_birth,borrower_email
CSV-0001,Jinhai Bank,CNY,400000,2000,500,2026-09-30,2026-11-30,\"周强, Zhou Qiang\",13900000070,1979-02-03,
CSV-0002,Jinhai Bank,GBP,abc,2000,500,2026-09-30,2026-11-30,吴芳 Wu Fang,12-34,1979-02-03,wu@example.cn
CSV-0001,Jinhai Bank,CNY,400000,2000,500,2026-09-30,2026-11-30,周强 Zhou Qiang,13900000070,1979-02-03,
CL-2026-000101,Huaxia Consumer Finance,CNY,1100000,86450,15000,2026-11-19,2026-11-30,李伟 Li Wei,13800000001,1988-03-14,li.wei@example.cn
CSV-0003,Jinhai Bank,CNY,1
";
    std::fs::write(&file, csv).expect("write the file");
    let path = file.to_string_lossy().into_owned();
    let args = [
        "import",
        "accounts",
        path.as_str(),
        "--database-url",
        &app.database_url,
        "--today",
        TODAY,
    ];
    let (ok, stdout, stderr) = run_server_command(&args, "");
    assert!(!ok, "a refused row makes the command fail");
    assert!(stderr.contains("3 of 5 rows were refused"), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("row 2\tCSV-0001\tcreated"), "{stdout}");
    assert!(lines[1].starts_with("row 3\tCSV-0002\trefused\t"), "{stdout}");
    for reason in [
        "currency (currency_unknown)",
        "principal_minor (integer_invalid)",
        "borrower_phone (phone_invalid)",
    ] {
        assert!(lines[1].contains(reason), "{reason} in {}", lines[1]);
    }
    assert!(
        lines[2].starts_with("row 4\tCSV-0001\trefused\texternal_ref (reference_repeated)"),
        "{stdout}"
    );
    assert!(lines[3].starts_with("row 5\tCL-2026-000101\tupdated"), "{stdout}");
    assert!(
        lines[4].starts_with("row 6\t-\trefused\trow (row_unreadable)"),
        "{stdout}"
    );
    assert_eq!(
        text(&app, "SELECT full_name FROM users WHERE phone = '13900000070'")
            .await
            .as_deref(),
        Some("周强, Zhou Qiang")
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT principal_minor FROM accounts WHERE reference = 'CL-2026-000101'"
        )
        .await,
        1_100_000
    );
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM accounts WHERE reference LIKE 'CSV-%'").await,
        1
    );
    let by_operator = scalar(
        &app,
        "SELECT COUNT(*) FROM audit_log WHERE actor_role = 'operator' AND actor_name LIKE 'import accounts %' \
         AND action IN ('account.placed', 'account.updated')",
    )
    .await;
    assert_eq!(by_operator, 2);

    // Running it again changes nothing more: the good rows are unchanged now.
    let (_, again, _) = run_server_command(&args, "");
    assert!(
        again.lines().next().unwrap_or_default().ends_with("unchanged"),
        "{again}"
    );

    let missing_column = scratch_dir("import").join("short.csv");
    std::fs::write(&missing_column, "external_ref,currency\nX,CNY\n").expect("write");
    let short = missing_column.to_string_lossy().into_owned();
    let (ok, _, stderr) = run_server_command(&["import", "accounts", &short, "--database-url", &app.database_url], "");
    assert!(!ok && stderr.contains("lacks the column"), "{stderr}");
}

#[test]
fn the_first_access_borrower_of_the_demo_is_what_the_placement_rules_accept() {
    // The demo's own data must pass the API's rules, or a lender could not re-send it.
    let raw: app::server::lender::placement::AccountPlacement = serde_json::from_value(json!({
        "lender_name": "Jinhai Bank", "currency": "CNY", "principal_minor": 820_000, "interest_minor": 51_000,
        "fees_minor": 12_500, "oldest_unpaid_due": "2026-09-29", "as_of": TODAY,
        "borrower": { "full_name": "陈杰 Chen Jie", "phone": FIRST_ACCESS.phone, "date_of_birth": FIRST_ACCESS.date_of_birth, "email": "chen.jie@example.cn" }
    }))
    .expect("the wire shape");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("a date");
    let parsed = app::server::lender::placement::Placement::parse(FIRST_ACCESS.reference, &raw, "", today);
    assert!(parsed.is_ok(), "{parsed:?}");
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
