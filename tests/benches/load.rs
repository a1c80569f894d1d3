//! The load benchmark (run by `scripts/bench`): the release server under goose on loopback,
//! each real figure next to its floor, measured by the same server in the same run so the
//! ratios hold on a noisy machine. Prints one table; the goals are printed beside the figures.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use goose::config::GooseConfiguration;
use goose::metrics::GooseRequestMetricAggregate;
use goose::prelude::*;
use serde_json::json;
use tests::{clone_accounts, clone_borrowers, fresh_database, sign_in_token, Backend, TestApp, BORROWER_A};

/// How long each steady-state measurement runs.
const MEASURE: Duration = Duration::from_secs(10);
/// A ratio (a real figure over its floor) is measured in alternating rounds and judged on the
/// median round: on a shared machine the speed drifts from one window to the next, and one
/// slow window must not decide a ratio.
const ROUNDS: usize = 3;
const ROUND: Duration = Duration::from_secs(6);
const MIXED: Duration = Duration::from_secs(120);
/// Borrower A's early-stage demo account: every seeded account is a copy of it.
const TEMPLATE_ACCOUNT: i64 = 1;

/// What the goose users of the current measurement share: sessions to present and accounts to
/// propose plans on (each account takes one plan, so each submission takes the next one).
#[derive(Default)]
struct Fixture {
    sessions: Vec<String>,
    /// (index into `sessions` of the account's owner, account id), handed out in order.
    accounts: Vec<(usize, i64)>,
    /// Borrowers for the mixed flow: (login, their account ids).
    journeys: Vec<(String, Vec<i64>)>,
}

static FIXTURE: RwLock<Option<Arc<Fixture>>> = RwLock::new(None);
static NEXT: AtomicUsize = AtomicUsize::new(0);

fn fixture() -> Arc<Fixture> {
    FIXTURE.read().expect("fixture").clone().expect("a fixture is set")
}

fn set_fixture(fixture: Fixture) {
    NEXT.store(0, Ordering::SeqCst);
    *FIXTURE.write().expect("fixture") = Some(Arc::new(fixture));
}

fn cookie(user: &GooseUser, fixture: &Fixture) -> String {
    format!(
        "rd_session={}",
        fixture.sessions[user.weighted_users_index % fixture.sessions.len()]
    )
}

/// Every goose user gets a client that keeps cookies and shows redirects as they are.
async fn plain_client(user: &mut GooseUser) -> TransactionResult {
    let builder = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30));
    user.set_client_builder(builder).await?;
    Ok(())
}

async fn plaintext(user: &mut GooseUser) -> TransactionResult {
    user.get_named("/bench/plaintext", "plaintext").await?;
    Ok(())
}

async fn bare_transaction(user: &mut GooseUser) -> TransactionResult {
    let request = GooseRequest::builder()
        .method(GooseMethod::Post)
        .path("/bench/transaction")
        .name("bare transaction")
        .build();
    user.request(request).await?;
    Ok(())
}

/// A page read with a session cookie, failing unless it is the page itself (not a redirect to
/// sign-in) with `expect` in it.
async fn page(user: &mut GooseUser, path: &str, name: &str, cookie: Option<&str>, expect: &str) -> TransactionResult {
    let mut builder = user
        .get_request_builder(&GooseMethod::Get, path)?
        .header("accept-language", "en");
    if let Some(cookie) = cookie {
        builder = builder.header("cookie", cookie);
    }
    let request = GooseRequest::builder()
        .path(path)
        .name(name)
        .set_request_builder(builder)
        .build();
    let mut goose = user.request(request).await?;
    if let Ok(response) = goose.response {
        let body = response.text().await.unwrap_or_default();
        if !body.contains(expect) {
            return user.set_failure("not the expected page", &mut goose.request, None, Some(&body));
        }
    }
    Ok(())
}

async fn dashboard(user: &mut GooseUser) -> TransactionResult {
    let fixture = fixture();
    let cookie = cookie(user, &fixture);
    page(user, "/accounts", "dashboard", Some(&cookie), "CL-2026-000101").await
}

