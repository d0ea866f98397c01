//! The desktop clipboard, through the platform's own tool: `wl-copy` (Wayland),
//! `xclip` or `xsel` (X11), `pbcopy` (macOS). These tools cannot mark an entry as
//! secret the way Android and iOS can, so the command stays until the PIN expires and
//! clears it then.

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;

use super::say;
use clavepin_core::{Clipboard, Device};
use clavepin_protocol::Timestamp;

/// A clipboard tool found on this desktop.
#[derive(Debug, Clone)]
struct Tool {
    program: &'static str,
    args: &'static [&'static str],
}

fn find_tool() -> Option<Tool> {
    let candidates: &[(&str, Tool)] = &[
        ("WAYLAND_DISPLAY", Tool { program: "wl-copy", args: &["--type", "text/plain"] }),
        ("DISPLAY", Tool { program: "xclip", args: &["-selection", "clipboard"] }),
        ("DISPLAY", Tool { program: "xsel", args: &["--clipboard", "--input"] }),
        ("", Tool { program: "pbcopy", args: &[] }),
    ];
    candidates
        .iter()
        .filter(|(env, _)| env.is_empty() || std::env::var_os(env).is_some())
        .find(|(_, tool)| {
            Command::new("which").arg(tool.program).output().is_ok_and(|o| o.status.success())
        })
        .map(|(_, tool)| tool.clone())
}

struct DesktopClipboard(Tool);

impl DesktopClipboard {
    fn put(&self, text: &str) {
        let child = Command::new(self.0.program)
            .args(self.0.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        if let Ok(mut child) = child {
            if let Some(mut stdin) = child.stdin.take() {
                let _ = stdin.write_all(text.as_bytes());
            }
            let _ = child.wait();
        }
    }
}

impl Clipboard for DesktopClipboard {
    fn set_sensitive(&self, text: &str, _clear_at: Timestamp) {
        self.put(text);
    }
    fn clear(&self) {
        self.put("");
    }
}

/// Copies the newest live PIN, then waits to clear it at expiry (or at Ctrl-C).
pub async fn copy_latest(device: &Device) -> Result<(), String> {
    let latest = device.screen().map_err(say)?.latest.ok_or("no PIN has arrived yet")?;
    let tool =
        find_tool().ok_or("no desktop clipboard found (install wl-clipboard, xclip or xsel)")?;
    let clipboard = Arc::new(DesktopClipboard(tool));
    let content = device.copy_pin(&latest.request_id, clipboard.clone()).map_err(say)?;
    let wait = std::time::Duration::from_secs(content.clear_after_secs.into());
    eprintln!(
        "PIN for code {} copied. This command holds the terminal until the PIN expires, in \
         {}, and clears the clipboard then; Ctrl-C (or stopping it) clears it now.",
        latest.code,
        minutes_and_seconds(wait.as_secs())
    );
    tokio::select! {
        () = tokio::time::sleep(wait) => {}
        // Ctrl-C or SIGTERM: either way the PIN does not stay on the clipboard.
        () = crate::signals::stop_requested() => {}
    }
    clipboard.clear();
    eprintln!("clipboard cleared");
    Ok(())
}

/// "9 min 50 s", "40 s".
fn minutes_and_seconds(secs: u64) -> String {
    match (secs / 60, secs % 60) {
        (0, s) => format!("{s} s"),
        (m, 0) => format!("{m} min"),
        (m, s) => format!("{m} min {s} s"),
    }
}
