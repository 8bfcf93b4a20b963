//! Dictionary terms (`dictionaries/*.txt`), matched with one aho-corasick
//! automaton over the skeleton view, together with the exclusion phrases.
//!
//! File format: one term per line; `#` starts a comment; `#!` lines are
//! directives for the whole file:
//!
//! ```text
//! #! kind = term              (or: exclusion)
//! #! category = classified
//! #! severity = critical      (low | medium | high | critical)
//! #! confidence = high        (low | medium | high)
//! #! explanation = 出现涉密词语……
//! #! enforces = 《保守国家秘密法》第三十五条……
//! 国家秘密
//! 涉密项目
//! ```
//!
//! Exclusions and terms share one automaton with leftmost-longest matching:
//! where an exclusion such as `不涉及国家秘密` or `涉密信息系统集成资质`
//! starts at or before a term it contains, the exclusion wins and the term is
//! not reported. Exclusion spans are also given to other detectors (the
//! 国家秘密标志 detector) through [`DictionaryHits::exclusions`].

use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::text::compact::{Alphabet, AsciiEvents};
use super::{Candidate, Context, Detector};
use crate::model::{Category, Confidence, FileError, FileErrors, PartKind, Piece, Severity};
use crate::normalize::NormalizedDoc;

/// Whether a file lists terms to report or phrases that suppress them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    /// Terms to report.
    Term,
    /// Phrases that suppress matches they contain.
    Exclusion,
}

/// One dictionary file, parsed.
#[derive(Debug, Clone)]
pub struct List {
    /// The file stem; the rule id is `dictionary.<name>`.
    pub name: String,
    /// Where it came from.
    pub source: String,
    /// Term or exclusion list.
    pub kind: ListKind,
    /// Category of its findings.
    pub category: Category,
    /// Severity of its findings.
    pub severity: Severity,
    /// Confidence of its findings.
    pub confidence: Confidence,
    /// Explanation shown with each finding.
    pub explanation: String,
    /// The rule enforced.
    pub enforces: String,
    /// Terms with their line numbers.
    pub terms: Vec<(String, usize)>,
}

impl List {
    /// The rule id of this list's findings.
    pub fn rule(&self) -> String {
        format!("dictionary.{}", self.name)
    }
}

/// How the automaton reads the text.
enum Matcher {
    /// Over the text re-encoded with the dictionary's own alphabet
    /// (see [`super::text::compact`]): the fast path.
    Compact(Alphabet, AhoCorasick),
    /// Over the UTF-8 skeleton, when the dictionary has too many distinct
    /// characters for the compact alphabet.
    Skeleton(AhoCorasick),
}

/// All dictionary lists, compiled.
pub struct Dictionaries {
    lists: Vec<List>,
    automaton: Option<Matcher>,
    /// For each automaton pattern: the list it came from, or its trigger.
    owner: Vec<Owner>,
    /// Total number of patterns.
    pub pattern_count: usize,
}

impl std::fmt::Debug for Dictionaries {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dictionaries")
            .field("lists", &self.lists.len())
            .field("patterns", &self.pattern_count)
            .finish()
    }
}

/// What one pass of the automaton found, in `text` coordinates.
#[derive(Debug, Clone, Default)]
pub struct DictionaryHits {
    /// Term matches: (list index, range).
    pub terms: Vec<(usize, Range<usize>)>,
    /// Exclusion spans.
    pub exclusions: Vec<Range<usize>>,
    /// Trigger characters seen, for detectors that only need to look near
    /// them (see [`Trigger`]).
    pub triggers: Vec<(Trigger, usize)>,
    /// ASCII features noted by the compact encoder; `None` when the
    /// dictionary fell back to the skeleton matcher (detectors then scan).
    pub ascii: Option<AsciiEvents>,
}

/// Single characters the dictionary pass also reports, so other detectors
/// need not scan the whole text again: one automaton pass serves them all.
/// A trigger is one character, so it can never hide a longer term starting
/// at the same place (leftmost-longest keeps the term).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// A 大写 financial digit (壹…玖): a 大写 amount may be near.
    AmountDigit,
    /// `★`, `☆` or `*`: a 国家秘密标志 may be near.
    Star,
    /// A level word (`机密`, `秘密`, `绝密`): a mark without a star may be
    /// near.
    Level,
}

const TRIGGERS: &[(&str, Trigger)] = &[
    ("壹", Trigger::AmountDigit),
    ("贰", Trigger::AmountDigit),
    ("叁", Trigger::AmountDigit),
    ("参", Trigger::AmountDigit),
    ("肆", Trigger::AmountDigit),
    ("伍", Trigger::AmountDigit),
    ("陆", Trigger::AmountDigit),
    ("柒", Trigger::AmountDigit),
    ("捌", Trigger::AmountDigit),
    ("玖", Trigger::AmountDigit),
    ("★", Trigger::Star),
    ("☆", Trigger::Star),
    ("*", Trigger::Star),
];

/// Who a pattern belongs to.
#[derive(Debug, Clone, Copy)]
enum Owner {
    List(usize),
    Trigger(Trigger),
}

