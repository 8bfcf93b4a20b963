//! The engine: the only door into the core. `Engine::scan` runs
//! extract → normalize → detect → decide on one input and returns a
//! [`Report`]. The batch rescan and the gateway both call it, so a document
//! gets the same findings whichever way it arrives.
//!
//! Everything is compiled once in [`Engine::build`] (automata, regexes,
//! policy tables); `scan` is synchronous, CPU-only and shares nothing
//! mutable, so it can run on many threads at once.

use std::collections::HashSet;

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::detect::dictionary::{Dictionaries, parse_list};
use crate::detect::{AnnouncementSpec, Candidate, Context, DetectorSet};
use crate::extract::Extractors;
use crate::model::{
    Action, Category, Confidence, Document, FileError, FileErrors, Finding, Format, Location,
    Piece, Sensitive, Severity, UnreadKind,
};
use crate::normalize::NormalizedDoc;
use crate::operator_files::Sources;
use crate::policy::{Policy, Verdict};

/// The rule of a document on an announcement route whose type the engine
/// does not recognise (held for review).
const UNKNOWN_TYPE_RULE: &str = "fields.unknown_type";

/// A compiled engine.
pub struct Engine {
    extractors: Extractors,
    dictionaries: Dictionaries,
    spec: AnnouncementSpec,
    policy: Policy,
    detectors: DetectorSet,
    version: String,
    today: Option<NaiveDate>,
}

/// The engine a long-running process uses now. A reload swaps it in
/// whole; scans in flight keep the one they started with.
pub struct LiveEngine {
    current: std::sync::RwLock<std::sync::Arc<Engine>>,
}

impl LiveEngine {
    /// Starts with `engine`.
    pub fn new(engine: Engine) -> LiveEngine {
        LiveEngine {
            current: std::sync::RwLock::new(std::sync::Arc::new(engine)),
        }
    }

    /// The engine in use.
    pub fn current(&self) -> std::sync::Arc<Engine> {
        match self.current.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Puts `engine` in use.
    pub fn replace(&self, engine: Engine) {
        let engine = std::sync::Arc::new(engine);
        match self.current.write() {
            Ok(mut guard) => *guard = engine,
            Err(poisoned) => *poisoned.into_inner() = engine,
        }
    }
}

/// The result of scanning one input.
#[derive(Debug, Clone)]
pub struct Report {
    /// The format the input was read as.
    pub format: Format,
    /// The announcement type id, if recognised.
    pub doc_type: Option<String>,
    /// Its Chinese name (`announcements.toml`), for people.
    pub doc_type_name: Option<String>,
    /// The decision and the findings.
    pub verdict: Verdict,
    /// Bytes of extracted text.
    pub text_bytes: usize,
    /// Findings suppressed by a baseline.
    pub baselined: usize,
    /// The extracted pieces (for the review page; never logged).
    pub pieces: Vec<Piece>,
}

impl Engine {
    /// Builds an engine from operator files. All errors are collected and
    /// reported with `file:line`.
    pub fn build(sources: &Sources) -> Result<Engine, FileErrors> {
        let mut errors = Vec::new();
        let mut lists = Vec::new();
        for s in &sources.lists {
            let stem = s
                .name
                .rsplit(['/', '\\'])
                .next()
                .unwrap_or(&s.name)
                .trim_end_matches(".txt")
                .to_string();
            match parse_list(&stem, &s.name, &s.text) {
                Ok(l) => lists.push(l),
                Err(e) => errors.extend(e.0),
            }
        }
        let spec: Option<AnnouncementSpec> =
            match toml::from_str::<AnnouncementSpec>(&sources.announcements.text) {
                Ok(mut spec) => match spec.validate() {
                    Ok(()) => {
                        spec.expand_morphemes();
                        Some(spec)
                    }
                    Err(msg) => {
                        errors.push(FileError::new(&sources.announcements.name, 0, msg));
                        None
                    }
                },
                Err(e) => {
                    let line = e.span().map_or(0, |s| {
                        FileError::line_of(&sources.announcements.text, s.start)
                    });
                    errors.push(FileError::new(
                        &sources.announcements.name,
                        line,
                        e.message().to_string(),
                    ));
                    None
                }
            };
        let type_ids = crate::detect::announcement::TYPE_IDS;
        let policy =
            match crate::policy::parse(&sources.policy.name, &sources.policy.text, type_ids) {
                Ok(p) => Some(p),
                Err(e) => {
                    errors.extend(e.0);
                    None
                }
            };
        let dictionaries = match Dictionaries::build(lists) {
            Ok(d) => Some(d),
            Err(e) => {
                errors.extend(e.0);
                None
            }
        };
        let detectors = DetectorSet::build();
        if let (Some(policy), Some(dictionaries)) = (&policy, &dictionaries) {
            // Every rule a policy may name: the detectors', the engine's own
            // (an unknown type, what could not be read) and the dictionaries'.
            let mut known: Vec<(String, Category)> = detectors
                .rules()
                .chain([(UNKNOWN_TYPE_RULE, Category::MissingField)])
                .chain(UnreadKind::ALL.map(|k| (k.rule(), Category::Unscannable)))
                .map(|(r, c)| (r.to_string(), c))
                .collect();
            known.extend(dictionaries.rules());
            if let Err(e) = policy.check_rules(&known) {
                errors.extend(e.0);
            }
        }
        match (spec, policy, dictionaries) {
            (Some(spec), Some(policy), Some(dictionaries)) if errors.is_empty() => {
                let mut hash = Sha256::new();
                for s in sources
                    .lists
                    .iter()
                    .chain([&sources.announcements, &sources.policy])
                {
                    hash.update(s.name.as_bytes());
                    hash.update(s.text.as_bytes());
                }
                let version = hex::encode(&hash.finalize()[..6]);
                Ok(Engine {
                    extractors: Extractors::default(),
                    dictionaries,
                    spec,
                    policy,
                    detectors,
                    version,
                    today: None,
                })
            }
            _ => Err(FileErrors(errors)),
        }
    }

