//! Asking on the terminal: the question on stderr, the answer from stdin.

use std::io::{BufRead, Write};

pub fn ask(question: &str) -> Result<String, String> {
    let mut err = std::io::stderr();
    let _ = write!(err, "{question}");
    let _ = err.flush();
    let mut line = String::new();
    let read = std::io::stdin().lock().read_line(&mut line).map_err(|e| e.to_string())?;
    if read == 0 {
        return Err("no answer (standard input is closed)".into());
    }
    Ok(line.trim().to_owned())
}
