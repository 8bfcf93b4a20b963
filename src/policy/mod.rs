//! Policy: findings + announcement type → an action per finding and a
//! verdict per document.
//!
//! A policy file (`policies/default.toml`) maps each category to an action
//! and a review queue, then lets ordered rules override that for a rule id,
//! a confidence, an announcement type or a field, and allowlists exact
//! values or patterns that are fine (a published hotline). A document's
//! verdict is its strictest action. The policy never re-runs detection: it
//! reads findings only.

mod file;

use std::collections::BTreeMap;

pub use file::{PolicyFile, parse};

use crate::model::{Action, Category, Confidence, FileError, FileErrors, Finding};

/// When a rule applies. Every given condition must hold.
#[derive(Debug, Clone, Default)]
pub struct Conditions {
    /// Rule id, exact, or a prefix ending in `*` (`personal.*`).
    pub rule: Option<String>,
    /// Category.
    pub category: Option<Category>,
    /// Confidences.
    pub confidence: Vec<Confidence>,
    /// Announcement type ids.
    pub doc_types: Vec<String>,
    /// Field id (missing fields).
    pub field: Option<String>,
}

impl Conditions {
    fn matches(&self, f: &Finding, doc_type: Option<&str>) -> bool {
        if let Some(r) = &self.rule {
            let ok = match r.strip_suffix('*') {
                Some(prefix) => f.rule.starts_with(prefix),
                None => &f.rule == r,
            };
            if !ok {
                return false;
            }
        }
        if self.category.is_some_and(|c| c != f.category) {
            return false;
        }
        if !self.confidence.is_empty() && !self.confidence.contains(&f.confidence) {
            return false;
        }
        if !self.doc_types.is_empty()
            && !doc_type.is_some_and(|t| self.doc_types.iter().any(|d| d == t))
        {
            return false;
        }
        if self
            .field
            .as_ref()
            .is_some_and(|fld| f.field.as_ref() != Some(fld))
        {
            return false;
        }
        true
    }
}

/// An override rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// When it applies.
    pub when: Conditions,
    /// The action it sets.
    pub action: Action,
    /// The queue it sets (else the category's).
    pub queue: Option<String>,
}

/// An allowlist entry: matching findings are dropped.
#[derive(Debug, Clone)]
pub struct Allow {
    /// When it applies (rule/category/doc type).
    pub when: Conditions,
    /// Exact normalized values.
    pub values: Vec<String>,
    /// Patterns over the normalized value (fancy-regex, so operators may
    /// use look-around; backtracking is bounded).
    pub patterns: Vec<fancy_regex::Regex>,
}

impl Allow {
    fn allows(&self, f: &Finding, doc_type: Option<&str>) -> bool {
        if !self.when.matches(f, doc_type) {
            return false;
        }
        let Some(v) = &f.value else { return false };
        let v = v.reveal();
        // A pattern that cannot be evaluated (backtrack limit) does not
        // allow: fail closed.
        self.values.iter().any(|x| x == v)
            || self.patterns.iter().any(|p| p.is_match(v).unwrap_or(false))
    }
}

/// A compiled policy.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Category defaults: action and queue.
    pub categories: BTreeMap<Category, (Action, String)>,
    /// Ordered override rules; the first match wins.
    pub rules: Vec<Rule>,
    /// Allowlist.
    pub allow: Vec<Allow>,
    /// Queue names as reviewers read them (`[queues]`).
    pub queue_labels: BTreeMap<String, String>,
    /// Where it was loaded from.
    pub source: String,
}

/// The decision for one document.
#[derive(Debug, Clone)]
pub struct Verdict {
    /// The strictest action over all findings (`pass` when none).
    pub action: Action,
    /// The queue a hold goes to.
    pub queue: Option<String>,
    /// The findings that remain (allowlisted ones removed), each with its action.
    pub findings: Vec<Finding>,
    /// How many findings the allowlist removed.
    pub allowed: usize,
}

impl Verdict {
    /// The categories of the findings, sorted, each once: what a held item
    /// or a takedown candidate is filtered by.
    pub fn categories(&self) -> Vec<&'static str> {
        let mut categories: Vec<&'static str> =
            self.findings.iter().map(|f| f.category.as_str()).collect();
        categories.sort_unstable();
        categories.dedup();
        categories
    }
}

impl Policy {
    /// A queue's name as reviewers read it: the policy's `[queues]` label,
    /// else the queue id.
    pub fn queue_label<'a>(&'a self, queue: &'a str) -> &'a str {
        self.queue_labels.get(queue).map_or(queue, String::as_str)
    }

    /// Every queue the policy can send an item to, sorted.
    pub fn queues(&self) -> Vec<String> {
        let mut queues: Vec<String> = self
            .categories
            .values()
            .map(|(_, q)| q.clone())
            .chain(self.rules.iter().filter_map(|r| r.queue.clone()))
            .collect();
        queues.sort();
        queues.dedup();
        queues
    }

    /// Checks that every rule id a policy names exists, so a typo is an
    /// error and not a rule that never fires.
    pub fn check_rules(&self, known: &[(String, Category)]) -> Result<(), FileErrors> {
        let mut errors = Vec::new();
        let all = self
            .rules
            .iter()
            .map(|r| &r.when)
            .chain(self.allow.iter().map(|a| &a.when));
        for when in all {
            if let Some(rule) = &when.rule {
                let ok = match rule.strip_suffix('*') {
                    Some(prefix) => known.iter().any(|(k, _)| k.starts_with(prefix)),
                    None => known.iter().any(|(k, _)| k == rule),
                };
                if !ok {
                    let suggestion = known
                        .iter()
                        .map(|(k, _)| k)
                        .min_by_key(|k| edit_distance(k, rule))
                        .map(|k| format!(" (did you mean \"{k}\"?)"))
                        .unwrap_or_default();
                    errors.push(FileError::new(
                        &self.source,
                        0,
                        format!("unknown rule id \"{rule}\"{suggestion}"),
                    ));
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(FileErrors(errors))
        }
    }

    /// Decides every finding and the document verdict.
    pub fn decide(&self, findings: Vec<Finding>, doc_type: Option<&str>) -> Verdict {
        let mut kept = Vec::with_capacity(findings.len());
        let mut allowed = 0;
        for mut f in findings {
            if self.allow.iter().any(|a| a.allows(&f, doc_type)) {
                allowed += 1;
                continue;
            }
            let (default_action, default_queue) = self
                .categories
                .get(&f.category)
                .cloned()
                .unwrap_or((Action::Hold, "review".to_string()));
            let rule = self.rules.iter().find(|r| r.when.matches(&f, doc_type));
            f.action = rule.map_or(default_action, |r| r.action);
            f.queue = match f.action {
                Action::Hold | Action::Block => {
                    Some(rule.and_then(|r| r.queue.clone()).unwrap_or(default_queue))
                }
                _ => None,
            };
            kept.push(f);
        }
        let action = kept.iter().map(|f| f.action).max().unwrap_or(Action::Pass);
        let queue = kept
            .iter()
            .filter(|f| f.action == action && action >= Action::Hold)
            .max_by_key(|f| f.severity)
            .and_then(|f| f.queue.clone());
        Verdict {
            action,
            queue,
            findings: kept,
            allowed,
        }
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests;