    /// The engine on the shipped defaults.
    pub fn embedded() -> Result<Engine, FileErrors> {
        Engine::build(&Sources::embedded())
    }

    /// Replaces the extractor settings (limits, PDF worker).
    pub fn with_extractors(mut self, extractors: Extractors) -> Engine {
        self.extractors = extractors;
        self
    }

    /// Fixes "today" (for reproducible tests of birth-date checks).
    pub fn with_today(mut self, today: NaiveDate) -> Engine {
        self.today = Some(today);
        self
    }

    /// A short hash of the dictionaries and policy in use, recorded with
    /// each decision so a reviewer knows which version decided.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The review queues the policy uses (for the review UI's filters).
    pub fn queues(&self) -> Vec<String> {
        self.policy.queues()
    }

    /// A queue's name as reviewers read it (the policy's `[queues]`).
    pub fn queue_label(&self, queue: &str) -> String {
        self.policy.queue_label(queue).to_string()
    }

    /// An announcement type's Chinese name (`announcements.toml`), else
    /// the id.
    pub fn type_name(&self, id: &str) -> String {
        self.spec
            .types
            .iter()
            .find(|t| t.id == id)
            .map_or_else(|| id.to_string(), |t| t.name.clone())
    }

    /// The largest input the extractors accept; larger ones are reported
    /// `unscannable` (callers need read no more than one byte past it).
    pub fn max_input_bytes(&self) -> usize {
        self.extractors.limits.max_input_bytes
    }

    /// Number of dictionary patterns compiled.
    pub fn pattern_count(&self) -> usize {
        self.dictionaries.pattern_count
    }

    /// Extracts one input without scanning it. The gateway extracts each
    /// part of a request (form fields, attachments) and scans them as one
    /// document; the review page extracts again to show the text.
    pub fn extract(&self, name: &str, bytes: &[u8]) -> Document {
        self.extractors.extract(name, bytes)
    }

    /// Scans one input: `name` is a path or file name (extension hint).
    pub fn scan(&self, name: &str, bytes: &[u8]) -> Report {
        let doc = self.extractors.extract(name, bytes);
        self.scan_document(doc, None)
    }

    /// Scans one input as `expect`s, leaving out baselined findings.
    pub fn scan_with(
        &self,
        name: &str,
        bytes: &[u8],
        baseline: Option<&HashSet<String>>,
        expect: Expect,
    ) -> Report {
        let doc = self.extractors.extract(name, bytes);
        self.scan_document_as(doc, baseline, expect)
    }

