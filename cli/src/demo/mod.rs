//! `clavepin demo`: the whole system end to end, each step checked. It exits 0 only if
//! every step did what it should, so it doubles as a smoke test.

mod report;
mod steps;

use std::process::ExitCode;

pub use report::Report;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// One JSON object per step: {"step", "ok", "detail"} (plus "pin" and "code").
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> ExitCode {
    let mut report = Report::new(args.json);
    steps::run_all(&mut report);
    report.finish()
}
