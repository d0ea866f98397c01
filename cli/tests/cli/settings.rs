//! Where the commands find the service and their folders, and the shell's aids.

use crate::served::Served;
use crate::{clavepin, ok};
use std::process::Command;

#[test]
fn the_environment_names_the_service_and_the_folders_and_completions_come_from_the_same_definitions()
 {
    let served = Served::start();
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
fn a_config_file_gives_the_defaults_below_the_environment_and_the_flags() {
    let served = Served::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.toml");
    // Relative folders in the file are relative to the file.
    std::fs::write(&file, format!("url = \"{}\"\ndevice_data = \"phone\"\n", served.url)).unwrap();
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_clavepin"));
        command.args(args).env("CLAVEPIN_CONFIG", &file).env_remove("CLAVEPIN_URL");
        command.env_remove("CLAVEPIN_DATA").env_remove("CLAVEPIN_SERVICE_DATA");
        for (key, value) in env {
            command.env(key, value);
        }
        command.output().unwrap()
    };
    let listed = run(&["device", "list", "--json"], &[]);
    assert!(listed.status.success(), "{}", String::from_utf8_lossy(&listed.stderr));
    assert!(dir.path().join("phone/clavepin-device.db").exists(), "the file's folder was used");
    let data = served.data.path().to_str().unwrap();
    // `invite` speaks to the public API at the url: a citizen the census lacks is
    // refused by the service itself, which proves it was reached.
    let invite = ["--document", "12345678Z", "--valid-until", "31/01/2030"];
    let reached = |out: &std::process::Output| {
        String::from_utf8_lossy(&out.stderr).contains("do not match our records")
    };
    let from_file = run(&[&["admin", "--data", data, "invite"][..], &invite].concat(), &[]);
    assert!(reached(&from_file), "the file's url: {}", String::from_utf8_lossy(&from_file.stderr));
    // The environment wins over the file, and a flag over the environment.
    let silent = "http://127.0.0.1:9";
    let env = [("CLAVEPIN_URL", silent)];
    let from_env = run(&[&["admin", "--data", data, "invite"][..], &invite].concat(), &env);
    assert!(String::from_utf8_lossy(&from_env.stderr).contains("127.0.0.1:9"));
    let flag = ["admin", "--url", &served.url, "--data", data, "invite"];
    assert!(reached(&run(&[&flag[..], &invite].concat(), &env)));
    // A mistake in the file stops every command, naming the file and the key.
    std::fs::write(&file, "device_dta = \"phone\"\n").unwrap();
    let refused = run(&["device", "list"], &[]);
    assert_eq!(refused.status.code(), Some(78));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("config.toml") && said.contains("device_dta"), "{said}");
    assert!(served.stop().success());
}
