//! The access matrix: every endpoint the server answers (handlers, server functions and pages,
//! as listed by the binary itself from the tables its router is built from) has a rule saying
//! what anonymous visitors, borrower A, borrower B, a collector and a supervisor get. A new
//! endpoint without a rule fails this test; so does a rule for an endpoint that is gone.
//!
//! Borrower A owns demo account 1; borrower B does not: for B it must read as missing (404),
//! exactly like an id that does not exist.

mod rules;

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
pub(crate) enum Expect {
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
    let rules = rules::rules();
    let ruled: BTreeSet<(String, String)> = rules.iter().map(|r| (r.method.to_owned(), r.path.to_owned())).collect();
    let missing: Vec<_> = listed.difference(&ruled).collect();
    assert!(
        missing.is_empty(),
        "endpoints without an access rule (add them to tests/access/rules.rs): {missing:?}"
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
