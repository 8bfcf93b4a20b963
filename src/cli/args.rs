//! clap argument types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// pubgate: check government procurement announcements before they are
/// published — secrets, personal data, procurement secrets, missing fields,
/// inconsistent figures.
#[derive(Debug, Parser)]
#[command(name = "pubgate", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files and directories (batch rescan of an archive).
    Scan(ScanArgs),
    /// Validate dictionaries and policies without scanning.
    Check(ConfigArgs),
    /// Mine an archive for the labels its notices use: per announcement
    /// type, which labels pubgate maps to a field, which it does not, and
    /// proposed additions to `dictionaries/announcements.toml`.
    Labels(LabelsArgs),
    /// Run the inline gateway and the review queue.
    Serve(ServeArgs),
    /// Make a reviewer token and the hash to put in the config.
    Token,
    /// Make a random 32-byte key (store encryption, audit signing).
    Key,
    /// Check the review store's audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Delete the request bodies and headers of final items older than the
    /// retention period now (`serve` does it hourly).
    Purge(PurgeArgs),
    /// Internal: extract one PDF from stdin in an isolated process.
    #[command(hide = true)]
    ExtractWorker(WorkerArgs),
}

/// Where operator files come from.
#[derive(Debug, Clone, Args)]
pub struct ConfigArgs {
    /// Dictionary folder (`*.txt` lists, `announcements.toml`); default: the shipped dictionaries.
    #[arg(long, value_name = "DIR")]
    pub dictionaries: Option<PathBuf>,
    /// Policy file; default: the shipped `policies/default.toml`.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
}

impl ConfigArgs {
    /// The engine built from these operator files.
    pub fn engine(&self) -> anyhow::Result<crate::engine::Engine> {
        use anyhow::Context;
        let sources = crate::operator_files::Sources::load(
            self.dictionaries.as_deref(),
            self.policy.as_deref(),
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        crate::engine::Engine::build(&sources)
            .map_err(|e| anyhow::anyhow!("{e}"))
            .context("invalid dictionaries or policy")
    }
}

/// `pubgate labels`.
#[derive(Debug, Args)]
pub struct LabelsArgs {
    /// Files or directories of published notices.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<String>,
    /// Show labels used by at least N documents of a type (and propose
    /// only labels that many documents use).
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub min_docs: usize,
    /// At most this many labels per type in text output.
    #[arg(long, value_name = "N", default_value_t = 40)]
    pub top: usize,
    /// Output format: text, or one JSON document.
    #[arg(long, value_enum, default_value = "text")]
    pub format: LabelsFormat,
    /// Operator files.
    #[command(flatten)]
    pub config: ConfigArgs,
}

/// `pubgate labels` output formats.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LabelsFormat {
    /// A report to read.
    Text,
    /// One JSON document.
    Json,
}

/// Output formats.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// Human-readable (coloured on a terminal).
    Text,
    /// One JSON object per document.
    Jsonl,
    /// SARIF 2.1.0.
    Sarif,
    /// One row per finding.
    Csv,
}

