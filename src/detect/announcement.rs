//! Announcement types and their mandatory fields, loaded from
//! `dictionaries/announcements.toml`, and the classifier that recognises the
//! type from the title and the content.
//!
//! The file is data an operator edits (label spellings differ between
//! provinces); this module only knows how to read and apply it.

use std::collections::BTreeSet;

use serde::Deserialize;

use crate::model::PartKind;
use crate::normalize::NormalizedDoc;

/// The type ids pubgate knows (JSONL contract).
pub const TYPE_IDS: &[&str] = &[
    "intent",
    "tender",
    "consultation",
    "negotiation",
    "inquiry",
    "single_source",
    "prequalification",
    "award",
    "correction",
    "termination",
    "contract",
    "acceptance",
    "demand_notice",
    "framework_call",
    "framework_result",
];

/// How a field's value is recognised after its label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueKind {
    /// Any non-empty text on the label's line or the next line.
    Text,
    /// Letters or digits (a code).
    Code,
    /// A number or 大写 amount.
    Amount,
    /// A date.
    Date,
    /// Person names.
    Names,
    /// A phone number.
    Phone,
    /// The label itself is a heading; something must follow it.
    Section,
}

/// One field: its labels and how its value looks.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// The field's Chinese name, for explanations.
    pub name: String,
    /// Label variants (whitespace inside them is tolerated when matching).
    pub labels: Vec<String>,
    /// What the value looks like.
    pub value: ValueKind,
    /// How many characters after the label to look for the value.
    #[serde(default = "default_window")]
    pub window: usize,
    /// The rule that makes the field mandatory.
    pub enforces: String,
    /// Sentences only this field's value writes (regular expressions):
    /// one in the visible content makes the field present whatever its
    /// label (`自本公告发布之日起`).
    #[serde(default)]
    pub presence_patterns: Vec<String>,
    /// The field is required only when one of these words occurs in the
    /// visible content (an agency's contacts, of a notice that has an
    /// agency).
    #[serde(default)]
    pub only_if_mentioned: Vec<String>,
    /// Labels that name this field only in a notice where none of
    /// `sole_unless` occurs: a notice without an agency has one contact
    /// block (`联系人：… 联系电话：…`), and it is the purchaser's.
    #[serde(default)]
    pub sole_labels: Vec<String>,
    /// See `sole_labels`.
    #[serde(default)]
    pub sole_unless: Vec<String>,
    /// When not empty, `sole_labels` name this field only where one of
    /// these occurs too: a notice the agency publishes in its own name
    /// (`XX招标有限公司受XX委托`) gives the agency's contacts unlabelled.
    #[serde(default)]
    pub sole_if: Vec<String>,
    /// Words that end the value's window: another party's block
    /// (`采购代理机构`) holds that party's phone, not this one's.
    #[serde(default)]
    pub stop_at: Vec<String>,
    /// `presence_patterns`, compiled once.
    #[serde(skip)]
    compiled: std::sync::OnceLock<Vec<regex::Regex>>,
}

impl FieldSpec {
    /// The presence patterns, compiled (checked when the spec loads).
    pub fn compiled_patterns(&self) -> &[regex::Regex] {
        compiled_once(&self.compiled, &self.presence_patterns)
    }
}

/// Operator-written regular expressions, compiled on first use. Each was
/// checked by [`check_patterns`] when the spec loaded, so none is dropped.
fn compiled_once<'a>(
    cell: &'a std::sync::OnceLock<Vec<regex::Regex>>,
    patterns: &[String],
) -> &'a [regex::Regex] {
    cell.get_or_init(|| {
        patterns
            .iter()
            .filter_map(|p| regex::Regex::new(p).ok())
            .collect()
    })
}

/// Checks operator-written regular expressions when the spec loads; the
/// error names `owner` and which list (`body pattern`) the bad one is in.
fn check_patterns(owner: &str, list: &str, patterns: &[String]) -> Result<(), String> {
    for p in patterns {
        if let Err(e) = regex::Regex::new(p) {
            return Err(format!("{owner}: {list} {p:?}: {e}"));
        }
    }
    Ok(())
}

fn default_window() -> usize {
    80
}

