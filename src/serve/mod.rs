//! `pubgate serve`: wires the gateway, the review listener and the
//! delivery worker around one shared [`state::App`], and handles signals
//! (SIGHUP reloads, SIGTERM/SIGINT shut down gracefully).

pub mod config;
pub mod demo;
pub mod replica;
pub mod state;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinHandle;

use crate::extract::Extractors;
use crate::review::auth::{Accounts, new_token};
use crate::serve::config::{HostHeader, ServeConfig};
use crate::serve::state::App;
use crate::store::Store;
use crate::upstream::Upstream;

/// Why `pubgate serve` could not start (or keep running).
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Policies or dictionaries do not build.
    #[error("{0}")]
    Files(#[from] crate::model::FileErrors),
    /// The upstream URL is unusable.
    #[error(transparent)]
    Upstream(#[from] crate::upstream::InvalidUpstream),
    /// The store cannot be opened or migrated.
    #[error("cannot open the store {url}: {source}")]
    Store {
        /// The store URL, password removed.
        url: String,
        /// What failed.
        source: crate::store::StoreError,
    },
    /// A listener or folder could not be set up.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// A key file or key variable is unusable.
    #[error("{0}")]
    Secrets(String),
    /// Metrics could not be registered.
    #[error("cannot register metrics: {0}")]
    Metrics(#[from] prometheus::Error),
    /// The public routes or their withheld page are unusable.
    #[error("{0}")]
    Egress(String),
}

/// Raises the soft limit on open files towards the hard limit: each client
/// connection can use two descriptors (client and upstream), and a soft
/// limit of 1,024 (a common default) would make `max_connections` a lie
/// and `accept` fail under a connection flood.
fn raise_open_file_limit(max_connections: usize) {
    let wanted = (max_connections as u64)
        .saturating_mul(2)
        .saturating_add(256);
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit only read and write the struct passed.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return;
        }
        if lim.rlim_cur < wanted {
            lim.rlim_cur = lim.rlim_max.min(wanted);
            libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
        }
    }
    tracing::debug!(open_files = lim.rlim_cur, "open file limit");
}

fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> ServeError {
    let what = what.into();
    move |source| ServeError::Io { what, source }
}

/// A running gateway.
pub struct Running {
    /// The proxy's address.
    pub proxy_addr: SocketAddr,
    /// The admin listener's address.
    pub admin_addr: SocketAddr,
    /// The demo publishing site, when started.
    pub demo_addr: Option<SocketAddr>,
    /// The bootstrap admin token, when no accounts are configured and none
    /// came from `PUBGATE_ADMIN_TOKEN` (shown once).
    pub generated_admin_token: Option<String>,
    /// The shared state.
    pub app: Arc<App>,
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
    /// Held while running: a second gateway on the same SQLite file is
    /// refused (see [`lock_sqlite`]).
    _sqlite_lock: Option<std::fs::File>,
}

