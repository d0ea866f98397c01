//! The README's walk-through, run command by command as a new user types it, in a
//! fresh home folder. The only change is the port: a free one instead of 8480 (given
//! to every command through the config file, and swapped in the curl line), so that
//! tests run side by side.
//!
//! In the README's `sh` blocks, a line `#    text` is what the command before it
//! prints; `#    question: answer` is a question it asks and the answer typed.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One command of the walk-through and what the README says it prints or asks.
#[derive(Debug)]
struct Step {
    command: String,
    samples: Vec<String>,
}

fn walkthrough(readme: &str) -> (Vec<Step>, String) {
    let section =
        readme.split("\n## A walk through").nth(1).expect("the README has its walk-through");
    let section = section.split("\n## ").next().unwrap_or_default();
    let mut steps: Vec<Step> = Vec::new();
    let mut in_sh = false;
    let mut pending = String::new();
    for line in section.lines() {
        if line.starts_with("```") {
            in_sh = !in_sh && line == "```sh";
            continue;
        }
        if !in_sh {
            continue;
        }
        if let Some(sample) = line.strip_prefix("#    ") {
            steps.last_mut().expect("a sample follows a command").samples.push(sample.to_owned());
            continue;
        }
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        // A comment after a command starts with two spaces and `#`.
        let line = line.split("  #").next().unwrap_or_default().trim_end();
        match line.strip_suffix('\\') {
            Some(continued) => pending.push_str(continued),
            None => {
                pending.push_str(line);
                steps.push(Step { command: pending.trim().to_owned(), samples: Vec::new() });
                pending.clear();
            }
        }
    }
    (steps, section.to_owned())
}

/// A command of the walk-through running in the user's shell, its output collected.
struct Running {
    child: Child,
    output: Arc<Mutex<String>>,
}

impl Running {
    fn start(home: &Path, command: &str, stdin: Stdio) -> Self {
        let mut child = Command::new("sh")
            .arg("-c")
            // exec: a signal reaches the command itself, as Ctrl-C does in a terminal.
            .arg(format!("exec {command}"))
            .current_dir(home.join("work"))
            .env_clear()
            .envs(environment(home))
            .stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let output = Arc::new(Mutex::new(String::new()));
        collect(child.stdout.take().unwrap(), &output);
        collect(child.stderr.take().unwrap(), &output);
        Running { child, output }
    }

