//! Just enough of the W3C WebDriver protocol (https://www.w3.org/TR/webdriver2/),
//! spoken with reqwest to Debian's `chromedriver`, to drive headless Chromium:
//! open a page, find elements by CSS selector, type, click, read, screenshot.
//!
//! The driver process and the browser session end when their guards drop, also
//! when an assertion fails half-way.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{Value, json};

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// The key under which WebDriver names an element.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// How long to wait for a page to show what a step expects.
const PATIENCE: Duration = Duration::from_secs(10);

/// A running `chromedriver`, killed on drop.
pub struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    /// Starts chromedriver on a free loopback port and waits until it is ready. Fails
    /// the test, saying what to install, if Chromium or chromedriver is missing: CI
    /// installs them (scripts/install-prerequisites.sh), so a skip would hide a gap.
    pub async fn start(log: &Path) -> Driver {
        for (binary, package) in [(CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")] {
            assert!(
                Path::new(binary).exists(),
                "{binary} is missing: the portal's browser test needs Debian's {package} \
                 (run scripts/install-prerequisites.sh, or apt-get install -y chromium \
                 chromium-driver)"
            );
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let log = std::fs::File::create(log).unwrap();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap();
        let driver = Driver { child, port };
        let http = reqwest::Client::new();
        let deadline = Instant::now() + PATIENCE;
        loop {
            let ready = http.get(format!("{}/status", driver.url())).send().await;
            if let Ok(resp) = ready {
                let status: Value = resp.json().await.unwrap_or_default();
                if status["value"]["ready"] == true {
                    return driver;
                }
            }
            assert!(Instant::now() < deadline, "chromedriver did not start on port {port}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// A new headless Chromium with a fresh profile in `profile`, asking for pages
    /// in `accept_language` (e.g. `es-ES`).
    pub async fn browser(&self, profile: &Path, accept_language: &str) -> Browser {
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--no-first-run",
            "--window-size=1000,1300",
        ];
        let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        args.push(format!("--lang={accept_language}"));
        let primary = accept_language.split('-').next().unwrap();
        let capabilities = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": args,
                // What the browser sends as Accept-Language.
                "prefs": { "intl.accept_languages": format!("{accept_language},{primary}") }
            }
        }}});
        let http = reqwest::Client::new();
        let resp = http.post(format!("{}/session", self.url())).json(&capabilities).send().await;
        let body: Value = resp.unwrap().json().await.unwrap();
        let id = body["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("chromedriver refused a session: {body}"))
            .to_owned();
        Browser {
            http,
            base: format!("{}/session/{id}", self.url()),
            port: self.port,
            id,
            shots: None,
        }
    }
}

