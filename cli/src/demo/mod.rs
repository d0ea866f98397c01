//! `clavepin demo`: the whole system end to end, each step checked. It exits 0 only if
//! every step did what it should, so it doubles as a smoke test.

mod browser;
mod control;
mod flow;
mod report;
mod site;
mod steps;

use std::path::PathBuf;
use std::process::ExitCode;

pub use report::Report;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// One JSON object per step: {"step", "ok", "detail"} (plus "pin" and "code").
    #[arg(long)]
    json: bool,
    /// Keep the service's and the device's data in DIR (default: a temporary folder).
    #[arg(long, value_name = "DIR")]
    keep: Option<PathBuf>,
}

pub fn run(args: Args) -> ExitCode {
    let mut report = Report::new(args.json);
    steps::run_all(&mut report);
    let runtime =
        match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
            Ok(rt) => rt,
            Err(e) => {
                report.step("start-runtime", Err(e.to_string()));
                return report.finish();
            }
        };
    runtime.block_on(flow::run(&mut report, args.keep));
    report.finish()
}