/// One announcement type.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocType {
    /// The type id (`tender`…).
    pub id: String,
    /// Chinese name.
    pub name: String,
    /// Phrases that identify the type in a title.
    pub title: Vec<String>,
    /// Phrases that identify the type in the body when the title does not.
    #[serde(default)]
    pub body: Vec<String>,
    /// Values of `采购方式` that identify the type (`竞争性磋商`).
    #[serde(default)]
    pub method: Vec<String>,
    /// Title phrases that name the type only loosely (`结果公示` is also a
    /// 废标 notice's title): they decide only when the body agrees.
    #[serde(default)]
    pub weak_title: Vec<String>,
    /// The type amends another notice (更正, 终止): its title phrase wins
    /// over the amended notice's (`…终止招标公告` is a termination).
    #[serde(default)]
    pub amends: bool,
    /// The type's title phrase is written loosely for any solicitation
    /// (`……食堂承包招标公告` over a 竞争性磋商): a stated `采购方式` of
    /// another solicitation outweighs it.
    #[serde(default)]
    pub loose_title: bool,
    /// Sentences that say the notice is something else (an invitation's
    /// `现欢迎合格的供应商参加`): a title phrase of this type over a body
    /// that has one of them and none of this type's own body phrases
    /// counts as a loose title (a site that put 成交公告 over its 磋商公告).
    #[serde(default)]
    pub contradicted_by: Vec<String>,
    /// Types whose content this type's template carries (an acceptance
    /// notice restates its contract): with two or more of this type's own
    /// body phrases present, the quoted type's body evidence does not
    /// count against it.
    #[serde(default)]
    pub quotes: Vec<String>,
    /// Types this one takes over when its own body evidence is present
    /// and none of `takes_over_unless` is: a result notice in the award
    /// template whose only result is `废标理由：…本项目流标` names no
    /// winner, and is a termination.
    #[serde(default)]
    pub takes_over: Vec<String>,
    /// Phrases that keep the other type (a winner named for another lot).
    #[serde(default)]
    pub takes_over_unless: Vec<String>,
    /// Phrases that take over even where a `takes_over_unless` phrase is
    /// present: a result table whose winner cell reads `无供应商报价`
    /// still carries the `中标供应商` column header.
    #[serde(default)]
    pub takes_over_despite: Vec<String>,
    /// Phrases that report an evaluation already made (`符合性审查`): a
    /// `pre_award` notice with one of them (a 废标 after the evaluation)
    /// is published after the panel sat, when its names are no longer
    /// secret.
    #[serde(default)]
    pub evaluated_if: Vec<String>,
    /// Sentences (regular expressions, on the text without whitespace)
    /// that do what the type does, however a notice words it:
    /// `决定…取消…招标` ends a procurement, `延期至` corrects one. Each
    /// one present counts as a body phrase of `PATTERN_WEIGHT`
    /// characters — the evidence of notices written as a letter, with
    /// none of the template's phrases.
    #[serde(default)]
    pub body_patterns: Vec<String>,
    /// `body_patterns`, compiled once.
    #[serde(skip)]
    compiled_body: std::sync::OnceLock<Vec<regex::Regex>>,
    /// Mandatory field ids.
    pub required: Vec<String>,
    /// Published before the award: expert names, bidders and 标底 are secret.
    pub pre_award: bool,
    /// Minimum calendar days from publication (or document issue) to the
    /// bid/response deadline, if the law sets one.
    #[serde(default)]
    pub min_bid_days: Option<i64>,
    /// The article that sets `min_bid_days`.
    #[serde(default)]
    pub min_bid_days_rule: Option<String>,
    /// The shortest 公告期限/公示期限 the rules allow, in working days, as
    /// stated in the announcement (`自本公告发布之日起5个工作日`).
    #[serde(default)]
    pub min_period_working_days: Option<u32>,
    /// The article that sets `min_period_working_days`.
    #[serde(default)]
    pub min_period_rule: Option<String>,
}

impl DocType {
    /// The body patterns, compiled (checked when the spec loads).
    fn compiled_body_patterns(&self) -> &[regex::Regex] {
        compiled_once(&self.compiled_body, &self.body_patterns)
    }
}

/// What one body pattern weighs, in characters of a body phrase: about a
/// characteristic phrase's (`终止原因`, `延期至`).
const PATTERN_WEIGHT: usize = 4;

/// A kind of page that is no announcement type.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OtherKind {
    /// Chinese name, for the explanation.
    pub name: String,
    /// Phrase sets: every phrase of one set near the top is the evidence
    /// (`投诉人` with `被投诉人`).
    #[serde(default)]
    pub all_of: Vec<Vec<String>>,
    /// A salutation line near the top addressed to offices (`各预算单位：`,
    /// `院属各科室：`) — an addressee with one of `addressed_to` — is a
    /// circular. `各有关单位：` and `各潜在投标人：` head procurement
    /// notices themselves, so only the listed addressees count.
    #[serde(default)]
    pub salutation: bool,
    /// See `salutation`.
    #[serde(default)]
    pub addressed_to: Vec<String>,
    /// How a news report opens its first paragraph (regular expressions on
    /// the line as written: `^近日[,，]`, `^3月14日[,，]`): a report of a
    /// procurement tells what happened, a notice addresses its market.
    /// Matched on the first long lines of the content only.
    #[serde(default)]
    pub lead_patterns: Vec<String>,
    /// The evidence outweighs a type's phrase in the title: a news agency's
    /// dateline (`人民网雄安1月25日电`) under a headline that quotes the
    /// notice it reports (`雄安新区发布通知 暂停开标评标工作`) is still a
    /// report. Without it, a title naming a type keeps the type.
    #[serde(default)]
    pub decisive: bool,
    /// Lines a page of this kind has among its first lines, whole
    /// (regular expressions on the trimmed line): an official document's
    /// issuing number under its title (`食药监械管便函〔2015〕25号`).
    #[serde(default)]
    pub line_patterns: Vec<String>,
    /// `line_patterns`, compiled once.
    #[serde(skip)]
    compiled_lines: std::sync::OnceLock<Vec<regex::Regex>>,
    /// `lead_patterns`, compiled once.
    #[serde(skip)]
    compiled_leads: std::sync::OnceLock<Vec<regex::Regex>>,
}

