//! A TCP relay on loopback in front of the service, standing for the phone's network:
//! it can go silent without closing anything (a Wi-Fi to mobile switch), or cut every
//! connection and refuse new ones (no network at all).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// The relay; dropping it stops accepting.
#[derive(Debug)]
pub struct Proxy {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    frozen: Arc<AtomicBool>,
    cut: watch::Sender<bool>,
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
    mut cut: watch::Receiver<bool>,
) {
    let mut buffer = [0u8; 8192];
    loop {
        let n = tokio::select! {
            read = from.read(&mut buffer) => match read {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            },
            _ = cut.wait_for(|cut| *cut) => return,
        };
        wait_thawed(&frozen).await;
        if *cut.borrow() || to.write_all(&buffer[..n]).await.is_err() {
            return;
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
        let (cut, _) = watch::channel(false);
        let (state, cuts) = (frozen.clone(), cut.clone());
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                if *cuts.borrow() {
                    drop(client); // no network: the connection is refused at once
                    continue;
                }
                let (frozen, cut) = (state.clone(), cuts.subscribe());
                tokio::spawn(async move {
                    wait_thawed(&frozen).await;
                    let Ok(service) = TcpStream::connect(target).await else { return };
                    let (client_read, client_write) = client.into_split();
                    let (service_read, service_write) = service.into_split();
                    tokio::spawn(pump(client_read, service_write, frozen.clone(), cut.clone()));
                    pump(service_read, client_write, frozen, cut).await;
                });
            }
        });
        Proxy { url, frozen, cut, task }
    }

    /// Stops forwarding; open connections stay open and silent.
    pub fn freeze(&self) {
        self.frozen.store(true, Ordering::SeqCst);
    }

    /// Forwards again.
    pub fn thaw(&self) {
        self.frozen.store(false, Ordering::SeqCst);
    }

    /// No network: every connection closes, new ones are dropped at once.
    pub fn cut(&self) {
        self.cut.send_replace(true);
    }

    /// The network is back.
    pub fn restore(&self) {
        self.cut.send_replace(false);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}
