//! `pubgate serve`: the composition root. It reads the config file, opens
//! the store, builds the engine, and hands each component its own state —
//! [`GatewayState`] to the proxy workers, [`ReviewState`] to the admin
//! listener and the delivery worker, [`Cluster`] to the reload API and the
//! heartbeat — sharing the store, the live engine, the metrics and the
//! notifier between them. It is the only module that knows them all. It
//! also handles signals (SIGHUP reloads, SIGTERM/SIGINT shut down
//! gracefully).

pub mod config;
pub mod demo;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::AtomicI64;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinHandle;

use crate::cluster::{Cluster, Reloader, replica};
use crate::engine::LiveEngine;
use crate::extract::Extractors;
use crate::gateway::decisions::DecisionLog;
use crate::gateway::state::{GatewaySettings, GatewayState};
use crate::metrics::Metrics;
use crate::review::auth::{Accounts, new_token};
use crate::review::delivery;
use crate::review::limit::{AdminRate, RateLimiter};
use crate::review::state::{ReviewSettings, ReviewState};
use crate::review::webhook::Notifier;
use crate::serve::config::{HostHeader, ServeConfig};
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
    // Fields named `error`, not `source`: the message already says it, and
    // `{:#}` would print a source a second time.
    #[error("--store `{url}`: {error}")]
    Store {
        /// The store URL, password removed.
        url: String,
        /// What failed.
        error: crate::store::StoreError,
    },
    /// A listener or folder could not be set up.
    #[error("{what}: {error}")]
    Io {
        /// What was being done.
        what: String,
        /// The OS error.
        error: std::io::Error,
    },
    /// An address this process must own is already bound by another
    /// process (another `pubgate serve`, or anything else).
    #[error(
        "{flag} {addr}: the address is already in use (another pubgate serve, or another \
         program, listens there); stop it or choose another address with {flag}"
    )]
    AddressInUse {
        /// The flag (and config key) that set the address.
        flag: &'static str,
        /// The address.
        addr: SocketAddr,
    },
    /// No upstream and no `demo = true`.
    #[error(
        "no upstream: set `upstream = \"http://HOST:PORT\"` in the config file or pass \
         --upstream; `demo = true` starts the demo publishing site instead"
    )]
    NoUpstream,
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
    move |error| ServeError::Io { what, error }
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
    /// The store the gateway and the review office share.
    pub store: Store,
    /// The gateway's state.
    pub gateway: Arc<GatewayState>,
    /// The review office's state.
    pub review: Arc<ReviewState>,
    /// This replica in the cluster (reloads).
    pub cluster: Arc<Cluster>,
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
    // Before anything is opened or locked: a taken address stops the start.
    refuse_if_bound("--listen", config.listen)?;
    refuse_if_bound("--admin-listen", config.admin_listen)?;
    let (shutdown, shutdown_rx) = watch::channel(false);
    let demo_addr = start_demo_without_upstream(&mut config, &shutdown_rx).await?;
    // The operator files first: a file that does not load stops the start
    // before the store is created or locked.
    let live = Arc::new(LiveEngine::new(crate::cluster::reload::build_engine(
        config.dictionaries.as_ref(),
        config.policy.as_ref(),
        extractors.clone(),
    )?));
    let (store, sqlite_lock) = open_store(&config).await?;
    let (accounts, generated_admin_token) = accounts(&config);
    let shared = shared(&config, live, store, accounts)?;
    let (proxy_listener, admin_listener) = bind(&config).await?;
    let proxy_addr = proxy_listener.local_addr().map_err(io("proxy address"))?;
    let admin_addr = admin_listener.local_addr().map_err(io("admin address"))?;

    let gateway = gateway_state(&config, &shared)?;
    let review = review_state(&config, &shared);
    let cluster = cluster(&config, &shared, extractors).await?;
    let workers = proxy_threads(config.proxy_threads);
    let mut tasks = start_proxy_workers(
        &gateway,
        proxy_listener,
        workers,
        // Each worker caps its own connections: a worker waiting for a free
        // slot must not hold one that another worker's queued client needs.
        config.limits.max_connections.div_ceil(workers).max(1),
        &shutdown_rx,
    )?;
    let admin = admin_router(&config, &shared, &review, &cluster);
    tasks.push(serve_admin(admin_listener, admin, shutdown_rx.clone()));
    tasks.push(tokio::spawn(delivery::run(
        review.clone(),
        shutdown_rx.clone(),
    )));
    tasks.push(tokio::spawn(crate::review::retention::run(
        shared.store.clone(),
        shared.metrics.clone(),
        config.retention_days,
        shutdown_rx.clone(),
    )));
    tasks.push(tokio::spawn(replica::run(
        cluster.clone(),
        shutdown_rx.clone(),
    )));
    tracing::info!(
        proxy = %proxy_addr,
        admin = %admin_addr,
        upstream = %shared.upstream.authority(),
        version = %shared.live.current().version(),
        replica = %shared.replica,
        "pubgate serve started"
    );
    Ok(Running {
        proxy_addr,
        admin_addr,
        demo_addr,
        generated_admin_token,
        store: shared.store,
        gateway,
        review,
        cluster,
        shutdown,
        tasks,
        _sqlite_lock: sqlite_lock,
    })
}

