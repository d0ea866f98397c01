//! Slow and greedy clients: no client holds a connection, a request or the service's
//! capacity for longer or in larger numbers than the limits allow, and a shutdown
//! does not wait for them past its deadline. 127.0.0.2 and 127.0.0.3 stand for two
//! clients.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use clavepin_server::Limits;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use crate::support::*;

fn limits() -> Limits {
    Limits {
        header_read_timeout: Duration::from_secs(1),
        request_body_timeout: Duration::from_secs(1),
        ..Limits::default()
    }
}

fn addr(svc: &TestService) -> SocketAddr {
    svc.url.trim_start_matches("http://").parse().unwrap()
}

async fn connect_from(client: [u8; 4], to: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::new(IpAddr::from(client), 0)).unwrap();
    socket.connect(to).await.unwrap()
}

/// Reads until the service closes the connection (or `within` passes); returns what
/// it sent and whether it closed.
async fn read_until_closed(stream: &mut TcpStream, within: Duration) -> (String, bool) {
    let mut got = Vec::new();
    let closed = tokio::time::timeout(within, async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await
    .is_ok();
    (String::from_utf8_lossy(&got).into_owned(), closed)
}

/// A request whose headers arrive but whose body never does: it is in flight.
async fn stuck_in_body(client: [u8; 4], to: SocketAddr) -> TcpStream {
    let mut stream = connect_from(client, to).await;
    stream
        .write_all(
            b"POST /registration/invitation HTTP/1.1\r\nhost: x\r\n\
              content-type: application/json\r\ncontent-length: 100\r\n\r\n{",
        )
        .await
        .unwrap();
    stream
}

async fn health_from(client: [u8; 4], to: SocketAddr) -> String {
    let mut stream = connect_from(client, to).await;
    stream
        .write_all(b"GET /health HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
        .await
        .unwrap();
    read_until_closed(&mut stream, Duration::from_secs(5)).await.0
}

#[tokio::test]
async fn half_a_header_is_dropped_after_the_header_timeout() {
    let svc = TestService::start_with(|c| c.with_limits(limits())).await;
    let mut stream = connect_from([127, 0, 0, 2], addr(&svc)).await;
    stream.write_all(b"GET /health HTTP/1.1\r\nhost: x\r\nx-slow: a").await.unwrap();
    let started = Instant::now();
    let (_, closed) = read_until_closed(&mut stream, Duration::from_secs(5)).await;
    assert!(closed, "a half-sent header still holds its connection after 5 s");
    assert!(started.elapsed() >= Duration::from_millis(900), "closed before the timeout");
    // An idle kept-alive connection goes the same way.
    let mut idle = connect_from([127, 0, 0, 2], addr(&svc)).await;
    idle.write_all(b"GET /health HTTP/1.1\r\nhost: x\r\n\r\n").await.unwrap();
    let (answer, closed) = read_until_closed(&mut idle, Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(closed, "an idle connection is kept forever");
}

#[tokio::test]
async fn a_body_that_never_arrives_times_out_with_408() {
    let svc = TestService::start_with(|c| c.with_limits(limits())).await;
    let mut stream = stuck_in_body([127, 0, 0, 2], addr(&svc)).await;
    let (answer, _) = read_until_closed(&mut stream, Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"request_timeout\""), "{answer}");
}

#[tokio::test]
async fn one_client_cannot_take_every_connection() {
    let caps = Limits { max_connections_per_client: 3, ..limits() };
    let svc = TestService::start_with(|c| c.with_limits(caps)).await;
    let to = addr(&svc);
    let mut held = Vec::new();
    for _ in 0..3 {
        let mut s = connect_from([127, 0, 0, 2], to).await;
        s.write_all(b"GET /health HTTP/1.1\r\nhost: x\r\n\r\n").await.unwrap();
        let mut buf = [0u8; 16];
        s.read_exact(&mut buf).await.unwrap();
        held.push(s);
    }
    // The fourth is closed on arrival…
    let mut fourth = connect_from([127, 0, 0, 2], to).await;
    let _ = fourth.write_all(b"GET /health HTTP/1.1\r\nhost: x\r\n\r\n").await;
    let (answer, closed) = read_until_closed(&mut fourth, Duration::from_secs(2)).await;
    assert!(closed && answer.is_empty(), "{answer}");
    // …while another client is served, and the first is again once it lets one go.
    assert!(health_from([127, 0, 0, 3], to).await.starts_with("HTTP/1.1 200"));
    drop(held.pop());
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(health_from([127, 0, 0, 2], to).await.starts_with("HTTP/1.1 200"));
}

#[tokio::test]
async fn requests_in_flight_are_capped_per_client_and_in_all() {
    let caps = Limits {
        max_requests_in_flight: 4,
        max_requests_in_flight_per_client: 2,
        request_body_timeout: Duration::from_secs(30),
        ..limits()
    };
    let svc = TestService::start_with(|c| c.with_limits(caps)).await;
    let to = addr(&svc);
    let _a = [stuck_in_body([127, 0, 0, 2], to).await, stuck_in_body([127, 0, 0, 2], to).await];
    tokio::time::sleep(Duration::from_millis(200)).await;
    let busy = health_from([127, 0, 0, 2], to).await;
    assert!(busy.starts_with("HTTP/1.1 429"), "{busy}");
    assert!(busy.to_ascii_lowercase().contains("retry-after: 1"), "{busy}");
    assert!(busy.contains("\"busy\""), "{busy}");
    // Others still get in, up to the service's own cap.
    let _b = [stuck_in_body([127, 0, 0, 3], to).await, stuck_in_body([127, 0, 0, 3], to).await];
    tokio::time::sleep(Duration::from_millis(200)).await;
    let full = health_from([127, 0, 0, 4], to).await;
    assert!(full.starts_with("HTTP/1.1 503"), "{full}");
    assert!(full.to_ascii_lowercase().contains("retry-after: 1"), "{full}");
    // An open event stream is not a request in flight: devices keep theirs open.
    let (status, _) = svc.call(reqwest::Method::GET, "/device/events", None, None).await;
    assert_eq!(status, reqwest::StatusCode::UNAUTHORIZED, "the stream is not shed");
}

#[tokio::test]
async fn shutdown_waits_for_stuck_requests_only_until_its_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let caps = Limits {
        request_body_timeout: Duration::from_secs(60),
        request_timeout: Duration::from_secs(60),
        shutdown_deadline: Duration::from_secs(1),
        ..limits()
    };
    let service = clavepin_server::Service::open(
        clavepin_server::ServiceConfig::new(dir.path()).with_limits(caps),
    )
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let to = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = tokio::spawn(service.serve(listener, None, async {
        let _ = stopped.await;
    }));
    let mut stuck = stuck_in_body([127, 0, 0, 2], to).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(5), served)
        .await
        .expect("shutdown waited past its deadline")
        .unwrap()
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(900), "did not wait for the request");
    let (_, closed) = read_until_closed(&mut stuck, Duration::from_secs(2)).await;
    assert!(closed, "the stuck connection outlived the shutdown");
}