impl OtherKind {
    /// Whether every phrase of one of `all_of`'s sets is in `text`.
    fn phrases_in(&self, text: &str) -> bool {
        self.all_of
            .iter()
            .any(|set| set.iter().all(|p| text.contains(p.as_str())))
    }

    /// Whether one of the first lines is one of `line_patterns`.
    fn has_line(&self, doc: &NormalizedDoc) -> bool {
        if self.line_patterns.is_empty() {
            return false;
        }
        let patterns = compiled_once(&self.compiled_lines, &self.line_patterns);
        content_lines(doc)
            .take(LEAD_LINES)
            .any(|l| patterns.iter().any(|r| r.is_match(l.trim())))
    }

    /// Whether the first paragraph opens as a report does (`lead_patterns`).
    fn opens_as_report(&self, doc: &NormalizedDoc) -> bool {
        if self.lead_patterns.is_empty() {
            return false;
        }
        let leads = compiled_once(&self.compiled_leads, &self.lead_patterns);
        content_lines(doc)
            .take(LEAD_LINES)
            .find(|l| l.chars().count() >= PARAGRAPH_CHARS && l.contains(['，', ',', '。']))
            .is_some_and(|first| leads.iter().any(|r| r.is_match(first)))
    }
}

/// How many first lines of the content may precede a report's first
/// paragraph (a site's name, the headline, a byline).
const LEAD_LINES: usize = 8;

/// The shortest line read as a paragraph rather than a headline or byline
/// (which also has no sentence punctuation).
const PARAGRAPH_CHARS: usize = 40;

/// When a tender is outside the statutory bid period because nothing
/// obliges it to be tendered: a notice that never calls itself government
/// procurement runs under the 招标投标法, whose twenty days bind only
/// projects that must be tendered, and no project below `floor_yuan` must.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BelowMandatoryTender {
    /// The lowest amount (yuan) from which some project must be tendered.
    pub floor_yuan: u64,
    /// Words that make a notice government procurement (`政府采购`).
    pub unless: Vec<String>,
}

/// The whole announcement spec.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnnouncementSpec {
    /// Types, in the order they are tried (more specific first: an award
    /// notice title often also says 招标).
    pub types: Vec<DocType>,
    /// Pages the platforms publish beside announcements that are none of
    /// the types (a circular to the budget units, a complaint decision):
    /// recognised so that a type's body phrases in them do not make them
    /// that type.
    #[serde(default)]
    pub other_kinds: Vec<OtherKind>,
    /// Words by which a notice says it is outside the 政府采购法's
    /// procedures (`自行采购`, a hospital's `院内招标`): the statutory
    /// minimum bid periods (`min_bid_days`) do not bind it.
    #[serde(default)]
    pub outside_statute: Vec<String>,
    /// Tenders under the 招标投标法 below the amount from which a project
    /// must be tendered: the statutory bid period binds only projects
    /// that must be (see `[below_mandatory_tender]`).
    #[serde(default)]
    pub below_mandatory_tender: Option<BelowMandatoryTender>,
    /// Fields by id.
    pub fields: std::collections::BTreeMap<String, FieldSpec>,
    /// Key morphemes of labels and the words platforms write in their
    /// place (`供应商` → `公司`, `单位`): a label is also matched with one
    /// of them swapped in (`中标供应商名称` finds `中标公司名称`), so a
    /// platform's own wording needs no label of its own.
    #[serde(default)]
    pub morphemes: std::collections::BTreeMap<String, Vec<String>>,
    /// Every field label, compiled once (owner = field index in `fields`).
    #[serde(skip)]
    labels: std::sync::OnceLock<super::text::labels::LabelSet>,
}

impl AnnouncementSpec {
    /// Adds to each field's labels their variants with a key morpheme
    /// swapped (see `morphemes`), after the labels as written (which the
    /// explanations list). Run once, when the spec loads.
    pub fn expand_morphemes(&mut self) {
        for field in self.fields.values_mut() {
            let mut variants = Vec::new();
            for label in &field.labels {
                for v in morpheme_variants(label, &self.morphemes) {
                    if !field.labels.contains(&v) && !variants.contains(&v) {
                        variants.push(v);
                    }
                }
            }
            field.labels.extend(variants);
        }
    }

    /// Checks references: type ids known, required fields defined.
    pub fn validate(&self) -> Result<(), String> {
        let mut seen = BTreeSet::new();
        for t in &self.types {
            if !TYPE_IDS.contains(&t.id.as_str()) {
                return Err(format!(
                    "unknown announcement type id \"{}\" (known: {})",
                    t.id,
                    TYPE_IDS.join(", ")
                ));
            }
            if !seen.insert(t.id.clone()) {
                return Err(format!("announcement type \"{}\" defined twice", t.id));
            }
            for f in &t.required {
                if !self.fields.contains_key(f) {
                    return Err(format!(
                        "type \"{}\" requires undefined field \"{f}\"",
                        t.id
                    ));
                }
            }
            if t.title.is_empty() {
                return Err(format!("type \"{}\" has no title phrases", t.id));
            }
            check_patterns(
                &format!("type \"{}\"", t.id),
                "body pattern",
                &t.body_patterns,
            )?;
        }
        for k in &self.other_kinds {
            let owner = format!("other kind \"{}\"", k.name);
            check_patterns(&owner, "lead pattern", &k.lead_patterns)?;
            check_patterns(&owner, "line pattern", &k.line_patterns)?;
        }
        for (id, f) in &self.fields {
            if f.labels.iter().any(|l| l.trim().is_empty()) || f.labels.is_empty() {
                return Err(format!("field \"{id}\" has an empty label list or label"));
            }
            let owner = format!("field \"{id}\"");
            check_patterns(&owner, "presence pattern", &f.presence_patterns)?;
        }
        Ok(())
    }

