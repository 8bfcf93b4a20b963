//! Detect: a [`NormalizedDoc`] → candidate findings.
//!
//! Every detector reads the same normalized document once (all pieces
//! joined), and pushes [`Candidate`]s in normalized coordinates. The engine
//! maps them back to original locations and masks them; the policy decides
//! what to do. Detectors never read policy.
//!
//! [`DetectorSet::build`] is the one registration list: adding a detector is
//! one file, one line there, and its tests beside it.

pub mod announcement;
pub mod consistency;
pub mod dictionary;
pub mod fields;
pub mod marking;
pub mod personal;
pub mod procurement;
pub mod structure;
pub mod summary;
pub mod survey;
pub mod text;

use std::ops::Range;

use chrono::NaiveDate;

use crate::model::{Category, Confidence, Severity};
use crate::normalize::NormalizedDoc;
pub use announcement::{AnnouncementSpec, DocType};
pub use dictionary::{Dictionaries, DictionaryHits};
pub use text::layout::Layout;

/// A finding before location mapping and policy.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Stable rule id.
    pub rule: String,
    /// Category.
    pub category: Category,
    /// For missing fields: the field id.
    pub field: Option<String>,
    /// Severity.
    pub severity: Severity,
    /// Confidence from pattern, validator and context.
    pub confidence: Confidence,
    /// Byte range in [`NormalizedDoc::text`]; `None` for whole-document findings.
    pub span: Option<Range<usize>>,
    /// The normalized value (for allowlists and fingerprints); never printed.
    pub value: Option<String>,
    /// The masked excerpt to show.
    pub excerpt: String,
    /// Explanation in Chinese.
    pub explanation: String,
    /// The rule enforced.
    pub enforces: String,
}

/// What every detector can read about the document.
pub struct Context<'a> {
    /// The normalized text.
    pub doc: &'a NormalizedDoc,
    /// Lines, headings, contact blocks: built on first use, since most
    /// documents need it only for the rare candidate near a phone number.
    pub layout: std::sync::OnceLock<Layout>,
    /// The announcement type, if recognised.
    pub doc_type: Option<&'a DocType>,
    /// Dictionary matches and exclusion spans (one pass for all detectors).
    pub hits: &'a DictionaryHits,
    /// The dictionaries the hits refer to.
    pub dictionaries: &'a Dictionaries,
    /// The announcement spec (field labels, types).
    pub spec: &'a AnnouncementSpec,
    /// "Today", for birth dates in the future.
    pub today: NaiveDate,
    /// Field label occurrences, by field index: found on first use, in one
    /// pass, for documents whose type requires fields.
    pub field_labels: std::sync::OnceLock<Vec<Vec<Range<usize>>>>,
    /// Label–value entries (tables, headings, the 项目概况 sentence…),
    /// read on first use.
    pub structure: std::sync::OnceLock<structure::Structure>,
}

impl Context<'_> {
    /// Text ranges where a label of field `id` occurs.
    pub fn field_label_ranges(&self, id: &str) -> &[Range<usize>] {
        let all = self.field_labels.get_or_init(|| {
            let mut by_field = vec![Vec::new(); self.spec.fields.len()];
            for (owner, range) in self.spec.label_set().find(self.doc) {
                if let Some(v) = by_field.get_mut(owner) {
                    v.push(range);
                }
            }
            by_field
        });
        match self.spec.fields.keys().position(|k| k == id) {
            Some(i) => &all[i],
            None => &[],
        }
    }

    /// The document's structure.
    pub fn structure(&self) -> &structure::Structure {
        self.structure
            .get_or_init(|| structure::Structure::build(self.doc))
    }

    /// The document's layout.
    pub fn layout(&self) -> &Layout {
        self.layout.get_or_init(|| Layout::build(self.doc))
    }

    /// Whether a text range is covered by an exclusion phrase
    /// (`不涉及国家秘密`, `商业秘密`…).
    pub fn excluded(&self, range: &Range<usize>) -> bool {
        self.hits
            .exclusions
            .iter()
            .any(|e| e.start <= range.start && range.end <= e.end)
    }

    /// Whether the announcement is published before the award, when the
    /// names of experts and bidders are still secret: a type published
    /// before it, unless the notice reports the evaluation (a 废标 after
    /// 符合性审查 names the panel that sat).
    pub fn pre_award(&self) -> bool {
        self.doc_type.is_some_and(|t| {
            t.pre_award
                && !t
                    .evaluated_if
                    .iter()
                    .any(|p| self.doc.text.contains(p.as_str()))
        })
    }
}

/// A detector: reads the context, pushes candidates.
pub trait Detector: Send + Sync {
    /// The detector's id (the prefix of its rule ids).
    fn id(&self) -> &'static str;
    /// Every rule id it can report, with its category, so that policy
    /// files can be checked against them. Empty for a detector whose rules
    /// come from operator data (the dictionaries). Checked on every
    /// candidate in debug builds: a rule id missing here fails the tests.
    fn rules(&self) -> &'static [(&'static str, Category)];
    /// Finds candidates.
    fn detect(&self, cx: &Context<'_>, out: &mut Vec<Candidate>);
}

/// All built detectors, in report order.
pub struct DetectorSet {
    detectors: Vec<Box<dyn Detector>>,
}

impl DetectorSet {
    /// The one registration list.
    pub fn build() -> DetectorSet {
        let detectors: Vec<Box<dyn Detector>> = vec![
            Box::new(marking::Marking::new()),
            Box::new(dictionary::Terms),
            Box::new(personal::Personal::new()),
            Box::new(procurement::Procurement::new()),
            Box::new(fields::MissingFields),
            Box::new(consistency::Consistency::new()),
        ];
        DetectorSet { detectors }
    }

    /// Runs every detector.
    pub fn detect(&self, cx: &Context<'_>) -> Vec<Candidate> {
        let mut out = Vec::new();
        for d in &self.detectors {
            let before = out.len();
            d.detect(cx, &mut out);
            debug_assert!(
                d.rules().is_empty()
                    || out[before..]
                        .iter()
                        .all(|c| d.rules().contains(&(c.rule.as_str(), c.category))),
                "detector `{}` reported a rule it does not declare",
                d.id()
            );
        }
        out
    }

    /// Every rule id the built-in detectors can report, with its category
    /// (dictionary rules come from the loaded dictionaries).
    pub fn rules(&self) -> impl Iterator<Item = (&'static str, Category)> + '_ {
        self.detectors
            .iter()
            .flat_map(|d| d.rules().iter().copied())
    }
}
