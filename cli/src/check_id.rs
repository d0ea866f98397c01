//! `clavepin check-id DOCUMENT`.

use std::process::ExitCode;

use clavepin_protocol::{ContrastKind, DocumentKind, DocumentNumber};
use serde_json::json;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A DNI (12345678Z) or NIE (X1234567L); case, spaces, dots and hyphens are ignored.
    document: String,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

/// Exit status for input that is not a valid document (as sysexits' EX_DATAERR).
const INVALID_INPUT: u8 = 65;

pub fn run(args: Args) -> ExitCode {
    match DocumentNumber::parse(&args.document) {
        Ok(number) => {
            let kind = number.kind();
            let contrast = contrast_label(kind.contrast_kind());
            if args.json {
                let out = json!({
                    "valid": true,
                    "document": number.as_str(),
                    "kind": kind_label(kind),
                    "contrast": contrast_key(kind.contrast_kind()),
                });
                println!("{out}");
            } else {
                println!("{}  {}  needs: {contrast}", number.as_str(), kind_label(kind));
            }
            ExitCode::SUCCESS
        }
        Err(err) => {
            if args.json {
                println!("{}", json!({ "valid": false, "error": err.to_string() }));
            } else {
                eprintln!("clavepin: invalid document number: {err}");
            }
            ExitCode::from(INVALID_INPUT)
        }
    }
}

fn kind_label(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::Dni => "DNI",
        DocumentKind::Nie => "NIE",
    }
}

fn contrast_key(kind: ContrastKind) -> &'static str {
    match kind {
        ContrastKind::DniDate => "dni_date",
        ContrastKind::SupportNumber => "support_number",
    }
}

fn contrast_label(kind: ContrastKind) -> &'static str {
    match kind {
        ContrastKind::DniDate => "validity date (issue date for a permanent DNI)",
        ContrastKind::SupportNumber => "support number (C or E and 8 digits)",
    }
}
