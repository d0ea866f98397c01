//! The `clavepin` command line as scripts and outside checks use it.

// A panic in a test is a failed test, not a crash in a citizen's hands.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Output};

fn clavepin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_clavepin")).args(args).output().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn check_id_prints_the_normalised_number_kind_and_datum() {
    let out = clavepin(&["check-id", "12.345.678-z"]);
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(text.starts_with("12345678Z  DNI  needs: validity date"), "{text}");

    let out = clavepin(&["check-id", "--json", "x-1234567-l"]);
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["document"], "X1234567L");
    assert_eq!(json["kind"], "NIE");
    assert_eq!(json["contrast"], "support_number");
}

#[test]
fn check_id_refuses_invalid_numbers_with_the_reason() {
    let out = clavepin(&["check-id", "12345678A"]);
    assert_eq!(out.status.code(), Some(65));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("control letter does not match"), "{err}");
    assert!(!err.contains("12345678"), "errors never echo the number: {err}");

    let out = clavepin(&["check-id", "--json", "K1234567L"]);
    assert_eq!(out.status.code(), Some(65));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["valid"], false);
}

#[test]
fn demo_runs_the_whole_system_with_one_passing_json_step_per_line() {
    let out = clavepin(&["demo", "--json"]);
    assert!(out.status.success(), "{}", stdout(&out));
    let steps: Vec<serde_json::Value> =
        stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    for step in &steps {
        assert!(step["step"].is_string() && step["detail"].is_string(), "{step}");
        assert_eq!(step["ok"], true, "{step}");
    }
    let names: Vec<&str> = steps.iter().map(|s| s["step"].as_str().unwrap()).collect();
    for expected in [
        "start-service",
        "load-census",
        "register-citizen",
        "activate-device",
        "obtain-pin",
        "pin-arrives-by-push",
        "countdown",
        "copy-pin",
        "log-in",
        "used-pin-refused",
        "wrong-pin-refused",
        "expired-pin-refused",
        "second-device-replaces-first",
    ] {
        assert!(names.contains(&expected), "missing step {expected}: {names:?}");
    }
    // Steps that involve a PIN say which: the device's PIN is what logged in.
    let pushed = steps.iter().find(|s| s["step"] == "pin-arrives-by-push").unwrap();
    let logged_in = steps.iter().find(|s| s["step"] == "log-in").unwrap();
    assert_eq!(pushed["code"], "DEMO");
    assert_eq!(pushed["pin"].as_str().unwrap().len(), 3);
    assert_eq!(pushed["pin"], logged_in["pin"]);
}

/// A `clavepin serve` process on a free loopback port, stopped with SIGTERM.
struct Served {
    child: std::process::Child,
    url: String,
    data: tempfile::TempDir,
}

impl Served {
    fn start() -> Self {
        Self::start_in(tempfile::tempdir().unwrap())
    }

    fn start_with(listen: &[&str]) -> Self {
        Self::spawn(tempfile::tempdir().unwrap(), listen)
    }

    fn start_in(data: tempfile::TempDir) -> Self {
        Self::spawn(data, &["--listen", "127.0.0.1:0"])
    }

    fn spawn(data: tempfile::TempDir, listen: &[&str]) -> Self {
        use std::io::BufRead;
        let mut child = Command::new(env!("CARGO_BIN_EXE_clavepin"))
            .arg("serve")
            .args(listen)
            .arg("--data")
            .arg(data.path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut first = String::new();
        std::io::BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut first).unwrap();
        let url = first.trim().strip_prefix("clavepin service listening on ").unwrap().to_owned();
        Served { child, url, data }
    }

    /// A service with Ana (12345678Z, valid until 31/01/2030) in its census and registered.
    fn with_citizen() -> Self {
        let served = Self::start();
        for args in [
            &[
                "census",
                "add",
                "--document",
                "12345678Z",
                "--valid-until",
                "31/01/2030",
                "--name",
                "Ana",
                "--birth-date",
                "12/04/1985",
                "--address",
                "Calle 1",
            ][..],
            &[
                "register",
                "--document",
                "12345678Z",
                "--valid-until",
                "31/01/2030",
                "--mobile",
                "612345678",
                "--email",
                "a@example.es",
            ][..],
        ] {
            let out = served.admin(args);
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        }
        served
    }