    /// Scans one input, leaving out findings whose fingerprint a reviewer
    /// already accepted (a baseline).
    pub fn scan_with_baseline(
        &self,
        name: &str,
        bytes: &[u8],
        baseline: &HashSet<String>,
    ) -> Report {
        let doc = self.extractors.extract(name, bytes);
        self.scan_document(doc, Some(baseline))
    }

    /// Scans already-extracted pieces, as an announcement.
    pub fn scan_document(&self, doc: Document, baseline: Option<&HashSet<String>>) -> Report {
        self.scan_document_as(doc, baseline, Expect::Announcement)
    }

    /// Scans already-extracted pieces.
    ///
    /// A bug in a detector must not crash a batch scan or let a document
    /// through: a panic while analysing becomes an `unscannable` finding
    /// (hold). The guard wraps only the analysis, which borrows the
    /// document, so nothing is copied for it.
    pub fn scan_document_as(
        &self,
        mut doc: Document,
        baseline: Option<&HashSet<String>>,
        expect: Expect,
    ) -> Report {
        if doc.pieces.is_empty() && doc.unreadable.is_empty() {
            doc.unreadable("file", "文件中没有可检查的文字 / no text to inspect");
        }
        let analysed =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.analyse(&doc, expect)));
        let (doc_type, title_hint, mut findings) = match analysed {
            Ok(a) => a,
            Err(_) => {
                doc.unreadable(
                    "engine",
                    "检查过程内部错误，未能完成检查 / internal error while scanning",
                );
                (None, String::new(), Vec::new())
            }
        };
        for u in &doc.unreadable {
            findings.push(unscannable(u, &title_hint));
        }
        findings.sort_by(|a, b| {
            let pos = |f: &Finding| f.location.as_ref().map(|l| (l.part.clone(), l.start));
            (a.category, pos(a)).cmp(&(b.category, pos(b)))
        });
        let before = findings.len();
        if let Some(accepted) = baseline {
            findings.retain(|f| !accepted.contains(&f.fingerprint));
        }
        let baselined = before - findings.len();
        let verdict = self.policy.decide(findings, doc_type.as_deref());
        Report {
            format: doc.format,
            doc_type_name: doc_type.as_deref().map(|t| self.type_name(t)),
            doc_type,
            verdict,
            text_bytes: doc.text_len(),
            baselined,
            pieces: doc.pieces,
        }
    }

    /// The announcement types and fields in use.
    pub fn spec(&self) -> &AnnouncementSpec {
        &self.spec
    }

    /// The labels a document uses and the required fields it lacks, for
    /// `pubgate labels`. A panic while surveying gives an empty survey:
    /// the tool reports on an archive, it does not let anything through.
    pub fn survey(&self, name: &str, bytes: &[u8]) -> crate::detect::survey::DocSurvey {
        let doc = self.extract(name, bytes);
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let normalized = NormalizedDoc::build(&doc.pieces);
            let hits = self.dictionaries.scan(&normalized);
            let cx = self.context(&normalized, &hits);
            crate::detect::survey::survey(&cx)
        }))
        .unwrap_or_default()
    }

    /// The title, 项目名称 and 项目编号 of extracted pieces, for the
    /// review queue (computed for held items only).
    pub fn summarize(&self, pieces: &[Piece]) -> crate::detect::summary::Summary {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let normalized = NormalizedDoc::build(pieces);
            let hits = self.dictionaries.scan(&normalized);
            let cx = self.context(&normalized, &hits);
            crate::detect::summary::summarize(&cx)
        }))
        .unwrap_or_default()
    }

    /// What every detector reads about one normalized document.
    fn context<'a>(
        &'a self,
        normalized: &'a NormalizedDoc,
        hits: &'a crate::detect::DictionaryHits,
    ) -> Context<'a> {
        Context {
            doc: normalized,
            layout: std::sync::OnceLock::new(),
            doc_type: self.spec.classify(normalized),
            hits,
            dictionaries: &self.dictionaries,
            spec: &self.spec,
            today: self
                .today
                .unwrap_or_else(|| chrono::Local::now().date_naive()),
            field_labels: std::sync::OnceLock::new(),
            structure: std::sync::OnceLock::new(),
        }
    }

    /// Normalize, detect and locate: the announcement type, a title hint
    /// for fingerprints, and the findings (actions not yet decided).
    fn analyse(&self, doc: &Document, expect: Expect) -> (Option<String>, String, Vec<Finding>) {
        let normalized = NormalizedDoc::build(&doc.pieces);
        let hits = self.dictionaries.scan(&normalized);
        let cx = self.context(&normalized, &hits);
        let doc_type = cx.doc_type;
        let mut candidates = self.detectors.detect(&cx);
        if doc_type.is_none() && expect == Expect::Announcement {
            candidates.extend(unknown_type(&normalized, self.spec.other_kind(&normalized)));
        }
        let title_hint = title_hint(&normalized);
        let mut lines = LineIndex::default();
        let findings = candidates
            .into_iter()
            .map(|c| self.to_finding(c, &doc.pieces, &mut lines, &normalized, &title_hint))
            .collect();
        (doc_type.map(|t| t.id.clone()), title_hint, findings)
    }

    fn to_finding(
        &self,
        c: Candidate,
        pieces: &[Piece],
        lines: &mut LineIndex,
        doc: &NormalizedDoc,
        title: &str,
    ) -> Finding {
        let location = c.span.as_ref().and_then(|span| {
            let (piece, range) = doc.to_original(span.clone())?;
            let p = pieces.get(piece)?;
            let line = lines.line(pieces, piece, range.start);
            Some(Location {
                part: p.part.clone(),
                start: range.start,
                end: range.end,
                line,
            })
        });
        // Fingerprint: the rule, the value and the words around it — stable
        // when the text moves, different when the context changes.
        let context = match &c.span {
            Some(span) => {
                let before: String = crate::detect::text::layout::before(&doc.text, span.start, 8)
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect();
                let after: String = crate::detect::text::layout::after(&doc.text, span.end, 8)
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect();
                format!("{before}|{after}")
            }
            None => title.to_string(),
        };
        let value = c.value.clone().unwrap_or_default();
        let fp = fingerprint(&[&c.rule, c.field.as_deref().unwrap_or(""), &value, &context]);
        Finding {
            rule: c.rule,
            category: c.category,
            field: c.field,
            action: Action::Hold,
            queue: None,
            severity: c.severity,
            confidence: c.confidence,
            location,
            excerpt: c.excerpt.clone(),
            explanation: c.explanation,
            enforces: c.enforces,
            fingerprint: fp,
            value: c.value.map(|v| Sensitive::new(v, c.excerpt)),
        }
    }
}