    /// Recognises the announcement type by evidence: each type scores
    /// its title phrases in the title (decisive, an amending type's most of
    /// all), its body phrases in the
    /// content (by length, double when the phrase is a heading), and its
    /// `采购方式` values. The best score wins, ties going to the type
    /// listed first; no evidence at all is no type.
    pub fn classify(&self, doc: &NormalizedDoc) -> Option<&DocType> {
        let title: String = title_text(doc)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let head = content_head(doc, 8000);
        // A page of another kind is no type, unless its title names one
        // and not the other kind (an aggregator's `【招标公告】` tag over a
        // `采购预询价`).
        if let Some(kind) = self.other_kind_in(doc, &head) {
            let titled_as_type = self
                .types
                .iter()
                .any(|t| t.title.iter().any(|p| title.contains(p.as_str())));
            if !titled_as_type || kind.decisive || kind.phrases_in(&title) {
                return None;
            }
        }
        let headings = heading_text(doc, 8000);
        let method = method_value(&head);
        // Each type's body phrases found near the top, searched once.
        let found: Vec<Vec<&str>> = self
            .types
            .iter()
            .map(|t| {
                t.body
                    .iter()
                    .map(String::as_str)
                    .filter(|p| asserted(&head, p))
                    .collect()
            })
            .collect();
        // Types quoted by a type whose own body evidence is present.
        let quoted: Vec<&str> = self
            .types
            .iter()
            .zip(&found)
            .filter(|(_, phrases)| phrases.len() >= 2)
            .flat_map(|(t, _)| t.quotes.iter().map(String::as_str))
            .collect();
        let mut best: Option<(usize, &DocType)> = None;
        for (t, phrases) in self.types.iter().zip(&found) {
            let mut score = 0usize;
            if !quoted.contains(&t.id.as_str()) {
                for p in phrases {
                    let n = p.chars().count();
                    score += if headings.contains(p) { 2 * n } else { n };
                }
                score += PATTERN_WEIGHT
                    * t.compiled_body_patterns()
                        .iter()
                        .filter(|p| {
                            p.is_match(&head)
                                && p.find_iter(&head).any(|m| !conditional(&head, m.start()))
                        })
                        .count();
                // A notice that amends another quotes it (`已购买招标文件的
                // 单位` in a notice that suspends a tender): what it does
                // to it weighs more than what it quotes.
                if t.amends {
                    score *= 2;
                }
            }
            if let Some(m) = &method
                && t.method.iter().any(|v| m.contains(v.as_str()))
            {
                score += 6;
            }
            // The title decides; a loose title the body does not bear out
            // (`结果公示` over a 废标 notice) only breaks ties, and a notice
            // with no other evidence still gets it.
            let contradicted = phrases.is_empty()
                && t.contradicted_by
                    .iter()
                    .any(|p| outside_summary(&head, p.as_str()));
            if t.title.iter().any(|p| title.contains(p.as_str())) && !contradicted {
                score += if t.amends { 2000 } else { 1000 };
            } else if t
                .weak_title
                .iter()
                .chain(&t.title)
                .any(|p| title.contains(p.as_str()))
            {
                score += if score > 0 { 1000 } else { 3 };
            }
            if score > 0 && best.is_none_or(|(b, _)| score > b) {
                best = Some((score, t));
            }
        }
        let best = self.by_stated_method(best.map(|(_, t)| t)?, method.as_deref(), &title);
        let taker = self.types.iter().zip(&found).find(|(t, phrases)| {
            t.takes_over.contains(&best.id)
                && !phrases.is_empty()
                && (t
                    .takes_over_despite
                    .iter()
                    .any(|p| head.contains(p.as_str()))
                    || !t
                        .takes_over_unless
                        .iter()
                        .any(|p| head.contains(p.as_str())))
        });
        Some(taker.map_or(best, |(t, _)| t))
    }