/// Normalizes a term exactly as document text is normalized, then takes its
/// skeleton, so `機 密` in a file matches `机密` in a document.
pub fn normalize_term(term: &str) -> String {
    let doc = NormalizedDoc::build(&[Piece {
        part: String::new(),
        kind: PartKind::Content,
        text: term.to_string(),
    }]);
    doc.skeleton().to_string()
}

/// Parses one dictionary file.
pub fn parse_list(name: &str, source: &str, text: &str) -> Result<List, FileErrors> {
    let mut errors = Vec::new();
    let mut list = List {
        name: name.to_string(),
        source: source.to_string(),
        kind: ListKind::Term,
        category: Category::Classified,
        severity: Severity::High,
        confidence: Confidence::Medium,
        explanation: String::new(),
        enforces: String::new(),
        terms: Vec::new(),
    };
    let mut have_category = false;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = raw.trim();
        if let Some(directive) = line.strip_prefix("#!") {
            let Some((key, value)) = directive.split_once('=') else {
                errors.push(FileError::new(
                    source,
                    line_no,
                    "directive must be `#! key = value`",
                ));
                continue;
            };
            let (key, value) = (key.trim(), value.trim());
            let bad = |what: &str| {
                FileError::new(
                    source,
                    line_no,
                    format!("invalid {key} \"{value}\" (expected {what})"),
                )
            };
            match key {
                "kind" => match value {
                    "term" => list.kind = ListKind::Term,
                    "exclusion" => list.kind = ListKind::Exclusion,
                    _ => errors.push(bad("term or exclusion")),
                },
                "category" => match Category::parse(value) {
                    Some(c) => {
                        list.category = c;
                        have_category = true;
                    }
                    None => errors.push(bad("a category such as classified")),
                },
                "severity" => match value {
                    "low" => list.severity = Severity::Low,
                    "medium" => list.severity = Severity::Medium,
                    "high" => list.severity = Severity::High,
                    "critical" => list.severity = Severity::Critical,
                    _ => errors.push(bad("low, medium, high or critical")),
                },
                "confidence" => match value {
                    "low" => list.confidence = Confidence::Low,
                    "medium" => list.confidence = Confidence::Medium,
                    "high" => list.confidence = Confidence::High,
                    _ => errors.push(bad("low, medium or high")),
                },
                "explanation" => list.explanation = value.to_string(),
                "enforces" => list.enforces = value.to_string(),
                _ => errors.push(FileError::new(
                    source,
                    line_no,
                    format!("unknown directive \"{key}\" (known: kind, category, severity, confidence, explanation, enforces)"),
                )),
            }
            continue;
        }
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if normalize_term(line).chars().count() < 2 {
            errors.push(FileError::new(
                source,
                line_no,
                format!("term \"{line}\" is shorter than 2 characters after normalization"),
            ));
            continue;
        }
        list.terms.push((line.to_string(), line_no));
    }
    if list.kind == ListKind::Term {
        if !have_category {
            errors.push(FileError::new(
                source,
                0,
                "missing `#! category = …` directive",
            ));
        }
        if list.explanation.is_empty() || list.enforces.is_empty() {
            errors.push(FileError::new(
                source,
                0,
                "missing `#! explanation` or `#! enforces` directive",
            ));
        }
    }
    if errors.is_empty() {
        Ok(list)
    } else {
        Err(FileErrors(errors))
    }
}

impl Dictionaries {
    /// Compiles parsed lists into one automaton.
    pub fn build(lists: Vec<List>) -> Result<Dictionaries, FileErrors> {
        let mut patterns = Vec::new();
        let mut owner = Vec::new();
        for (i, list) in lists.iter().enumerate() {
            for (term, _) in &list.terms {
                patterns.push(normalize_term(term));
                owner.push(Owner::List(i));
            }
        }
        let pattern_count = patterns.len();
        for (c, t) in TRIGGERS {
            patterns.push((*c).to_string());
            owner.push(Owner::Trigger(*t));
        }
        for star in super::marking::STARS.chars() {
            patterns.push(star.to_string());
            owner.push(Owner::Trigger(Trigger::Star));
        }
        for word in ["机密", "秘密", "绝密"] {
            patterns.push(word.to_string());
            owner.push(Owner::Trigger(Trigger::Level));
        }
        // Leftmost-longest so an exclusion wins over a term it contains.
        // aho-corasick picks the contiguous NFA above ~100 patterns: its DFA
        // is slower on large Chinese dictionaries (the tables do not fit in
        // cache).
        let build = |patterns: &[Vec<u8>], fold_case: bool| {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .ascii_case_insensitive(fold_case)
                .build(patterns)
                .map_err(|e| {
                    FileErrors(vec![FileError::new(
                        "dictionaries",
                        0,
                        format!("cannot build automaton: {e}"),
                    )])
                })
        };
        let automaton = if patterns.is_empty() {
            None
        } else {
            let compact =
                Alphabet::build(patterns.iter().map(String::as_str)).and_then(|alphabet| {
                    let encoded: Option<Vec<Vec<u8>>> =
                        patterns.iter().map(|p| alphabet.encode_term(p)).collect();
                    encoded.map(|e| (alphabet, e))
                });
            match compact {
                Some((alphabet, encoded)) => {
                    Some(Matcher::Compact(alphabet, build(&encoded, false)?))
                }
                None => {
                    let raw: Vec<Vec<u8>> =
                        patterns.iter().map(|p| p.as_bytes().to_vec()).collect();
                    Some(Matcher::Skeleton(build(&raw, true)?))
                }
            }
        };
        Ok(Dictionaries {
            lists,
            automaton,
            owner,
            pattern_count,
        })
    }

