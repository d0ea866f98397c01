//! `clavepin`: one binary for developers and operators (SPEC.md, "The command line").

mod admin;
mod bench;
mod check_id;
mod contrast_args;
mod demo;
mod device;
mod logging;
mod paths;
mod serve;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "clavepin",
    version,
    about = "Cl@ve PIN: the companion app's core, the reference PIN service, and a demo of both"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Runs the whole system end to end and checks every step; exits 0 only if all pass.
    Demo(demo::Args),
    /// Runs the reference PIN service (plain HTTP on loopback; TLS anywhere else).
    Serve(serve::Args),
    /// Operator commands: census, registration, invitation letters, outboxes.
    Admin(admin::Args),
    /// The desktop companion: activate, list, remove, unlock, watch, copy, history.
    Device(device::Args),
    /// Measures SPEC.md's numbers and prints a table (or --json).
    Bench(bench::Args),
    /// Validates a DNI or NIE: prints the normalised number, its kind and the contrast
    /// datum it needs; exits non-zero with the reason when invalid.
    CheckId(check_id::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Demo(args) => demo::run(args),
        Command::CheckId(args) => check_id::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Admin(args) => admin::run(args),
        Command::Device(args) => device::run(args),
        Command::Bench(args) => bench::run(args),
    }
}