/// The page changed under an element (W3C WebDriver §6.6, "stale element reference").
fn is_stale(error: &str) -> bool {
    error == "stale element reference" || error == "no such element"
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An element found on the current page.
#[derive(Debug, Clone)]
pub struct Element(String);

/// One browser session. Dropping it closes the browser.
pub struct Browser {
    http: reqwest::Client,
    base: String,
    port: u16,
    id: String,
    shots: Option<(PathBuf, u32)>,
}

impl Browser {
    /// A command; a WebDriver error comes back as its error code.
    async fn try_command(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, String> {
        let mut req = self.http.request(method.clone(), format!("{}{path}", self.base));
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let body: Value = resp.json().await.unwrap_or_default();
        if status.is_success() {
            return Ok(body["value"].clone());
        }
        match body["value"]["error"].as_str() {
            Some(code) => Err(code.to_owned()),
            None => panic!("WebDriver {method} {path}: {status} {body}"),
        }
    }

    async fn command(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let answer = self.try_command(method.clone(), path, body).await;
        answer.unwrap_or_else(|e| panic!("WebDriver {method} {path}: {e}"))
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        self.command(reqwest::Method::POST, path, Some(body)).await
    }

    async fn get(&self, path: &str) -> Value {
        self.command(reqwest::Method::GET, path, None).await
    }

    /// Finds `css` and runs `op` on it, again if the page changed under it (an
    /// element found on a page that was just replaced is "stale").
    async fn on<'a>(
        &'a self,
        css: &str,
        op: impl AsyncFn(&'a Browser, &str) -> Result<Value, String>,
    ) -> Value {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let Element(id) = self.find(css).await;
            match op(self, &id).await {
                Ok(value) => return value,
                Err(e) if is_stale(&e) && Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(25)).await;
                }
                Err(e) => panic!("WebDriver on {css}: {e}"),
            }
        }
    }

    /// Opens an address.
    pub async fn go(&self, url: &str) {
        self.post("/url", json!({ "url": url })).await;
    }

    /// The current address.
    pub async fn url(&self) -> String {
        self.get("/url").await.as_str().unwrap().to_owned()
    }

    /// The elements matching a CSS selector (none is not an error).
    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        let found = self.post("/elements", json!({ "using": "css selector", "value": css })).await;
        let found = found.as_array().unwrap_or_else(|| panic!("{css}: {found}"));
        found
            .iter()
            .map(|e| Element(e[ELEMENT_KEY].as_str().unwrap_or_else(|| panic!("{e}")).to_owned()))
            .collect()
    }

    /// The element for a selector, waiting for the page to show it.
    pub async fn find(&self, css: &str) -> Element {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(element) = self.find_all(css).await.into_iter().next() {
                return element;
            }
            assert!(Instant::now() < deadline, "no {css} on {}", self.url().await);
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Whether the page has an element for a selector now.
    pub async fn has(&self, css: &str) -> bool {
        !self.find_all(css).await.is_empty()
    }

    /// Types into a field, after emptying it.
    pub async fn fill(&self, css: &str, text: &str) {
        self.on(css, async |b, id| {
            b.try_command(reqwest::Method::POST, &format!("/element/{id}/clear"), Some(json!({})))
                .await?;
            let typed = json!({ "text": text });
            b.try_command(reqwest::Method::POST, &format!("/element/{id}/value"), Some(typed)).await
        })
        .await;
    }

    /// Clicks something that does not leave the page (a checkbox, a radio).
    pub async fn click(&self, css: &str) {
        self.on(css, async |b, id| {
            b.try_command(reqwest::Method::POST, &format!("/element/{id}/click"), Some(json!({})))
                .await
        })
        .await;
    }

    /// Clicks a button or link that loads another page, and waits until the old page
    /// is gone, so what is read next is read from the new one.
    pub async fn press(&self, css: &str) {
        let Element(old_page) = self.find("html").await;
        self.click(css).await;
        let deadline = Instant::now() + PATIENCE;
        let probe = format!("/element/{old_page}/name");
        while self.try_command(reqwest::Method::GET, &probe, None).await.is_ok() {
            assert!(Instant::now() < deadline, "pressing {css} left the page as it was");
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// An element's rendered text.
    pub async fn text(&self, css: &str) -> String {
        let text = self
            .on(css, async |b, id| {
                b.try_command(reqwest::Method::GET, &format!("/element/{id}/text"), None).await
            })
            .await;
        text.as_str().unwrap_or_default().to_owned()
    }

    /// An element's attribute, if it has it.
    pub async fn attribute(&self, css: &str, name: &str) -> Option<String> {
        let path = |id: &str| format!("/element/{id}/attribute/{name}");
        let value = self
            .on(css, async |b, id| b.try_command(reqwest::Method::GET, &path(id), None).await)
            .await;
        value.as_str().map(str::to_owned)
    }

    /// An element's DOM property (e.g. an input's current `value`).
    pub async fn property(&self, css: &str, name: &str) -> Value {
        let path = |id: &str| format!("/element/{id}/property/{name}");
        self.on(css, async |b, id| b.try_command(reqwest::Method::GET, &path(id), None).await).await
    }

    /// What axe-core (server/tests/portal/axe, installed by
    /// scripts/install-prerequisites.sh) finds against WCAG 2.1 A and AA on this page:
    /// one line per rule broken, with the elements that break it. The script runs as
    /// WebDriver runs scripts, outside the page's Content-Security-Policy.
    pub async fn accessibility_violations(&self) -> Vec<String> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/portal/axe/node_modules/axe-core/axe.min.js"
        );
        let axe = std::fs::read_to_string(path).unwrap_or_else(|_| {
            panic!("{path} is missing: run scripts/install-prerequisites.sh (npm ci in server/tests/portal/axe)")
        });
        let script = format!(
            "{axe}\n;const done = arguments[arguments.length - 1];\n\
             axe.run(document, {{ runOnly: {{ type: 'tag', values: \
             ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }} }})\n\
             .then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at ' \
             + v.nodes.map(n => n.target.join(' ')).join(', '))))\n\
             .catch(e => done(['axe failed: ' + e]));"
        );
        let found = self.post("/execute/async", json!({ "script": script, "args": [] })).await;
        found
            .as_array()
            .unwrap_or_else(|| panic!("axe answered {found}"))
            .iter()
            .map(|v| v.as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// Checks that the page's `<h1>` reads `title`, and returns the page's text.
    pub async fn expect_page(&self, title: &str) -> String {
        let heading = self.text("h1").await;
        assert_eq!(heading, title, "at {}: {}", self.url().await, self.text("body").await);
        self.text("body").await
    }

    /// Keeps screenshots in `dir`, numbered in order.
    pub fn keep_screenshots(&mut self, dir: PathBuf) {
        self.shots = Some((dir, 0));
    }

    /// A PNG of the window, `NN-step.png`.
    pub async fn screenshot(&mut self, step: &str) {
        let png = self.get("/screenshot").await;
        let png = base64::engine::general_purpose::STANDARD.decode(png.as_str().unwrap()).unwrap();
        assert!(png.starts_with(b"\x89PNG"), "a PNG");
        let (dir, n) = self.shots.as_mut().expect("keep_screenshots first");
        *n += 1;
        std::fs::write(dir.join(format!("{n:02}-{step}.png")), png).unwrap();
    }
}

/// Closes the browser. `Drop` cannot wait on async work, so the DELETE goes over a
/// plain blocking socket: one short request to loopback.
impl Drop for Browser {
    fn drop(&mut self) {
        let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) else { return };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
        let request = format!(
            "DELETE /session/{} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\n\
             Connection: close\r\n\r\n",
            self.id, self.port
        );
        if stream.write_all(request.as_bytes()).is_ok() {
            // chromedriver answers once the browser has quit; the first bytes of the
            // answer are enough (it may keep the connection open after them).
            let mut answer = [0u8; 64];
            let _ = stream.read(&mut answer);
        }
    }
}