/// What a scanned document is expected to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// A procurement announcement: one whose type cannot be recognised
    /// goes to review (`fields.unknown_type`), since no mandatory field
    /// could be checked and garbage from a wrong decoding looks the same.
    Announcement,
    /// Any content (a route or archive configured as not announcements):
    /// only leaks are looked for.
    AnyContent,
}

/// Content text below this many characters is a fragment (a status
/// change, a caption, a title edit), not a document whose type is missing.
const MIN_DOCUMENT_CHARS: usize = 100;

/// The finding for an announcement of no recognisable type: a document
/// (not a short fragment) that says nothing of what it announces.
fn unknown_type(doc: &NormalizedDoc, other_kind: Option<&str>) -> Option<Candidate> {
    let chars: usize = doc
        .spans
        .iter()
        .filter(|s| s.kind.is_content())
        .map(|s| {
            doc.text[s.range.clone()]
                .chars()
                .filter(|c| !c.is_whitespace())
                .count()
        })
        .sum();
    (chars >= MIN_DOCUMENT_CHARS).then(|| Candidate {
        rule: UNKNOWN_TYPE_RULE.into(),
        category: Category::MissingField,
        field: None,
        severity: Severity::Medium,
        confidence: Confidence::Medium,
        span: None,
        value: None,
        excerpt: match other_kind {
            Some(kind) => format!("不属于规定的公告类型：{kind}"),
            None => "无法识别公告类型".into(),
        },
        explanation: match other_kind {
            Some(kind) => format!("该页面看来是{kind}，不属于《政府采购公告和公示信息格式规范》所列的公告类型，因而未按公告核对必备内容。请人工确认它应否经此渠道发布、内容是否妥当。"),
            None => "未能识别公告类型（标题、采购方式和章节中均无可判定的依据），因而无法核对必备内容；也可能是文字编码错误造成的乱码。请人工确认公告类型和内容。".into(),
        },
        enforces: "《政府采购公告和公示信息格式规范（2020年版）》；《政府采购信息发布管理办法》（财政部令第101号）第九条".into(),
    })
}