    /// The SMS code of the newest SMS.
    fn last_sms_code(&self) -> String {
        let sms: serde_json::Value =
            serde_json::from_str(&stdout(&self.admin(&["outbox", "sms", "--json"]))).unwrap();
        let text =
            sms["items"].as_array().unwrap().last().unwrap()["text"].as_str().unwrap().to_owned();
        text.split(|c: char| !c.is_ascii_digit()).find(|w| w.len() == 6).unwrap().to_owned()
    }

    fn admin(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_clavepin"));
        cmd.args(["admin", "--url", &self.url, "--data"]).arg(self.data.path()).args(args);
        cmd.output().unwrap()
    }

    fn stop(mut self) -> std::process::ExitStatus {
        Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().unwrap();
        self.child.wait().unwrap()
    }
}

#[test]
fn serve_and_admin_register_citizens_at_an_office_and_by_letter() {
    let served = Served::start();
    assert!(served.url.starts_with("http://127.0.0.1:"), "{}", served.url);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let token = served.data.path().join("operator.token");
        assert_eq!(std::fs::metadata(token).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let ok = |out: Output| {
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        stdout(&out)
    };
    ok(served.admin(&[
        "census",
        "add",
        "--document",
        "12345678z",
        "--valid-until",
        "31/01/2030",
        "--name",
        "Ana García",
        "--birth-date",
        "12/04/1985",
        "--address",
        "Calle Mayor 1, Madrid",
    ]));
    ok(served.admin(&[
        "census",
        "add",
        "--document",
        "X1234567L",
        "--support",
        "E12345678",
        "--name",
        "John Smith",
        "--birth-date",
        "1979-09-30",
        "--address",
        "Diagonal 100, Barcelona",
    ]));
    let text = ok(served.admin(&[
        "register",
        "--document",
        "12345678Z",
        "--valid-until",
        "2030-01-31",
        "--mobile",
        "612345678",
        "--email",
        "ana@example.es",
    ]));
    assert!(text.contains("registered 12345678Z"), "{text}");

    let again = served.admin(&[
        "register",
        "--document",
        "12345678Z",
        "--valid-until",
        "2030-01-31",
        "--mobile",
        "612345678",
        "--email",
        "ana@example.es",
    ]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already registered"));

    ok(served.admin(&["invite", "--document", "X1234567L", "--support", "E12345678"]));
    let letters: serde_json::Value =
        serde_json::from_str(&ok(served.admin(&["outbox", "letters", "--json"]))).unwrap();
    let letter = &letters["items"][0];
    assert_eq!(letter["address"], "Diagonal 100, Barcelona");
    let text = letter["text"].as_str().unwrap();
    let csv = text.lines().find_map(|l| l.strip_prefix("CSV: ")).unwrap();
    ok(served.admin(&[
        "complete-registration",
        "--document",
        "X1234567L",
        "--support",
        "E12345678",
        "--csv",
        csv,
        "--mobile",
        "+34 699 000 111",
        "--email",
        "john@example.com",
    ]));

    // An operator lets a citizen obtain PINs again, and reads the push outbox.
    let cleared = ok(served.admin(&["clear-code-limit", "--document", "12345678Z"]));
    assert!(cleared.contains("can ask for activation codes again"), "{cleared}");
    let unlocked = ok(served.admin(&["unlock", "--document", "12345678Z"]));
    assert!(unlocked.contains("can obtain PINs again"), "{unlocked}");
    let nobody = served.admin(&["unlock", "--document", "87654321X"]);
    assert!(!nobody.status.success());
    let pushes: serde_json::Value =
        serde_json::from_str(&ok(served.admin(&["outbox", "push", "--json"]))).unwrap();
    assert!(pushes["items"].is_array(), "{pushes}");
    // The census and the registered citizens, listed.
    let census: serde_json::Value =
        serde_json::from_str(&ok(served.admin(&["census", "list", "--json"]))).unwrap();
    assert_eq!(census["items"].as_array().unwrap().len(), 2, "{census}");
    let citizens = ok(served.admin(&["citizens"]));
    assert!(
        citizens.contains("12345678Z  registered") && citizens.contains("no app: PINs by SMS"),
        "{citizens}"
    );
    assert!(!citizens.contains("612345678"), "the mobile is masked: {citizens}");
    let after: serde_json::Value =
        serde_json::from_str(&ok(served.admin(&["citizens", "--after", "12345678Z", "--json"])))
            .unwrap();
    assert!(after["items"].as_array().unwrap().iter().all(|c| c["document"] != "12345678Z"));

    let bad = served.admin(&[
        "census",
        "add",
        "--document",
        "12345678A",
        "--valid-until",
        "2030-01-31",
        "--name",
        "X",
        "--birth-date",
        "2000-01-01",
        "--address",
        "Y",
    ]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("control letter"));

    assert!(served.stop().success(), "SIGTERM stops the service gracefully");
}

#[test]
fn serve_refuses_a_public_address_without_tls() {
    let data = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_clavepin"))
        .args(["serve", "--listen", "0.0.0.0:0", "--data"])
        .arg(data.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--tls-cert"));
}

#[test]
fn the_desktop_companion_activates_watches_and_lists_its_history() {
    let served = Served::start();
    let ok = |out: Output| {
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        stdout(&out)
    };
    ok(served.admin(&[
        "census",
        "add",
        "--document",
        "12345678Z",
        "--valid-until",
        "31/01/2030",
        "--name",
        "Ana García",
        "--birth-date",
        "12/04/1985",
        "--address",
        "Calle Mayor 1",
    ]));
    ok(served.admin(&[
        "register",
        "--document",
        "12345678Z",
        "--valid-until",
        "31/01/2030",
        "--mobile",
        "612345678",
        "--email",
        "ana@example.es",
    ]));
    let device_dir = tempfile::tempdir().unwrap();
    let device = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_clavepin"))
            .args(["device", "--url", &served.url, "--data"])
            .arg(device_dir.path())
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    };
    // Without the code, activation starts and asks; stdin is closed, so it stops there
    // and says how to go on.
    let asked = device(&["activate", "--document", "12345678z", "--valid-until", "31/01/2030"]);
    assert!(!asked.status.success());
    let said = String::from_utf8_lossy(&asked.stderr);
    assert!(said.contains("SMS code") && said.contains("again to go on from here"), "{said}");
    let sms: serde_json::Value =
        serde_json::from_str(&ok(served.admin(&["outbox", "sms", "--json"]))).unwrap();
    let text =
        sms["items"].as_array().unwrap().last().unwrap()["text"].as_str().unwrap().to_owned();
    let code = text.split(|c: char| !c.is_ascii_digit()).find(|w| w.len() == 6).unwrap();
    // The next run resumes at the code screen; a script answers the prompts, and a
    // wrong code or a short pattern is asked for again instead of ending the run.
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let mut resumed = Command::new(env!("CARGO_BIN_EXE_clavepin"))
        .args(["device", "--url", &served.url, "--data"])
        .arg(device_dir.path())
        .arg("activate")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    write!(resumed.stdin.take().unwrap(), "{wrong}\n{code}\n1-2\n1-2-3-6\n").unwrap();
    let done = resumed.wait_with_output().unwrap();
    let said = String::from_utf8_lossy(&done.stderr);
    assert!(done.status.success(), "{said}");
    assert!(said.contains("The SMS code is wrong. 2 tries left."), "{said}");
    assert!(said.contains("draw it again"), "{said}");
    assert!(stdout(&done).contains("12345678Z is activated"), "{}", stdout(&done));
    let list: serde_json::Value = serde_json::from_str(&ok(device(&["list", "--json"]))).unwrap();
    assert_eq!(
        (list[0]["document"].as_str(), list[0]["state"].as_str()),
        (Some("12345678Z"), Some("active"))
    );

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let created: serde_json::Value = runtime.block_on(async {
        let body = serde_json::json!({ "document": "12345678Z", "contrast": { "kind": "dni_validity", "valid_until": "2030-01-31" }, "code": "WTCH" });
        let _ = rustls::crypto::ring::default_provider().install_default();
        reqwest::Client::new().post(format!("{}/portal/pin-requests", served.url)).json(&body).send().await.unwrap().json().await.unwrap()
    });
    let screen: serde_json::Value =
        serde_json::from_str(&ok(device(&["watch", "--once", "--json", "--pattern", "1-2-3-6"])))
            .unwrap();
    assert_eq!(screen["request_id"], created["request_id"]);
    assert_eq!(
        (screen["code"].as_str(), screen["seconds_left"].as_u64()),
        (Some("WTCH"), Some(600))
    );
    assert_eq!(screen["pin"].as_str().unwrap().len(), 3);
    let history: serde_json::Value =
        serde_json::from_str(&ok(device(&["history", "--json"]))).unwrap();
    assert_eq!(history[0]["state"], "live");
    // For people, the README's line: code, PIN, a 10-cell bar, the time left.
    let line = ok(device(&["watch", "--once", "--pattern", "1-2-3-6"]));
    let pin = screen["pin"].as_str().unwrap();
    let line = line.trim();
    assert!(line.starts_with(&format!("code WTCH  PIN {pin}  [██████████] ")), "{line}");
    assert!(
        line.ends_with(" left") && (line.contains("] 10:00") || line.contains("] 9:5")),
        "{line}"
    );
    // Used on the portal: watch --once and history (given the pattern) say so.
    let verified = runtime.block_on(async {
        let body = serde_json::json!({ "code": "WTCH", "pin": screen["pin"] });
        let url = format!(
            "{}/portal/pin-requests/{}/verify",
            served.url,
            created["request_id"].as_str().unwrap()
        );
        reqwest::Client::new().post(url).json(&body).send().await.unwrap().status()
    });
    assert_eq!(verified, 200);
    let screen: serde_json::Value =
        serde_json::from_str(&ok(device(&["watch", "--once", "--json", "--pattern", "1-2-3-6"])))
            .unwrap();
    assert_eq!(screen["state"], "used");
    let history: serde_json::Value =
        serde_json::from_str(&ok(device(&["history", "--json", "--pattern", "1-2-3-6"]))).unwrap();
    assert_eq!(history[0]["state"], "used");

    let wrong = device(&["unlock", "--pattern", "9-8-7-4"]);
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("9 tries left"));

    // Removing: a wrong pattern removes nothing; the question can be answered no.
    let refused = device(&["remove", "--pattern", "9-8-7-4", "--yes"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("Wrong pattern"));
    let mut asked = Command::new(env!("CARGO_BIN_EXE_clavepin"))
        .args(["device", "--url", &served.url, "--data"])
        .arg(device_dir.path())
        .args(["remove", "--pattern", "1-2-3-6"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    asked.stdin.take().unwrap().write_all(b"n\n").unwrap();
    assert!(stdout(&asked.wait_with_output().unwrap()).contains("nothing removed"));
    let list: serde_json::Value = serde_json::from_str(&ok(device(&["list", "--json"]))).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    // Removed for real, the service is told and sends the next PIN by SMS.
    let removed = ok(device(&["remove", "--pattern", "1-2-3-6", "--yes"]));
    assert!(removed.contains("the service was told"), "{removed}");
    let next: serde_json::Value = runtime.block_on(async {
        let body = serde_json::json!({ "document": "12345678Z", "contrast": { "kind": "dni_validity", "valid_until": "2030-01-31" } });
        reqwest::Client::new().post(format!("{}/portal/pin-requests", served.url)).json(&body).send().await.unwrap().json().await.unwrap()
    });
    assert_eq!(next["channel"], "sms", "{next}");
    assert!(served.stop().success());
}

#[test]
fn the_desktop_companion_works_from_a_cold_start_with_its_clock_seven_minutes_off() {
    assert!(
        Command::new("faketime").arg("--help").output().is_ok(),
        "Debian's faketime is missing (scripts/install-prerequisites.sh installs it)"
    );
    let served = Served::with_citizen();
    let device_dir = tempfile::tempdir().unwrap();
    // The companion under a clock `skew` off (faketime's syntax, "+7m"); "" is the real one.
    let device = |skew: &str, args: &[&str]| {
        let mut command = if skew.is_empty() {
            Command::new(env!("CARGO_BIN_EXE_clavepin"))
        } else {
            let mut faked = Command::new("faketime");
            faked.args(["-f", skew, env!("CARGO_BIN_EXE_clavepin")]);
            faked
        };
        let out = command
            .args(["device", "--url", &served.url, "--data"])
            .arg(device_dir.path())
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "clock {skew:?}, {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout(&out)
    };
    let asked = Command::new(env!("CARGO_BIN_EXE_clavepin"))
        .args(["device", "--url", &served.url, "--data"])
        .arg(device_dir.path())
        .args(["activate", "--document", "12345678Z", "--valid-until", "31/01/2030"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&asked.stderr).contains("SMS code"));
    let code = served.last_sms_code();
    let code = code.as_str();
    device("", &["activate", "--code", code, "--pattern", "1-2-3-6"]);
    for skew in ["+7m", "-7m"] {
        // A fresh process each time: nothing in memory, only what the store kept.
        device(skew, &["watch", "--once", "--json", "--pattern", "1-2-3-6"]);
        // Back on the right clock, the right pattern opens at once: no wait was stored.
        device("", &["unlock", "--pattern", "1-2-3-6"]);
        device(skew, &["unlock", "--pattern", "1-2-3-6"]);
    }
    assert!(served.stop().success());
}

#[test]
fn the_pattern_typed_on_a_terminal_is_not_echoed() {
    let served = Served::with_citizen();
    let dir = tempfile::tempdir().unwrap();
    let binary = env!("CARGO_BIN_EXE_clavepin");
    let device = |args: &[&str]| {
        Command::new(binary)
            .args(["device", "--url", &served.url, "--data"])
            .arg(dir.path())
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    };
    device(&["activate", "--document", "12345678Z", "--valid-until", "31/01/2030"]);
    let code = served.last_sms_code();
    let code = code.as_str();
    assert!(device(&["activate", "--code", code, "--pattern", "7-5-3-1"]).status.success());
    // On a terminal (util-linux's `script` gives the command one), typed as a person would.
    let unlock =
        format!("{binary} device --url {} --data {} unlock", served.url, dir.path().display());
    let mut typed = Command::new("script")
        .args(["-qec", &unlock, "/dev/null"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("util-linux's script runs a command on a terminal");
    std::thread::sleep(std::time::Duration::from_millis(500));
    use std::io::Write;
    typed.stdin.take().unwrap().write_all(b"7-5-3-1\n").unwrap();
    let out = typed.wait_with_output().unwrap();
    let screen = stdout(&out);
    assert!(screen.contains("12345678Z unlocked"), "{screen}");
    assert!(!screen.contains("7-5-3-1"), "the pattern was echoed: {screen}");
    assert!(served.stop().success());
}

#[test]
fn one_service_per_data_folder_and_a_crash_never_blocks_a_restart() {
    let served = Served::start();
    let second = Command::new(env!("CARGO_BIN_EXE_clavepin"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(served.data.path())
        .output()
        .unwrap();
    assert!(!second.status.success());
    let said = String::from_utf8_lossy(&second.stderr);
    assert!(said.contains("another clavepin service is using the data folder"), "{said}");

    // Killed without a chance to clean up, the first lets go of the folder all the same.
    let mut first = served;
    first.child.kill().unwrap();
    first.child.wait().unwrap();
    let again = Served::start_in(first.data);
    assert!(again.url.starts_with("http://127.0.0.1:"));

    // A busy port: refused, and the folder this run would have made is not left behind.
    let port = again.url.rsplit(':').next().unwrap().to_owned();
    let fresh = tempfile::tempdir().unwrap().path().join("never-made");
    let busy = Command::new(env!("CARGO_BIN_EXE_clavepin"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--data"])
        .arg(&fresh)
        .output()
        .unwrap();
    assert!(!busy.status.success());
    assert!(!fresh.exists(), "the data folder was left behind");
    // A host name works as an address; a typo says what to write.
    let named = Served::start_with(&["--listen", "localhost:0"]);
    assert!(
        named.url.starts_with("http://127.0.0.1:") || named.url.starts_with("http://[::1]:"),
        "{}",
        named.url
    );
    let typo = Command::new(env!("CARGO_BIN_EXE_clavepin"))
        .args(["serve", "--listen", "localhost"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&typo.stderr).contains("give an address such as 127.0.0.1:8480")
    );
    assert!(again.stop().success());
    assert!(named.stop().success());
}

#[test]
fn a_wrong_or_silent_service_address_says_what_to_do() {
    let data = tempfile::tempdir().unwrap();
    std::fs::write(data.path().join("operator.token"), "a-token").unwrap();
    let admin = |url: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_clavepin"))
            .args(["admin", "--url", url, "--data"])
            .arg(data.path())
            .args(["outbox", "sms"])
            .output()
            .unwrap();
        assert!(!out.status.success());
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let said = admin("127.0.0.1:8480");
    assert!(said.contains("needs its scheme: http://127.0.0.1:8480"), "{said}");
    // Asked for JSON, the error comes as JSON on standard output too.
    let out = Command::new(env!("CARGO_BIN_EXE_clavepin"))
        .args(["admin", "--url", "127.0.0.1:8480", "--json", "outbox", "sms"])
        .output()
        .unwrap();
    let error: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(error["error"].as_str().unwrap().contains("needs its scheme"), "{error}");
    // A port where nothing listens (bound, then let go).
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let said = admin(&format!("http://127.0.0.1:{port}"));
    assert!(said.contains("is `clavepin serve` running there?"), "{said}");
    assert!(!said.contains("error sending request"), "{said}");
}

#[test]
fn copy_clears_the_clipboard_when_stopped_with_sigterm() {
    use std::os::unix::fs::PermissionsExt;
    let served = Served::with_citizen();
    let dir = tempfile::tempdir().unwrap();
    // A stand-in for xclip: what it is given is the clipboard.
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let held = dir.path().join("clipboard");
    std::fs::write(bin.join("xclip"), format!("#!/bin/sh\ncat > {}\n", held.display())).unwrap();
    std::fs::set_permissions(bin.join("xclip"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let device = |args: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_clavepin"));
        command
            .args(["device", "--url", &served.url, "--data"])
            .arg(dir.path().join("phone"))
            .args(args);
        command.env("PATH", &path).env("DISPLAY", ":99").env_remove("WAYLAND_DISPLAY");
        command.stdin(std::process::Stdio::null());
        command
    };
    device(&["activate", "--document", "12345678Z", "--valid-until", "31/01/2030"])
        .output()
        .unwrap();
    let code = served.last_sms_code();
    let code = code.as_str();
    assert!(
        device(&["activate", "--code", code, "--pattern", "1-2-3-6"])
            .output()
            .unwrap()
            .status
            .success()
    );
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let body = serde_json::json!({ "document": "12345678Z", "contrast": { "kind": "dni_validity", "valid_until": "2030-01-31" } });
        reqwest::Client::new().post(format!("{}/portal/pin-requests", served.url)).json(&body).send().await.unwrap();
    });
    let copying = device(&["copy", "--pattern", "1-2-3-6"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    for _ in 0..100 {
        if std::fs::read_to_string(&held).is_ok_and(|t| t.len() == 3) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(std::fs::read_to_string(&held).unwrap().len(), 3, "the PIN is on the clipboard");
    Command::new("kill").args(["-TERM", &copying.id().to_string()]).status().unwrap();
    let out = copying.wait_with_output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("holds the terminal until the PIN expires"), "{said}");
    assert_eq!(std::fs::read_to_string(&held).unwrap(), "", "SIGTERM cleared it: {said}");
    assert!(served.stop().success());
}

#[test]
fn the_environment_names_the_service_and_the_folders_and_completions_come_from_the_same_definitions()
 {
    let served = Served::start();
    let ok = |out: Output| {
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        stdout(&out)
    };
    // No --url, no --data: CLAVEPIN_URL and CLAVEPIN_SERVICE_DATA say them.
    let outbox = ok(Command::new(env!("CARGO_BIN_EXE_clavepin"))
        .args(["admin", "outbox", "sms", "--json"])
        .env("CLAVEPIN_URL", &served.url)
        .env("CLAVEPIN_SERVICE_DATA", served.data.path())
        .output()
        .unwrap());
    assert!(outbox.contains("\"items\""), "{outbox}");
    let phone = tempfile::tempdir().unwrap();
    let listed = ok(Command::new(env!("CARGO_BIN_EXE_clavepin"))
        .args(["device", "list", "--json"])
        .env("CLAVEPIN_DATA", phone.path())
        .output()
        .unwrap());
    assert_eq!(listed.trim(), "[]");
    assert!(phone.path().join("clavepin-device.db").exists(), "CLAVEPIN_DATA was used");
    let help = ok(clavepin(&["device", "--help"]));
    assert!(help.contains("[env: CLAVEPIN_DATA=]") && help.contains("[default: "), "{help}");
    for shell in ["bash", "zsh", "fish"] {
        let script = ok(clavepin(&["completions", shell]));
        assert!(script.contains("clavepin") && script.contains("watch"), "{shell}");
    }
    assert!(ok(clavepin(&["man"])).contains(".TH clavepin 1"));
    assert!(served.stop().success());
}

#[test]
fn each_citizens_activation_is_its_own_and_list_shows_the_pending_ones() {
    let served = Served::with_citizen();
    for args in [
        &[
            "census",
            "add",
            "--document",
            "X1234567L",
            "--support",
            "E12345678",
            "--name",
            "John",
            "--birth-date",
            "30/09/1979",
            "--address",
            "Diagonal 100",
        ][..],
        &[
            "register",
            "--document",
            "X1234567L",
            "--support",
            "E12345678",
            "--mobile",
            "699000111",
            "--email",
            "j@example.es",
        ][..],
    ] {
        let out = served.admin(args);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let dir = tempfile::tempdir().unwrap();
    let device = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_clavepin"))
            .args(["device", "--url", &served.url, "--data"])
            .arg(dir.path())
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    };
    let err = |out: &Output| String::from_utf8_lossy(&out.stderr).into_owned();
    let ana = device(&["activate", "--document", "12345678Z", "--valid-until", "31/01/2030"]);
    assert!(err(&ana).contains("was sent to •••••••78"), "{}", err(&ana));
    let ana_code = served.last_sms_code();
    let john = device(&["activate", "--document", "X1234567L", "--support", "E12345678"]);
    assert!(
        err(&john).contains("was sent to •••••••11"),
        "John's own SMS, not Ana's: {}",
        err(&john)
    );
    let listed = stdout(&device(&["list"]));
    assert!(
        listed.contains("12345678Z  DNI  waiting for the SMS code")
            && listed.contains("X1234567L  NIE  waiting"),
        "{listed}"
    );
    // Resuming says which SMS it waits for, and never that one was sent.
    let resumed = device(&["activate", "--document", "12345678Z"]);
    assert!(
        err(&resumed).contains("12345678Z: waiting for the SMS code sent to •••••••78"),
        "{}",
        err(&resumed)
    );
    assert!(!err(&resumed).contains("was sent"), "{}", err(&resumed));
    let which = device(&["activate"]);
    assert!(err(&which).contains("choose one with --document"), "{}", err(&which));
    assert!(device(&["cancel-activation", "--document", "X1234567L"]).status.success());
    assert!(!stdout(&device(&["list"])).contains("X1234567L"));
    let done = device(&[
        "activate",
        "--document",
        "12345678Z",
        "--code",
        &ana_code,
        "--pattern",
        "1-2-3-6",
    ]);
    assert!(stdout(&done).contains("12345678Z is activated"), "{}", err(&done));
    let again = device(&["activate", "--document", "12345678Z", "--valid-until", "31/01/2030"]);
    assert!(!again.status.success());
    assert!(err(&again).contains("already activated on this phone"), "{}", err(&again));
    assert!(served.stop().success());
}
