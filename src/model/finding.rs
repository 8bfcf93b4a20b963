//! Findings: what a detector reports and what the policy decides about it.

use serde::{Deserialize, Serialize};

use super::Sensitive;

/// The finding categories. The serialized strings are a public contract
/// (JSONL output, policy files, metrics).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// 国家秘密标志 and classified / internal-use terms.
    Classified,
    /// Personal information of natural persons.
    PersonalData,
    /// Procurement secrets before the award (experts, potential bidders, 标底).
    ProcurementConfidential,
    /// A field the 2020 format spec makes mandatory is absent.
    MissingField,
    /// Figures or dates that contradict each other or a legal minimum.
    Consistency,
    /// The input, or a part of it, could not be read.
    Unscannable,
}

impl Category {
    /// Every category, in report order.
    pub const ALL: [Category; 6] = [
        Category::Classified,
        Category::PersonalData,
        Category::ProcurementConfidential,
        Category::MissingField,
        Category::Consistency,
        Category::Unscannable,
    ];

    /// The contract string (`personal_data`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Classified => "classified",
            Category::PersonalData => "personal_data",
            Category::ProcurementConfidential => "procurement_confidential",
            Category::MissingField => "missing_field",
            Category::Consistency => "consistency",
            Category::Unscannable => "unscannable",
        }
    }

    /// Parses the contract string.
    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// How bad a finding is if it is real.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth a look.
    Low,
    /// Must be fixed before publication.
    Medium,
    /// A leak of protected information.
    High,
    /// State secrets.
    Critical,
}

impl Severity {
    /// The contract string.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// How sure the detector is that the candidate is real.
///
/// Built from the pattern, its validator (check digit) and the context words
/// around it, so a policy can block a validated ID next to `身份证号` and only
/// hold a bare one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Pattern only, or weak context.
    Low,
    /// Validated, or pattern with supporting context.
    Medium,
    /// Validated and named by its context.
    High,
}

impl Confidence {
    /// The contract string.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// What to do with a finding, and with a document (its strictest finding).
/// Ordered from most lenient to strictest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Publish as is.
    Pass,
    /// Publish with the flagged values masked.
    Redact,
    /// Keep for human review.
    Hold,
    /// Refuse, telling the submitter what to fix.
    Block,
}

impl Action {
    /// The contract string.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Pass => "pass",
            Action::Redact => "redact",
            Action::Hold => "hold",
            Action::Block => "block",
        }
    }

    /// Parses the contract string.
    pub fn parse(s: &str) -> Option<Action> {
        [Action::Pass, Action::Redact, Action::Hold, Action::Block]
            .into_iter()
            .find(|a| a.as_str() == s)
    }
}

/// Where a finding is: a part of the document and byte offsets into that
/// part's extracted text (see [`super::Piece::text`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The part name (`body`, `page 2`, `word/comments.xml`…).
    pub part: String,
    /// Start byte offset in the part's text.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
    /// 1-based line in the part's text, for people.
    pub line: usize,
}

/// One problem found in a document.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// Stable detector rule id, e.g. `personal.id_card`.
    pub rule: String,
    /// The category (contract string).
    pub category: Category,
    /// For `missing_field`: the field id (`project_code`…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The action the policy chose for this finding.
    pub action: Action,
    /// The review queue a hold goes to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
    /// Severity.
    pub severity: Severity,
    /// Confidence.
    pub confidence: Confidence,
    /// Where it is; `None` for whole-document findings (a missing field).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// The flagged text, masked. Never the raw value.
    pub excerpt: String,
    /// What is wrong, in Chinese, for the submitter and the reviewer.
    pub explanation: String,
    /// The law or spec article the finding enforces.
    pub enforces: String,
    /// A content fingerprint (rule + normalized value + nearby text) that
    /// survives text moving around; used by baselines.
    pub fingerprint: String,
    /// The raw value, for allowlists and the authenticated review page only.
    /// Never serialized; its `Debug` is masked.
    #[serde(skip)]
    pub value: Option<Sensitive>,
}