fn plan_body(account: i64, key: &str) -> serde_json::Value {
    json!({
        "account_id": account,
        "idempotency_key": key,
        "proposal": { "down_payment": "", "installments": "6", "frequency": "monthly", "first_payment_date": "2026-12-10" },
    })
}

async fn post_plan(user: &mut GooseUser, account: i64, cookie: Option<&str>) -> TransactionResult {
    let key = format!("bench-plan-{account:08}");
    let mut builder = user
        .get_request_builder(&GooseMethod::Post, "/api/plans/submit")?
        .header("accept", "application/json")
        .json(&plan_body(account, &key));
    if let Some(cookie) = cookie {
        builder = builder.header("cookie", cookie);
    }
    let request = GooseRequest::builder()
        .method(GooseMethod::Post)
        .path("/api/plans/submit")
        .name("submission")
        .set_request_builder(builder)
        .build();
    let mut goose = user.request(request).await?;
    if let Ok(response) = goose.response {
        let body = response.text().await.unwrap_or_default();
        if !body.contains("AgreementRecorded") {
            return user.set_failure("not recorded", &mut goose.request, None, Some(&body));
        }
    }
    Ok(())
}

async fn submission(user: &mut GooseUser) -> TransactionResult {
    let fixture = fixture();
    let Some(&(owner, account)) = fixture.accounts.get(NEXT.fetch_add(1, Ordering::Relaxed)) else {
        panic!("the benchmark ran out of seeded accounts: seed more");
    };
    let cookie = format!("rd_session={}", fixture.sessions[owner]);
    post_plan(user, account, Some(&cookie)).await
}

async fn sign_in_form(user: &mut GooseUser, login: &str) -> TransactionResult {
    let builder = user
        .get_request_builder(&GooseMethod::Post, "/auth/sign-in")?
        .form(&[("login", login), ("password", BORROWER_A.1)]);
    let request = GooseRequest::builder()
        .method(GooseMethod::Post)
        .path("/auth/sign-in")
        .name("sign-in")
        .expect_status_code(303)
        .set_request_builder(builder)
        .build();
    let mut goose = user.request(request).await?;
    if let Ok(response) = &goose.response {
        let to = response
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .unwrap_or_default();
        if to.starts_with("/sign-in") {
            let to = to.to_owned();
            return user.set_failure("sign-in refused", &mut goose.request, None, Some(&to));
        }
    }
    Ok(())
}

/// Each user signs in as a borrower of their own: a burst on one account is what the
/// per-account limit exists to stop.
async fn sign_in(user: &mut GooseUser) -> TransactionResult {
    let fixture = fixture();
    let (login, _) = &fixture.journeys[user.weighted_users_index % fixture.journeys.len()];
    sign_in_form(user, login).await
}

/// One borrower's visit: sign in, ten page views, one plan.
async fn journey(user: &mut GooseUser) -> TransactionResult {
    let fixture = fixture();
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let (login, accounts) = &fixture.journeys[n % fixture.journeys.len()];
    let Some(&account) = accounts.get(n / fixture.journeys.len()) else {
        panic!("the benchmark ran out of seeded accounts for the mixed flow: seed more");
    };
    sign_in_form(user, login).await?;
    let account_page = format!("/accounts/{account}");
    let plan_page = format!("/accounts/{account}/plan");
    let views = [
        ("/accounts", "page: overview"),
        (account_page.as_str(), "page: account"),
        (plan_page.as_str(), "page: plan"),
        ("/plans", "page: plans"),
        ("/accounts", "page: overview"),
    ];
    for (path, name) in views.iter().cycle().take(10) {
        page(user, path, name, None, "CL-").await?;
    }
    post_plan(user, account, None).await
}