    fn said(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    fn wait_for(&self, text: &str) -> bool {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if self.said().contains(text) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    fn answer(&mut self, line: &str) {
        let stdin = self.child.stdin.as_mut().unwrap();
        writeln!(stdin, "{line}").unwrap();
    }

    fn interrupt(&mut self) {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-INT", &pid]).status().unwrap();
    }

    fn finish(mut self) -> (bool, String) {
        drop(self.child.stdin.take());
        let status = self.child.wait().unwrap();
        // The readers end with the process; give them a moment to drain.
        std::thread::sleep(Duration::from_millis(100));
        (status.success(), self.said())
    }
}

fn collect(mut from: impl Read + Send + 'static, into: &Arc<Mutex<String>>) {
    let into = Arc::clone(into);
    std::thread::spawn(move || {
        let mut buffer = [0u8; 4096];
        while let Ok(n @ 1..) = from.read(&mut buffer) {
            into.lock().unwrap().push_str(&String::from_utf8_lossy(&buffer[..n]));
        }
    });
}

/// The user's environment: their own home, `clavepin` on the PATH, a desktop whose
/// clipboard tool writes to a file, and nothing else of this machine's.
fn environment(home: &Path) -> Vec<(String, String)> {
    let path =
        format!("{}:{}", home.join("bin").display(), std::env::var("PATH").unwrap_or_default());
    vec![
        ("HOME".into(), home.display().to_string()),
        ("PATH".into(), path),
        ("DISPLAY".into(), ":99".into()),
        ("CLAVEPIN_CONFIG".into(), home.join("config.toml").display().to_string()),
    ]
}

const DEVICE_COMMANDS: [&str; 8] =
    ["activate", "cancel-activation", "list", "remove", "unlock", "watch", "copy", "history"];

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A sample is met when the output holds it; a question, when the output holds the
/// question (the answer was typed, and may differ from the README's, as an SMS code does).
fn assert_samples(step: &Step, said: &str, port: u16) {
    for sample in &step.samples {
        let sample = sample.replace("127.0.0.1:8480", &format!("127.0.0.1:{port}"));
        let expected = match sample.rfind(": ") {
            Some(at) => &sample[..at + 2],
            None => &sample[..],
        };
        assert!(
            said.contains(expected),
            "`{}` should print {expected:?}; it said:\n{said}",
            step.command
        );
    }
}

fn answers(step: &Step) -> Vec<String> {
    step.samples.iter().filter_map(|s| s.rfind(": ").map(|at| s[at + 2..].to_owned())).collect()
}

#[test]
fn the_readmes_walk_through_runs_command_by_command() {
    let (steps, prose) = walkthrough(include_str!("../../../README.md"));
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    std::fs::create_dir_all(home.join("work")).unwrap();
    std::fs::create_dir_all(home.join("bin")).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_clavepin"), home.join("bin/clavepin")).unwrap();
    let clipboard = crate::fake_clipboard(home);
    let port = free_port();
    let config = format!("listen = \"127.0.0.1:{port}\"\nurl = \"http://127.0.0.1:{port}\"\n");
    std::fs::write(home.join("config.toml"), config).unwrap();

    // The pattern the citizen draws at activation, asked for again by later commands.
    let mut pattern = String::new();
    let mut service: Option<Running> = None;
    let mut watching: Option<Running> = None;
    let mut ran = Vec::new();
    for step in &steps {
        let command = step.command.replace("127.0.0.1:8480", &format!("127.0.0.1:{port}"));
        let words: Vec<&str> = command.split_whitespace().collect();
        let verb = match words.as_slice() {
            ["clavepin", "serve", ..] => "serve",
            ["clavepin", "admin", ..] => "admin",
            ["curl", ..] => "curl",
            ["clavepin", "device", rest @ ..] => rest
                .iter()
                .copied()
                .find(|w| DEVICE_COMMANDS.contains(w))
                .expect("a device command names what it does"),
            _ => panic!("the walk-through has a command this test cannot run yet: {command}"),
        };
        ran.push(verb.to_owned());
        match verb {
            "serve" => {
                let running = Running::start(home, &command, Stdio::null());
                assert!(running.wait_for("listening on"), "{}", running.said());
                assert_samples(step, &running.said(), port);
                service = Some(running);
            }
            "activate" => {
                let mut running = Running::start(home, &command, Stdio::piped());
                assert!(running.wait_for("SMS code: "), "{}", running.said());
                let code = last_sms_code(home);
                for (sample, answer) in
                    step.samples.iter().filter(|s| s.contains(": ")).zip(answers(step))
                {
                    if sample.starts_with("SMS code") {
                        running.answer(&code);
                    } else {
                        pattern = answer.clone();
                        running.answer(&answer);
                    }
                }
                let (ok, said) = running.finish();
                assert!(ok, "{said}");
                assert_samples(step, &said, port);
            }
            "watch" => {
                let mut running = Running::start(home, &command, Stdio::piped());
                running.answer(&pattern);
                assert!(running.wait_for("watching"), "{}", running.said());
                watching = Some(running);
            }
            "curl" => {
                let (ok, said) = Running::start(home, &command, Stdio::null()).finish();
                assert!(ok, "{said}");
                let created: serde_json::Value = serde_json::from_str(&said).unwrap();
                assert_eq!(created["channel"], "app", "{created}");
                // The README's line: `code AB12  PIN X7K  [██████████] 9:50 left`.
                let line = prose.split('`').find(|s| s.starts_with("code ")).unwrap();
                let (code_part, rest) = line.split_once("PIN ").unwrap();
                let bar = &rest[rest.find("  [").unwrap()..rest.find("] ").unwrap() + 2];
                let mut watch = watching.take().expect("watch runs before the PIN is asked for");
                assert!(watch.wait_for(&format!("{code_part}PIN ")), "{}", watch.said());
                assert!(watch.wait_for(bar) && watch.wait_for(" left"), "{}", watch.said());
                watch.interrupt();
                watch.finish();
            }
            "copy" => {
                let mut running = Running::start(home, &command, Stdio::piped());
                running.answer(&pattern);
                let deadline = Instant::now() + Duration::from_secs(20);
                while std::fs::read_to_string(&clipboard).map_or(true, |t| t.len() != 3) {
                    assert!(
                        Instant::now() < deadline,
                        "no PIN on the clipboard: {}",
                        running.said()
                    );
                    std::thread::sleep(Duration::from_millis(50));
                }
                running.interrupt();
                running.finish();
                assert_eq!(std::fs::read_to_string(&clipboard).unwrap(), "", "Ctrl-C clears it");
            }
            "remove" => {
                let mut running = Running::start(home, &command, Stdio::piped());
                running.answer(&pattern);
                running.answer("y");
                let (ok, said) = running.finish();
                assert!(ok && said.contains("the service was told"), "{said}");
            }
            _ => {
                let (ok, said) = Running::start(home, &command, Stdio::null()).finish();
                assert!(ok, "`{command}`: {said}");
                assert_samples(step, &said, port);
                match verb {
                    "history" => assert!(said.contains("code AB12"), "{said}"),
                    "list" => assert!(said.contains("12345678Z"), "{said}"),
                    _ => {}
                }
            }
        }
    }
    for expected in
        ["serve", "admin", "activate", "watch", "curl", "copy", "history", "list", "remove"]
    {
        assert!(
            ran.iter().any(|v| v == expected),
            "the walk-through lost its `{expected}`: {ran:?}"
        );
    }
    let mut service = service.unwrap();
    service.interrupt();
    assert!(service.finish().0, "the service stops cleanly on Ctrl-C");
}

fn last_sms_code(home: &Path) -> String {
    let running =
        Running::start(home, "clavepin admin --data ./svc outbox sms --json", Stdio::null());
    let (ok, said) = running.finish();
    assert!(ok, "{said}");
    let sms: serde_json::Value = serde_json::from_str(&said).unwrap();
    let text =
        sms["items"].as_array().unwrap().last().unwrap()["text"].as_str().unwrap().to_owned();
    text.split(|c: char| !c.is_ascii_digit()).find(|w| w.len() == 6).unwrap().to_owned()
}
