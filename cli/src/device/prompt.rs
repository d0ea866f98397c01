//! Asking on the terminal: the question on stderr, the answer from stdin (a script
//! answers by writing to it). The security pattern is read without echo when stdin is
//! a terminal, so it is not left on the screen.

use std::io::{BufRead, IsTerminal, Write};

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

/// Asks for a secret: not echoed on a terminal, read as a plain line otherwise.
pub fn ask_secret(question: &str) -> Result<String, String> {
    if !std::io::stdin().is_terminal() {
        return ask(question);
    }
    let mut err = std::io::stderr();
    let _ = write!(err, "{question}");
    let _ = err.flush();
    rpassword::read_password().map(|s| s.trim().to_owned()).map_err(|e| e.to_string())
}