    /// The solicitation the notice's own `采购方式` names, when the body
    /// evidence chose another solicitation: a 竞争性磋商 run by a
    /// construction agency borrows the tender's `投标人` and `投标文件`
    /// wording, and its stated method is the better witness. A title that
    /// names the chosen type keeps it (unless the type's title is written
    /// loosely for any solicitation, `loose_title`), and amending types are never
    /// switched (a termination states the method of what it ends).
    fn by_stated_method<'a>(
        &'a self,
        best: &'a DocType,
        method: Option<&str>,
        title: &str,
    ) -> &'a DocType {
        let Some(method) = method else { return best };
        let names = |t: &DocType| t.method.iter().any(|v| method.contains(v.as_str()));
        if best.method.is_empty()
            || names(best)
            || (!best.loose_title && best.title.iter().any(|p| title.contains(p.as_str())))
        {
            return best;
        }
        self.types
            .iter()
            .find(|t| !t.amends && names(t))
            .unwrap_or(best)
    }

    /// The kind of page this is when it is none of the types (see
    /// `other_kinds`), by name.
    pub fn other_kind(&self, doc: &NormalizedDoc) -> Option<&str> {
        self.other_kind_in(doc, &content_head(doc, 8000))
            .map(|k| k.name.as_str())
    }

    fn other_kind_in(&self, doc: &NormalizedDoc, head: &str) -> Option<&OtherKind> {
        self.other_kinds.iter().find(|k| {
            k.phrases_in(head)
                || (k.salutation && addressed_to_offices(doc, &k.addressed_to))
                || k.opens_as_report(doc)
                || k.has_line(doc)
        })
    }

    /// All field labels as one set (owner: the field's index in `fields`).
    pub fn label_set(&self) -> &super::text::labels::LabelSet {
        self.labels.get_or_init(|| {
            super::text::labels::LabelSet::new(
                self.fields
                    .values()
                    .enumerate()
                    .flat_map(|(i, f)| f.labels.iter().map(move |l| (i, l.as_str()))),
            )
        })
    }
}

/// A label with one key morpheme replaced by each of its alternates, where
/// the morpheme is not the label's first word: `中标供应商名称` →
/// `中标公司名称`, but `供应商名称` stays (`单位名称` alone would match
/// `采购单位名称`).
fn morpheme_variants(
    label: &str,
    morphemes: &std::collections::BTreeMap<String, Vec<String>>,
) -> Vec<String> {
    let mut out = Vec::new();
    for (morpheme, alternates) in morphemes {
        let Some(at) = label.find(morpheme.as_str()).filter(|&at| at > 0) else {
            continue;
        };
        for alternate in alternates {
            let variant = format!(
                "{}{alternate}{}",
                &label[..at],
                &label[at + morpheme.len()..]
            );
            if variant != label && !out.contains(&variant) {
                out.push(variant);
            }
        }
    }
    out
}

/// Title pieces, plus the first three non-empty lines of the first content
/// piece (a plain-text or PDF announcement has its title there). Of a line
/// too long to be a title (a page flattened onto one line) only the part
/// before the first sentence break counts: a phrase later in it
/// (`…发出的招标延期公告，…`) names another notice.
pub(super) fn title_text(doc: &NormalizedDoc) -> String {
    let mut out = String::new();
    for span in &doc.spans {
        if span.kind == PartKind::Title {
            out.push_str(&doc.text[span.range.clone()]);
            out.push('\n');
        }
    }
    // The first lines of the content, across pieces: a page's first piece
    // may hold nothing but blanks (an indented container, an empty cell).
    let lines = after_site_chrome(doc).take(TITLE_LINES);
    let mut whole_title_seen = false;
    for (i, line) in lines.enumerate() {
        let line = without_status_tag(line);
        // Below a salutation (`各预算单位：`) is the letter's body.
        if salutation(line).is_some() {
            break;
        }
        if whole_title_seen || i >= 3 {
            // Below the first lines (or a whole title) only another whole
            // title counts: an aggregator page puts its own headline first
            // and the notice's title after the breadcrumb
            // (`……招标公告` / `首页 > …` / `……更正公告[变更公告]`), and a
            // title wrapped over two lines ends on the fourth.
            if complete_title(line) && !line.contains([':', '：', '，', '。', '；']) {
                out.push_str(line);
                out.push('\n');
            }
            continue;
        }
        // `宁乡市人民医院:医用服装及布品项目采购需求公开` is a title all the
        // same.
        if labelled_value(line) && !complete_title(line) {
            continue;
        }
        // A short line that is a finished sentence
        // (`某某公司于2015年8月28日就…进行了公开招标公告。`) is the body's
        // first line: a title has no full stop, and what follows is body too
        // (its headings, `单一来源原因`, name no notice). (A long line is cut
        // at its first break below: a title glued to its body.)
        if line.chars().count() <= MAX_TITLE_CHARS && line.trim_end().ends_with(['。', '．']) {
            break;
        }
        let line = if line.chars().count() <= MAX_TITLE_CHARS {
            line
        } else {
            // A title glued to its body ends at the first sentence break.
            let end = line
                .find(['，', ',', '。', '；', ';'])
                .unwrap_or(line.len());
            let head = &line[..end];
            if head.chars().count() > MAX_TITLE_CHARS {
                continue;
            }
            head
        };
        if narrates(line) {
            continue;
        }
        out.push_str(line);
        out.push('\n');
        // The lines below a whole title are the body: its first sentence
        // (`……进行了竞争性谈判采购，现就本次谈判结果公告如下`) names the
        // procedure, not the notice.
        whole_title_seen = complete_title(line);
    }
    if let Some(chapter) = first_chapter_of_document(doc) {
        out.push_str(&chapter);
        out.push('\n');
    }
    out
}

