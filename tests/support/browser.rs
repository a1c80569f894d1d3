//! A real headless Chromium driven through chromedriver (WebDriver), with the flags this
//! closed network needs, and helpers to wait for hydration and save screenshots.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};

pub const PHONE: (u32, u32) = (375, 812);
pub const DESKTOP: (u32, u32) = (1280, 900);

/// One browser session with its own chromedriver; both end when dropped or closed.
pub struct Browser {
    pub client: Client,
    driver: Child,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Reads the page every 100 ms until `done` holds for what `read` saw; after 20 s, fails
/// showing `what` was awaited and the last reading.
pub async fn wait_until<T: std::fmt::Debug>(what: &str, read: impl AsyncFn() -> T, done: impl Fn(&T) -> bool) {
    let start = std::time::Instant::now();
    loop {
        let seen = read().await;
        if done(&seen) {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "never {what}; last seen: {seen:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

impl Browser {
    pub async fn start(size: (u32, u32), accept_language: &str) -> Browser {
        let port = free_port();
        let driver = Command::new(std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into()))
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver (apt-get install chromium-driver)");
        let profile = crate::scratch_dir("chrome");
        // Desktop Chromium will not make a window narrower than 500 px: phones are emulated.
        let mobile = (size.0 < 500).then(|| {
            serde_json::json!({
                "deviceMetrics": { "width": size.0, "height": size.1, "pixelRatio": 2.0, "touch": true }
            })
        });
        let mut caps = serde_json::json!({
            "goog:chromeOptions": {
                "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--hide-scrollbars",
                    format!("--window-size={},{}", size.0, size.1),
                    format!("--lang={accept_language}"),
                    format!("--user-data-dir={}", profile.display()),
                ],
                "prefs": { "intl.accept_languages": accept_language }
            }
        });
        if let Some(mobile) = mobile {
            caps["goog:chromeOptions"]["mobileEmulation"] = mobile;
        }
        let caps = caps.as_object().cloned().unwrap_or_default();
        let mut last_error = None;
        for _ in 0..100 {
            match ClientBuilder::native()
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(client) => return Browser { client, driver },
                Err(e) => last_error = Some(e),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no WebDriver session: {last_error:?}");
    }

    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }

    /// Waits until every island on the page has hydrated (each sets `data-hydrated`).
    pub async fn wait_hydrated(&self) {
        self.client
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css("[data-hydrated='true']"))
            .await
            .expect("islands hydrate");
    }

    /// How many CSS pixels the page is wider than the window (0 when nothing scrolls sideways).
    pub async fn horizontal_overflow(&self) -> i64 {
        self.client
            .execute(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
                vec![],
            )
            .await
            .expect("measure the page width")
            .as_i64()
            .unwrap_or(i64::MAX)
    }

    /// The text content of the first match, whether or not it is currently visible.
    pub async fn text(&self, css: &str) -> String {
        self.text_if_present(css)
            .await
            .unwrap_or_else(|| panic!("no element matches {css}"))
    }

    /// Waits until the first match of `css` contains `wanted` (nothing matching yet counts as
    /// not yet, as while a form's answer replaces the page).
    pub async fn wait_text(&self, css: &str, wanted: &str) {
        let what = format!("{css} saying {wanted:?}");
        let text = async || self.text_if_present(css).await;
        wait_until(&what, text, |text| text.as_deref().is_some_and(|t| t.contains(wanted))).await;
    }

    /// The text content of the first match, or `None` while nothing matches (as while a form's
    /// answer replaces the page).
    pub async fn text_if_present(&self, css: &str) -> Option<String> {
        let element = self.client.find(Locator::Css(css)).await.ok()?;
        let text = element.prop("textContent").await.ok().flatten().unwrap_or_default();
        Some(text.trim().to_owned())
    }

    /// Saves a PNG under target/screenshots/NAME.png and returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let dir = crate::workspace_root().join("target/screenshots");
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        let path = dir.join(format!("{name}.png"));
        let png = self.client.screenshot().await.expect("screenshot");
        std::fs::write(&path, png).expect("write screenshot");
        path
    }

    /// Runs axe-core (WCAG 2 A/AA rules) on the current page and returns the violations.
    pub async fn accessibility_violations(&self) -> Vec<String> {
        let path = crate::workspace_root().join(".tools/node_modules/axe-core/axe.min.js");
        let source = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{} is missing ({e}): scripts/test installs it", path.display()));
        self.client.execute(&source, vec![]).await.expect("inject axe-core");
        let script = "const done = arguments[arguments.length - 1];\
            axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })\
              .then(r => done({ passes: r.passes.length, violations: r.violations.map(v => v.id + ': ' + v.help + ' @ ' + v.nodes.map(n => n.target.join(' ')).join(', ')) }))\
              .catch(e => done({ passes: 0, violations: ['axe failed: ' + e] }));";
        let result = self.client.execute_async(script, vec![]).await.expect("run axe-core");
        // An audit that checked nothing proves nothing: axe must report rules that passed.
        let passes = result["passes"].as_u64().unwrap_or(0);
        assert!(passes > 0, "axe-core ran no checks: {result}");
        serde_json::from_value(result["violations"].clone()).expect("axe-core returns a list of violations")
    }

    pub async fn sign_in(&self, base_url: &str, login: &str, password: &str) {
        let c = &self.client;
        c.goto(&format!("{base_url}/sign-in")).await.expect("open sign-in");
        c.find(Locator::Id("login"))
            .await
            .expect("login field")
            .send_keys(login)
            .await
            .expect("type login");
        c.find(Locator::Id("password"))
            .await
            .expect("password field")
            .send_keys(password)
            .await
            .expect("type password");
        c.find(Locator::Css("form[action='/auth/sign-in'] button[type=submit]"))
            .await
            .expect("submit")
            .click()
            .await
            .expect("click");
        c.wait()
            .at_most(Duration::from_secs(20))
            .for_url(&format!("{base_url}/accounts").parse().expect("url"))
            .await
            .expect("lands on accounts");
    }
}