/// One measurement: `users` goose users running `scenario` for `run`.
async fn attack(host: &str, users: usize, run: Duration, scenario: Scenario) -> GooseMetrics {
    let attack = GooseAttack::initialize_with_config(GooseConfiguration::default())
        .expect("goose")
        .register_scenario(scenario)
        .set_default(GooseDefault::Host, host)
        .and_then(|a| a.set_default(GooseDefault::Users, users))
        .and_then(|a| a.set_default(GooseDefault::HatchRate, "1000"))
        .and_then(|a| a.set_default(GooseDefault::RunTime, run.as_secs() as usize))
        .and_then(|a| a.set_default(GooseDefault::Quiet, 1))
        .and_then(|a| a.set_default(GooseDefault::NoPrintMetrics, true))
        .and_then(|a| a.set_default(GooseDefault::NoTelnet, true))
        .and_then(|a| a.set_default(GooseDefault::NoWebSocket, true))
        // Only per-request figures are read: goose's transaction, scenario and status-code
        // tallies would be work for the load generator, on the cores the server needs.
        .and_then(|a| a.set_default(GooseDefault::NoTransactionMetrics, true))
        .and_then(|a| a.set_default(GooseDefault::NoScenarioMetrics, true))
        .and_then(|a| a.set_default(GooseDefault::NoStatusCodes, true))
        .expect("goose settings");
    attack.execute().await.expect("the load test runs")
}

fn scenario(name: &str, work: Transaction) -> Scenario {
    scenario!(name)
        .register_transaction(transaction!(plain_client).set_on_start())
        .register_transaction(work)
}

/// A figure read off goose's metrics for one named request.
struct Figure {
    what: String,
    requests: usize,
    per_second: f64,
    p50: usize,
    p99: usize,
    errors: usize,
    /// CPU time the server and the database spent per request, in microseconds (rounds only):
    /// steadier than a rate on a shared machine, where a round may lose a core to a neighbour.
    cpu_us: Option<f64>,
}

fn percentile(aggregate: &GooseRequestMetricAggregate, q: f64) -> usize {
    let data = &aggregate.raw_data;
    let rank = ((data.counter as f64) * q).ceil().max(1.0) as usize;
    let mut seen = 0;
    for (time, count) in &data.times {
        seen += count;
        if seen >= rank {
            return *time;
        }
    }
    data.maximum_time
}

fn figure(what: &str, metrics: &GooseMetrics, request: &str) -> Figure {
    let aggregate = metrics
        .requests
        .iter()
        .find(|(key, _)| key.ends_with(&format!(" {request}")))
        .map(|(_, a)| a)
        .unwrap_or_else(|| panic!("no `{request}` requests were measured"));
    let requests = aggregate.success_count + aggregate.fail_count;
    Figure {
        what: what.to_owned(),
        requests,
        per_second: requests as f64 / metrics.duration.max(1) as f64,
        p50: percentile(aggregate, 0.50),
        p99: percentile(aggregate, 0.99),
        errors: aggregate.fail_count,
        cpu_us: None,
    }
}

/// The failed requests of a measurement, after printing what went wrong.
fn errors(what: &str, metrics: &GooseMetrics) -> usize {
    for error in metrics.errors.values() {
        let detail: String = error.error.chars().take(300).collect();
        println!(
            "{what}: {} x {} {}: {detail}",
            error.occurrences, error.method, error.name
        );
    }
    metrics.requests.values().map(|a| a.fail_count).sum()
}

async fn sessions_of(app: &TestApp, logins: &[String]) -> Vec<String> {
    let mut sessions = Vec::with_capacity(logins.len());
    for login in logins {
        sessions.push(sign_in_token(&app.base_url, login, BORROWER_A.1).await);
    }
    sessions
}

/// Borrowers with plenty of fresh accounts each, signed in, for the submission measurement.
async fn submission_fixture(app: &TestApp, prefix: &str, borrowers: usize, per_borrower: usize) -> Fixture {
    let owners = clone_borrowers(&app.database_url, BORROWER_A.0, prefix, borrowers).await;
    let mut by_owner = Vec::new();
    for (n, (_, id)) in owners.iter().enumerate() {
        let tag = format!("{prefix}-{n}");
        by_owner.push(clone_accounts(&app.database_url, TEMPLATE_ACCOUNT, Some(*id), &tag, per_borrower).await);
    }
    // Round robin over the owners, so concurrent submissions spread over sessions.
    let accounts = (0..per_borrower)
        .flat_map(|i| by_owner.iter().enumerate().map(move |(owner, ids)| (owner, ids[i])))
        .collect();
    let logins: Vec<String> = owners.into_iter().map(|(login, _)| login).collect();
    Fixture {
        sessions: sessions_of(app, &logins).await,
        accounts,
        journeys: Vec::new(),
    }
}