/// The first chapter's name of a procurement document (`招标文件`, a
/// document-sharing site's copy of one): its notice is the first chapter
/// (`第一章 招标公告`, `第一部分 投标邀请`), so that name is the title of
/// what the page publishes. The cover names only the document.
fn first_chapter_of_document(doc: &NormalizedDoc) -> Option<String> {
    let lines: Vec<&str> = content_lines(doc).take(DOCUMENT_COVER_LINES).collect();
    // A cover line, not a numbered item of a notice (`四、递交投标文件`).
    let is_document = |l: &str| {
        let l: String = l.chars().filter(|c| !c.is_whitespace()).collect();
        !l.contains(['、', ':', '：', '，', ',', '。'])
            && PROCUREMENT_DOCUMENTS.iter().any(|d| {
                l.strip_suffix(".docx")
                    .or_else(|| l.strip_suffix(".doc"))
                    .or_else(|| l.strip_suffix(".pdf"))
                    .unwrap_or(&l)
                    .ends_with(d)
            })
    };
    if !lines.iter().any(|l| is_document(l)) {
        return None;
    }
    let at = lines.iter().position(|l| {
        let l = l.trim_start();
        FIRST_CHAPTERS.iter().any(|c| l.starts_with(c))
    })?;
    // The chapter's name, without a table of contents' dot leader and page
    // (`第一章招标公告……1`); a name on the next line when the number
    // stands alone.
    let name = |l: &str| -> String {
        l.split(['…', '.', '．', '·'])
            .next()
            .unwrap_or("")
            .trim()
            .to_string()
    };
    let own = name(lines[at]);
    let bare = FIRST_CHAPTERS.contains(&own.as_str());
    match (bare, lines.get(at + 1)) {
        (true, Some(next)) => Some(name(next)),
        (true, None) => None,
        (false, _) => Some(own),
    }
}

/// How a document numbers its first chapter.
const FIRST_CHAPTERS: &[&str] = &["第一章", "第1章", "第一部分", "第一篇"];

/// Words that close a procurement document's cover line (`……项目招标文件`).
const PROCUREMENT_DOCUMENTS: &[&str] = &[
    "招标文件",
    "投标文件",
    "采购文件",
    "磋商文件",
    "谈判文件",
    "询价文件",
    "比选文件",
];

/// How many first lines of the content hold a document's cover and the
/// start of its table of contents.
const DOCUMENT_COVER_LINES: usize = 40;

/// A title without the status tag a platform's list puts before it
/// (`[已流标]…招标公告`, `[暂停中]…`, `【报名中】…`): the tag says what
/// became of the procurement since, the notice is still the tender. An
/// aggregator's type tag (`【终止公告】`) is no status and stays.
fn without_status_tag(line: &str) -> &str {
    let trimmed = line.trim_start();
    for (open, close) in [('[', ']'), ('【', '】')] {
        let Some(rest) = trimmed.strip_prefix(open) else {
            continue;
        };
        let Some(end) = rest.find(close) else {
            continue;
        };
        let tag = &rest[..end];
        if tag.chars().count() <= 4 && (tag.starts_with('已') || tag.ends_with('中')) {
            return rest[end + close.len_utf8()..].trim_start();
        }
    }
    line
}

/// Whether a phrase occurs in `head` as something the notice says, not
/// only inside a condition (`如中标候选人为失信被执行人的，则…本项目重新招标`:
/// a tender's rules for what may happen, not a termination).
fn asserted(head: &str, phrase: &str) -> bool {
    // `contains` first: its small-needle search is several times faster
    // than `match_indices`, and most phrases are absent.
    head.contains(phrase)
        && head
            .match_indices(phrase)
            .any(|(at, _)| !conditional(head, at))
}

/// Whether the sentence around `at`, up to it, is a condition: `若…`,
/// `如果…`, `一旦…`, `…的，则…`, a clause opening with `如` (`如遇…`,
/// `，如…`), or the rule every invitation states (`报价供应商不足三家时，
/// 作废标处理`).
fn conditional(head: &str, at: usize) -> bool {
    const MARKERS: &[&str] = &[
        "若",
        "如果",
        "倘若",
        "一旦",
        "，则",
        ",则",
        "否则",
        "，如",
        ",如",
        "家时",
        "的情况下",
    ];
    let start = head[..at].rfind(['。', '；', ';', '\n']).map_or(0, |b| {
        b + head[b..].chars().next().map_or(1, char::len_utf8)
    });
    let sentence = &head[start..at];
    MARKERS.iter().any(|m| sentence.contains(m)) || sentence.trim_start().starts_with('如')
}

/// Whether a title-zone line (or the head of a long one) tells what
/// happened rather than names a notice: `我院于2019年11月25日起在学院网站上
/// 发布…招标公告` opens a result's body, and the notice it names is the one
/// before. A title dates its project (`2024年…采购项目`, `关于2024年…`), it
/// does not say when something was done (`于2019年`).
fn narrates(line: &str) -> bool {
    const SELF: &[&str] = &[
        "我院",
        "我校",
        "我局",
        "我司",
        "我公司",
        "我单位",
        "我中心",
        "我所",
        "我委",
        "我办",
    ];
    /// Words that open a sentence's reason or authority (`评标委员会按照招标
    /// 公告要求…`, `根据…的规定`), within a subject's length of the start.
    const GROUNDS: &[&str] = &["按照", "根据", "依据", "依照"];
    let line = line.trim_start();
    if SELF.iter().any(|w| line.starts_with(w)) {
        return true;
    }
    let opening: String = line.chars().take(12).collect();
    if !line.starts_with("关于") && GROUNDS.iter().any(|w| opening.contains(w)) {
        return true;
    }
    line.match_indices('于').any(|(at, _)| {
        let before = line[..at].chars().next_back();
        let after = line[at + '于'.len_utf8()..].trim_start();
        !matches!(before, Some('关' | '对' | '至' | '属' | '由' | '基' | '等'))
            && after.chars().take(4).all(|c| c.is_ascii_digit())
            && after.chars().take(5).count() == 5
            && after.chars().nth(4) == Some('年')
    })
}

