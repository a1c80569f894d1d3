//! The access matrix: every endpoint the server answers (handlers, server functions and pages,
//! as listed by the binary itself from the tables its router is built from) has a rule saying
//! what anonymous visitors, borrower A, borrower B, a collector and a supervisor get. A new
//! endpoint without a rule fails this test; so does a rule for an endpoint that is gone.
//!
//! Borrower A owns demo account 1; borrower B does not: for B it must read as missing (404),
//! exactly like an id that does not exist.

use std::collections::BTreeSet;

use tests::{bare_client, run_server_command, sign_in_token, TestApp};
use tests::{BORROWER_A, BORROWER_B, COLLECTOR, SUPERVISOR};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Anonymous,
    BorrowerA,
    BorrowerB,
    Collector,
    Supervisor,
}

const EVERYONE: [Who; 5] = [
    Who::Anonymous,
    Who::BorrowerA,
    Who::BorrowerB,
    Who::Collector,
    Who::Supervisor,
];

/// What one caller must get.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    Status(u16),
    /// A redirect (302/303) to a location starting with this.
    RedirectTo(&'static str),
}
use Expect::{RedirectTo, Status};

/// One concrete request against an endpoint, and what each caller gets, in `EVERYONE` order.
struct Probe {
    path: &'static str,
    form: &'static [(&'static str, &'static str)],
    /// A JSON body instead of the form, for server functions that take JSON.
    json: Option<&'static str>,
    expect: [Expect; 5],
}

struct Rule {
    method: &'static str,
    /// As the route table spells it (axum syntax for parameters).
    path: &'static str,
    probes: Vec<Probe>,
}

fn same_for_all(expect: Expect) -> [Expect; 5] {
    [expect; 5]
}

fn rule(method: &'static str, path: &'static str, probes: Vec<Probe>) -> Rule {
    Rule { method, path, probes }
}

fn probe(path: &'static str, form: &'static [(&'static str, &'static str)], expect: [Expect; 5]) -> Probe {
    Probe {
        path,
        form,
        json: None,
        expect,
    }
}

fn probe_json(path: &'static str, json: &'static str, expect: [Expect; 5]) -> Probe {
    Probe {
        path,
        form: &[],
        json: Some(json),
        expect,
    }
}

