//! Reading server-sent events (the WHATWG "text/event-stream" format) from the
//! direct channel: `event:` and `data:` lines, a blank line ends an event, lines
//! starting with `:` are keep-alive comments.

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
}

/// Longest event accepted: a PIN event is a few hundred bytes.
const MAX_EVENT_BYTES: usize = 64 * 1024;

impl EventStream {
    pub(super) fn new(response: reqwest::Response) -> Self {
        Self { response, buffer: String::new() }
    }

    /// The next event; `Ok(None)` when the service closed the channel.
    pub async fn next(&mut self) -> Result<Option<ServerEvent>, super::ClientError> {
        loop {
            if let Some(event) = self.take_event() {
                return Ok(Some(event));
            }
            if self.buffer.len() > MAX_EVENT_BYTES {
                return Err(super::ClientError::Protocol("event too large".into()));
            }
            match self.response.chunk().await {
                Ok(Some(chunk)) => self.buffer.push_str(&String::from_utf8_lossy(&chunk)),
                Ok(None) => return Ok(None),
                Err(e) => return Err(super::ClientError::Unreachable(super::without_url(&e))),
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
