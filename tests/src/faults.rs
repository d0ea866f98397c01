//! A stand-in for a bad network or a failing proxy in front of the service: it reads
//! one HTTP request per connection and, as its queue of faults says, refuses it,
//! answers 503, answers garbage, breaks the answer off halfway, holds it, or passes
//! it to the service; then it closes the connection, so each request the device
//! makes meets the next fault.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What happens to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The connection is closed without an answer (a reset, a dropped network).
    Drop,
    /// A proxy's `503 Service Unavailable`, with no body of the service's.
    Unavailable,
    /// `200 OK` with a body that is not the API's.
    Garbage,
    /// The service's answer, cut off after half its bytes.
    CutMidAnswer,
    /// The service's answer, a second late.
    Slow,
    /// The service's answer.
    Pass,
}

/// The stand-in; dropping it stops accepting.
#[derive(Debug)]
pub struct Faults {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    queue: Arc<Mutex<VecDeque<Fault>>>,
    seen: Arc<Mutex<Vec<(String, Fault)>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Faults {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Faults {
    /// In front of the service at `service` (`127.0.0.1:PORT`); passes everything
    /// until told otherwise.
    pub async fn start(service: std::net::SocketAddr) -> Faults {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let queue: Arc<Mutex<VecDeque<Fault>>> = Arc::default();
        let seen: Arc<Mutex<Vec<(String, Fault)>>> = Arc::default();
        let (q, s) = (queue.clone(), seen.clone());
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let fault = q.lock().unwrap().pop_front().unwrap_or(Fault::Pass);
                tokio::spawn(handle(stream, service, fault, s.clone()));
            }
        });
        Faults { url, queue, seen, task }
    }

    /// The next requests meet these faults, in order; then everything passes.
    pub fn then(&self, faults: &[Fault]) {
        self.queue.lock().unwrap().extend(faults);
    }

    /// Every request so far: its first line and what it met.
    pub fn seen(&self) -> Vec<(String, Fault)> {
        self.seen.lock().unwrap().clone()
    }
}

/// One request: the head up to the blank line, and a body of its `content-length`.
async fn read_request(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut request = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let n = stream.read(&mut buffer).await.ok()?;
        if n == 0 {
            return None;
        }
        request.extend_from_slice(&buffer[..n]);
        let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") else { continue };
        let head = String::from_utf8_lossy(&request[..end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        while request.len() < end + 4 + length {
            let n = stream.read(&mut buffer).await.ok()?;
            if n == 0 {
                return None;
            }
            request.extend_from_slice(&buffer[..n]);
        }
        return Some(request);
    }
}

/// The service's whole answer to `request`, sent on a connection of its own.
async fn ask_service(service: std::net::SocketAddr, request: &[u8]) -> Option<Vec<u8>> {
    let text = String::from_utf8_lossy(request);
    let (head, _) = text.split_once("\r\n\r\n")?;
    let body = &request[head.len() + 4..];
    // One request per connection: ask the service to close after answering.
    let head: Vec<&str> =
        head.lines().filter(|l| !l.to_ascii_lowercase().starts_with("connection:")).collect();
    let mut upstream = TcpStream::connect(service).await.ok()?;
    upstream
        .write_all(format!("{}\r\nconnection: close\r\n\r\n", head.join("\r\n")).as_bytes())
        .await
        .ok()?;
    upstream.write_all(body).await.ok()?;
    let mut answer = Vec::new();
    upstream.read_to_end(&mut answer).await.ok()?;
    Some(answer)
}

async fn handle(
    mut stream: TcpStream,
    service: std::net::SocketAddr,
    fault: Fault,
    seen: Arc<Mutex<Vec<(String, Fault)>>>,
) {
    let Some(request) = read_request(&mut stream).await else { return };
    let line = String::from_utf8_lossy(&request).lines().next().unwrap_or_default().to_owned();
    seen.lock().unwrap().push((line, fault));
    let canned = |status: &str, body: &str| {
        format!(
            "HTTP/1.1 {status}\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        )
    };
    match fault {
        Fault::Drop => {}
        Fault::Unavailable => {
            let answer = canned("503 Service Unavailable", "<html>upstream down</html>");
            let _ = stream.write_all(answer.as_bytes()).await;
        }
        Fault::Garbage => {
            let _ = stream
                .write_all(canned("200 OK", "<html>welcome to the hotel wifi</html>").as_bytes())
                .await;
        }
        Fault::CutMidAnswer | Fault::Slow | Fault::Pass => {
            let Some(answer) = ask_service(service, &request).await else { return };
            let answer = match fault {
                Fault::CutMidAnswer => &answer[..answer.len() / 2],
                Fault::Slow => {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    &answer[..]
                }
                _ => &answer[..],
            };
            let _ = stream.write_all(answer).await;
        }
    }
    let _ = stream.shutdown().await;
}