    /// Rule ids and categories of the term lists.
    pub fn rules(&self) -> Vec<(String, Category)> {
        self.lists
            .iter()
            .filter(|l| l.kind == ListKind::Term)
            .map(|l| (l.rule(), l.category))
            .collect()
    }

    /// One pass over the skeleton.
    pub fn scan(&self, doc: &NormalizedDoc) -> DictionaryHits {
        let mut hits = DictionaryHits::default();
        let mut ascii = None;
        let mut record = |pattern: usize, range: Range<usize>| match self.owner[pattern] {
            Owner::Trigger(t) => hits.triggers.push((t, range.start)),
            Owner::List(list) => match self.lists[list].kind {
                ListKind::Exclusion => hits.exclusions.push(range),
                ListKind::Term => hits.terms.push((list, range)),
            },
        };
        match &self.automaton {
            None => {}
            Some(Matcher::Compact(alphabet, ac)) => {
                let encoded = alphabet.encode(&doc.text);
                for m in ac.find_iter(&encoded.bytes) {
                    record(
                        m.pattern().as_usize(),
                        encoded.to_text(&doc.text, m.start()..m.end()),
                    );
                }
                ascii = Some(encoded.ascii);
            }
            Some(Matcher::Skeleton(ac)) => {
                for m in ac.find_iter(doc.skeleton()) {
                    record(
                        m.pattern().as_usize(),
                        doc.skeleton_to_text(m.start()..m.end()),
                    );
                }
            }
        }
        hits.ascii = ascii;
        hits
    }

    /// A list by index.
    pub fn list(&self, i: usize) -> Option<&List> {
        self.lists.get(i)
    }
}

/// Reports dictionary term matches. Terms are markers, not secrets, so the
/// excerpt shows the matched term itself.
pub struct Terms;

impl Detector for Terms {
    fn id(&self) -> &'static str {
        "dictionary"
    }

    /// None: its rules are the loaded dictionaries' ([`Dictionaries::rules`]).
    fn rules(&self) -> &'static [(&'static str, crate::model::Category)] {
        &[]
    }

    fn detect(&self, cx: &Context<'_>, out: &mut Vec<Candidate>) {
        for (list_index, range) in &cx.hits.terms {
            let Some(list) = cx.dictionaries.list(*list_index) else {
                continue;
            };
            let matched = &cx.doc.text[range.clone()];
            let compact: String = matched.chars().filter(|c| !c.is_whitespace()).collect();
            out.push(Candidate {
                rule: list.rule(),
                category: list.category,
                field: None,
                severity: list.severity,
                confidence: list.confidence,
                span: Some(range.clone()),
                value: Some(compact.clone()),
                excerpt: compact,
                explanation: list.explanation.clone(),
                enforces: list.enforces.clone(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lists() -> Dictionaries {
        let terms = parse_list(
            "secret_terms",
            "t.txt",
            "#! category = classified\n#! explanation = x\n#! enforces = y\n国家秘密\n涉密\n",
        )
        .unwrap();
        let excl = parse_list(
            "exclusions",
            "e.txt",
            "#! kind = exclusion\n不涉及国家秘密\n涉密信息系统集成资质\n",
        )
        .unwrap();
        Dictionaries::build(vec![terms, excl]).unwrap()
    }

    fn scan(text: &str) -> DictionaryHits {
        let doc = NormalizedDoc::build(&[Piece {
            part: "b".into(),
            kind: PartKind::Content,
            text: text.into(),
        }]);
        lists().scan(&doc)
    }

    #[test]
    fn terms_with_spaces_and_traditional() {
        assert_eq!(scan("本文件含國家 秘密").terms.len(), 1);
        assert_eq!(scan("涉-密项目").terms.len(), 1);
    }

    #[test]
    fn exclusions_win() {
        let h = scan("本项目不涉及国家秘密。投标人须具备涉密信息系统集成资质。");
        assert!(h.terms.is_empty(), "{h:?}");
        assert_eq!(h.exclusions.len(), 2);
    }

    #[test]
    fn file_errors_point_at_lines() {
        let e = parse_list(
            "x",
            "dictionaries/x.txt",
            "#! category = secrets\n#! colour = red\n机\n",
        )
        .unwrap_err();
        let shown = e.to_string();
        assert!(shown.contains("dictionaries/x.txt:1:"), "{shown}");
        assert!(
            shown.contains("dictionaries/x.txt:2: unknown directive"),
            "{shown}"
        );
        assert!(shown.contains("dictionaries/x.txt:3:"), "{shown}");
    }
}
