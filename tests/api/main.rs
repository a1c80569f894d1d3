//! The lender API over HTTP against the real server binary: API keys from the command line,
//! placing accounts (single and batch), idempotent payments, proposal and agreement sync, the
//! OpenAPI document against real answers, problem documents for every kind of bad input, and
//! the CSV import. Idempotency also runs on PostgreSQL.

use reqwest::Method;
use serde_json::{json, Value};
use tests::schema::{dangling_refs, violations};
use tests::{
    bare_client, fresh_database, on_both_backends, run_server_command, scratch_dir, sign_in_token, submit_plan,
    Backend, TestApp, BORROWER_A, FIRST_ACCESS, TODAY,
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

/// The items of a page of a sync listing.
fn items(answer: &Answer) -> Vec<Value> {
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.json()["items"].as_array().cloned().unwrap_or_default()
}

mod bad_input;
mod keys;
mod openapi;
mod payments;
mod placements;
mod sync;
