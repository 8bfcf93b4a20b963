//! Archives that are not folders: `http(s)://` addresses from a list file,
//! an S3-compatible bucket (`--s3`, through the `object_store` crate), and
//! a PostgreSQL table (`--table`).
//!
//! Listing happens once, up front, so `--shard K/N` splits the same list
//! on every machine; reading happens on the scan threads, each blocking on
//! a small shared tokio runtime. Every read is capped at the scan limit
//! plus one byte, so a huge object is reported over the limit without
//! being downloaded.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use object_store::ObjectStore;
use object_store::aws::AmazonS3Builder;
use object_store::path::Path as ObjectPath;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::{AssertSqlSafe, Row};

use super::walk::Input;
use crate::rescan::RescanError;

/// A PostgreSQL table holding published notices.
#[derive(Debug, Clone)]
pub struct Table {
    /// `postgres://…`.
    pub url: String,
    /// `name` or `schema.name`.
    pub name: String,
    /// Column that identifies a notice (any type; compared as its own type).
    pub key_column: String,
    /// Column with the notice (text or bytea).
    pub content_column: String,
}

/// Reads inputs of every kind; built once per scan.
pub struct Fetcher {
    runtime: tokio::runtime::Runtime,
    http: reqwest::Client,
    buckets: Mutex<HashMap<String, Arc<dyn ObjectStore>>>,
    table: Option<TableReader>,
}

struct TableReader {
    pool: PgPool,
    /// `SELECT content FROM table WHERE key = $1::type`, identifiers quoted.
    select: String,
}

/// Quotes a PostgreSQL identifier (`schema.table` → `"schema"."table"`),
/// refusing anything but letters, digits and underscores, so a flag can
/// never become SQL.
fn quote_ident(name: &str) -> Result<String, RescanError> {
    let parts: Vec<&str> = name.split('.').collect();
    let ok = |p: &str| {
        !p.is_empty()
            && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !p.starts_with(|c: char| c.is_ascii_digit())
    };
    if parts.len() > 2 || !parts.iter().all(|p| ok(p)) {
        return Err(RescanError::Input(format!(
            "`{name}` is not a plain table or column name (letters, digits, `_`, one optional schema)"
        )));
    }
    Ok(parts
        .iter()
        .map(|p| format!("\"{p}\""))
        .collect::<Vec<_>>()
        .join("."))
}

