//! A `clavepin serve` process for the tests.

use std::process::{Command, Output};

use crate::stdout;

/// A `clavepin serve` process on a free loopback port, stopped with SIGTERM.
pub struct Served {
    pub child: std::process::Child,
    pub url: String,
    pub data: tempfile::TempDir,
}

impl Served {
    pub fn start() -> Self {
        Self::start_in(tempfile::tempdir().unwrap())
    }

    pub fn start_with(listen: &[&str]) -> Self {
        Self::spawn(tempfile::tempdir().unwrap(), listen)
    }

    pub fn start_in(data: tempfile::TempDir) -> Self {
        Self::spawn(data, &["--listen", "127.0.0.1:0"])
    }

    pub fn spawn(data: tempfile::TempDir, listen: &[&str]) -> Self {
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
    pub fn with_citizen() -> Self {
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
    pub fn last_sms_code(&self) -> String {
        let sms: serde_json::Value =
            serde_json::from_str(&stdout(&self.admin(&["outbox", "sms", "--json"]))).unwrap();
        let text =
            sms["items"].as_array().unwrap().last().unwrap()["text"].as_str().unwrap().to_owned();
        text.split(|c: char| !c.is_ascii_digit()).find(|w| w.len() == 6).unwrap().to_owned()
    }

    /// `clavepin device` on this service with its data in `data`; stdin closed.
    pub fn device(&self, data: &std::path::Path) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_clavepin"));
        command.args(["device", "--url", &self.url, "--data"]).arg(data);
        command.stdin(std::process::Stdio::null());
        command
    }

    pub fn admin(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_clavepin"));
        cmd.args(["admin", "--url", &self.url, "--data"]).arg(self.data.path()).args(args);
        cmd.output().unwrap()
    }

    pub fn stop(mut self) -> std::process::ExitStatus {
        Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().unwrap();
        self.child.wait().unwrap()
    }
}