/// Whether a line is a labelled value (`项目编号:…`, `公告类型:竞争性磋商`):
/// the value of a field, not a title — `公告类型` names the procedure as
/// often as the notice. A line labelled as the title (`公告标题：`,
/// `公告名称：`) is one.
fn labelled_value(line: &str) -> bool {
    line.split_once([':', '：']).is_some_and(|(label, value)| {
        let label = label.trim();
        !value.trim().is_empty()
            && label.chars().count() <= 8
            && !label.contains("标题")
            && !label.contains("名称")
    })
}

/// The content lines from where the notice starts: below the breadcrumb
/// (`您所在的位置:首页 > 正文`) when a saved page opens with its site's
/// name and menu over more lines than the title window holds; from the
/// first line otherwise (a breadcrumb right under an aggregator's own
/// headline leaves both in the window).
fn after_site_chrome(doc: &NormalizedDoc) -> impl Iterator<Item = &str> {
    let skip = content_lines(doc)
        .take(CHROME_LINES)
        .position(breadcrumb)
        .filter(|&at| at >= TITLE_LINES / 2)
        .map_or(0, |at| at + 1);
    content_lines(doc).skip(skip)
}

/// How many first lines a site's header and menu may take.
const CHROME_LINES: usize = 40;

/// Whether a line is a page's breadcrumb (`当前位置：首页 > 通知公告`).
fn breadcrumb(line: &str) -> bool {
    (line.contains("位置") || line.starts_with("首页"))
        && line.contains(['>', '＞', '»', '→'])
        && line.chars().count() <= 60
}

/// How many non-empty first lines of the content may hold the title.
const TITLE_LINES: usize = 8;

/// Whether a line reads as a whole title: it ends as a notice's name does
/// and is long enough to name a project (not a bare `采购公告` menu entry or
/// a `首页 > 中标公告` breadcrumb).
pub(super) fn complete_title(line: &str) -> bool {
    let mut core = line.trim();
    // A platform's tag of the notice kind on a line of its own
    // (`【发包公告】`, `发包公告` under the project's name) names the notice.
    let tag = core
        .strip_prefix('【')
        .and_then(|c| c.strip_suffix('】'))
        .unwrap_or(core);
    if (4..=8).contains(&tag.chars().count()) && tag.chars().all(super::text::names::is_cjk) {
        return ["公告", "公示", "通告"].iter().any(|w| tag.ends_with(w));
    }
    // A note in brackets at the end (`（第二次）`, `(更正)`) is not the end
    // of the name.
    if core.ends_with(['）', ')', '】', ']'])
        && let Some(at) = core.rfind(['（', '(', '【', '['])
    {
        core = core[..at].trim_end();
    }
    // `……采购需求公开`, `……采购意向公开`, `……2024年8至9月政府采购意向`
    // are titles too.
    ["公告", "公示", "通告", "需求公开", "意向公开", "采购意向"]
        .iter()
        .any(|w| core.ends_with(w))
        && core.chars().count() >= 10
        && !core.contains(['>', '»', '|', '｜'])
}

/// The longest line read as a title (real titles run to about 60).
const MAX_TITLE_CHARS: usize = 100;

/// The value of `采购方式` (`采购方式：竞争性磋商`), if stated near the top.
/// A form's checked box names it (`☑竞争性谈判□竞争性磋商□询价`).
fn method_value(head: &str) -> Option<String> {
    let at = head.find("采购方式")? + "采购方式".len();
    let rest = head[at..].trim_start_matches([':', '：', '为']);
    let rest: String = rest.chars().take(40).collect();
    // A form copied from Word keeps Wingdings 2's check boxes as letters:
    // `R` is the ticked box, `£` the empty one (`□竞争性谈判 R竞争性磋商`).
    // A letter counts as a tick only among empty boxes and right before the
    // option's first Han character.
    let wingdings_tick = || {
        rest.contains(['□', '☐', '£'])
            .then(|| {
                rest.char_indices()
                    .zip(rest.chars().skip(1))
                    .find(|((_, c), next)| {
                        matches!(c, 'R' | 'S') && super::text::names::is_cjk(*next)
                    })
                    .map(|((i, _), _)| i)
            })
            .flatten()
    };
    if let Some(checked) = rest
        .find(['☑', '☒', '■', '√', '✔', '✓'])
        .or_else(wingdings_tick)
    {
        let after = &rest[checked..];
        let after = after.char_indices().nth(1).map_or("", |(i, _)| &after[i..]);
        return Some(
            after
                .chars()
                .take_while(|c| !"□☐£".contains(*c))
                .take(12)
                .collect(),
        );
    }
    Some(rest.chars().take(12).collect())
}