/// Plan submissions beside the bare transaction, in alternating rounds; the median round.
async fn measure_submissions(app: &TestApp, label: &str, table: &mut Vec<Figure>, goals: &mut Vec<String>) {
    // Enough accounts for three rounds at over 5,000 submissions a second.
    set_fixture(submission_fixture(app, "1390", 64, 1_600).await);
    let submitted = format!("plan submission, 64 users, {label}");
    let bare = format!("bare 4-statement transaction, {label}");
    let rounds = alternate(
        app,
        Measured {
            what: &submitted,
            request: "submission",
            scenario: || scenario("submit", transaction!(submission)),
        },
        Measured {
            what: &bare,
            request: "bare transaction",
            scenario: || scenario("bare", transaction!(bare_transaction)),
        },
    )
    .await;
    // A goose user that finds no fresh account stops, and its round would look slower.
    let seeded = fixture().accounts.len();
    assert!(
        NEXT.load(Ordering::SeqCst) <= seeded,
        "the submission rounds used more than the {seeded} seeded accounts: seed more"
    );
    let errors: usize = rounds.iter().map(|r| r.real.errors).sum();
    let median = median_round(&rounds);
    goals.push(format!(
        "submissions on {label}: {:.1} % of the bare rate (goal >= 40 %), p99 {} ms (goal <= 50), {errors} errors: {}",
        median.share(),
        median.real.p99,
        verdict(median.share() >= 40.0 && median.real.p99 <= 50 && errors == 0)
    ));
    table_rounds(table, rounds);
}

/// One side of a ratio: what the table calls it, goose's name for its request, its scenario.
struct Measured<'a, S: Fn() -> Scenario> {
    what: &'a str,
    request: &'a str,
    scenario: S,
}

/// One round: the real figure and its floor, measured one after the other.
struct Round {
    real: Figure,
    floor: Figure,
}

impl Round {
    fn share(&self) -> f64 {
        self.real.per_second / self.floor.per_second * 100.0
    }
}

/// `ROUNDS` rounds of the floor then the real load, at 64 users each.
async fn alternate<R, F>(app: &TestApp, real: Measured<'_, R>, floor: Measured<'_, F>) -> Vec<Round>
where
    R: Fn() -> Scenario,
    F: Fn() -> Scenario,
{
    let mut rounds = Vec::with_capacity(ROUNDS);
    for round in 1..=ROUNDS {
        let floor = measure_round(app, &floor, round).await;
        let real = measure_round(app, &real, round).await;
        rounds.push(Round { real, floor });
    }
    rounds
}

/// One side of a round, with the CPU time the server and the database spent on it.
async fn measure_round<S: Fn() -> Scenario>(app: &TestApp, side: &Measured<'_, S>, round: usize) -> Figure {
    let cpu_before = service_cpu_ticks(app.pid());
    let metrics = attack(&app.base_url, 64, ROUND, (side.scenario)()).await;
    let cpu_ticks = service_cpu_ticks(app.pid()).saturating_sub(cpu_before);
    errors(side.what, &metrics);
    let mut figure = figure(&format!("{} ({round}/{ROUNDS})", side.what), &metrics, side.request);
    figure.cpu_us = Some(cpu_ticks as f64 * TICK_US / figure.requests.max(1) as f64);
    figure
}

/// Microseconds in a clock tick of `/proc/<pid>/stat`'s times (Linux reports them in USER_HZ,
/// which is 100 on every architecture it exposes to user space).
const TICK_US: f64 = 10_000.0;

