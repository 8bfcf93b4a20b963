//! The serde schema of `policies/*.toml`, and its compilation into a
//! [`Policy`]. Unknown keys are errors (`deny_unknown_fields`) and every
//! error points at `file:line`.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::{Allow, Conditions, Policy, Rule};
use crate::model::{Action, Category, Confidence, FileError, FileErrors};

/// A policy file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyFile {
    /// Format version; must be 1.
    pub version: u32,
    /// Per-category default action and queue.
    pub categories: BTreeMap<Spanned<String>, CategoryEntry>,
    /// Ordered override rules.
    #[serde(default)]
    pub rules: Vec<RuleEntry>,
    /// Allowlist entries.
    #[serde(default)]
    pub allow: Vec<AllowEntry>,
    /// Each queue's name as reviewers read it (`privacy = "个人信息"`).
    #[serde(default)]
    pub queues: BTreeMap<String, String>,
}

/// `[categories.<name>]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryEntry {
    /// pass | redact | hold | block.
    pub action: Spanned<String>,
    /// Review queue for holds and blocks.
    pub queue: String,
}

/// Conditions shared by rules and allow entries (written inline in both:
/// serde's `flatten` would lose the spans needed for `file:line` errors).
#[derive(Debug, Default)]
pub struct When {
    /// Rule id or `prefix.*`.
    pub rule: Option<Spanned<String>>,
    /// Category.
    pub category: Option<Spanned<String>>,
    /// One confidence or a list.
    pub confidence: Vec<Spanned<String>>,
    /// Announcement type ids.
    pub doc_types: Vec<Spanned<String>>,
    /// Field id.
    pub field: Option<String>,
}

macro_rules! condition_fields {
    ($(#[$m:meta])* pub struct $name:ident { $($body:tt)* }) => {
        $(#[$m])*
        pub struct $name {
            /// Rule id or `prefix.*`.
            pub rule: Option<Spanned<String>>,
            /// Category.
            pub category: Option<Spanned<String>>,
            /// Confidences.
            #[serde(default)]
            pub confidence: Vec<Spanned<String>>,
            /// Announcement type ids.
            #[serde(default)]
            pub doc_types: Vec<Spanned<String>>,
            /// Field id.
            pub field: Option<String>,
            $($body)*
        }
        impl $name {
            fn when(&self) -> When {
                When {
                    rule: self.rule.clone(),
                    category: self.category.clone(),
                    confidence: self.confidence.clone(),
                    doc_types: self.doc_types.clone(),
                    field: self.field.clone(),
                }
            }
        }
    };
}

condition_fields! {
/// `[[rules]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleEntry {
    /// The action.
    pub action: Spanned<String>,
    /// The queue.
    pub queue: Option<String>,
    /// Why (documentation only).
    pub reason: Option<String>,
}
}

condition_fields! {
/// `[[allow]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowEntry {
    /// Exact values.
    #[serde(default)]
    pub values: Vec<String>,
    /// Regex patterns.
    #[serde(default)]
    pub patterns: Vec<Spanned<String>>,
    /// Why (documentation only).
    pub reason: Option<String>,
}
}

/// Parses and compiles a policy file. `source` names it in errors;
/// `doc_types` are the known announcement type ids.
pub fn parse(source: &str, text: &str, doc_types: &[&str]) -> Result<Policy, FileErrors> {
    let raw: PolicyFile = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(0, |s| FileError::line_of(text, s.start));
        FileErrors(vec![FileError::new(source, line, e.message().to_string())])
    })?;
    let mut errors = Vec::new();
    let line = |span: std::ops::Range<usize>| FileError::line_of(text, span.start);
    if raw.version != 1 {
        errors.push(FileError::new(
            source,
            0,
            format!("unsupported version {} (expected 1)", raw.version),
        ));
    }
    let action = |s: &Spanned<String>, errors: &mut Vec<FileError>| -> Action {
        Action::parse(s.get_ref()).unwrap_or_else(|| {
            errors.push(FileError::new(
                source,
                line(s.span()),
                format!(
                    "unknown action \"{}\" (pass, redact, hold, block)",
                    s.get_ref()
                ),
            ));
            Action::Hold
        })
    };
    let mut categories = BTreeMap::new();
    for (name, entry) in &raw.categories {
        match Category::parse(name.get_ref()) {
            Some(c) => {
                let a = action(&entry.action, &mut errors);
                categories.insert(c, (a, entry.queue.clone()));
            }
            None => errors.push(FileError::new(
                source,
                line(name.span()),
                format!("unknown category \"{}\"", name.get_ref()),
            )),
        }
    }
    for c in Category::ALL {
        if !categories.contains_key(&c) {
            errors.push(FileError::new(
                source,
                0,
                format!(
                    "no [categories.{}] entry: every category needs an action",
                    c.as_str()
                ),
            ));
        }
    }
    let conditions = |w: &When, errors: &mut Vec<FileError>| -> Conditions {
        let mut c = Conditions {
            rule: w.rule.as_ref().map(|r| r.get_ref().clone()),
            field: w.field.clone(),
            ..Conditions::default()
        };
        if let Some(cat) = &w.category {
            match Category::parse(cat.get_ref()) {
                Some(x) => c.category = Some(x),
                None => errors.push(FileError::new(
                    source,
                    line(cat.span()),
                    format!("unknown category \"{}\"", cat.get_ref()),
                )),
            }
        }
        for conf in &w.confidence {
            match conf.get_ref().as_str() {
                "low" => c.confidence.push(Confidence::Low),
                "medium" => c.confidence.push(Confidence::Medium),
                "high" => c.confidence.push(Confidence::High),
                other => errors.push(FileError::new(
                    source,
                    line(conf.span()),
                    format!("unknown confidence \"{other}\" (low, medium, high)"),
                )),
            }
        }
        for t in &w.doc_types {
            if doc_types.contains(&t.get_ref().as_str()) {
                c.doc_types.push(t.get_ref().clone());
            } else {
                errors.push(FileError::new(
                    source,
                    line(t.span()),
                    format!("unknown announcement type \"{}\"", t.get_ref()),
                ));
            }
        }
        c
    };
    let mut rules = Vec::new();
    for r in &raw.rules {
        let when = conditions(&r.when(), &mut errors);
        let a = action(&r.action, &mut errors);
        rules.push(Rule {
            when,
            action: a,
            queue: r.queue.clone(),
        });
    }
    let mut allow = Vec::new();
    for a in &raw.allow {
        let when = conditions(&a.when(), &mut errors);
        let mut patterns = Vec::new();
        for p in &a.patterns {
            match fancy_regex::RegexBuilder::new(p.get_ref())
                .backtrack_limit(100_000)
                .delegate_size_limit(1 << 20)
                .build()
            {
                Ok(re) => patterns.push(re),
                Err(e) => errors.push(FileError::new(
                    source,
                    line(p.span()),
                    format!("invalid pattern: {e}"),
                )),
            }
        }
        if a.values.is_empty() && patterns.is_empty() && a.patterns.is_empty() {
            errors.push(FileError::new(
                source,
                0,
                "an [[allow]] entry needs values or patterns",
            ));
        }
        allow.push(Allow {
            when,
            values: a.values.clone(),
            patterns,
        });
    }
    if errors.is_empty() {
        Ok(Policy {
            categories,
            rules,
            allow,
            queue_labels: raw.queues,
            source: source.to_string(),
        })
    } else {
        Err(FileErrors(errors))
    }
}