/// The proxy's socket (the first of the workers' `SO_REUSEPORT` sockets)
/// and the admin listener's.
async fn bind(config: &ServeConfig) -> Result<(TcpListener, TcpListener), ServeError> {
    let proxy = reuseport_listener(config.listen)
        .map_err(io(format!("cannot listen on {}", config.listen)))?;
    let admin = TcpListener::bind(config.admin_listen)
        .await
        .map_err(io(format!("cannot listen on {}", config.admin_listen)))?;
    Ok((proxy, admin))
}

/// What the gateway, the review office and the cluster share.
struct Shared {
    live: Arc<LiveEngine>,
    store: Store,
    upstream: Upstream,
    metrics: Arc<Metrics>,
    accounts: Arc<Accounts>,
    notifier: Arc<Notifier>,
    replica: String,
}

/// The metrics, the upstream client and the notifier, with the engine and
/// the store: what the three components share.
fn shared(
    config: &ServeConfig,
    live: Arc<LiveEngine>,
    store: Store,
    accounts: Arc<Accounts>,
) -> Result<Shared, ServeError> {
    let metrics = Arc::new(Metrics::new()?);
    let replica = replica::replica_name(config.cluster.replica.as_deref());
    let version = live.current().version().to_string();
    metrics
        .engine_info
        .with_label_values(&[&version, &replica])
        .set(1);
    Ok(Shared {
        upstream: Upstream::new(
            config.upstream.as_deref().unwrap_or_default(),
            config.host == HostHeader::Upstream,
            Duration::from_secs(config.limits.connect_timeout_secs),
            Duration::from_secs(config.limits.upstream_timeout_secs),
        )?,
        notifier: Arc::new(Notifier::new(
            config.webhook.as_deref(),
            metrics.webhook_failures.clone(),
        )),
        live,
        store,
        metrics,
        accounts,
        replica,
    })
}

/// The proxy workers' state.
fn gateway_state(config: &ServeConfig, shared: &Shared) -> Result<Arc<GatewayState>, ServeError> {
    let limits = &config.limits;
    let egress = crate::gateway::egress::Egress::new(
        &config.egress,
        config.egress_page.as_deref(),
        Duration::from_secs(config.egress_recheck_secs),
    )
    .map_err(ServeError::Egress)?;
    Ok(Arc::new(GatewayState {
        settings: GatewaySettings {
            intake: limits.intake(),
            header_read_timeout: Duration::from_secs(limits.header_read_timeout_secs),
            body_read_timeout: Duration::from_secs(limits.body_read_timeout_secs),
            scan_timeout: Duration::from_secs(limits.scan_timeout_secs),
            shutdown_grace: Duration::from_secs(limits.shutdown_grace_secs),
            monitor: config.monitor,
            submitter_header: config.submitter_header.clone(),
            status_prefix: config.status_prefix.clone(),
        },
        engine: shared.live.clone(),
        routes: crate::gateway::routes::Routes::new(&config.inspect),
        publish: crate::gateway::publish::PublishRules::new(&config.publish),
        egress,
        store: shared.store.clone(),
        upstream: shared.upstream.clone(),
        metrics: shared.metrics.clone(),
        scan_permits: Semaphore::new(limits.max_concurrent_scans.max(1)),
        replica: shared.replica.clone(),
        notifier: shared.notifier.clone(),
        decisions: DecisionLog::start(shared.store.clone()),
    }))
}

