//! How the demo tells what each step did: a line of text, or one JSON object per line.

use std::io::Write;
use std::process::ExitCode;

use serde::Serialize;

/// One step's outcome, in the `--json` format SPEC.md gives.
#[derive(Debug, Serialize)]
pub struct Step {
    pub step: &'static str,
    pub ok: bool,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pin: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// Collects steps, prints each as it finishes, and decides the exit status.
#[derive(Debug)]
pub struct Report {
    json: bool,
    passed: usize,
    failed: usize,
}

impl Report {
    pub fn new(json: bool) -> Self {
        Self { json, passed: 0, failed: 0 }
    }

    /// Records a step: `Ok(detail)` passed, `Err(detail)` failed.
    pub fn step(&mut self, step: &'static str, outcome: Result<String, String>) {
        let (ok, detail) = match outcome {
            Ok(d) => (true, d),
            Err(d) => (false, d),
        };
        self.emit(Step { step, ok, detail, pin: None, code: None });
    }

    /// Records a step that involves a PIN, so a script can check what the device stored.
    /// `pin` is `None` where the step knows only the code (the portal never sees the PIN).
    pub fn pin_step(
        &mut self,
        step: &'static str,
        outcome: Result<String, String>,
        pin: Option<&str>,
        code: &str,
    ) {
        let (ok, detail) = match outcome {
            Ok(d) => (true, d),
            Err(d) => (false, d),
        };
        self.emit(Step { step, ok, detail, pin: pin.map(Into::into), code: Some(code.into()) });
    }

    fn emit(&mut self, step: Step) {
        if step.ok {
            self.passed += 1;
        } else {
            self.failed += 1;
        }
        // A reader that went away (`| head`) is not the demo's failure.
        let mut out = std::io::stdout().lock();
        let _ = if self.json {
            writeln!(out, "{}", serde_json::to_string(&step).unwrap_or_default())
        } else {
            let mark = if step.ok { "ok  " } else { "FAIL" };
            writeln!(out, "{mark} {:<30} {}", step.step, step.detail)
        };
    }

    /// Prints the summary (text mode) and the exit status: success only if all passed.
    pub fn finish(self) -> ExitCode {
        if !self.json {
            let _ =
                writeln!(std::io::stdout(), "demo: {} passed, {} failed", self.passed, self.failed);
        }
        if self.failed == 0 && self.passed > 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE }
    }
}