/// The rules. Add one here for every new endpoint (the test says which are missing).
fn rules() -> Vec<Rule> {
    const BORROWERS_ONLY: [Expect; 5] = [Status(401), Status(200), Status(200), Status(403), Status(403)];
    // Borrower A's own account; B's answer is the same as for an id that does not exist.
    const OWN_ACCOUNT: [Expect; 5] = [Status(401), Status(200), Status(404), Status(403), Status(403)];
    const NO_ACCOUNT: [Expect; 5] = [Status(401), Status(404), Status(404), Status(403), Status(403)];
    const STAFF_ONLY: [Expect; 5] = [Status(401), Status(403), Status(403), Status(200), Status(200)];
    const STAFF_ONLY_UNKNOWN: [Expect; 5] = [Status(401), Status(403), Status(403), Status(404), Status(404)];
    const SUPERVISOR_ONLY: [Expect; 5] = [Status(401), Status(403), Status(403), Status(403), Status(200)];
    const STAFF_PAGE: [Expect; 5] = [
        RedirectTo("/sign-in"),
        Status(403),
        Status(403),
        Status(200),
        Status(200),
    ];
    const SUPERVISOR_PAGE: [Expect; 5] = [
        RedirectTo("/sign-in"),
        Status(403),
        Status(403),
        Status(403),
        Status(200),
    ];
    const UNKNOWN_FOR_ALL: [Expect; 5] = [Status(401), Status(404), Status(404), Status(404), Status(404)];
    const OWN_ACCOUNT_PAGE: [Expect; 5] = [
        RedirectTo("/sign-in"),
        Status(200),
        Status(404),
        Status(403),
        Status(403),
    ];
    const UNKNOWN_PAGE: [Expect; 5] = [
        RedirectTo("/sign-in"),
        Status(404),
        Status(404),
        Status(404),
        Status(404),
    ];
    vec![
        // Handlers.
        rule(
            "GET",
            "/healthz",
            vec![probe("/healthz", &[], same_for_all(Status(200)))],
        ),
        rule("GET", "/readyz", vec![probe("/readyz", &[], same_for_all(Status(200)))]),
        rule(
            "POST",
            "/auth/sign-in",
            vec![probe(
                "/auth/sign-in",
                &[],
                same_for_all(RedirectTo("/sign-in?error=missing")),
            )],
        ),
        rule(
            "POST",
            "/auth/first-access",
            vec![probe(
                "/auth/first-access",
                &[],
                same_for_all(RedirectTo("/first-access?error=missing")),
            )],
        ),
        rule(
            "POST",
            "/auth/first-access/password",
            vec![probe(
                "/auth/first-access/password",
                &[
                    ("new_password", "river lantern 1990"),
                    ("confirmation", "river lantern 1990"),
                ],
                same_for_all(RedirectTo("/first-access?error=expired")),
            )],
        ),
        rule(
            "GET",
            "/lang/{code}",
            vec![
                probe("/lang/zh-CN?next=/accounts", &[], same_for_all(RedirectTo("/accounts"))),
                probe("/lang/en?next=//evil.example", &[], same_for_all(RedirectTo("/"))),
            ],
        ),
        // Signing out ends the callers' sessions: probed last (see `run`).
        rule(
            "POST",
            "/auth/sign-out",
            vec![probe(
                "/auth/sign-out",
                &[],
                same_for_all(RedirectTo("/sign-in?notice=signed_out")),
            )],
        ),
        // Server functions.
        rule(
            "POST",
            "/api/accounts/mine",
            vec![probe("/api/accounts/mine", &[], BORROWERS_ONLY)],
        ),
        rule(
            "POST",
            "/api/accounts/hardship",
            vec![
                probe(
                    "/api/accounts/hardship",
                    &[("account_id", "1"), ("reason", "illness"), ("note", "")],
                    [Status(401), Status(200), Status(404), Status(403), Status(403)],
                ),
                probe(
                    "/api/accounts/hardship",
                    &[("account_id", "999"), ("reason", "illness"), ("note", "")],
                    [Status(401), Status(404), Status(404), Status(403), Status(403)],
                ),
            ],
        ),
        rule(
            "POST",
            "/api/audit/recent",
            vec![probe(
                "/api/audit/recent",
                &[("limit", "5")],
                [Status(401), Status(403), Status(403), Status(403), Status(200)],
            )],
        ),
        rule(
            "POST",
            "/api/accounts/detail",
            vec![
                probe("/api/accounts/detail", &[("account_id", "1")], OWN_ACCOUNT),
                probe("/api/accounts/detail", &[("account_id", "999")], NO_ACCOUNT),
            ],
        ),
        rule(
            "POST",
            "/api/plans/context",
            vec![
                probe("/api/plans/context", &[("account_id", "1")], OWN_ACCOUNT),
                probe("/api/plans/context", &[("account_id", "999")], NO_ACCOUNT),
            ],
        ),
        rule(
            "POST",
            "/api/plans/submit",
            vec![probe_json(
                "/api/plans/submit",
                r#"{"account_id":1,"idempotency_key":"key-matrix-0001","proposal":{"installments":"3","frequency":"monthly","first_payment_date":"2026-12-05"}}"#,
                OWN_ACCOUNT,
            )],
        ),
        rule(
            "POST",
            "/api/plans/proposal",
            vec![probe("/api/plans/proposal", &[("id", "999")], UNKNOWN_FOR_ALL)],
        ),
        rule(
            "POST",
            "/api/plans/agreement",
            vec![probe(
                "/api/plans/agreement",
                &[("reference", "AG-20261201-NOPE22")],
                UNKNOWN_FOR_ALL,
            )],
        ),
        rule(
            "POST",
            "/plans/submit",
            vec![probe(
                "/plans/submit",
                &[
                    ("account_id", "2"),
                    ("idempotency_key", "key-matrix-form1"),
                    ("installments", "3"),
                    ("frequency", "monthly"),
                    ("first_payment_date", "2026-12-05"),
                ],
                [
                    RedirectTo("/sign-in?error=expired"),
                    RedirectTo("/agreements/"),
                    Status(404),
                    Status(403),
                    Status(403),
                ],
            )],
        ),
        rule(
            "POST",
            "/plans/preview",
            vec![probe(
                "/plans/preview",
                &[("account_id", "1"), ("installments", "3"), ("frequency", "monthly")],
                [
                    RedirectTo("/sign-in?error=expired"),
                    Status(200),
                    Status(404),
                    Status(403),
                    Status(403),
                ],
            )],
        ),
        rule(
            "POST",
            "/api/plans/mine",
            vec![probe("/api/plans/mine", &[], BORROWERS_ONLY)],
        ),
        rule(
            "POST",
            "/api/queue/list",
            vec![probe_json(
                "/api/queue/list",
                r#"{"query":{"stage":"","min_amount":"","max_amount":"","min_age":"","flagged":"","sort":"","page":""}}"#,
                STAFF_ONLY,
            )],
        ),
        rule(
            "POST",
            "/api/queue/review",
            vec![probe("/api/queue/review", &[("id", "999")], STAFF_ONLY_UNKNOWN)],
        ),
        rule(
            "POST",
            "/api/queue/decide",
            vec![probe_json(
                "/api/queue/decide",
                r#"{"proposal_id":999,"decision":"Approve"}"#,
                STAFF_ONLY_UNKNOWN,
            )],
        ),
        rule(
            "POST",
            "/api/agreements/payment",
            vec![probe_json(
                "/api/agreements/payment",
                r#"{"reference":"AG-20261201-NOPE22","amount":"1","paid_on":"2026-12-01","external_ref":""}"#,
                STAFF_ONLY_UNKNOWN,
            )],
        ),
        rule(
            "POST",
            "/api/plans/counter-offer",
            vec![probe_json(
                "/api/plans/counter-offer",
                r#"{"proposal_id":999,"accept":true}"#,
                [Status(401), Status(404), Status(404), Status(403), Status(403)],
            )],
        ),
        rule(
            "GET",
            "/queue",
            vec![probe(
                "/queue",
                &[],
                [
                    RedirectTo("/sign-in"),
                    Status(403),
                    Status(403),
                    Status(200),
                    Status(200),
                ],
            )],
        ),
        rule(
            "GET",
            "/queue/{id}",
            vec![probe(
                "/queue/999",
                &[],
                [
                    RedirectTo("/sign-in"),
                    Status(403),
                    Status(403),
                    Status(404),
                    Status(404),
                ],
            )],
        ),
        rule(
            "POST",
            "/queue/{id}/decide",
            vec![probe(
                "/queue/999/decide",
                &[("decision", "approve")],
                [
                    RedirectTo("/sign-in?error=expired"),
                    Status(403),
                    Status(403),
                    Status(404),
                    Status(404),
                ],
            )],
        ),
        rule(
            "POST",
            "/proposals/{id}/counter-offer",
            vec![probe(
                "/proposals/999/counter-offer",
                &[("response", "accept")],
                [
                    RedirectTo("/sign-in?error=expired"),
                    Status(404),
                    Status(404),
                    Status(403),
                    Status(403),
                ],
            )],
        ),
        rule(
            "POST",
            "/agreements/{reference}/payments",
            vec![probe(
                "/agreements/AG-20261201-NOPE22/payments",
                &[("amount", "1"), ("paid_on", "2026-12-01")],
                [
                    RedirectTo("/sign-in?error=expired"),
                    Status(403),
                    Status(403),
                    Status(404),
                    Status(404),
                ],
            )],
        ),
        rule(
            "GET",
            "/plans",
            vec![probe(
                "/plans",
                &[],
                [
                    RedirectTo("/sign-in"),
                    Status(200),
                    Status(200),
                    Status(403),
                    Status(403),
                ],
            )],
        ),
        rule(
            "GET",
            "/accounts/{id}",
            vec![probe("/accounts/1", &[], OWN_ACCOUNT_PAGE)],
        ),
        rule(
            "GET",
            "/accounts/{id}/plan",
            vec![probe("/accounts/1/plan", &[], OWN_ACCOUNT_PAGE)],
        ),
        rule(
            "GET",
            "/proposals/{id}",
            vec![probe("/proposals/999", &[], UNKNOWN_PAGE)],
        ),
        rule(
            "GET",
            "/agreements/{reference}",
            vec![probe("/agreements/AG-20261201-NOPE22", &[], UNKNOWN_PAGE)],
        ),
        // The lender API: API keys are the only way in, so every session is as good as none
        // (the API's own tests cover keys); its description is public.
        rule(
            "GET",
            "/api/v1/openapi.json",
            vec![probe("/api/v1/openapi.json", &[], same_for_all(Status(200)))],
        ),
        rule(
            "GET",
            "/api/v1/docs",
            vec![probe("/api/v1/docs", &[], same_for_all(Status(200)))],
        ),
        rule(
            "PUT",
            "/api/v1/accounts/{external_ref}",
            vec![probe_json(
                "/api/v1/accounts/CL-2026-000101",
                r#"{"lender_name":"x"}"#,
                same_for_all(Status(401)),
            )],
        ),
        rule(
            "POST",
            "/api/v1/accounts:batch",
            vec![probe_json(
                "/api/v1/accounts:batch",
                r#"{"items":[]}"#,
                same_for_all(Status(401)),
            )],
        ),
        rule(
            "POST",
            "/api/v1/payments",
            vec![probe_json("/api/v1/payments", "{}", same_for_all(Status(401)))],
        ),
        rule(
            "GET",
            "/api/v1/proposals",
            vec![probe("/api/v1/proposals", &[], same_for_all(Status(401)))],
        ),
        rule(
            "GET",
            "/api/v1/agreements",
            vec![probe("/api/v1/agreements", &[], same_for_all(Status(401)))],
        ),
        rule(
            "GET",
            "/api/v1/{*rest}",
            vec![probe("/api/v1/accounts", &[], same_for_all(Status(404)))],
        ),
        // Payment files, exports, audit search and policy (collector workspace, supervisors).
        rule(
            "POST",
            "/payments/import",
            vec![probe(
                "/payments/import",
                &[],
                [
                    RedirectTo("/sign-in?error=expired"),
                    Status(403),
                    Status(403),
                    RedirectTo("/payments/import?error=file_missing"),
                    RedirectTo("/payments/import?error=file_missing"),
                ],
            )],
        ),
        rule(
            "GET",
            "/exports/{name}",
            vec![
                probe(
                    "/exports/agreements.csv",
                    &[],
                    [
                        RedirectTo("/sign-in?error=expired"),
                        Status(403),
                        Status(403),
                        Status(200),
                        Status(200),
                    ],
                ),
                probe(
                    "/exports/passwords.csv",
                    &[],
                    [
                        RedirectTo("/sign-in?error=expired"),
                        Status(403),
                        Status(403),
                        Status(404),
                        Status(404),
                    ],
                ),
            ],
        ),
        rule(
            "POST",
            "/policy/publish",
            vec![probe(
                "/policy/publish",
                &[("version", "matrix-1")],
                [
                    RedirectTo("/sign-in?error=expired"),
                    Status(403),
                    Status(403),
                    Status(403),
                    RedirectTo("/policy?error=invalid"),
                ],
            )],
        ),
        rule(
            "POST",
            "/api/imports/report",
            vec![probe("/api/imports/report", &[("id", "999")], STAFF_ONLY_UNKNOWN)],
        ),
        rule(
            "POST",
            "/api/imports/recent",
            vec![probe("/api/imports/recent", &[], STAFF_ONLY)],
        ),
        rule(
            "POST",
            "/api/audit/search",
            vec![probe_json("/api/audit/search", r#"{"query":{}}"#, SUPERVISOR_ONLY)],
        ),
        rule(
            "POST",
            "/api/policy/overview",
            vec![probe("/api/policy/overview", &[], SUPERVISOR_ONLY)],
        ),
        rule(
            "POST",
            "/api/policy/publish",
            vec![probe_json(
                "/api/policy/publish",
                r#"{"draft":{"version":"matrix-2"}}"#,
                [Status(401), Status(403), Status(403), Status(403), Status(422)],
            )],
        ),
        rule(
            "GET",
            "/payments/import",
            vec![probe("/payments/import", &[], STAFF_PAGE)],
        ),
        rule(
            "GET",
            "/payments/imports/{id}",
            vec![probe(
                "/payments/imports/999",
                &[],
                [
                    RedirectTo("/sign-in"),
                    Status(403),
                    Status(403),
                    Status(404),
                    Status(404),
                ],
            )],
        ),
        rule("GET", "/audit", vec![probe("/audit", &[], SUPERVISOR_PAGE)]),
        rule("GET", "/policy", vec![probe("/policy", &[], SUPERVISOR_PAGE)]),
        // Pages.
        rule(
            "GET",
            "/",
            vec![probe(
                "/",
                &[],
                [
                    RedirectTo("/sign-in"),
                    RedirectTo("/accounts"),
                    RedirectTo("/accounts"),
                    RedirectTo("/queue"),
                    RedirectTo("/queue"),
                ],
            )],
        ),
        rule(
            "GET",
            "/sign-in",
            vec![probe("/sign-in", &[], same_for_all(Status(200)))],
        ),
        rule(
            "GET",
            "/accounts",
            vec![probe(
                "/accounts",
                &[],
                [
                    RedirectTo("/sign-in"),
                    Status(200),
                    Status(200),
                    Status(403),
                    Status(403),
                ],
            )],
        ),
        rule(
            "GET",
            "/first-access",
            vec![probe("/first-access", &[], same_for_all(Status(200)))],
        ),
        rule(
            "GET",
            "/first-access/password",
            vec![probe("/first-access/password", &[], same_for_all(Status(200)))],
        ),
    ]
}

/// Every (method, path) the server binary says it answers.
fn listed_routes() -> BTreeSet<(String, String)> {
    let (ok, stdout, stderr) = run_server_command(&["routes"], "");
    assert!(ok, "server routes failed: {stderr}");
    let list: serde_json::Value = serde_json::from_str(&stdout).expect("routes JSON");
    list.as_array()
        .expect("a list")
        .iter()
        .map(|r| {
            (
                r["method"].as_str().expect("method").to_owned(),
                r["path"].as_str().expect("path").to_owned(),
            )
        })
        .collect()
}

async fn outcome(app: &TestApp, method: &str, probe: &Probe, token: Option<&str>) -> (u16, String) {
    let client = bare_client();
    let url = app.url(probe.path);
    let mut request = match method {
        "GET" => client.get(&url),
        "POST" | "PUT" => {
            let request = client.request(method.parse().expect("an HTTP method"), &url);
            match probe.json {
                Some(body) => request.header("content-type", "application/json").body(body),
                None => request.form(probe.form),
            }
        }
        other => panic!("no probe for method {other}"),
    };
    // Server functions answer a browser form (Accept: text/html) with a redirect on success.
    let accept = if probe.path.starts_with("/api/") {
        "application/json"
    } else {
        "text/html"
    };
    request = request.header("accept", accept).header("origin", &app.base_url);
    if let Some(token) = token {
        request = request.header("cookie", format!("rd_session={token}"));
    }
    let response = request.send().await.expect("request");
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (response.status().as_u16(), location)
}

fn satisfied(expect: Expect, (status, location): &(u16, String)) -> bool {
    match expect {
        Status(code) => *status == code,
        RedirectTo(prefix) => matches!(status, 302 | 303) && location.starts_with(prefix),
    }
}

#[tokio::test]
async fn every_endpoint_has_an_access_rule_and_everything_not_allowed_is_refused() {
    let listed = listed_routes();
    let rules = rules();
    let ruled: BTreeSet<(String, String)> = rules.iter().map(|r| (r.method.to_owned(), r.path.to_owned())).collect();
    let missing: Vec<_> = listed.difference(&ruled).collect();
    assert!(
        missing.is_empty(),
        "endpoints without an access rule (add them to tests/access.rs): {missing:?}"
    );
    let stale: Vec<_> = ruled.difference(&listed).collect();
    assert!(stale.is_empty(), "rules for endpoints that no longer exist: {stale:?}");

    let app = TestApp::spawn().await;
    let mut tokens = Vec::new();
    for who in EVERYONE {
        let token = match who {
            Who::Anonymous => None,
            Who::BorrowerA => Some(BORROWER_A),
            Who::BorrowerB => Some(BORROWER_B),
            Who::Collector => Some(COLLECTOR),
            Who::Supervisor => Some(SUPERVISOR),
        };
        tokens.push(match token {
            Some((login, password)) => Some(sign_in_token(&app.base_url, login, password).await),
            None => None,
        });
    }

    let mut failures = Vec::new();
    // Sign-out last: it ends the sessions the other probes use.
    let (last, first): (Vec<_>, Vec<_>) = rules.iter().partition(|r| r.path == "/auth/sign-out");
    for rule in first.into_iter().chain(last) {
        for probe in &rule.probes {
            for (i, who) in EVERYONE.iter().enumerate() {
                let got = outcome(&app, rule.method, probe, tokens[i].as_deref()).await;
                if !satisfied(probe.expect[i], &got) {
                    failures.push(format!(
                        "{} {} as {who:?}: expected {:?}, got {} {}",
                        rule.method, probe.path, probe.expect[i], got.0, got.1
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "access matrix broken:\n{}", failures.join("\n"));
}
