//! What labels a document uses, for `pubgate labels`: each platform
//! publishes from its own templates, and an operator adapts the
//! dictionary to them by seeing which of their labels pubgate already
//! maps to a field and which it does not.
//!
//! The survey reads the same [`Structure`](super::structure::Structure)
//! the field check reads, so what it reports as mapped is exactly what
//! the check will find.

use std::collections::{BTreeMap, BTreeSet};

use super::Context;
use super::fields::{Presence, required_presence};
use super::structure::{Source, key_matches, label_key};

/// One document's labels and fields.
#[derive(Debug, Clone, Default)]
pub struct DocSurvey {
    /// The announcement type id, if recognised.
    pub doc_type: Option<String>,
    /// Each label the document uses (as a label of a line, a heading or
    /// a table column), by key: as written, and the field ids it maps to
    /// (none: unmapped).
    pub labels: BTreeMap<String, (String, BTreeSet<String>)>,
    /// The type's required fields the check would report missing.
    pub missing: BTreeSet<String>,
}

/// Surveys one document.
pub fn survey(cx: &Context<'_>) -> DocSurvey {
    let field_keys: Vec<(&String, Vec<String>)> = cx
        .spec
        .fields
        .iter()
        .map(|(id, f)| {
            let keys = f
                .labels
                .iter()
                .map(|l| label_key(l))
                .filter(|k| k.chars().count() >= 2)
                .collect();
            (id, keys)
        })
        .collect();
    let mut labels: BTreeMap<String, (String, BTreeSet<String>)> = BTreeMap::new();
    for entry in &cx.structure().entries {
        if matches!(entry.source, Source::Title | Source::Overview) {
            continue;
        }
        let key = &entry.key;
        // A label is at most a short phrase; longer keys are sentences a
        // colon happened to split.
        if key.chars().count() < 2
            || key.chars().count() > 24
            || entry
                .label
                .contains(['；', ';', '，', ',', '。', '！', '？'])
            || !label_is_safe_to_print(&entry.label)
        {
            continue;
        }
        if labels.contains_key(key) {
            continue;
        }
        let fields = field_keys
            .iter()
            .filter(|(_, keys)| keys.iter().any(|k| key_matches(key, k)))
            .map(|(id, _)| (*id).clone())
            .collect();
        labels.insert(key.clone(), (entry.label.clone(), fields));
    }
    let missing = required_presence(cx)
        .into_iter()
        .filter(|(_, _, found)| matches!(found, Presence::Absent | Presence::LabelOnly))
        .map(|(id, _, _)| id.clone())
        .collect();
    DocSurvey {
        doc_type: cx.doc_type.map(|t| t.id.clone()),
        labels,
        missing,
    }
}

/// Whether a label can be shown in a report: a "label" that is really a
/// value a colon followed (an ID number, a phone, a mail address) must not
/// reach the report unmasked, and is no label to propose anyway.
fn label_is_safe_to_print(label: &str) -> bool {
    let mut run = 0;
    for c in label.chars() {
        run = if c.is_ascii_digit() { run + 1 } else { 0 };
        if run >= 6 {
            return false;
        }
    }
    !label.contains(['@', '＠'])
}

/// The labels of an archive, per announcement type.
#[derive(Debug, Default)]
pub struct Tally {
    types: BTreeMap<String, TypeTally>,
}

#[derive(Debug, Default)]
struct TypeTally {
    docs: usize,
    /// Label key → (the label as first written, documents using it,
    /// fields it maps to).
    labels: BTreeMap<String, (String, usize, BTreeSet<String>)>,
    /// Field → documents reported missing it.
    missing: BTreeMap<String, usize>,
    /// (unmapped label key, field) → documents using the label and missing
    /// the field.
    together: BTreeMap<(String, String), usize>,
}

