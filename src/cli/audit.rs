//! `pubgate audit verify`: re-hashes the review store's audit chain;
//! `pubgate purge`: applies the retention period now.

use crate::cli::args::{AuditVerifyArgs, PurgeArgs};
use crate::serve::config::ServeConfig;
use crate::store::Store;

/// The serve config (`--config`, else the defaults) and the URL of an
/// existing store (`--store` wins). Opening a SQLite URL creates the
/// file, and a mistyped path would then "verify" or "purge" an empty store:
/// a missing file is an error.
fn existing_store(
    config: Option<&std::path::Path>,
    store: Option<String>,
) -> anyhow::Result<(ServeConfig, String)> {
    let config = match config {
        Some(path) => ServeConfig::load(path)?,
        None => ServeConfig::default(),
    };
    let url = store.unwrap_or_else(|| config.store.clone());
    if let Some(path) = url.strip_prefix("sqlite://")
        && !std::path::Path::new(path.split('?').next().unwrap_or(path)).exists()
    {
        anyhow::bail!("--store {url}: no store at {path}");
    }
    Ok((config, url))
}

/// Exit code 0 when the chain is intact, 1 when it is broken, 2 on errors.
pub fn verify(args: AuditVerifyArgs) -> anyhow::Result<i32> {
    let (config, url) = existing_store(args.config.as_deref(), args.store)?;
    let key = config.secrets.load().map_err(anyhow::Error::msg)?.audit_key;
    let anchor = match &args.anchor {
        None => None,
        Some(text) => {
            let (seq, hash) = text
                .split_once(':')
                .and_then(|(s, h)| Some((s.parse::<i64>().ok()?, h)))
                .ok_or_else(|| anyhow::anyhow!("--anchor must be SEQ:HASH, e.g. 120:k1:ab12…"))?;
            Some((seq, hash.to_string()))
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let check = runtime.block_on(async {
        let store = Store::open(&url).await?;
        store
            .verify_audit(key.as_ref(), anchor.as_ref().map(|(s, h)| (*s, h.as_str())))
            .await
    })?;
    match check.broken {
        None => {
            println!(
                "audit chain intact: {} entries{}; head {}:{}",
                check.entries,
                if key.is_some() { ", signed" } else { "" },
                check.head.0,
                check.head.1
            );
            Ok(0)
        }
        Some((seq, why)) => {
            println!(
                "audit chain BROKEN at entry {seq}: {why} ({} entries read)",
                check.entries
            );
            Ok(1)
        }
    }
}

/// Purges final items past the retention period (`--days` or the config's
/// `retention_days`); `--days 0` purges every final item now.
pub fn purge(args: PurgeArgs) -> anyhow::Result<i32> {
    let (config, url) = existing_store(args.config.as_deref(), args.store)?;
    // The keys sign the audit entries the purge writes.
    let secrets = config.secrets.load().map_err(anyhow::Error::msg)?;
    if args.days.is_none() && config.retention_days == 0 {
        println!("retention_days = 0 keeps every request: nothing purged (--days N overrides)");
        return Ok(0);
    }
    let days = args.days.unwrap_or(config.retention_days);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let purged = runtime.block_on(async {
        let store = Store::open_with(&url, secrets).await?;
        let before = crate::store::now_ms() - i64::from(days) * 24 * 3600 * 1000;
        store.purge(before).await
    })?;
    println!(
        "purged {} held request(s) final for more than {days} day(s); findings, hashes and the audit trail kept",
        purged.len()
    );
    Ok(0)
}