impl Running {
    /// Stops accepting, lets in-flight requests finish (grace period),
    /// stops the delivery worker and waits for all of it.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

/// Starts everything; returns once all listeners are bound.
pub async fn start(
    mut config: ServeConfig,
    extractors: Option<Extractors>,
) -> Result<Running, ServeError> {
    raise_open_file_limit(config.limits.max_connections);
    let (shutdown, shutdown_rx) = watch::channel(false);
    let mut demo_addr = None;
    if config.upstream.is_none() {
        let addr = demo::start(config.demo_listen, shutdown_rx.clone())
            .await
            .map_err(io(format!(
                "cannot start the demo publishing site on {}",
                config.demo_listen
            )))?;
        config.upstream = Some(format!("http://{addr}"));
        demo_addr = Some(addr);
    }
    let engine = state::build_engine(&config, extractors.clone())?;
    prepare_sqlite_dir(&config.store)?;
    let sqlite_lock = lock_sqlite(&config.store)?;
    let secrets = config.secrets.load().map_err(ServeError::Secrets)?;
    let encrypted = secrets.keyring.is_some();
    let signed = secrets.audit_key.is_some();
    let store = Store::open_with(&config.store, secrets)
        .await
        .map_err(|source| ServeError::Store {
            url: crate::store::redact_url(&config.store),
            source,
        })?;
    // Alone on SQLite, every `delivering` item is an orphan of this
    // process's last run. On PostgreSQL another replica may be delivering
    // right now: only items whose lease expired are taken.
    let sole_writer = store.backend() == crate::store::Backend::Sqlite;
    let moved = store
        .recover_orphans(sole_writer, config.upstream_idempotent)
        .await
        .map_err(|source| ServeError::Store {
            url: crate::store::redact_url(&config.store),
            source,
        })?;
    tracing::info!(
        encrypted,
        audit_signed = signed,
        "store opened (held requests encrypted at rest: {encrypted}; audit chain signed: {signed})"
    );
    if let Ok((seq, hash)) = store.audit_head().await {
        tracing::info!(anchor = %format!("{seq}:{hash}"), "audit chain head at start");
    }
    if !moved.is_empty() {
        tracing::warn!(
            count = moved.len(),
            "items were being delivered when the gateway stopped"
        );
    }
    let upstream_url = config.upstream.clone().unwrap_or_default();
    let upstream = Upstream::new(
        &upstream_url,
        config.host == HostHeader::Upstream,
        Duration::from_secs(config.limits.connect_timeout_secs),
        Duration::from_secs(config.limits.upstream_timeout_secs),
    )?;
    let mut generated_admin_token = None;
    let bootstrap = if config.accounts.is_empty() {
        match std::env::var("PUBGATE_ADMIN_TOKEN") {
            Ok(t) if !t.trim().is_empty() => Some(t),
            _ => {
                let t = new_token();
                generated_admin_token = Some(t.clone());
                Some(t)
            }
        }
    } else {
        None
    };
    let accounts = Accounts::new(&config.accounts, bootstrap.as_deref());
    let metrics = crate::metrics::Metrics::new()?;
    let egress = crate::gateway::egress::Egress::new(
        &config.egress,
        config.egress_page.as_deref(),
        Duration::from_secs(config.egress_recheck_secs),
    )
    .map_err(ServeError::Egress)?;

    let proxy_listener = reuseport_listener(config.listen)
        .map_err(io(format!("cannot listen on {}", config.listen)))?;
    let admin_listener = TcpListener::bind(config.admin_listen)
        .await
        .map_err(io(format!("cannot listen on {}", config.admin_listen)))?;
    let proxy_addr = proxy_listener.local_addr().map_err(io("proxy address"))?;
    let admin_addr = admin_listener.local_addr().map_err(io("admin address"))?;

    // Reloads asked before this replica started are already in the files
    // it just read.
    let reload_seen = store
        .reload_generation()
        .await
        .map_err(|source| ServeError::Store {
            url: crate::store::redact_url(&config.store),
            source,
        })?;
    let app = App::new(
        config,
        engine,
        extractors,
        store,
        upstream,
        metrics,
        accounts,
        egress,
        reload_seen,
    );
    let mut tasks = Vec::new();
    let workers = proxy_threads(app.config.proxy_threads);
    // Each worker caps its own connections: a worker waiting for a free
    // slot must not hold one that another worker's queued client needs.
    let per_worker = app.config.limits.max_connections.div_ceil(workers).max(1);
    let mut first = Some(proxy_listener.into_std().map_err(io("proxy listener"))?);
    for worker in 0..workers {
        // Each worker has its own socket on the same port (SO_REUSEPORT):
        // the kernel spreads new connections evenly across the workers.
        let socket = match first.take() {
            Some(s) => s,
            None => reuseport_listener(proxy_addr)
                .and_then(|l| l.into_std())
                .map_err(io(format!("cannot listen on {proxy_addr}")))?,
        };
        let (app, shutdown) = (app.clone(), shutdown_rx.clone());
        let connections = Arc::new(Semaphore::new(per_worker));
        // A long-lived thread from the blocking pool, with a runtime of its own.
        tasks.push(tokio::task::spawn_blocking(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            match runtime {
                Ok(runtime) => runtime.block_on(async move {
                    match TcpListener::from_std(socket) {
                        Ok(listener) => {
                            crate::gateway::serve(listener, app, connections, shutdown).await
                        }
                        Err(e) => tracing::error!(worker, error = %e, "proxy worker cannot listen"),
                    }
                }),
                Err(e) => tracing::error!(worker, error = %e, "proxy worker cannot start"),
            }
        }));
    }
    let router =
        crate::review::router(app.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let mut admin_shutdown = shutdown_rx.clone();
    tasks.push(tokio::spawn(async move {
        let served = axum::serve(admin_listener, router)
            .with_graceful_shutdown(async move {
                let _ = admin_shutdown.changed().await;
            })
            .await;
        if let Err(e) = served {
            tracing::error!(error = %e, "admin listener stopped");
        }
    }));
    tasks.push(tokio::spawn(crate::review::delivery::run(
        app.clone(),
        shutdown_rx.clone(),
    )));
    tasks.push(tokio::spawn(replica::run(app.clone(), shutdown_rx.clone())));
    tracing::info!(
        proxy = %proxy_addr,
        admin = %admin_addr,
        upstream = %app.upstream.authority(),
        version = %app.engine().version(),
        replica = %app.replica,
        "pubgate serve started"
    );
    Ok(Running {
        proxy_addr,
        admin_addr,
        demo_addr,
        generated_admin_token,
        app,
        shutdown,
        tasks,
        _sqlite_lock: sqlite_lock,
    })
}

/// A listening socket with `SO_REUSEPORT`, so every proxy worker can bind
/// the same address.
fn reuseport_listener(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.set_reuseport(true)?;
    socket.bind(addr)?;
    socket.listen(1024)
}

/// Proxy threads: the configured number, or one per core.
fn proxy_threads(configured: usize) -> usize {
    if configured > 0 {
        configured
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }
}

/// Takes an exclusive lock next to a `sqlite://` store (`PATH.lock`) for as
/// long as this gateway runs. SQLite serves one gateway: at start-up it
/// treats every item left `delivering` as its own orphan, so a second
/// process on the same file would take over the first one's deliveries in
/// flight and could send them twice. Several replicas run on PostgreSQL.
fn lock_sqlite(url: &str) -> Result<Option<std::fs::File>, ServeError> {
    use std::os::fd::AsRawFd;
    let Some(path) = url.strip_prefix("sqlite://") else {
        return Ok(None);
    };
    let path = path.split('?').next().unwrap_or(path);
    if path.is_empty() || path.contains(":memory:") {
        return Ok(None);
    }
    let lock_path = format!("{path}.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(io(format!("cannot open the lock file {lock_path}")))?;
    // SAFETY: flock only reads the descriptor, which `file` keeps open.
    let locked = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if locked != 0 {
        return Err(ServeError::Io {
            what: format!(
                "another `pubgate serve` already uses the SQLite store {path} \
                 (SQLite serves one gateway; run several replicas on PostgreSQL)"
            ),
            source: std::io::Error::last_os_error(),
        });
    }
    Ok(Some(file))
}

/// Creates the folder of a `sqlite://` store (`./data` by default).
fn prepare_sqlite_dir(url: &str) -> Result<(), ServeError> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        let path = path.split('?').next().unwrap_or(path);
        if let Some(dir) = std::path::Path::new(path).parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir).map_err(io(format!("cannot create {}", dir.display())))?;
        }
    }
    Ok(())
}

/// Runs until SIGTERM or SIGINT; SIGHUP reloads policies and dictionaries.
pub async fn run_until_signalled(running: Running) -> Result<(), ServeError> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut hup = signal(SignalKind::hangup()).map_err(io("signal handler"))?;
    let mut term = signal(SignalKind::terminate()).map_err(io("signal handler"))?;
    let mut int = signal(SignalKind::interrupt()).map_err(io("signal handler"))?;
    loop {
        tokio::select! {
            _ = hup.recv() => {
                let app = running.app.clone();
                let _ = crate::review::api::reload_everywhere(&app, "signal").await;
            }
            _ = term.recv() => break,
            _ = int.recv() => break,
        }
    }
    tracing::info!("shutting down: finishing in-flight requests");
    let store = running.app.store.clone();
    running.shutdown().await;
    if let Ok((seq, hash)) = store.audit_head().await {
        tracing::info!(anchor = %format!("{seq}:{hash}"), "audit chain head at stop");
    }
    Ok(())
}