/// The finding for a part that could not be read: hold, never pass.
fn unscannable(u: &crate::model::Unreadable, title_hint: &str) -> Finding {
    let rule = u.kind.rule();
    // The value a policy's allowlist can name: the blob's hash (the
    // platform's own logo), never document text.
    let value = u
        .sha256
        .as_ref()
        .map(|h| Sensitive::new(format!("sha256:{h}"), format!("sha256:{h}")));
    Finding {
        rule: rule.into(),
        category: Category::Unscannable,
        field: None,
        action: Action::Hold,
        queue: None,
        severity: Severity::High,
        confidence: Confidence::High,
        location: Some(Location {
            part: u.part.clone(),
            start: 0,
            end: 0,
            line: 0,
        }),
        excerpt: u.reason.clone(),
        explanation: format!(
            "{}。无法检查的内容不得放行，请提供可读取的文件或由人工审查。",
            u.reason
        ),
        enforces: "《保守国家秘密法实施条例》第四十二条（先审查、后公开）；fail closed".into(),
        fingerprint: fingerprint(&[
            rule,
            &u.part,
            &u.reason,
            u.sha256.as_deref().unwrap_or(title_hint),
        ]),
        value,
    }
}

/// Line starts per piece, computed the first time a finding needs one (a
/// linear count per finding would be quadratic on noisy documents).
#[derive(Default)]
struct LineIndex {
    starts: std::collections::HashMap<usize, Vec<usize>>,
}

impl LineIndex {
    fn line(&mut self, pieces: &[Piece], piece: usize, offset: usize) -> usize {
        let starts = self.starts.entry(piece).or_insert_with(|| {
            let text = pieces.get(piece).map_or("", |p| p.text.as_str());
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i)
                .collect()
        });
        starts.partition_point(|&nl| nl < offset) + 1
    }
}

fn title_hint(doc: &NormalizedDoc) -> String {
    doc.text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_whitespace())
        .take(60)
        .collect()
}

fn fingerprint(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    hex::encode(&h.finalize()[..12])
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::model::{Action, PartKind};

    fn engine() -> &'static Engine {
        static ENGINE: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
        ENGINE.get_or_init(|| {
            Engine::embedded()
                .unwrap()
                .with_today(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap())
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Arbitrary text, including the characters detectors look for,
        /// never panics and never loses the unscannable fallback.
        #[test]
        fn any_text_scans_without_panicking(text in "[\\PC\n\t ：:（）()★☆*¥￥壹贰万元整0-9X密级机秘绝@.\\-年月日身份证号]{0,400}") {
            let engine = engine();
            let mut doc = Document::new(Format::Text);
            doc.push("body", PartKind::Content, text.clone());
            let report = engine.scan_document(doc, None);
            for f in &report.verdict.findings {
                if let Some(l) = &f.location
                    && l.part == "body" {
                        prop_assert!(text.is_char_boundary(l.start) && text.is_char_boundary(l.end));
                        prop_assert!(l.start <= l.end && l.end <= text.len());
                    }
            }
            if text.trim().is_empty() {
                prop_assert_eq!(report.verdict.action, Action::Hold);
            }
        }

        /// A masked excerpt never contains the raw value it stands for.
        #[test]
        fn excerpts_never_contain_raw_values(
            region in prop::sample::select(vec!["110105", "370102", "440305"]),
            year in 1950u32..2005, month in 1u32..=12, day in 1u32..=28, seq in 0u32..1000,
            label in prop::sample::select(vec!["身份证号：", "证件号码 ", "", "附件"]),
        ) {
            let first = format!("{region}{year:04}{month:02}{day:02}{seq:03}");
            let check = crate::detect::text::checksum::id_check_char(first.as_bytes()).unwrap() as char;
            let id = format!("{first}{check}");
            let mut doc = Document::new(Format::Text);
            doc.push("body", PartKind::Content, format!("联系人{label}{id}。"));
            let report = engine().scan_document(doc, None);
            let f = report.verdict.findings.iter().find(|f| f.rule == "personal.id_card");
            prop_assert!(f.is_some(), "valid ID {} not found", crate::model::mask_digits(&id));
            let json = serde_json::to_string(&report.verdict.findings).unwrap();
            prop_assert!(!json.contains(&id[6..14]), "birth date digits leaked: {}", json);
        }
    }
}