/// One type's labels, for the report.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TypeLabels {
    /// The type id (`unknown` for documents of no recognised type).
    pub doc_type: String,
    /// Documents of this type.
    pub docs: usize,
    /// Labels by the number of documents using them.
    pub labels: Vec<LabelUse>,
    /// Required fields by the number of documents reported missing them.
    pub missing: Vec<FieldGap>,
    /// Unmapped labels that look like a missing field's.
    pub proposals: Vec<Proposal>,
}

/// A label and how it is used.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LabelUse {
    /// The label as the first document using it wrote it.
    pub label: String,
    /// Documents using it.
    pub docs: usize,
    /// The fields it maps to; empty when pubgate does not read it.
    pub fields: Vec<String>,
}

/// A required field reported missing.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FieldGap {
    /// The field id.
    pub field: String,
    /// Documents reported missing it.
    pub docs: usize,
}

/// A proposed dictionary addition.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Proposal {
    /// The field whose `labels` the label should join.
    pub field: String,
    /// The label.
    pub label: String,
    /// Documents using the label.
    pub docs: usize,
    /// Of those, documents reported missing the field.
    pub missing_with_label: usize,
}

/// Two-character pieces too common in labels to tie one to a field.
const COMMON_PAIRS: &[&str] = &[
    "项目", "采购", "信息", "公告", "名称", "单位", "时间", "日期",
];

impl Tally {
    /// Adds one document's survey.
    pub fn add(&mut self, s: &DocSurvey) {
        let t = self
            .types
            .entry(s.doc_type.clone().unwrap_or_else(|| "unknown".into()))
            .or_default();
        t.docs += 1;
        for (key, (label, fields)) in &s.labels {
            let e = t
                .labels
                .entry(key.clone())
                .or_insert_with(|| (label.clone(), 0, BTreeSet::new()));
            e.1 += 1;
            e.2.extend(fields.iter().cloned());
            if fields.is_empty() {
                for f in &s.missing {
                    *t.together.entry((key.clone(), f.clone())).or_default() += 1;
                }
            }
        }
        for f in &s.missing {
            *t.missing.entry(f.clone()).or_default() += 1;
        }
    }

    /// The report: labels used by at least `min_docs` documents, and an
    /// unmapped label proposed for a field when at least `min_docs`
    /// documents use it, at least half of them are reported missing the
    /// field, and it shares a telling two-character piece (one found in
    /// the labels of at most two fields) with one of the field's labels or
    /// its name (`评委名单` ~ `评审专家名单`: `名单`).
    pub fn report(&self, spec: &super::AnnouncementSpec, min_docs: usize) -> Vec<TypeLabels> {
        let min_docs = min_docs.max(1);
        // How many fields' labels each two-character piece occurs in: a
        // piece of one or two fields' labels tells them apart (`名单`),
        // one of many does not (`中标`).
        let mut pair_fields: BTreeMap<String, usize> = BTreeMap::new();
        for f in spec.fields.values() {
            let mut pairs = BTreeSet::new();
            for l in f.labels.iter().chain([&f.name]) {
                let chars: Vec<char> = l.chars().collect();
                pairs.extend(chars.windows(2).map(|w| w.iter().collect::<String>()));
            }
            for p in pairs {
                *pair_fields.entry(p).or_default() += 1;
            }
        }
        let telling = |pair: &str| {
            !COMMON_PAIRS.contains(&pair) && pair_fields.get(pair).is_some_and(|n| *n <= 2)
        };
        let mut out = Vec::new();
        for (doc_type, t) in &self.types {
            let mut labels: Vec<LabelUse> = t
                .labels
                .iter()
                .filter(|(_, (_, n, _))| *n >= min_docs)
                .map(|(_, (label, n, fields))| LabelUse {
                    label: label.clone(),
                    docs: *n,
                    fields: fields.iter().cloned().collect(),
                })
                .collect();
            labels.sort_by(|a, b| b.docs.cmp(&a.docs).then_with(|| a.label.cmp(&b.label)));
            let mut missing: Vec<FieldGap> = t
                .missing
                .iter()
                .map(|(f, n)| FieldGap {
                    field: f.clone(),
                    docs: *n,
                })
                .collect();
            missing.sort_by(|a, b| b.docs.cmp(&a.docs).then_with(|| a.field.cmp(&b.field)));
            let mut proposals = Vec::new();
            for ((key, field), together) in &t.together {
                let Some((label, docs, _)) = t.labels.get(key) else {
                    continue;
                };
                let docs = *docs;
                if docs < min_docs || *together < min_docs || together * 2 < docs {
                    continue;
                }
                let Some(spec_field) = spec.fields.get(field) else {
                    continue;
                };
                // A generic label the field already reads where it is the
                // notice's only one (`联系电话`) is no new label.
                if spec_field.sole_labels.iter().any(|l| label_key(l) == *key) {
                    continue;
                }
                let names: Vec<&str> = spec_field
                    .labels
                    .iter()
                    .map(String::as_str)
                    .chain([spec_field.name.as_str()])
                    .collect();
                if shares_telling_pair(key, &names, &telling) {
                    proposals.push(Proposal {
                        field: field.clone(),
                        label: label.clone(),
                        docs,
                        missing_with_label: *together,
                    });
                }
            }
            proposals.sort_by(|a, b| {
                b.missing_with_label
                    .cmp(&a.missing_with_label)
                    .then_with(|| a.label.cmp(&b.label))
            });
            out.push(TypeLabels {
                doc_type: doc_type.clone(),
                docs: t.docs,
                labels,
                missing,
                proposals,
            });
        }
        out.sort_by(|a, b| {
            b.docs
                .cmp(&a.docs)
                .then_with(|| a.doc_type.cmp(&b.doc_type))
        });
        out
    }
}