/// CPU ticks used so far by the server process and every PostgreSQL process on this machine
/// (no PostgreSQL runs during the SQLite measurements, or it idles).
fn service_cpu_ticks(server_pid: u32) -> u64 {
    let Ok(processes) = std::fs::read_dir("/proc") else {
        return 0;
    };
    processes
        .flatten()
        .filter_map(|entry| std::fs::read_to_string(entry.path().join("stat")).ok())
        .filter_map(|stat| {
            let pid: u32 = stat.split_whitespace().next()?.parse().ok()?;
            // The command name is in parentheses and may hold spaces: fields follow the last ')'.
            let (name, fields) = stat.rsplit_once(')')?;
            let is_postgres = name.ends_with("(postgres");
            (pid == server_pid || is_postgres).then(|| {
                let times: Vec<u64> = fields
                    .split_whitespace()
                    .skip(11)
                    .take(2)
                    .filter_map(|f| f.parse().ok())
                    .collect();
                times.iter().sum::<u64>()
            })
        })
        .sum()
}

fn median_round(rounds: &[Round]) -> &Round {
    let mut by_share: Vec<&Round> = rounds.iter().collect();
    by_share.sort_by(|a, b| a.share().total_cmp(&b.share()));
    by_share[by_share.len() / 2]
}

fn table_rounds(table: &mut Vec<Figure>, rounds: Vec<Round>) {
    for round in rounds {
        table.push(round.floor);
        table.push(round.real);
    }
}

fn peak_memory_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn print_table(table: &[Figure]) {
    println!(
        "\n{:<52} {:>9} {:>10} {:>8} {:>8} {:>7} {:>11}",
        "load (goose, loopback)", "requests", "per second", "p50 ms", "p99 ms", "errors", "CPU us/req"
    );
    for f in table {
        let cpu = f.cpu_us.map_or(String::new(), |us| format!("{us:.0}"));
        println!(
            "{:<52} {:>9} {:>10.1} {:>8} {:>8} {:>7} {:>11}",
            f.what, f.requests, f.per_second, f.p50, f.p99, f.errors, cpu
        );
    }
}

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "NOT met"
    }
}

/// Every simulated user comes from 127.0.0.1; in production they would come from as many
/// addresses, so the per-address sign-in limit is lifted (the per-account one still holds).
const SERVER_FLAGS: &[&str] = &["--bench-endpoints", "--attempts-per-address", "1000000"];

/// Whether the measurement named `phase` runs: all of them unless `BENCH_LOAD` lists some
/// (comma-separated: dashboard, sign-in, submissions, mixed), as when profiling one of them;
/// `submissions-sqlite` or `submissions-postgres` measures submissions on one database only.
fn runs(phase: &str) -> bool {
    std::env::var("BENCH_LOAD").map_or(true, |list| list.split(',').any(|p| p.trim() == phase))
}

#[tokio::main]
async fn main() {
    let mut table = Vec::new();
    let mut goals = Vec::new();

    let url = fresh_database(Backend::Sqlite).await.expect("sqlite");
    let app = TestApp::spawn_with(&url, SERVER_FLAGS).await;
    println!("server pid {}", app.pid());

    if runs("dashboard") {
        measure_dashboard(&app, &mut table, &mut goals).await;
    }
    if runs("sign-in") {
        measure_sign_in(&app, &url, &mut table, &mut goals).await;
    }
    if runs("submissions") || runs("submissions-sqlite") || runs("submissions-postgres") {
        submission_goals(&app, &mut table, &mut goals).await;
    }
    if runs("mixed") {
        measure_mixed(&mut table, &mut goals).await;
    }

    print_table(&table);
    println!();
    for goal in goals {
        println!("{goal}");
    }
}

