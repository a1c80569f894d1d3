//! Test support: start the real server binary on a free port with a fresh database (SQLite
//! file or a new PostgreSQL database), an HTTP client with cookies, and browser helpers.

pub mod browser;
pub mod databases;
pub mod schema;
pub mod seed;
pub mod workspace;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

pub use databases::{fresh_database, postgres_admin_url, Backend};
pub use seed::{clone_accounts, clone_borrowers};

pub fn workspace_root() -> PathBuf {
    // Cargo names this clone's package directory at run time too. The one compiled in may be
    // another clone's: clones sharing one CARGO_TARGET_DIR reuse each other's test builds.
    let package = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    package.parent().map(Path::to_path_buf).unwrap_or_default()
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// The server binary built by `cargo leptos build` (debug unless REPAYDESK_PROFILE says).
pub fn server_binary() -> PathBuf {
    let profile = std::env::var("REPAYDESK_PROFILE").unwrap_or_else(|_| "debug".into());
    let bin = target_dir().join(profile).join("server");
    assert!(
        bin.exists(),
        "{} is missing: run `cargo leptos build` (scripts/test does)",
        bin.display()
    );
    bin
}

/// The built site (wasm, JS, CSS): cargo-leptos writes it under the workspace's target/site
/// whatever CARGO_TARGET_DIR says, so of the candidates the most recently built one wins
/// (a stale copy elsewhere must not hide a fresh build).
pub fn site_root() -> PathBuf {
    let built = |p: &PathBuf| {
        std::fs::metadata(p.join("pkg/repaydesk.wasm"))
            .and_then(|m| m.modified())
            .ok()
    };
    [workspace_root().join("target/site"), target_dir().join("site")]
        .into_iter()
        .filter_map(|p| built(&p).map(|at| (at, p)))
        .max_by_key(|(at, _)| *at)
        .map(|(_, p)| p)
        .unwrap_or_else(|| workspace_root().join("target/site"))
}

/// A fresh folder under the target directory, kept for a day (inspect it after a failure;
/// `scripts/test` prunes older ones).
pub fn scratch_dir(tag: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    // The target dir outlives test runs and process ids come round again (every 32,768 on a
    // busy machine): the time keeps a name from ever being another run's, whose database,
    // already holding plans and audit entries, failed tests at random.
    let dir = target_dir().join("test-scratch").join(format!(
        "{tag}-{}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        chrono::Utc::now().timestamp_micros()
    ));
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

/// A running server process, stopped when dropped.
pub struct TestApp {
    pub base_url: String,
    pub database_url: String,
    child: Child,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where a test server's log goes.
pub enum Logs {
    /// Warnings and errors, on the test's own stderr.
    WarningsToStderr,
    /// Everything from the info level up, into a file the test reads.
    InfoInto(PathBuf),
}

impl TestApp {
    /// Starts a server with demo data on a fresh SQLite database.
    pub async fn spawn() -> TestApp {
        let url = fresh_database(Backend::Sqlite)
            .await
            .expect("sqlite is always available");
        TestApp::spawn_with(&url, &[]).await
    }

    /// Starts a server with demo data on a fresh PostgreSQL database; `None` (after a loud
    /// notice) when PostgreSQL is not configured for the tests.
    pub async fn spawn_on_postgres() -> Option<TestApp> {
        let url = fresh_database(Backend::Postgres).await?;
        Some(TestApp::spawn_with(&url, &[]).await)
    }

    /// Starts a server on `database_url` (demo data loaded when empty) with extra flags.
    pub async fn spawn_with(database_url: &str, extra: &[&str]) -> TestApp {
        TestApp::spawn_logging(database_url, extra, Logs::WarningsToStderr).await
    }

    /// Like `spawn_with`, with the server's log sent where `logs` says.
    pub async fn spawn_logging(database_url: &str, extra: &[&str], logs: Logs) -> TestApp {
        let (level, stderr) = match logs {
            Logs::WarningsToStderr => ("warn", Stdio::inherit()),
            Logs::InfoInto(path) => ("info", Stdio::from(std::fs::File::create(path).expect("log file"))),
        };
        let mut child = Command::new(server_binary())
            .current_dir(workspace_root())
            .args([
                "--addr",
                "127.0.0.1:0",
                "--database-url",
                database_url,
                "--demo",
                "--today",
                TODAY,
            ])
            .arg("--site-root")
            .arg(site_root())
            .args(extra)
            .env("RUST_LOG", level)
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("start the server binary");
        let stdout = child.stdout.take().expect("piped stdout");
        let base_url = tokio::task::spawn_blocking(move || {
            let mut lines = BufReader::new(stdout).lines();
            let found = lines
                .by_ref()
                .map_while(Result::ok)
                .find_map(|line| line.strip_prefix("RepayDesk is serving on ").map(str::to_owned));
            // Keep draining so the server never blocks on a full pipe.
            std::thread::spawn(move || lines.for_each(drop));
            found
        })
        .await
        .expect("join")
        .expect("the server printed its address");
        TestApp {
            base_url,
            database_url: database_url.to_owned(),
            child,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// An HTTP client with its own cookie jar that does not follow redirects.
    pub fn client() -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .expect("http client")
    }

    /// Signs in through the form and returns the client holding the session cookie.
    pub async fn signed_in(&self, login: &str, password: &str) -> reqwest::Client {
        let client = TestApp::client();
        let response = client
            .post(self.url("/auth/sign-in"))
            .form(&[("login", login), ("password", password)])
            .send()
            .await
            .expect("sign-in request");
        assert_eq!(response.status(), 303, "sign-in answers with a redirect");
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(
            !location.starts_with("/sign-in"),
            "sign-in as {login} failed: redirected to {location}"
        );
        client
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Ends the server the hard way (SIGKILL), as a power cut or an OOM kill would.
    /// Sends SIGTERM, as a service manager stopping the server would, and waits for the exit.
    pub async fn terminate(&mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status().expect("run kill");
        assert!(sent.success(), "SIGTERM could not be sent");
        let start = std::time::Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for the server") {
                return status;
            }
            assert!(start.elapsed() < Duration::from_secs(15), "the server ignored SIGTERM");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn kill_hard(&mut self) {
        self.child.kill().expect("kill the server");
        self.child.wait().expect("reap the server");
    }
}

/// Waits until `check` is true or the time runs out.
pub async fn eventually(what: &str, limit: Duration, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The lender's "today" in every test server, so dates and stages are reproducible.
pub const TODAY: &str = "2026-12-01";

pub const BORROWER_A: (&str, &str) = ("13800000001", "repaydesk-demo-1");
pub const BORROWER_B: (&str, &str) = ("13800000002", "repaydesk-demo-2");
pub const COLLECTOR: (&str, &str) = ("collector", "repaydesk-collector");
pub const SUPERVISOR: (&str, &str) = ("supervisor", "repaydesk-supervisor");

impl TestApp {
    /// Starts a server with demo data on a fresh SQLite database and extra flags.
    pub async fn spawn_flags(extra: &[&str]) -> TestApp {
        let url = fresh_database(Backend::Sqlite)
            .await
            .expect("sqlite is always available");
        TestApp::spawn_with(&url, extra).await
    }

    /// Every audit action recorded so far, oldest first.
    pub async fn audit_actions(&self) -> Vec<String> {
        audit_actions(&self.database_url).await
    }
}

/// Every audit action recorded in the database at `database_url`, oldest first.
pub async fn audit_actions(database_url: &str) -> Vec<String> {
    let db = app::server::db::Db::open(database_url, 1)
        .await
        .expect("open the test database");
    let mut records = app::server::store::audit::recent(&db, 10_000)
        .await
        .expect("read the audit trail");
    records.reverse();
    db.pool.close().await;
    records.into_iter().map(|r| r.action).collect()
}

/// The session token a response sets, if it sets one (an empty value clears it).
pub fn session_cookie(response: &reqwest::Response) -> Option<String> {
    set_cookie(response, "rd_session")
}

/// The value a response sets for cookie `name`, if any.
pub fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// A client without a cookie jar (cookies are passed by hand) that does not follow redirects.
pub fn bare_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("http client")
}

/// Signs in through the form with a bare client and returns the session token.
pub async fn sign_in_token(base_url: &str, login: &str, password: &str) -> String {
    let response = bare_client()
        .post(format!("{base_url}/auth/sign-in"))
        .form(&[("login", login), ("password", password)])
        .send()
        .await
        .expect("sign-in request");
    assert_eq!(response.status(), 303);
    session_cookie(&response)
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| panic!("sign-in as {login} set no session"))
}

/// Runs the server binary with `args` and `stdin`; returns (success, stdout, stderr).
pub fn run_server_command(args: &[&str], stdin: &str) -> (bool, String, String) {
    use std::io::Write;
    let mut child = Command::new(server_binary())
        .args(args)
        .env("RUST_LOG", "off")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the server binary");
    if let Some(mut input) = child.stdin.take() {
        let _ = input.write_all(stdin.as_bytes());
    }
    let output = child.wait_with_output().expect("wait for the server binary");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).trim().to_owned(),
    )
}

pub const FIRST_ACCESS: FirstAccessBorrower = FirstAccessBorrower {
    phone: "13800000003",
    reference: "CL-2026-000301",
    date_of_birth: "1990-05-17",
    phone_last4: "0003",
};

/// The demo borrower who has no password yet (陈杰 Chen Jie).
pub struct FirstAccessBorrower {
    pub phone: &'static str,
    pub reference: &'static str,
    pub date_of_birth: &'static str,
    pub phone_last4: &'static str,
}

/// The Location header of a response ("" when there is none).
pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Posts the sign-in form from a fresh client and returns where it redirects.
pub async fn sign_in_attempt(app: &TestApp, login: &str, password: &str) -> String {
    let response = bare_client()
        .post(app.url("/auth/sign-in"))
        .form(&[("login", login), ("password", password)])
        .send()
        .await
        .expect("sign-in request");
    assert_eq!(response.status(), 303);
    location(&response)
}

/// The status of the borrower's own-accounts server function with this session token.
pub async fn my_accounts_status(base_url: &str, token: &str) -> u16 {
    bare_client()
        .post(format!("{base_url}/api/accounts/mine"))
        .header("cookie", format!("rd_session={token}"))
        .header("accept", "application/json")
        .send()
        .await
        .expect("server fn")
        .status()
        .as_u16()
}

/// POSTs a JSON body (a server function call) and returns the status and the JSON answer.
pub async fn post_json(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    let response = client
        .post(app.url(path))
        .header("accept", "application/json")
        .json(&body)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(serde_json::Value::Null))
}

/// POSTs a form (a server function taking URL-encoded arguments) and returns the status and
/// the JSON answer.
pub async fn post_form(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, serde_json::Value) {
    let response = client
        .post(app.url(path))
        .header("accept", "application/json")
        .form(form)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(serde_json::Value::Null))
}