/// Whether `phrase` occurs in `head` other than in a summary of another
/// notice: an aggregator's card over a result notice repeats the tender's
/// 项目概况 (`概况：…潜在投标人应在…获取招标文件`), which does not make
/// the result an invitation.
fn outside_summary(head: &str, phrase: &str) -> bool {
    head.match_indices(phrase)
        .any(|(at, _)| !super::text::layout::before(head, at, SUMMARY_REACH).contains("概况"))
}

/// How far back (characters) a 概况 label covers a phrase.
const SUMMARY_REACH: usize = 160;

/// Whether one of the first lines of the content is a salutation to
/// offices (`各预算单位：`, `院属各科室：`, `各招标人、招标代理机构和政府采购当事人：`):
/// an addressee naming one of `offices`.
fn addressed_to_offices(doc: &NormalizedDoc, offices: &[String]) -> bool {
    content_lines(doc)
        .take(SALUTATION_LINES)
        .filter_map(salutation)
        .any(|addressee| offices.iter().any(|w| addressee.contains(w.as_str())))
}

/// The non-empty lines of the content pieces, trimmed, across pieces (a
/// page's first piece may hold nothing but blanks).
fn content_lines(doc: &NormalizedDoc) -> impl Iterator<Item = &str> {
    doc.spans
        .iter()
        .filter(|s| s.kind == PartKind::Content)
        .flat_map(|span| doc.text[span.range.clone()].lines())
        .map(str::trim)
        .filter(|l| !l.is_empty())
}

/// The addressee of a salutation line (`各预算单位：` → `各预算单位`).
fn salutation(line: &str) -> Option<&str> {
    let addressee = line.trim().strip_suffix([':', '：'])?;
    ((3..=40).contains(&addressee.chars().count())
        && addressee
            .find('各')
            .is_some_and(|at| addressee[..at].chars().count() <= 12)
        && !addressee.contains(['，', ',', '。', '；', ';', ' ']))
    .then_some(addressee)
}

/// How many first lines of the content may hold a salutation (below a
/// site's breadcrumb, the title and its date line).
const SALUTATION_LINES: usize = 12;

/// The text of the heading lines (numbered, or short lines ending the
/// paragraph) of the visible content, without whitespace.
fn heading_text(doc: &NormalizedDoc, max_bytes: usize) -> String {
    let mut out = String::new();
    for span in doc.spans.iter().filter(|s| s.kind.is_content()) {
        for line in doc.text[span.range.clone()].lines() {
            if out.len() >= max_bytes {
                return out;
            }
            let t = line.trim();
            let numbered = t.starts_with(|c: char| {
                "一二三四五六七八九十(（第【".contains(c) || c.is_ascii_digit()
            });
            if numbered && t.chars().count() <= 30 {
                out.extend(t.chars().filter(|c| !c.is_whitespace()));
                out.push('\n');
            }
        }
    }
    out
}

fn content_head(doc: &NormalizedDoc, max_bytes: usize) -> String {
    let mut out = String::new();
    for span in doc.spans.iter().filter(|s| s.kind.is_content()) {
        for c in doc.text[span.range.clone()].chars() {
            if out.len() >= max_bytes {
                return out;
            }
            if !c.is_whitespace() {
                out.push(c);
            }
        }
    }
    out
}

#[cfg(test)]
mod morpheme_tests {
    use super::*;

    #[test]
    fn a_summary_card_quotes_another_notice() {
        let head = "项目名称：某某项目概况：某某项目的潜在投标人应在政采云平台获取招标文件";
        assert!(!outside_summary(head, "潜在投标人应在"));
        let invitation = "一、项目基本情况某某项目的潜在投标人应在政采云平台获取招标文件";
        assert!(outside_summary(invitation, "潜在投标人应在"));
    }

    #[test]
    fn narrative_lines_are_no_titles() {
        assert!(narrates(
            "我院于2019年11月25日起在学院网站上发布某某招标公告"
        ));
        assert!(narrates(
            "评标委员会按照招标公告要求对投标人递交的投标文件进行唱标"
        ));
        assert!(narrates(
            "某某公司于2015年8月28日就某某项目进行了公开招标公告"
        ));
        assert!(!narrates("关于2024年某某学校食堂食材采购项目的招标公告"));
        assert!(!narrates("某某县2024年学生营养餐采购项目中标结果公告"));
        assert!(!narrates("关于根据审计意见调整某某项目预算的更正公告"));
    }

    #[test]
    fn salutations_name_their_addressee() {
        assert_eq!(salutation("各预算单位："), Some("各预算单位"));
        assert_eq!(salutation("院属各科室:"), Some("院属各科室"));
        assert_eq!(salutation("各潜在投标人："), Some("各潜在投标人"));
        // A labelled line or a sentence is no salutation.
        assert_eq!(salutation("项目名称：某某项目"), None);
        assert_eq!(salutation("现将有关事项通知如下："), None);
    }

    #[test]
    fn a_morpheme_is_swapped_only_after_the_labels_first_word() {
        let morphemes = [(
            "供应商".to_string(),
            vec!["公司".to_string(), "单位".to_string()],
        )]
        .into_iter()
        .collect();
        assert_eq!(
            morpheme_variants("中标供应商名称", &morphemes),
            ["中标公司名称", "中标单位名称"]
        );
        assert!(morpheme_variants("供应商名称", &morphemes).is_empty());
        assert!(morpheme_variants("项目编号", &morphemes).is_empty());
    }
}
