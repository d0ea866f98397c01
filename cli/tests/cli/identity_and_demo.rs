//! The commands that need no service: check-id, check-password and the demo.

use crate::{clavepin, stdout};

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
fn check_password_prints_the_broken_rule_and_never_the_password() {
    let check = |password: &str| {
        clavepin(&["check-password", "--document", "12345678Z", "--name", "Ana Núñez", password])
    };
    let out = check("Tr3s-Tigres");
    assert!(out.status.success(), "{out:?}");
    assert!(stdout(&out).contains("follows the rules"));
    for (password, rule) in [
        ("Tr3s", "at least 8"),
        ("solominusculas", "groups"),
        ("Tr3s-NUNEZ", "\"Núñez\" from the citizen's name"),
        ("Aa-12345678z", "document number"),
        ("-Tr3s-Ana", "\"Ana\""),
    ] {
        let out = check(password);
        assert_eq!(out.status.code(), Some(65), "{password}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(rule) && !err.contains(password), "{password}: {err}");
    }

    // Read from standard input, kept out of the shell's history.
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_clavepin"))
        .args(["check-password", "--json", "--document", "X1234567L", "--name", "Li Wu"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"Aa-1234567!\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(65));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["error"], "the password holds the citizen's document number");
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
        "site-signs-in-with-openid-connect",
        "wrong-pin-refused",
        "expired-pin-refused",
        "report-not-me",
        "my-devices",
        "approve-in-app",
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
    let approved = steps.iter().find(|s| s["step"] == "approve-in-app").unwrap();
    assert!(approved["detail"].as_str().unwrap().contains("pending → approved"), "{approved}");
    let reported = steps.iter().find(|s| s["step"] == "report-not-me").unwrap();
    assert_eq!(
        (reported["code"].as_str(), reported["pin"].as_str().map(str::len)),
        (Some("NOME"), Some(3))
    );
}