/// Whether `label` and one of `names` share a two-character piece that
/// is `telling`.
fn shares_telling_pair(label: &str, names: &[&str], telling: &dyn Fn(&str) -> bool) -> bool {
    let chars: Vec<char> = label.chars().collect();
    chars.windows(2).any(|w| {
        let pair: String = w.iter().collect();
        telling(&pair) && names.iter().any(|n| n.contains(&pair))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(doc_type: &str, labels: &[(&str, &[&str])], missing: &[&str]) -> DocSurvey {
        DocSurvey {
            doc_type: Some(doc_type.into()),
            labels: labels
                .iter()
                .map(|(l, f)| {
                    let fields = f.iter().map(|s| s.to_string()).collect();
                    (label_key(l), (l.to_string(), fields))
                })
                .collect(),
            missing: missing.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn values_that_look_like_labels_are_never_reported() {
        assert!(!label_is_safe_to_print("11010519491231002X"));
        assert!(!label_is_safe_to_print("联系人13812345678"));
        assert!(!label_is_safe_to_print("zhangsan@163.com"));
        assert!(label_is_safe_to_print("项目编号"));
        assert!(label_is_safe_to_print("附件1"));
    }

    #[test]
    fn an_unmapped_label_beside_a_missing_field_is_proposed() {
        let spec: crate::detect::AnnouncementSpec =
            toml::from_str(include_str!("../../dictionaries/announcements.toml")).unwrap();
        let mut tally = Tally::default();
        for _ in 0..3 {
            tally.add(&doc(
                "award",
                &[("项目编号", &["project_code"]), ("评委名单", &[])],
                &["expert_list"],
            ));
        }
        // A label seen once, and one with nothing in common with the field.
        tally.add(&doc("award", &[("开标地点", &[])], &["expert_list"]));
        let report = tally.report(&spec, 2);
        let award = &report[0];
        assert_eq!(award.docs, 4);
        assert_eq!(award.labels[0].label, "评委名单");
        assert!(award.labels.iter().all(|l| l.label != "开标地点"));
        assert_eq!(award.missing[0].field, "expert_list");
        assert_eq!(award.missing[0].docs, 4);
        assert_eq!(award.proposals.len(), 1);
        assert_eq!(award.proposals[0].label, "评委名单");
        assert_eq!(award.proposals[0].field, "expert_list");
        assert_eq!(award.proposals[0].missing_with_label, 3);
    }
}
