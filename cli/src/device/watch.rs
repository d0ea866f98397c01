//! `clavepin device watch`: the app screen on a terminal. A progress bar that
//! refreshes in place on a terminal, plain lines (or JSON) otherwise.

use std::io::{IsTerminal, Write};
use std::sync::Arc;

use super::say;
use clavepin_core::{
    ChannelListener, ChannelStatus, CoreError, Device, Locale, ReceivedPin, ScreenListener,
    ScreenModel, explain,
};
use clavepin_protocol::SecretText;
use clavepin_protocol::wire::PinState;
use tokio::sync::mpsc;

enum Update {
    Screen(ScreenModel),
    Status(ChannelStatus),
    /// Something went wrong; the watch goes on.
    Problem(String),
}

struct Forward(mpsc::UnboundedSender<Update>);

impl ScreenListener for Forward {
    fn on_screen(&self, screen: ScreenModel) {
        let _ = self.0.send(Update::Screen(screen));
    }
    fn on_error(&self, error: &CoreError) {
        let _ = self.0.send(Update::Problem(explain(error, Locale::En)));
    }
}

impl ChannelListener for Forward {
    fn on_status(&self, status: ChannelStatus) {
        let _ = self.0.send(Update::Status(status));
    }
    fn on_pin(&self, _: ReceivedPin) {}
    fn on_error(&self, error: &CoreError) {
        let _ = self.0.send(Update::Problem(explain(error, Locale::En)));
    }
}

pub async fn run(device: &Device, document: &str, json: bool, once: bool) -> Result<(), String> {
    if once {
        device.pull(document).await.map_err(say)?;
        // A PIN used on the portal shows as used, not as live.
        device.refresh_states(document).await.map_err(say)?;
        let screen = device.screen().map_err(say)?;
        print_screen(&screen, json, false);
        return Ok(());
    }
    let (tx, mut rx) = mpsc::unbounded_channel();
    let forward = Arc::new(Forward(tx));
    let _channel = device.start_direct_channel(document, forward.clone()).map_err(say)?;
    let _ticker = device.subscribe_screen(forward).map_err(say)?;
    let live = std::io::stdout().is_terminal() && !json;
    eprintln!("watching for PINs; Ctrl-C to stop");
    loop {
        tokio::select! {
            update = rx.recv() => match update {
                Some(Update::Screen(screen)) => print_screen(&screen, json, live),
                Some(Update::Status(status)) => print_status(&status, json, live),
                Some(Update::Problem(text)) => if !json { eprintln!("{text}") },
                None => return Ok(()),
            },
            _ = tokio::signal::ctrl_c() => {
                if live { println!(); }
                return Ok(());
            }
        }
    }
}

fn print_status(status: &ChannelStatus, json: bool, live: bool) {
    if json {
        return;
    }
    if live {
        // The countdown line is being redrawn in place: clear it first, so the status
        // is a line of its own and the next redraw starts afresh.
        let mut out = std::io::stdout().lock();
        let _ = write!(out, "\r\x1b[2K");
        let _ = out.flush();
    }
    let text = match status {
        ChannelStatus::Connecting => "connecting to the PIN service…".to_owned(),
        ChannelStatus::Connected => "connected: PINs arrive at once".to_owned(),
        ChannelStatus::Reconnecting { attempt, retry_in_secs } => {
            format!("service unreachable (attempt {attempt}); retrying in {retry_in_secs} s")
        }
        ChannelStatus::Locked => "locked: unlock with the pattern".to_owned(),
        ChannelStatus::Replaced => {
            "another device was activated for this citizen: this one no longer receives PINs"
                .to_owned()
        }
        ChannelStatus::Removed => {
            "this device was removed for this citizen: it no longer receives PINs".to_owned()
        }
    };
    eprintln!("{text}");
}

fn print_screen(screen: &ScreenModel, json: bool, live: bool) {
    let mut out = std::io::stdout().lock();
    let Some(pin) = &screen.latest else {
        if json {
            let _ = writeln!(out, "{}", serde_json::json!({ "pin": null }));
        } else if !live {
            let _ = writeln!(out, "no PIN yet");
        }
        return;
    };
    if json {
        let line = serde_json::json!({
            "request_id": pin.request_id, "document": pin.document.as_str(), "code": pin.code,
            "pin": pin.pin.as_ref().map(SecretText::expose), "state": pin.state, "seconds_left": pin.countdown.seconds_left,
            "expires_at": pin.expires_at,
        });
        let _ = writeln!(out, "{line}");
        return;
    }
    let shown = pin.pin.as_ref().map_or("•••", SecretText::expose);
    let status = match pin.state {
        PinState::Live => format!("{} left", pin.countdown.display()),
        PinState::Used => "used".into(),
        PinState::Expired => "expired".into(),
        PinState::Superseded => "replaced by a newer PIN".into(),
        PinState::Dead => "too many wrong tries".into(),
    };
    // The README's line: a 10-cell bar of the ten minutes, one cell a minute.
    let filled = (pin.countdown.seconds_left as usize).div_ceil(60).min(10);
    let bar = format!("{}{}", "█".repeat(filled), "░".repeat(10 - filled));
    if live {
        // Redrawn in place on a terminal.
        let _ = write!(out, "\r\x1b[2Kcode {}  PIN {shown}  [{bar}] {status}", pin.code);
        let _ = out.flush();
    } else {
        let _ = writeln!(out, "code {}  PIN {shown}  [{bar}] {status}", pin.code);
    }
}