/// Submits a plan proposal through the `submit_plan` server function.
pub async fn submit_plan(
    client: &reqwest::Client,
    app: &TestApp,
    account: i64,
    key: &str,
    proposal: serde_json::Value,
) -> (u16, serde_json::Value) {
    let body = serde_json::json!({ "account_id": account, "idempotency_key": key, "proposal": proposal });
    post_json(client, app, "/api/plans/submit", body).await
}

/// A page's HTML as `client` sees it, asked for in `language` (an Accept-Language value).
pub async fn page_html(client: &reqwest::Client, app: &TestApp, path: &str, language: &str) -> String {
    let response = client
        .get(app.url(path))
        .header("accept-language", language)
        .send()
        .await
        .expect("page");
    response.text().await.expect("html")
}

/// Uploads `bytes` as the payment file form would (multipart, field `file`) and returns the
/// status and the Location the server answers with.
pub async fn upload_payment_file(
    client: &reqwest::Client,
    app: &TestApp,
    file_name: &str,
    bytes: &[u8],
) -> (u16, String) {
    let boundary = "----repaydesk-test-boundary-7d1c";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let response = client
        .post(app.url("/payments/import"))
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .await
        .expect("upload");
    (response.status().as_u16(), location(&response))
}

/// Two tests running `$check` (an async fn taking the `TestApp`) against a fresh server with
/// demo data: one on SQLite, one on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($check:ident => $sqlite:ident, $postgres:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $sqlite() {
            $check($crate::TestApp::spawn().await).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $postgres() {
            if let Some(app) = $crate::TestApp::spawn_on_postgres().await {
                $check(app).await;
            }
        }
    };
}
