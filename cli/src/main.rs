//! `clavepin`: one binary for developers and operators (SPEC.md, "The command line").

mod admin;
mod bench;
mod check_id;
mod check_password;
mod config;
mod contrast_args;
mod demo;
mod device;
mod gateways;
mod logging;
mod paths;
mod serve;
mod signals;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "clavepin",
    version,
    about = "Cl@ve PIN: the companion app's core, the reference PIN service, and a demo of both",
    after_help = "Defaults for --url, --listen and the data folders can come from a config file: \
        the one CLAVEPIN_CONFIG names, or ~/.config/clavepin/config.toml, with the keys url, \
        listen, device_data and service_data. A flag wins over the environment, which wins \
        over the file."
)]
struct Cli {
    /// The config file to read instead of CLAVEPIN_CONFIG or
    /// ~/.config/clavepin/config.toml (its [serve] table holds every serve flag).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Runs the whole system end to end and checks every step; exits 0 only if all pass.
    Demo(demo::Args),
    /// Runs the reference PIN service (plain HTTP on loopback; TLS anywhere else).
    Serve(Box<serve::Args>),
    /// Operator commands: census, registration, invitation letters, outboxes.
    Admin(admin::Args),
    /// The desktop companion: activate, list, remove, unlock, watch, copy, history.
    Device(device::Args),
    /// Measures SPEC.md's numbers and prints a table (or --json).
    Bench(bench::Args),
    /// Validates a DNI or NIE: prints the normalised number, its kind and the contrast
    /// datum it needs; exits non-zero with the reason when invalid.
    CheckId(check_id::Args),
    /// Checks a password against Cl@ve Permanente's rules for a citizen: prints the
    /// rule it breaks and exits non-zero when it breaks one.
    CheckPassword(check_password::Args),
    /// Prints the shell completions for bash, zsh or fish (e.g. `clavepin completions
    /// bash > /etc/bash_completion.d/clavepin`).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Prints the man page (roff; `clavepin man | man -l -`).
    Man,
}

fn main() -> ExitCode {
    // Before parsing: the file gives clap its defaults.
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if let Err(e) = config::load(config::flag(&args)) {
        eprintln!("clavepin: {e}");
        return ExitCode::from(78);
    }
    let cli = Cli::parse();
    match cli.command {
        Command::Demo(args) => demo::run(args),
        Command::CheckId(args) => check_id::run(args),
        Command::CheckPassword(args) => check_password::run(args),
        Command::Serve(args) => serve::run(*args),
        Command::Admin(args) => admin::run(args),
        Command::Device(args) => device::run(args),
        Command::Bench(args) => bench::run(args),
        Command::Completions { shell } => {
            let mut command = Cli::command();
            clap_complete::generate(shell, &mut command, "clavepin", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
        Command::Man => {
            match clap_mangen::Man::new(Cli::command()).render(&mut std::io::stdout()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("clavepin man: {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
