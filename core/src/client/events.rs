//! Reading server-sent events (the WHATWG "text/event-stream" format) from the
//! direct channel: `event:` and `data:` lines, a blank line ends an event, lines
//! starting with `:` are keep-alive comments.

use std::time::Duration;

use tokio::time::Instant;

/// One event from the channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerEvent {
    /// The event's name (`pin`, `resync`).
    pub event: String,
    /// Its data.
    pub data: String,
}

/// An open channel.
#[derive(Debug)]
pub struct EventStream {
    response: reqwest::Response,
    buffer: String,
    silence_limit: Duration,
    /// When the last bytes arrived, keep-alive comments included.
    heard_at: Instant,
}

/// Longest event accepted: a PIN event is a few hundred bytes.
const MAX_EVENT_BYTES: usize = 64 * 1024;

impl EventStream {
    pub(super) fn new(response: reqwest::Response, silence_limit: Duration) -> Self {
        Self { response, buffer: String::new(), silence_limit, heard_at: Instant::now() }
    }

    /// The next event; `Ok(None)` when the service closed the channel, an
    /// `Unreachable` error once it has been silent for the silence limit. Dropping the
    /// future loses nothing, and does not restart the silence count.
    pub async fn next(&mut self) -> Result<Option<ServerEvent>, super::ClientError> {
        loop {
            if let Some(event) = self.take_event() {
                return Ok(Some(event));
            }
            if self.buffer.len() > MAX_EVENT_BYTES {
                return Err(super::ClientError::Protocol("event too large".into()));
            }
            let deadline = self.heard_at + self.silence_limit;
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk()).await;
            let Ok(chunk) = chunk else {
                return Err(super::ClientError::Unreachable("the channel fell silent".into()));
            };
            match chunk {
                Ok(Some(chunk)) => {
                    self.heard_at = Instant::now();
                    self.buffer.push_str(&String::from_utf8_lossy(&chunk));
                }
                Ok(None) => return Ok(None),
                Err(e) => return Err(super::unreachable(&e)),
            }
        }
    }

    fn take_event(&mut self) -> Option<ServerEvent> {
        loop {
            let normalised = self.buffer.replace("\r\n", "\n");
            if normalised.len() != self.buffer.len() {
                self.buffer = normalised;
            }
            let end = self.buffer.find("\n\n")?;
            let block: String = self.buffer.drain(..end + 2).collect();
            let mut event = String::from("message");
            let mut data = Vec::new();
            for line in block.lines() {
                if let Some(value) = line.strip_prefix("event:") {
                    event = value.trim().to_owned();
                } else if let Some(value) = line.strip_prefix("data:") {
                    data.push(value.strip_prefix(' ').unwrap_or(value).to_owned());
                }
            }
            if !data.is_empty() {
                return Some(ServerEvent { event, data: data.join("\n") });
            }
        }
    }
}
