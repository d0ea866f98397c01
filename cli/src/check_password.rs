//! `clavepin check-password --document DOC --name "FULL NAME" [PASSWORD]`: Cl@ve
//! Permanente's rules that need no service (earlier passwords and expiry need it).

use std::io::BufRead;
use std::process::ExitCode;

use clavepin_protocol::{DocumentNumber, password};
use serde_json::json;
use zeroize::Zeroizing;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The citizen's DNI or NIE.
    #[arg(long)]
    document: String,
    /// The citizen's full name, as the census has it.
    #[arg(long)]
    name: String,
    /// The password; read from the first line of standard input when left out, so it
    /// stays out of the shell's history.
    #[arg(allow_hyphen_values = true)]
    password: Option<String>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

/// Exit status for input that breaks a rule (as sysexits' EX_DATAERR), as check-id.
const INVALID_INPUT: u8 = 65;

pub fn run(args: Args) -> ExitCode {
    let document = match DocumentNumber::parse(&args.document) {
        Ok(document) => document,
        Err(err) => return refuse(args.json, &format!("invalid document number: {err}")),
    };
    let password = match args.password {
        Some(password) => Zeroizing::new(password),
        None => {
            let mut line = Zeroizing::new(String::new());
            if let Err(err) = std::io::stdin().lock().read_line(&mut line) {
                return refuse(args.json, &format!("cannot read the password: {err}"));
            }
            let end = line.trim_end_matches(['\r', '\n']).len();
            line.truncate(end);
            line
        }
    };
    match password::check(&password, &document, &args.name) {
        Ok(()) => {
            if args.json {
                println!("{}", json!({ "valid": true }));
            } else {
                println!(
                    "the password follows the rules (the service also refuses earlier \
                     passwords, and it expires after two years)"
                );
            }
            ExitCode::SUCCESS
        }
        Err(err) => refuse(args.json, &err.to_string()),
    }
}

fn refuse(json: bool, reason: &str) -> ExitCode {
    if json {
        println!("{}", json!({ "valid": false, "error": reason }));
    } else {
        eprintln!("clavepin: {reason}");
    }
    ExitCode::from(INVALID_INPUT)
}
