//! Per-category precision and recall over the labelled synthetic corpus
//! (document level: a category counts as reported when at least one finding
//! of it is in the report). The bar is 0.95 for each.

use std::collections::BTreeMap;

use pubgate::model::Category;

use crate::generator::corpus;
use crate::util;

#[derive(Default, Debug)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Counts {
    fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }
    fn recall(&self) -> f64 {
        if self.tp + self.fn_ == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        }
    }
}

#[test]
fn precision_and_recall_per_category() {
    let engine = util::engine();
    let samples = corpus(
        std::env::var("PUBGATE_CORPUS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(20_261_127),
        400,
    );
    let mut counts: BTreeMap<Category, Counts> = BTreeMap::new();
    let mut misses = Vec::new();
    let mut type_errors = 0;
    for s in &samples {
        let report = engine.scan(&s.name, &s.bytes);
        if s.doc_type != "unknown" && report.doc_type.as_deref() != Some(s.doc_type) {
            type_errors += 1;
            misses.push(format!("{}: type {:?}", s.name, report.doc_type));
        }
        for cat in Category::ALL {
            let expected = s.expect.contains(&cat);
            let found: Vec<String> = report
                .verdict
                .findings
                .iter()
                .filter(|f| f.category == cat)
                .map(|f| {
                    format!(
                        "{}{} {}",
                        f.rule,
                        f.field
                            .as_deref()
                            .map(|x| format!("({x})"))
                            .unwrap_or_default(),
                        f.excerpt
                    )
                })
                .collect();
            let c = counts.entry(cat).or_default();
            match (expected, !found.is_empty()) {
                (true, true) => c.tp += 1,
                (false, true) => {
                    c.fp += 1;
                    misses.push(format!(
                        "{}: unexpected {} {:?}",
                        s.name,
                        cat.as_str(),
                        found
                    ));
                }
                (true, false) => {
                    c.fn_ += 1;
                    misses.push(format!(
                        "{}: missed {} ({:?})",
                        s.name,
                        cat.as_str(),
                        s.notes
                    ));
                }
                (false, false) => {}
            }
        }
        // The field id must be the removed one.
        if let Some(field) = s.missing {
            let fields: Vec<_> = report
                .verdict
                .findings
                .iter()
                .filter_map(|f| f.field.clone())
                .collect();
            if !fields.iter().any(|f| f == field) {
                misses.push(format!("{}: removed {field}, reported {fields:?}", s.name));
            }
        }
    }
    let mut table = String::new();
    for (cat, c) in &counts {
        table.push_str(&format!(
            "{:<26} tp {:>3} fp {:>3} fn {:>3}  precision {:.3} recall {:.3}\n",
            cat.as_str(),
            c.tp,
            c.fp,
            c.fn_,
            c.precision(),
            c.recall()
        ));
    }
    eprintln!("{table}");
    for m in misses.iter().take(60) {
        eprintln!("  {m}");
    }
    assert!(
        type_errors * 100 <= samples.len() * 3,
        "announcement type wrong for {type_errors} samples"
    );
    for (cat, c) in &counts {
        assert!(
            c.precision() >= 0.95 && c.recall() >= 0.95,
            "{} below 0.95:\n{table}",
            cat.as_str()
        );
    }
}

/// Writes the corpus to `PUBGATE_DUMP_CORPUS` for inspection by hand.
#[test]
fn dump_corpus_when_asked() {
    let Some(dir) = std::env::var_os("PUBGATE_DUMP_CORPUS") else {
        return;
    };
    for s in corpus(20_261_127, 400) {
        let path = std::path::Path::new(&dir).join(&s.name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &s.bytes).unwrap();
    }
}