/// The dashboard beside the trivial endpoint, then the page alone at one connection.
async fn measure_dashboard(app: &TestApp, table: &mut Vec<Figure>, goals: &mut Vec<String>) {
    let a_sessions = sessions_of(app, &vec![BORROWER_A.0.to_owned(); 64]).await;
    set_fixture(Fixture {
        sessions: a_sessions,
        ..Fixture::default()
    });
    let rounds = alternate(
        app,
        Measured {
            what: "signed-in dashboard (SSR + session + DB), 64 conn.",
            request: "dashboard",
            scenario: || scenario("dashboard", transaction!(dashboard)),
        },
        Measured {
            what: "plain-text endpoint, 64 connections",
            request: "plaintext",
            scenario: || scenario("plaintext", transaction!(plaintext)),
        },
    )
    .await;
    let board = median_round(&rounds);
    goals.push(format!(
        "dashboard: {:.1} % of the plain-text rate (goal >= 8 %), p99 {} ms (goal <= 25): {}",
        board.share(),
        board.real.p99,
        verdict(board.share() >= 8.0 && board.real.p99 <= 25)
    ));
    let single = attack(
        &app.base_url,
        1,
        MEASURE,
        scenario("dashboard", transaction!(dashboard)),
    )
    .await;
    let single = figure("signed-in dashboard, 1 connection", &single, "dashboard");
    goals.push(format!(
        "dashboard at 1 connection: p50 {} ms (goal < 10): {}",
        single.p50,
        verdict(single.p50 < 10)
    ));
    table_rounds(table, rounds);
    table.push(single);
}

async fn measure_sign_in(app: &TestApp, url: &str, table: &mut Vec<Figure>, goals: &mut Vec<String>) {
    let journeys = clone_borrowers(url, BORROWER_A.0, "1371", 20)
        .await
        .into_iter()
        .map(|(login, _)| (login, Vec::new()))
        .collect();
    set_fixture(Fixture {
        journeys,
        ..Fixture::default()
    });
    let signing = attack(&app.base_url, 20, MEASURE, scenario("sign-in", transaction!(sign_in))).await;
    let signing = figure("sign-in (argon2id), 20 users", &signing, "sign-in");
    goals.push(format!(
        "sign-in p99 {} ms (goal <= 250): {}",
        signing.p99,
        verdict(signing.p99 <= 250)
    ));
    table.push(signing);
}

/// Submissions beside the bare transaction, on SQLite, then on PostgreSQL when it runs here.
async fn submission_goals(app: &TestApp, table: &mut Vec<Figure>, goals: &mut Vec<String>) {
    if runs("submissions") || runs("submissions-sqlite") {
        measure_submissions(app, "SQLite", table, goals).await;
    }
    if !(runs("submissions") || runs("submissions-postgres")) {
        return;
    }
    if let Some(pg_url) = fresh_database(Backend::Postgres).await {
        let pg = TestApp::spawn_with(&pg_url, SERVER_FLAGS).await;
        println!("PostgreSQL server pid {}", pg.pid());
        measure_submissions(&pg, "PostgreSQL", table, goals).await;
    }
}

/// The mixed flow, on a fresh server so its peak memory is the mixed flow's.
async fn measure_mixed(table: &mut Vec<Figure>, goals: &mut Vec<String>) {
    let url = fresh_database(Backend::Sqlite).await.expect("sqlite");
    let app = TestApp::spawn_with(&url, SERVER_FLAGS).await;
    // Each visit submits a plan on a fresh account: 14,400 of them, twice the 7,200 visits of
    // the fastest run so far (a run that used them all up stopped its users early).
    let borrowers = clone_borrowers(&url, BORROWER_A.0, "1370", 600).await;
    let mut journeys = Vec::new();
    for (n, (login, id)) in borrowers.into_iter().enumerate() {
        let accounts = clone_accounts(&url, TEMPLATE_ACCOUNT, Some(id), &format!("CL-MIX-{n}"), 24).await;
        journeys.push((login, accounts));
    }
    set_fixture(Fixture {
        journeys,
        ..Fixture::default()
    });
    let mixed = attack(&app.base_url, 32, MIXED, scenario("mixed", transaction!(journey))).await;
    let mixed_errors = errors("mixed flow", &mixed);
    let peak = peak_memory_kib(app.pid()).unwrap_or_default();
    for request in [
        "sign-in",
        "page: overview",
        "page: account",
        "page: plan",
        "page: plans",
        "submission",
    ] {
        table.push(figure(&format!("mixed flow, 32 users: {request}"), &mixed, request));
    }
    goals.push(format!(
        "mixed flow for {} s: {mixed_errors} errors, peak server memory {:.1} MB (goal 0 errors, <= 200 MB): {}",
        MIXED.as_secs(),
        peak as f64 / 1024.0,
        verdict(mixed_errors == 0 && peak <= 200 * 1024)
    ));
}
