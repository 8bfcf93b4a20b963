//! A small fault-injection TCP proxy (Toxiproxy's toxics, re-implemented):
//! it sits between the gateway and its upstream or its PostgreSQL store,
//! and its mode can be switched while traffic flows.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the proxy does with each new connection (and, for `Cut` and
/// `Slice`, with the bytes coming back).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Forward both ways.
    Pass,
    /// Stop listening: new connections are refused, as when the upstream
    /// process is down.
    Refuse,
    /// Accept, then reset at once.
    ResetOnAccept,
    /// Wait this long before connecting onwards (a slow upstream).
    Delay(Duration),
    /// Accept and read, never answer.
    Hang,
    /// Forward the request, then reset instead of answering.
    ResetAfterRequest,
    /// Forward only this many bytes of the answer, then close.
    Cut(usize),
    /// Forward the answer one byte at a time.
    Slice,
}

/// The proxy; cloning shares it.
#[derive(Clone)]
pub struct FaultProxy {
    pub addr: SocketAddr,
    mode: Arc<Mutex<Fault>>,
    /// Bumped when a fault is switched on: open connections are cut, as
    /// when the peer goes away (pooled connections included).
    cut: tokio::sync::watch::Sender<u64>,
    /// Connections waiting out a `Delay` right now.
    delayed: Arc<std::sync::atomic::AtomicUsize>,
}

impl FaultProxy {
    pub async fn start(target: SocketAddr) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let proxy = FaultProxy {
            addr: listener.local_addr().unwrap(),
            mode: Arc::new(Mutex::new(Fault::Pass)),
            cut: tokio::sync::watch::channel(0).0,
            delayed: Arc::default(),
        };
        let mode = proxy.mode.clone();
        let cut = proxy.cut.clone();
        let delayed = proxy.delayed.clone();
        let addr = proxy.addr;
        tokio::spawn(async move {
            let mut listener = Some(listener);
            loop {
                let fault = *mode.lock().unwrap();
                if fault == Fault::Refuse {
                    listener = None;
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
                let l = match &listener {
                    Some(l) => l,
                    None => match TcpListener::bind(addr).await {
                        Ok(l) => listener.insert(l),
                        Err(_) => {
                            tokio::time::sleep(Duration::from_millis(20)).await;
                            continue;
                        }
                    },
                };
                // Re-check the mode now and then, so Refuse takes effect
                // even with no connection arriving.
                if let Ok(Ok((client, _))) =
                    tokio::time::timeout(Duration::from_millis(50), l.accept()).await
                {
                    let fault = *mode.lock().unwrap();
                    tokio::spawn(handle(
                        client,
                        target,
                        fault,
                        cut.subscribe(),
                        delayed.clone(),
                    ));
                }
            }
        });
        proxy
    }

    pub fn set(&self, fault: Fault) {
        *self.mode.lock().unwrap() = fault;
        if fault != Fault::Pass {
            self.cut.send_modify(|n| *n += 1);
        }
    }

    /// Switches to `fault` and waits until it holds for new connections
    /// (the accept loop notices a change within 50 ms; a connection that
    /// lands in the backlog of a listener being closed is reset instead of
    /// refused, which would test the proxy, not the gateway).
    pub async fn switch(&self, fault: Fault) {
        self.set(fault);
        tokio::time::sleep(Duration::from_millis(150)).await;
    }

    /// How many connections are waiting out a `Delay` (a request the
    /// gateway has sent and the upstream has not yet seen).
    pub fn delayed(&self) -> usize {
        self.delayed.load(std::sync::atomic::Ordering::SeqCst)
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

async fn handle(
    mut client: TcpStream,
    target: SocketAddr,
    fault: Fault,
    mut cut: tokio::sync::watch::Receiver<u64>,
    delayed: Arc<std::sync::atomic::AtomicUsize>,
) {
    match fault {
        Fault::Refuse | Fault::ResetOnAccept => {
            let _ = client.set_zero_linger();
            return;
        }
        Fault::Hang => {
            let mut sink = [0u8; 4096];
            while let Ok(n) = client.read(&mut sink).await {
                if n == 0 {
                    break;
                }
            }
            return;
        }
        Fault::Delay(d) => {
            delayed.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            tokio::time::sleep(d).await;
            delayed.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
        }
        Fault::ResetAfterRequest => return reset_after_request(client, target).await,
        _ => {}
    }
    let Ok(upstream) = TcpStream::connect(target).await else {
        let _ = client.set_zero_linger();
        return;
    };
    let (mut cr, mut cw) = client.into_split();
    let (mut ur, mut uw) = upstream.into_split();
    let to_upstream = tokio::spawn(async move {
        let _ = tokio::io::copy(&mut cr, &mut uw).await;
        let _ = uw.shutdown().await;
    });
    let mut buf = vec![0u8; 16384];
    let mut sent = 0usize;
    loop {
        let n = tokio::select! {
            read = ur.read(&mut buf) => match read {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            },
            _ = cut.changed() => break,
        };
        match fault {
            Fault::Cut(limit) => {
                let take = n.min(limit.saturating_sub(sent));
                if cw.write_all(&buf[..take]).await.is_err() {
                    break;
                }
                sent += take;
                if sent >= limit {
                    break;
                }
            }
            Fault::Slice => {
                for b in &buf[..n] {
                    if cw.write_all(std::slice::from_ref(b)).await.is_err() {
                        break;
                    }
                }
            }
            _ => {
                if cw.write_all(&buf[..n]).await.is_err() {
                    break;
                }
            }
        }
    }
    to_upstream.abort();
}

/// Forwards what the client sends (until it pauses), lets the upstream act
/// on it, then resets the client's connection: the request was delivered
/// but the answer never comes back.
async fn reset_after_request(mut client: TcpStream, target: SocketAddr) {
    let Ok(mut upstream) = TcpStream::connect(target).await else {
        let _ = client.set_zero_linger();
        return;
    };
    let mut buf = vec![0u8; 65536];
    let mut first = true;
    loop {
        let wait = if first {
            Duration::from_secs(10)
        } else {
            Duration::from_millis(200)
        };
        match tokio::time::timeout(wait, client.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => {
                first = false;
                if upstream.write_all(&buf[..n]).await.is_err() {
                    break;
                }
            }
            _ => break,
        }
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let _ = client.set_zero_linger();
}
