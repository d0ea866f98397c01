//! A TCP relay on loopback in front of the service that can go silent without closing
//! anything, as a connection does when a phone moves from Wi-Fi to mobile data.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The relay; dropping it stops accepting.
#[derive(Debug)]
pub struct Proxy {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    frozen: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<()>,
}

async fn wait_thawed(frozen: &AtomicBool) {
    while frozen.load(Ordering::SeqCst) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    frozen: Arc<AtomicBool>,
) {
    let mut buffer = [0u8; 8192];
    while let Ok(n) = from.read(&mut buffer).await {
        if n == 0 {
            break;
        }
        wait_thawed(&frozen).await;
        if to.write_all(&buffer[..n]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}

impl Proxy {
    /// Relays to `target`.
    pub async fn start(target: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let frozen = Arc::new(AtomicBool::new(false));
        let state = frozen.clone();
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let frozen = state.clone();
                tokio::spawn(async move {
                    wait_thawed(&frozen).await;
                    let Ok(service) = TcpStream::connect(target).await else { return };
                    let (client_read, client_write) = client.into_split();
                    let (service_read, service_write) = service.into_split();
                    tokio::spawn(pump(client_read, service_write, frozen.clone()));
                    pump(service_read, client_write, frozen).await;
                });
            }
        });
        Proxy { url, frozen, task }
    }

    /// Stops forwarding; open connections stay open and silent.
    pub fn freeze(&self) {
        self.frozen.store(true, Ordering::SeqCst);
    }

    /// Forwards again.
    pub fn thaw(&self) {
        self.frozen.store(false, Ordering::SeqCst);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}