/// The review office's state (admin listener and delivery worker).
fn review_state(config: &ServeConfig, shared: &Shared) -> Arc<ReviewState> {
    Arc::new(ReviewState {
        settings: ReviewSettings {
            intake: config.limits.intake(),
            delivery: config.delivery.clone(),
            upstream_idempotent: config.upstream_idempotent,
            cookie_secure: config.cookie_secure,
        },
        engine: shared.live.clone(),
        store: shared.store.clone(),
        upstream: shared.upstream.clone(),
        metrics: shared.metrics.clone(),
        accounts: shared.accounts.clone(),
        delivery_wake: tokio::sync::Notify::new(),
        notifier: shared.notifier.clone(),
        replica: shared.replica.clone(),
    })
}

/// This replica in the cluster. Reloads asked before it started are
/// already in the files it just read.
async fn cluster(
    config: &ServeConfig,
    shared: &Shared,
    extractors: Option<Extractors>,
) -> Result<Arc<Cluster>, ServeError> {
    let reload_seen = shared
        .store
        .reload_generation()
        .await
        .map_err(store_error(&config.store))?;
    Ok(Arc::new(Cluster {
        store: shared.store.clone(),
        replica: shared.replica.clone(),
        started_at: crate::store::now_ms(),
        heartbeat_ms: config.cluster.heartbeat_ms,
        reload_seen: AtomicI64::new(reload_seen),
        reloader: Reloader {
            dictionaries: config.dictionaries.clone(),
            policy: config.policy.clone(),
            extractors,
            live: shared.live.clone(),
            metrics: shared.metrics.clone(),
            replica: shared.replica.clone(),
        },
        accounts: shared.accounts.clone(),
    }))
}

/// The admin listener: the review office's pages and the cluster's API,
/// behind the per-client rate limit.
fn admin_router(
    config: &ServeConfig,
    shared: &Shared,
    review: &Arc<ReviewState>,
    cluster: &Arc<Cluster>,
) -> axum::Router {
    let rate = Arc::new(AdminRate {
        limiter: RateLimiter::new(
            config.limits.admin_rate_per_sec,
            config.limits.admin_rate_burst,
        ),
        refused: shared.metrics.admin_rate_limited.clone(),
    });
    crate::review::router(review.clone())
        .merge(crate::cluster::router(cluster.clone()))
        .layer(axum::middleware::from_fn_with_state(
            rate,
            crate::review::limit::limit,
        ))
}

/// With no upstream configured and `demo` on, starts the demo publishing
/// site and points the upstream at it; with neither, refuses to start (a
/// forgotten `upstream` must not quietly publish to a toy site).
async fn start_demo_without_upstream(
    config: &mut ServeConfig,
    shutdown: &watch::Receiver<bool>,
) -> Result<Option<SocketAddr>, ServeError> {
    if config.upstream.is_some() {
        return Ok(None);
    }
    if !config.demo {
        return Err(ServeError::NoUpstream);
    }
    refuse_if_bound("--demo-listen", config.demo_listen)?;
    let addr = demo::start(config.demo_listen, shutdown.clone())
        .await
        .map_err(io(format!(
            "cannot start the demo publishing site on {}",
            config.demo_listen
        )))?;
    config.upstream = Some(format!("http://{addr}"));
    Ok(Some(addr))
}

fn store_error(url: &str) -> impl FnOnce(crate::store::StoreError) -> ServeError {
    let url = crate::store::redact_url(url);
    move |error| ServeError::Store { url, error }
}

/// Opens (and migrates) the store with its keys, takes the SQLite lock,
/// and moves deliveries a previous run left in flight.
async fn open_store(config: &ServeConfig) -> Result<(Store, Option<std::fs::File>), ServeError> {
    prepare_sqlite_dir(&config.store)?;
    let sqlite_lock = lock_sqlite(&config.store)?;
    let secrets = config.secrets.load().map_err(ServeError::Secrets)?;
    let encrypted = secrets.keyring.is_some();
    let signed = secrets.audit_key.is_some();
    let store = Store::open_with(&config.store, secrets)
        .await
        .map_err(store_error(&config.store))?;
    // Alone on SQLite, every `delivering` item is an orphan of this
    // process's last run. On PostgreSQL another replica may be delivering
    // right now: only items whose lease expired are taken.
    let sole_writer = store.backend() == crate::store::Backend::Sqlite;
    let moved = store
        .recover_orphans(sole_writer, config.upstream_idempotent)
        .await
        .map_err(store_error(&config.store))?;
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
    Ok((store, sqlite_lock))
}

