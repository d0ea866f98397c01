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
fn demo_json_is_one_passing_step_per_line() {
    let out = clavepin(&["demo", "--json"]);
    assert!(out.status.success(), "{}", stdout(&out));
    let steps: Vec<serde_json::Value> =
        stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(steps.len() >= 3);
    for step in &steps {
        assert!(step["step"].is_string() && step["detail"].is_string(), "{step}");
        assert_eq!(step["ok"], true, "{step}");
    }
}
