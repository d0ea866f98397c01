//! `device`: the desktop companion, against a running `clavepin serve`.

use crate::served::Served;
use crate::{fake_clipboard, ok, stdout};
use std::process::{Command, Output};

#[test]
fn the_desktop_companion_activates_watches_and_lists_its_history() {
    let served = Served::with_citizen();
    let device_dir = tempfile::tempdir().unwrap();
    let device = |args: &[&str]| served.device(device_dir.path()).args(args).output().unwrap();
    // Without the code, activation starts and asks; stdin is closed, so it stops there
    // and says how to go on.
    let asked = device(&["activate", "--document", "12345678z", "--valid-until", "31/01/2030"]);
    assert!(!asked.status.success());
    let said = String::from_utf8_lossy(&asked.stderr);
    assert!(said.contains("SMS code") && said.contains("again to go on from here"), "{said}");
    let code = served.last_sms_code();
    // The next run resumes at the code screen; a script answers the prompts, and a
    // wrong code or a short pattern is asked for again instead of ending the run.
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let mut resumed = served
        .device(device_dir.path())
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
    let mut asked = served
        .device(device_dir.path())
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
    let device = |args: &[&str]| served.device(dir.path()).args(args).output().unwrap();
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
fn copy_clears_the_clipboard_when_stopped_with_sigterm() {
    let served = Served::with_citizen();
    let dir = tempfile::tempdir().unwrap();
    let held = fake_clipboard(dir.path());
    let path = format!(
        "{}:{}",
        dir.path().join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let device = |args: &[&str]| {
        let mut command = served.device(&dir.path().join("phone"));
        command.args(args);
        command.env("PATH", &path).env("DISPLAY", ":99").env_remove("WAYLAND_DISPLAY");
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
    let device = |args: &[&str]| served.device(dir.path()).args(args).output().unwrap();
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

/// Activates the desktop for Ana (12345678Z) with the pattern 1-2-3-6.
fn activate_ana(served: &Served, device: &dyn Fn(&[&str]) -> std::process::Output) {
    let started = device(&["activate", "--document", "12345678Z", "--valid-until", "31/01/2030"]);
    assert!(!started.status.success(), "stdin closed: it stops at the code");
    let code = served.last_sms_code();
    ok(device(&["activate", "--code", &code, "--pattern", "1-2-3-6"]));
}

#[test]
fn this_wasnt_me_from_the_desktop_kills_the_pin_and_reaches_the_operators() {
    let served = Served::with_citizen();
    let device_dir = tempfile::tempdir().unwrap();
    let device = |args: &[&str]| served.device(device_dir.path()).args(args).output().unwrap();
    activate_ana(&served, &device);
    let none = device(&["not-me", "--pattern", "1-2-3-6"]);
    assert!(!none.status.success());
    assert!(String::from_utf8_lossy(&none.stderr).contains("no PIN has reached this device"));

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let post = |path: String, body: serde_json::Value| {
        runtime.block_on(async {
            let _ = rustls::crypto::ring::default_provider().install_default();
            let resp = reqwest::Client::new().post(path).json(&body).send().await.unwrap();
            (resp.status().as_u16(), resp.json::<serde_json::Value>().await.unwrap())
        })
    };
    let claim = serde_json::json!({ "document": "12345678Z", "contrast": { "kind": "dni_validity", "valid_until": "2030-01-31" }, "code": "NOTM" });
    let (_, created) = post(format!("{}/portal/pin-requests", served.url), claim.clone());
    let screen: serde_json::Value =
        serde_json::from_str(&ok(device(&["watch", "--once", "--json", "--pattern", "1-2-3-6"])))
            .unwrap();
    let reported = ok(device(&["not-me", "--pattern", "1-2-3-6"]));
    assert!(reported.contains("go by SMS") && reported.contains("My devices"), "{reported}");
    let id = created["request_id"].as_str().unwrap();
    let verify = serde_json::json!({ "code": "NOTM", "pin": screen["pin"] });
    let (status, refused) = post(format!("{}/portal/pin-requests/{id}/verify", served.url), verify);
    assert_eq!((status, refused["error"].as_str()), (410, Some("pin_request_dead")));
    let history: serde_json::Value =
        serde_json::from_str(&ok(device(&["history", "--json"]))).unwrap();
    assert_eq!(history[0]["state"], "dead", "the desktop shows it ended");
    // Said again, by its id: harmless.
    ok(device(&["not-me", "--pattern", "1-2-3-6", "--request", id]));
    let bad = device(&["not-me", "--pattern", "1-2-3-6", "--request", "not an id!"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("is not a PIN request's id"));
    // One base64url id in 64 begins with '-': it is an id, not a flag.
    let dashed = device(&["not-me", "--pattern", "1-2-3-6", "--request", "-AAAAAAAAAAAAAAAAAAAAA"]);
    let said = String::from_utf8_lossy(&dashed.stderr);
    assert!(!dashed.status.success() && !said.contains("unexpected argument"), "{said}");
    let (_, next) = post(format!("{}/portal/pin-requests", served.url), claim);
    assert_eq!(next["channel"], "sms", "pushes are held: {next}");

    let reports: serde_json::Value =
        serde_json::from_str(&ok(served.admin(&["reports", "--json"]))).unwrap();
    let reports = reports["reports"].as_array().unwrap();
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert_eq!(
        (reports[0]["document"].as_str(), reports[0]["channel"].as_str()),
        (Some("12345678Z"), Some("app"))
    );
    let text = ok(served.admin(&["reports"]));
    assert!(text.contains("12345678Z (app)"), "{text}");
    assert!(served.stop().success());
}

#[test]
fn the_desktop_approves_a_sign_in_with_the_code_and_the_pattern() {
    let served = Served::with_citizen();
    let device_dir = tempfile::tempdir().unwrap();
    let device = |args: &[&str]| served.device(device_dir.path()).args(args).output().unwrap();
    activate_ana(&served, &device);

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let call = |method: reqwest::Method, path: String| {
        runtime.block_on(async {
            let _ = rustls::crypto::ring::default_provider().install_default();
            let claim = serde_json::json!({ "document": "12345678Z", "contrast": { "kind": "dni_validity", "valid_until": "2030-01-31" } });
            let mut req = reqwest::Client::new().request(method.clone(), path);
            if method == reqwest::Method::POST {
                req = req.json(&claim);
            }
            let resp = req.send().await.unwrap();
            (resp.status().as_u16(), resp.json::<serde_json::Value>().await.unwrap())
        })
    };
    let (_, started) = call(reqwest::Method::POST, format!("{}/portal/approvals", served.url));
    let id = started["approval_id"].as_str().unwrap();
    let link = started["link"].as_str().unwrap();
    let status = || call(reqwest::Method::GET, format!("{}/portal/approvals/{id}", served.url)).1;

    // A wrong pattern approves nothing; no confirmation (stdin closed) neither.
    let wrong = device(&["approve", link, "--pattern", "9-8-7-4", "--yes"]);
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("Wrong pattern"), "{wrong:?}");
    let unconfirmed = device(&["approve", link, "--pattern", "1-2-3-6"]);
    assert!(!unconfirmed.status.success());
    assert!(String::from_utf8_lossy(&unconfirmed.stderr).contains("no answer"), "{unconfirmed:?}");
    assert_eq!(status()["state"], "pending");
    let bad = device(&["approve", "ABC", "--pattern", "1-2-3-6", "--yes"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("approval code"), "{bad:?}");

    // The link the QR code holds, or the code as the page shows it.
    let approved = ok(device(&["approve", link, "--pattern", "1-2-3-6", "--yes"]));
    assert!(
        approved.contains("the Cl@ve PIN portal asks 12345678Z") && approved.contains("approved"),
        "{approved}"
    );
    assert_eq!(status()["state"], "approved");

    let (_, started) = call(reqwest::Method::POST, format!("{}/portal/approvals", served.url));
    let grouped = {
        let code = started["code"].as_str().unwrap();
        format!("{}-{}", &code[..4], &code[4..])
    };
    let reported = ok(device(&["approve", &grouped, "--not-me", "--pattern", "1-2-3-6"]));
    assert!(reported.contains("go by SMS") && reported.contains("My devices"), "{reported}");
    let again = device(&["approve", &grouped, "--refuse", "--pattern", "1-2-3-6"]);
    assert!(!again.status.success(), "answered already");
    assert!(String::from_utf8_lossy(&again.stderr).contains("No sign-in is waiting"), "{again:?}");
    assert!(served.stop().success());
}