impl Fetcher {
    /// A fetcher with no remote archive open yet.
    pub fn new() -> Result<Fetcher, RescanError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| RescanError::Remote(format!("cannot start the I/O runtime: {e}")))?;
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(120))
            .build()
            .map_err(|e| RescanError::Remote(format!("cannot start the HTTP client: {e}")))?;
        Ok(Fetcher {
            runtime,
            http,
            buckets: Mutex::new(HashMap::new()),
            table: None,
        })
    }

    /// Runs `future` to completion on the fetcher's runtime.
    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// The store for `bucket`, configured from the standard `AWS_*`
    /// variables (`AWS_ENDPOINT` for MinIO, Ceph and other compatible
    /// stores; `AWS_ALLOW_HTTP=true` for a plain-HTTP endpoint).
    fn bucket(&self, bucket: &str) -> Result<Arc<dyn ObjectStore>, RescanError> {
        let mut buckets = self
            .buckets
            .lock()
            .map_err(|_| RescanError::Remote("bucket cache poisoned".into()))?;
        if let Some(store) = buckets.get(bucket) {
            return Ok(store.clone());
        }
        let store = AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .build()
            .map_err(|e| RescanError::Remote(format!("s3://{bucket}: {e}")))?;
        let store: Arc<dyn ObjectStore> = Arc::new(store);
        buckets.insert(bucket.to_string(), store.clone());
        Ok(store)
    }

    /// Lists every object under `s3://bucket/prefix`, sorted by key.
    pub fn list_s3(&self, url: &str) -> Result<Vec<Input>, RescanError> {
        use futures_util::TryStreamExt;
        let rest = url.strip_prefix("s3://").ok_or_else(|| {
            RescanError::Remote(format!(
                "--s3 needs an s3://bucket/prefix address, got `{url}`"
            ))
        })?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(RescanError::Remote(format!("`{url}` names no bucket")));
        }
        let store = self.bucket(bucket)?;
        let prefix = (!prefix.trim_matches('/').is_empty()).then(|| ObjectPath::from(prefix));
        let source: Arc<str> = Arc::from(url);
        let mut objects: Vec<object_store::ObjectMeta> = self
            .runtime
            .block_on(store.list(prefix.as_ref()).try_collect())
            .map_err(|e| RescanError::Remote(format!("listing {url}: {e}")))?;
        objects.sort_by(|a, b| a.location.as_ref().cmp(b.location.as_ref()));
        Ok(objects
            .into_iter()
            .map(|o| Input::Object {
                bucket: bucket.to_string(),
                key: o.location.to_string(),
                size: o.size,
                source: source.clone(),
            })
            .collect())
    }

    /// Opens `table` and lists its keys, sorted.
    pub fn list_table(&mut self, table: &Table) -> Result<Vec<Input>, RescanError> {
        let name = quote_ident(&table.name)?;
        let key = quote_ident(&table.key_column)?;
        let content = quote_ident(&table.content_column)?;
        let pool = self
            .runtime
            .block_on(
                PgPoolOptions::new()
                    .max_connections(4)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect(&table.url),
            )
            .map_err(|e| RescanError::Remote(format!("--table-url: {e}")))?;
        // The key column's own type, so each read is an index lookup
        // (`id = $1::bigint`), not a cast of every row to text.
        let key_type: Option<String> = self
            .runtime
            .block_on(
                sqlx::query_scalar(AssertSqlSafe(format!(
                    "SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a \
                     WHERE a.attrelid = '{}'::regclass AND a.attname = $1 AND NOT a.attisdropped",
                    name.replace('\'', "")
                )))
                .bind(&table.key_column)
                .fetch_optional(&pool),
            )
            .map_err(|e| RescanError::Remote(format!("table {}: {e}", table.name)))?;
        let key_type = key_type.ok_or_else(|| {
            RescanError::Remote(format!(
                "table {} has no column `{}`",
                table.name, table.key_column
            ))
        })?;
        if !key_type
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " _(),".contains(c))
        {
            return Err(RescanError::Remote(format!(
                "key column type `{key_type}` is not supported"
            )));
        }
        let keys: Vec<String> = self
            .runtime
            .block_on(
                sqlx::query_scalar(AssertSqlSafe(format!(
                    "SELECT {key}::text FROM {name} ORDER BY {key}"
                )))
                .fetch_all(&pool),
            )
            .map_err(|e| RescanError::Remote(format!("listing table {}: {e}", table.name)))?;
        let source: Arc<str> = Arc::from(format!("pg:{}", table.name).as_str());
        self.table = Some(TableReader {
            pool,
            select: format!("SELECT {content} FROM {name} WHERE {key} = $1::{key_type}"),
        });
        Ok(keys
            .into_iter()
            .map(|key| Input::Row {
                key,
                source: source.clone(),
            })
            .collect())
    }

    /// Reads at most `cap` bytes of a remote input.
    pub fn read(&self, input: &Input, cap: u64) -> Result<Vec<u8>, RescanError> {
        match input {
            Input::Url { url, .. } => self.runtime.block_on(self.read_url(url, cap)),
            Input::Object {
                bucket, key, size, ..
            } => {
                if *size == 0 {
                    return Ok(Vec::new());
                }
                let store = self.bucket(bucket)?;
                let path = ObjectPath::from(key.as_str());
                self.runtime.block_on(async {
                    let options =
                        object_store::GetOptions::new().with_range(Some(0..cap.min(*size)));
                    let got = store
                        .get_opts(&path, options)
                        .await
                        .map_err(|e| RescanError::Remote(e.to_string()))?;
                    got.bytes()
                        .await
                        .map(|b| b.to_vec())
                        .map_err(|e| RescanError::Remote(e.to_string()))
                })
            }
            Input::Row { key, .. } => {
                let reader = self
                    .table
                    .as_ref()
                    .ok_or_else(|| RescanError::Remote("table not opened".into()))?;
                let row = self
                    .runtime
                    .block_on(
                        sqlx::query(AssertSqlSafe(reader.select.clone()))
                            .bind(key)
                            .fetch_optional(&reader.pool),
                    )
                    .map_err(|e| RescanError::Remote(e.to_string()))?
                    .ok_or_else(|| RescanError::Remote("row no longer exists".into()))?;
                let mut bytes = match row.try_get::<Option<Vec<u8>>, _>(0) {
                    Ok(b) => b.unwrap_or_default(),
                    Err(_) => row
                        .try_get::<Option<String>, _>(0)
                        .map_err(|e| {
                            RescanError::Remote(format!(
                                "content column is neither text nor bytea: {e}"
                            ))
                        })?
                        .unwrap_or_default()
                        .into_bytes(),
                };
                bytes.truncate(cap as usize);
                Ok(bytes)
            }
            Input::Stdin | Input::File { .. } => {
                Err(RescanError::Remote("not a remote input".into()))
            }
        }
    }

    async fn read_url(&self, url: &str, cap: u64) -> Result<Vec<u8>, RescanError> {
        let mut response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| RescanError::Remote(format!("cannot fetch: {}", e.without_url())))?;
        let status = response.status();
        if !status.is_success() {
            return Err(RescanError::Remote(format!("the server answered {status}")));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| RescanError::Remote(format!("reading: {}", e.without_url())))?
        {
            let room = (cap as usize).saturating_sub(body.len());
            body.extend_from_slice(&chunk[..chunk.len().min(room)]);
            if body.len() as u64 >= cap {
                break;
            }
        }
        Ok(body)
    }
}

#[cfg(test)]
mod tests {
    use super::quote_ident;

    #[test]
    fn identifiers_are_quoted_or_refused() {
        assert_eq!(quote_ident("notices").unwrap(), "\"notices\"");
        assert_eq!(quote_ident("cms.notices").unwrap(), "\"cms\".\"notices\"");
        for bad in ["", "a.b.c", "x; DROP TABLE y", "n\"x", "1abc", "a..b", "名"] {
            assert!(quote_ident(bad).is_err(), "{bad}");
        }
    }
}