/// When to colour text output.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ColorArg {
    /// On a terminal only.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// `pubgate scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to scan (`-` reads standard input).
    #[arg(value_name = "PATH", required_unless_present_any = ["list", "s3", "table"])]
    pub paths: Vec<String>,
    /// Scan the documents listed in FILE: one local path or http(s)://
    /// address per line (`#` starts a comment).
    #[arg(long, value_name = "FILE")]
    pub list: Vec<PathBuf>,
    /// Scan every object under s3://BUCKET/PREFIX. Credentials, region and
    /// endpoint come from the standard AWS_* variables (AWS_ENDPOINT for
    /// MinIO or another S3-compatible store, AWS_ALLOW_HTTP=true for http).
    #[arg(long, value_name = "URL")]
    pub s3: Vec<String>,
    /// Scan the rows of this PostgreSQL table (`name` or `schema.name`).
    #[arg(long, value_name = "TABLE", requires = "table_url")]
    pub table: Option<String>,
    /// The database of `--table` (postgres://…).
    #[arg(long, value_name = "URL")]
    pub table_url: Option<String>,
    /// `--table`: the column that identifies a notice.
    #[arg(long, value_name = "COLUMN", default_value = "id")]
    pub key_column: String,
    /// `--table`: the column with the notice (text or bytea).
    #[arg(long, value_name = "COLUMN", default_value = "content")]
    pub content_column: String,
    /// Record results in the review store (sqlite://… or postgres://…):
    /// documents with findings become takedown candidates in the review
    /// UI, and documents whose content and policy version did not change
    /// since their last recorded scan are skipped.
    #[arg(long, value_name = "URL")]
    pub store: Option<String>,
    /// With `--store`: scan every document, changed or not.
    #[arg(long, requires = "store")]
    pub full: bool,
    /// Exit 0 even when documents were flagged (a scheduled rescan whose
    /// results go to `--store`: findings are its output, not a failure).
    /// Errors still exit 2.
    #[arg(long)]
    pub exit_zero: bool,
    /// The inputs are not all procurement announcements (attachments,
    /// news): a document of no recognisable announcement type is not
    /// flagged for it (`fields.unknown_type`); leaks still are.
    #[arg(long)]
    pub any_content: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: FormatArg,
    /// Write results here instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Operator files.
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Worker threads (default: every core).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// Scan only shard K of N (1-based); with no flag, `JOB_COMPLETION_INDEX`
    /// (0-based, Kubernetes Indexed Job) and `--shard-count` are used if set.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Shard count for `JOB_COMPLETION_INDEX`.
    #[arg(long, value_name = "N")]
    pub shard_count: Option<u64>,
    /// Leave out findings recorded in this baseline.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record every finding of this scan as accepted, into FILE.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Never show a progress bar.
    #[arg(long)]
    pub no_progress: bool,
    /// Colour.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorArg,
}

/// `pubgate extract-worker`.
#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// Most pages to extract.
    #[arg(long, default_value_t = 500)]
    pub max_pages: usize,
}

/// `pubgate audit …`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Re-hash the whole audit chain; exit 1 and name the first bad entry
    /// if anything was altered, deleted, inserted, reordered or truncated.
    Verify(AuditVerifyArgs),
}

/// `pubgate audit verify`.
#[derive(Debug, Args)]
pub struct AuditVerifyArgs {
    /// The serve config file: its store URL and audit key file are used.
    #[arg(long, short, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Store URL (overrides the config).
    #[arg(long, value_name = "URL")]
    pub store: Option<String>,
    /// An anchor recorded earlier (`SEQ:HASH`, as the gateway logs it at
    /// start and stop, or as a previous verify printed): the chain must still
    /// contain that entry unchanged. This catches a truncation that also
    /// rewound the head.
    #[arg(long, value_name = "SEQ:HASH")]
    pub anchor: Option<String>,
}

/// `pubgate purge`.
#[derive(Debug, Args)]
pub struct PurgeArgs {
    /// The serve config file: its store URL, keys and `retention_days`.
    #[arg(long, short, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Store URL (overrides the config).
    #[arg(long, value_name = "URL")]
    pub store: Option<String>,
    /// Days to keep (overrides `retention_days`; 0 purges every final item).
    #[arg(long, value_name = "N")]
    pub days: Option<u32>,
}

/// `pubgate serve`. Flags override the config file.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Config file (TOML); default: built-in settings.
    #[arg(long, short, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Proxy address (default 127.0.0.1:8080).
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<std::net::SocketAddr>,
    /// Admin address for the review API, UI and metrics (default 127.0.0.1:9090).
    #[arg(long, value_name = "ADDR")]
    pub admin_listen: Option<std::net::SocketAddr>,
    /// The publishing platform (http://HOST:PORT); none starts a demo site.
    #[arg(long, value_name = "URL")]
    pub upstream: Option<String>,
    /// Where the demo publishing site listens when there is no upstream (default 127.0.0.1:8081).
    #[arg(long, value_name = "ADDR")]
    pub demo_listen: Option<std::net::SocketAddr>,
    /// `sqlite://PATH` (default ./data/pubgate.db) or `postgres://…`.
    #[arg(long, value_name = "URL")]
    pub store: Option<String>,
    /// Operator files.
    #[command(flatten)]
    pub files: ConfigArgs,
    /// Scan and record every decision but forward everything.
    #[arg(long)]
    pub monitor: bool,
}