/// The configured accounts; with none, one admin whose token comes from
/// `PUBGATE_ADMIN_TOKEN` or is generated now (returned, to be shown once).
fn accounts(config: &ServeConfig) -> (Arc<Accounts>, Option<String>) {
    let mut generated = None;
    let bootstrap = if config.accounts.is_empty() {
        match std::env::var("PUBGATE_ADMIN_TOKEN") {
            Ok(t) if !t.trim().is_empty() => Some(t),
            _ => {
                let t = new_token();
                generated = Some(t.clone());
                Some(t)
            }
        }
    } else {
        None
    };
    let accounts = Accounts::new(&config.accounts, bootstrap.as_deref());
    (Arc::new(accounts), generated)
}

/// One proxy worker per thread, each on its own single-threaded runtime
/// and its own socket on the same port (SO_REUSEPORT: the kernel spreads
/// new connections evenly across the workers).
fn start_proxy_workers(
    gateway: &Arc<GatewayState>,
    first: TcpListener,
    workers: usize,
    connections_each: usize,
    shutdown: &watch::Receiver<bool>,
) -> Result<Vec<JoinHandle<()>>, ServeError> {
    let addr = first.local_addr().map_err(io("proxy address"))?;
    let mut first = Some(first.into_std().map_err(io("proxy listener"))?);
    let mut tasks = Vec::new();
    for worker in 0..workers {
        let socket = match first.take() {
            Some(s) => s,
            None => reuseport_listener(addr)
                .and_then(|l| l.into_std())
                .map_err(io(format!("cannot listen on {addr}")))?,
        };
        let (gateway, shutdown) = (gateway.clone(), shutdown.clone());
        let connections = Arc::new(Semaphore::new(connections_each));
        // A long-lived thread from the blocking pool, with a runtime of its own.
        tasks.push(tokio::task::spawn_blocking(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            match runtime {
                Ok(runtime) => runtime.block_on(async move {
                    match TcpListener::from_std(socket) {
                        Ok(listener) => {
                            crate::gateway::serve(listener, gateway, connections, shutdown).await
                        }
                        Err(e) => tracing::error!(worker, error = %e, "proxy worker cannot listen"),
                    }
                }),
                Err(e) => tracing::error!(worker, error = %e, "proxy worker cannot start"),
            }
        }));
    }
    Ok(tasks)
}

/// Serves the admin listener until shutdown.
fn serve_admin(
    listener: TcpListener,
    router: axum::Router,
    mut shutdown: watch::Receiver<bool>,
) -> JoinHandle<()> {
    let service = router.into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move {
        let served = axum::serve(listener, service)
            .with_graceful_shutdown(async move {
                let _ = shutdown.changed().await;
            })
            .await;
        if let Err(e) = served {
            tracing::error!(error = %e, "admin listener stopped");
        }
    })
}

/// Fails when someone already listens on `addr`. The proxy's own sockets
/// use `SO_REUSEPORT`, which would let a second `pubgate serve` share the
/// port with the first (and split the held items between two queues), so
/// a plain socket (`SO_REUSEADDR` only, which still tolerates a previous
/// run's `TIME_WAIT` connections) tries the address first.
fn refuse_if_bound(flag: &'static str, addr: SocketAddr) -> Result<(), ServeError> {
    if addr.port() == 0 {
        return Ok(());
    }
    let probe = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()
    } else {
        tokio::net::TcpSocket::new_v6()
    }
    .and_then(|s| s.set_reuseaddr(true).map(|()| s))
    .map_err(io(format!("cannot open a socket for {flag} {addr}")))?;
    match probe.bind(addr) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
            Err(ServeError::AddressInUse { flag, addr })
        }
        Err(e) => Err(io(format!("{flag} {addr}"))(e)),
    }
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
            error: std::io::Error::last_os_error(),
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
                let _ = crate::cluster::reload::everywhere(&running.cluster, "signal").await;
            }
            _ = term.recv() => break,
            _ = int.recv() => break,
        }
    }
    tracing::info!("shutting down: finishing in-flight requests");
    let store = running.store.clone();
    running.shutdown().await;
    if let Ok((seq, hash)) = store.audit_head().await {
        tracing::info!(anchor = %format!("{seq}:{hash}"), "audit chain head at stop");
    }
    Ok(())
}
