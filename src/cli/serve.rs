//! `pubgate serve` and `pubgate token`.

use crate::cli::args::ServeArgs;
use crate::review::auth::{hash_token, new_token};
use crate::serve::config::ServeConfig;

/// Runs the gateway until a signal stops it.
pub fn run(args: ServeArgs) -> anyhow::Result<i32> {
    let mut config = match &args.config {
        Some(path) => ServeConfig::load(path)?,
        // No file: a first run on the embedded defaults, against the demo
        // publishing site unless --upstream names the real one.
        None => ServeConfig {
            demo: args.upstream.is_none(),
            ..ServeConfig::default()
        },
    };
    if let Some(v) = args.listen {
        config.listen = v;
    }
    if let Some(v) = args.admin_listen {
        config.admin_listen = v;
    }
    if let Some(v) = args.upstream {
        config.upstream = Some(v);
    }
    if let Some(v) = args.demo_listen {
        config.demo_listen = v;
    }
    // The store URL can carry a password: a container takes it from a
    // secret through `PUBGATE_STORE`, so it is in neither the config file
    // nor the process list. The flag still wins.
    if let Some(v) = args.store.or_else(|| {
        std::env::var("PUBGATE_STORE")
            .ok()
            .filter(|s| !s.trim().is_empty())
    }) {
        config.store = v;
    }
    if let Some(v) = args.files.dictionaries {
        config.dictionaries = Some(v);
    }
    if let Some(v) = args.files.policy {
        config.policy = Some(v);
    }
    config.monitor |= args.monitor;
    config.validate("command line")?;
    // Logs go to stderr; `PUBGATE_LOG` filters (default `info`),
    // `PUBGATE_LOG_FORMAT=json` makes one JSON object per line for a log
    // shipper. Log fields carry rule ids and counts, never document values.
    let filter = tracing_subscriber::EnvFilter::try_from_env("PUBGATE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Colour codes only for a person at a terminal: a log file, journald
    // or a container's log collector gets plain text (and NO_COLOR is
    // honoured).
    let colour = std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("NO_COLOR").is_none();
    let logs = tracing_subscriber::fmt()
        .with_ansi(colour)
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if std::env::var("PUBGATE_LOG_FORMAT").is_ok_and(|f| f == "json") {
        logs.json().init();
    } else {
        logs.init();
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let running = crate::serve::start(config, None).await?;
        eprintln!("pubgate: proxy on http://{}", running.proxy_addr);
        eprintln!("pubgate: review UI on http://{}/ui", running.admin_addr);
        if let Some(demo) = running.demo_addr {
            eprintln!("pubgate: no --upstream given; demo publishing site (DEMO) on http://{demo}/");
        }
        if let Some(token) = &running.generated_admin_token {
            // Shown once, on the terminal, never in the logs.
            eprintln!("pubgate: no accounts configured; admin token for this run (account `admin`): {token}");
        }
        crate::serve::run_until_signalled(running).await
    })?;
    Ok(0)
}

/// Prints a new token and its hash.
pub fn token() -> anyhow::Result<i32> {
    let token = new_token();
    println!("token:        {token}");
    println!("token_sha256: {}", hex::encode(hash_token(&token)));
    println!("Give the token to the reviewer; put token_sha256 in the [[accounts]] entry.");
    Ok(0)
}

/// Prints a new random key for `[secrets]`.
pub fn key() -> anyhow::Result<i32> {
    println!("{}", crate::store::new_key()?);
    Ok(0)
}
