//! Mandatory fields: for the recognised announcement type, every field the
//! 2020 format spec makes mandatory must be present with a value.
//!
//! A field is looked for two ways, and present if either finds a value of
//! its kind (a code, an amount, a date, names, a phone number, or any text)
//! in visible content — not only in a comment or a tracked deletion:
//!
//! * its label variants anywhere in the text (whitespace inside the label
//!   tolerated: `名　称`), followed by a delimiter and a value; the value
//!   region ends at the next numbered sub-section, so an empty 采购人 block
//!   does not borrow the agency's phone number;
//! * the document's [`Structure`](super::structure): entries whose label
//!   matches by key morphemes (long template labels, `的`-less variants),
//!   in table columns, one-cell-per-line tables, same-line headings, the
//!   项目概况 sentence, and the title for the project's name.
//!
//! A value that is masked or deferred (`****`, `(略)`, `详见附件`) is
//! present but masked: reported as `fields.masked`, not as missing. A
//! field is reported missing with high confidence only when no label
//! variant occurs anywhere; when a label is there but no value of its kind
//! was recognised, the confidence is medium (the policy holds it as
//! "可能缺少" instead of blocking).

use std::sync::OnceLock;

use regex::Regex;

use super::announcement::{FieldSpec, ValueKind};
use super::structure::{Source, key_matches, label_key, rule_line, split_cells};
use super::text::layout::{after_in_content, line_after, line_at, line_before};
use super::text::names::names_in;
use super::{Candidate, Context, Detector};
use crate::model::{Category, Confidence, Severity};
use crate::normalize::{NormalizedDoc, PIECE_SEPARATOR};

/// The missing-field detector.
pub struct MissingFields;

/// What was found of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Presence {
    /// No label variant anywhere in the visible content.
    Absent,
    /// A label, but no value of the field's kind.
    LabelOnly,
    /// A value, masked or deferred (`****`, `(略)`, `详见附件`).
    Masked,
    /// A value.
    Present,
}

impl Detector for MissingFields {
    fn id(&self) -> &'static str {
        "fields"
    }

    fn rules(&self) -> &'static [(&'static str, Category)] {
        &[
            ("fields.missing", Category::MissingField),
            ("fields.masked", Category::MissingField),
        ]
    }

    fn detect(&self, cx: &Context<'_>, out: &mut Vec<Candidate>) {
        let Some(doc_type) = cx.doc_type else { return };
        for (field_id, field, found) in required_presence(cx) {
            let labels = field
                .labels
                .iter()
                .take(4)
                .cloned()
                .collect::<Vec<_>>()
                .join("、");
            let candidate = match found {
                Presence::Present => continue,
                Presence::Masked => Candidate {
                    rule: "fields.masked".into(),
                    category: Category::MissingField,
                    field: Some(field_id.clone()),
                    severity: Severity::Low,
                    confidence: Confidence::High,
                    span: None,
                    value: Some(format!("{}:{field_id}", doc_type.id)),
                    excerpt: format!("已隐去：{}", field.name),
                    explanation: format!(
                        "“{}”有内容，但已打码或注明见附件（如 ****、(略)、详见附件）。发布前请确认发布平台上该项内容完整可见。",
                        field.name
                    ),
                    enforces: field.enforces.clone(),
                },
                Presence::LabelOnly | Presence::Absent => Candidate {
                    rule: "fields.missing".into(),
                    category: Category::MissingField,
                    field: Some(field_id.clone()),
                    severity: Severity::Medium,
                    confidence: if found == Presence::Absent {
                        Confidence::High
                    } else {
                        Confidence::Medium
                    },
                    span: None,
                    value: Some(format!("{}:{field_id}", doc_type.id)),
                    excerpt: if found == Presence::Absent {
                        format!("缺少：{}", field.name)
                    } else {
                        format!("可能缺少：{}", field.name)
                    },
                    explanation: if found == Presence::Absent {
                        format!(
                            "{}缺少必备内容“{}”（可用标注：{labels}）。请补充后重新提交。",
                            doc_type.name, field.name
                        )
                    } else {
                        format!(
                            "{}中出现“{}”的标注，但未识别出其内容，可能缺少。请人工核对（可用标注：{labels}）。",
                            doc_type.name, field.name
                        )
                    },
                    enforces: field.enforces.clone(),
                },
            };
            out.push(candidate);
        }
    }
}

/// What was found of each field the document's type requires (none
/// without a type).
pub fn required_presence<'c>(cx: &Context<'c>) -> Vec<(&'c String, &'c FieldSpec, Presence)> {
    let Some(doc_type) = cx.doc_type else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for field_id in &doc_type.required {
        let Some(field) = cx.spec.fields.get(field_id) else {
            continue;
        };
        if !field.only_if_mentioned.is_empty() && !mentioned(cx, &field.only_if_mentioned) {
            // An agency's contacts are required only of a notice that
            // has an agency.
            continue;
        }
        out.push((field_id, field, presence(cx, field_id, field)));
    }
    out
}

/// Whether any of `words` occurs in the visible content. A mention in a
/// generic pairing with the purchaser (`由采购人或采购代理机构发布`,
/// `向采购人、采购代理机构提出质疑` — the boilerplate of every page) says
/// nothing of whether this notice has an agency, and does not count.
fn mentioned(cx: &Context<'_>, words: &[String]) -> bool {
    const PAIRED_BEFORE: &[&str] = &[
        "采购人或",
        "采购人、",
        "采购人和",
        "采购人及",
        "采购人与",
        "采购人或者",
        "采购人(或",
        "采购人（或",
    ];
    const PAIRED_AFTER: &[&str] = &[
        "或采购人",
        "(或采购人",
        "（或采购人",
        "、采购人",
        "和采购人",
        "或者采购人",
    ];
    let doc = cx.doc;
    doc.spans.iter().filter(|s| s.kind.is_content()).any(|s| {
        let piece = &doc.text[s.range.clone()];
        words.iter().any(|w| {
            // `contains` has a SIMD path; most pieces have none of the words.
            piece.contains(w.as_str())
                && piece.match_indices(w.as_str()).any(|(at, m)| {
                    // `代理机构` inside `采购代理机构`: the pairing is before both.
                    let before = piece[..at].strip_suffix("采购").unwrap_or(&piece[..at]);
                    let after = &piece[at + m.len()..];
                    !PAIRED_BEFORE.iter().any(|p| before.ends_with(p))
                        && !PAIRED_AFTER.iter().any(|p| after.starts_with(p))
                        && (!w.ends_with("公司")
                            || !(names_a_bidder(line_before(piece, at))
                                || named_as_supplier(line_after(piece, at + m.len()))))
                })
        })
    })
}

/// Whether the words after a company on its line make it a supplier
/// (`济南某某管理咨询有限公司为品牌酱料供货单位`, `…为第一中标候选人`):
/// a consultancy that supplies or wins is not the notice's agency.
fn named_as_supplier(rest: &str) -> bool {
    const ROLES: &[&str] = &["供货", "供应商", "中标", "成交", "候选", "入围"];
    rest.trim_start().strip_prefix('为').is_some_and(|role| {
        let role: String = role.chars().take(12).collect();
        ROLES.iter().any(|r| role.contains(r))
    })
}

/// Whether the text before a company word on its line (`line`) ends with
/// a bidder's label (`第二名 单位名称: 新疆中厦建设工程项目管理有限公司`):
/// a supervising firm that bid is not the notice's agency.
fn names_a_bidder(line: &str) -> bool {
    const BIDDER_LABELS: &[&str] = &[
        "单位名称",
        "中标人",
        "中标单位",
        "中标候选人",
        "投标人",
        "供应商名称",
        "成交供应商",
        "中标供应商",
        "成交人",
    ];
    BIDDER_LABELS.iter().any(|label| {
        line.rfind(label).is_some_and(|at| {
            let name = &line[at + label.len()..];
            name.chars().count() <= 40 && !name.contains("代理")
        })
    })
}

/// What was found of a field: the best of the label search, the
/// document's structure, and the field's own presence patterns.
pub fn presence(cx: &Context<'_>, id: &str, field: &FieldSpec) -> Presence {
    let mut best = label_search(cx, id, field);
    if best == Presence::Present {
        return best;
    }
    let mut keys = field_keys(id, field);
    // A title names the project, and a contract's title its contract
    // (`东港中学AI智慧体育采购项目合同`).
    let named_by_title = id == "project_name" || id == "contract_name";
    if named_by_title {
        keys.push(label_key("标题"));
    }
    for entry in cx.structure().matching(&keys) {
        if entry.source == Source::Title && !named_by_title {
            continue;
        }
        if field.value == ValueKind::Names && committee_sentence(&entry.key) {
            continue;
        }
        let value = &cx.doc.text[entry.value.clone()];
        if entry.source == Source::Title && id == "contract_name" && !value.contains("合同") {
            continue;
        }
        let judged = if entry.source == Source::Title {
            // A title names the project: `XX大学实验室设备采购项目中标公告`,
            // `“新城建”城市运营监控中心 招标失败公告`. What is left without
            // the notice words and the framing (`关于…的`) is the name.
            if title_names_project(value) {
                Presence::Present
            } else {
                Presence::Absent
            }
        } else {
            judge(value, field.value)
        };
        best = best.max(judged).max(Presence::LabelOnly);
        if best == Presence::Present {
            return best;
        }
    }
    if field.value == ValueKind::Phone && contact_cell_beside(cx, &keys) {
        return Presence::Present;
    }
    if !field.presence_patterns.is_empty() && pattern_present(cx, field) {
        return Presence::Present;
    }
    if !field.sole_labels.is_empty()
        && !mentioned(cx, &field.sole_unless)
        && (field.sole_if.is_empty() || mentioned(cx, &field.sole_if))
    {
        best = best.max(sole_label_presence(cx, field));
    }
    best
}

/// A party's phone in the column beside its name: a table whose header
/// reads `采购单位 | 联系方式 | 地址` gives, in each row, the party's name
/// and then its contact (`福建省立医院 | 连工0591-88216053`).
fn contact_cell_beside(cx: &Context<'_>, keys: &[String]) -> bool {
    const CONTACT_KEYS: &[&str] = &[
        "联系方式",
        "联系电话",
        "电话",
        "联系人及电话",
        "联系人及联系方式",
    ];
    let entries = &cx.structure().entries;
    entries.windows(2).any(|pair| {
        let (party, next) = (&pair[0], &pair[1]);
        keys.iter().any(|k| key_matches(&party.key, k))
            && CONTACT_KEYS.contains(&next.key.as_str())
            && party.value.end <= next.value.start
            && !cx.doc.text[party.value.end..next.value.start].contains('\n')
            && judge(&cx.doc.text[next.value.clone()], ValueKind::Phone) == Presence::Present
    })
}

/// The field's value after one of its `sole_labels` (`联系电话：0510-…` in
/// a notice with a single contact block).
fn sole_label_presence(cx: &Context<'_>, field: &FieldSpec) -> Presence {
    let doc = cx.doc;
    let mut best = Presence::Absent;
    for span in doc.spans.iter().filter(|s| s.kind.is_content()) {
        for label in &field.sole_labels {
            let piece = &doc.text[span.range.clone()];
            for (at, _) in piece.match_indices(label.as_str()) {
                // `监督电话`, `投诉监督联系电话`: the supervisor's line, not a
                // party's (the words before the label, back to the last
                // punctuation or space, name whose number it is).
                if oversight_label(&piece[..at]) {
                    continue;
                }
                let end = span.range.start + at + label.len();
                let raw = region(doc, end, field.window, subsection_re());
                let mut found = match strip_delimiter(raw) {
                    Some(after) => judge(after, field.value),
                    None => Presence::LabelOnly,
                };
                // A named contact on a line with a number (`监督管理联系电话:
                // 0572-6651551 联系人:沈主任`): the person answers that
                // number for the party, whatever the line's first label.
                if found != Presence::Present
                    && label == "联系人"
                    && field.value == ValueKind::Phone
                    && value_in(line_at(piece, at), ValueKind::Phone)
                {
                    found = Presence::Present;
                }
                if found == Presence::Present {
                    return found;
                }
                best = best.max(found);
            }
        }
    }
    best
}

/// Committee labels that name the members only as a heading.
const COMMITTEES: &[&str] = &["评标委员会", "评审委员会"];

/// A heading that starts with a committee but says what it did
/// (`评标委员会推荐的中标候选人`), not who sat on it.
fn committee_sentence(key: &str) -> bool {
    COMMITTEES.iter().any(|c| {
        key.strip_prefix(c).is_some_and(|rest| {
            !rest.is_empty()
                && !["成员", "名单", "人员", "组成"]
                    .iter()
                    .any(|w| rest.starts_with(w))
        })
    })
}

/// Words before a phone label that make it an oversight body's line.
const OVERSIGHT: &[&str] = &["监督", "投诉", "举报", "监管", "质疑"];

/// Whether the words right before a phone label (back to the last
/// punctuation, space or line break, at most eight characters) name an
/// oversight office: `投诉监督联系` before `电话`.
fn oversight_label(before: &str) -> bool {
    let words: String = before
        .chars()
        .rev()
        .take_while(|c| {
            !c.is_whitespace() && !c.is_ascii_punctuation() && !"，。：；、（）".contains(*c)
        })
        .take(8)
        .collect::<Vec<char>>()
        .into_iter()
        .rev()
        .collect();
    OVERSIGHT.iter().any(|w| words.contains(w))
}

/// Whether a title carries a name besides its notice words: at least four
/// characters before the first notice word, `关于`, quotes and spaces aside.
fn title_names_project(title: &str) -> bool {
    use super::structure::NOTICE_WORDS;
    let end = NOTICE_WORDS
        .iter()
        .filter_map(|w| title.find(w))
        .min()
        .unwrap_or(title.len());
    let mut name = title[..end].trim_start_matches("关于").to_string();
    // Procedure words name the notice, not the project (`终止招标公告`).
    const PROCEDURE: &[&str] = &[
        "政府采购",
        "采购",
        "招标",
        "中标",
        "成交",
        "结果",
        "终止",
        "中止",
        "流标",
        "废标",
        "更正",
        "变更",
        "澄清",
        "延期",
        "失败",
        "项目",
        "竞争性",
        "磋商",
        "谈判",
        "询价",
        "单一来源",
        "公开",
        "的",
    ];
    for w in PROCEDURE {
        name = name.replace(w, "");
    }
    name.chars().filter(|c| c.is_alphanumeric()).count() >= 4
}

/// The keys of a field's labels, computed once per field.
fn field_keys(id: &str, field: &FieldSpec) -> Vec<String> {
    let _ = id;
    field
        .labels
        .iter()
        .map(|l| label_key(l))
        .filter(|k| k.chars().count() >= 2)
        .collect()
}

/// Whether one of the field's presence patterns (a sentence only that
/// field's value writes, `自本公告发布之日起…`) occurs in visible content.
fn pattern_present(cx: &Context<'_>, field: &FieldSpec) -> bool {
    let doc = cx.doc;
    let patterns = field.compiled_patterns();
    doc.spans.iter().filter(|s| s.kind.is_content()).any(|s| {
        let piece = &doc.text[s.range.clone()];
        patterns.iter().any(|p| p.is_match(piece))
    })
}

/// Values that say "masked" or "see elsewhere": present, not missing.
fn is_masked(value: &str) -> bool {
    let v = value.trim();
    if v.is_empty() {
        return false;
    }
    const DEFERRED: &[&str] = &[
        "略)",
        "略）",
        "点击查看",
        "登录查看",
        "登录后查看",
        "详见附件",
        "见附件",
        "详见采购文件",
        "详见招标文件",
        "详见公告",
        "***",
        "＊＊＊",
        "XXX",
        "xxx",
        "×××",
    ];
    if DEFERRED.iter().any(|d| v.contains(d)) || v == "略" {
        return true;
    }
    let marks = v
        .chars()
        .filter(|c| matches!(c, '*' | '＊' | '#' | '×'))
        .count();
    let total = v.chars().filter(|c| !c.is_whitespace()).count();
    if marks * 2 >= total && marks >= 2 {
        return true;
    }
    // A value whose every letter or digit is a placeholder X, shaped as an
    // amount or a date (`X,X.XX`, `X年X月X日`).
    let first = v.split_whitespace().next().unwrap_or("");
    first.contains(['X', 'x'])
        && first.chars().all(|c| {
            matches!(
                c,
                'X' | 'x' | ',' | '.' | '-' | '/' | ':' | '：' | '年' | '月' | '日' | '至' | '元'
            )
        })
}

/// Judges a value region for a field's kind.
fn judge(value: &str, kind: ValueKind) -> Presence {
    let first = line_value(value);
    if value_in(value, kind) {
        return Presence::Present;
    }
    if is_masked(first)
        || (matches!(kind, ValueKind::Phone | ValueKind::Section)
            && is_masked(value.lines().take(6).collect::<String>().as_str()))
        || (kind == ValueKind::Phone && masked_phone_line(value))
    {
        return Presence::Masked;
    }
    Presence::LabelOnly
}

/// Whether a party's block gives its phone masked: `(5)电 话:******`.
fn masked_phone_line(block: &str) -> bool {
    block.lines().take(8).any(|line| {
        let compact: String = line.chars().filter(|c| !c.is_whitespace()).collect();
        ["电话", "联系方式", "手机", "联系电话"]
            .iter()
            .any(|label| {
                compact.find(label).is_some_and(|at| {
                    let rest = compact[at + label.len()..].trim_start_matches([':', '：']);
                    is_masked(rest)
                })
            })
    })
}

fn heading_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        #[allow(clippy::unwrap_used)] // A constant pattern, covered by tests.
        Regex::new(
            r"\n[ \t]*(?:[一二三四五六七八九十]{1,3}[、.]|第[一二三四五六七八九十]+[章节部分])",
        )
        .unwrap()
    })
}

fn subsection_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        #[allow(clippy::unwrap_used)] // A constant pattern, covered by tests.
        // `2.` numbers a line; `28.38万元` on a line of its own is a value.
        Regex::new(r"\n[ \t]*(?:\d{1,2}(?:、|\.[^\d])|[一二三四五六七八九十]{1,3}[、.]|[(（][一二三四五六七八九十\d]{1,3}[)）]|第[一二三四五六七八九十]+)").unwrap()
    })
}

/// A contact's phone on its own numbered line right below the name
/// (`5.项目联系人：潘先生` / `6.联系电话：0595-…`): the region, which stops
/// at numbered lines, is extended over that one line.
fn with_numbered_phone_line<'t>(doc: &'t NormalizedDoc, from: usize, region: &'t str) -> &'t str {
    static RE: OnceLock<Regex> = OnceLock::new();
    #[allow(clippy::unwrap_used)] // A constant pattern, covered by tests.
    let re = RE.get_or_init(|| {
        Regex::new(r"^\n[ \t]*(?:\d{1,2}[.、．]|[(（]\d{1,2}[)）])?[ \t]*(?:联系)?(?:电[ \t]*话|手[ \t]*机|联系方式)[^\n]*").unwrap()
    });
    let text = doc.text.as_str();
    let end = from + region.len();
    if end > text.len() || !text.is_char_boundary(end) {
        return region;
    }
    match re.find(&text[end..]) {
        Some(m) if region.chars().count() <= 40 => &text[from..end + m.end()],
        _ => region,
    }
}

/// The start of the next party's block: a numbered line other than `(n)`.
fn party_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        #[allow(clippy::unwrap_used)] // A constant pattern, covered by tests.
        Regex::new(
            r"\n[ \t]*(?:\d{1,2}(?:、|\.[^\d])|[一二三四五六七八九十]{1,3}[、.]|第[一二三四五六七八九十]+)",
        )
        .unwrap()
    })
}

/// A section label must be a heading: only numbering before it on its line
/// (`三、获取招标文件`, `（二）采购需求`), or a delimiter after it
/// (`采购需求：…`). `采购内容含保密柜20台` in a sentence is not the section.
fn heading_like(text: &str, label: std::ops::Range<usize>) -> bool {
    let before = line_before(text, label.start);
    let after = &text[label.end..];
    let rest_of_line = after.split('\n').next().unwrap_or("");
    // A delimiter, a table cell boundary (tab, or two spaces in PDF text).
    let trimmed = rest_of_line.trim_start_matches([' ', '\u{3000}']);
    if trimmed.starts_with([':', '：', '\t', '(', '（']) || rest_of_line.starts_with("  ") {
        return true;
    }
    let numbering = |s: &str| {
        s.chars().all(|c| {
            c.is_whitespace()
                || c.is_ascii_digit()
                || "一二三四五六七八九十、.．()（）[]【】第章节部分".contains(c)
        })
    };
    let numbering_only = numbering(before);
    // A page flattened onto one line keeps its numbered headings between
    // runs of spaces: `… 万元 五、主要标的信息 包1：…`.
    // A page flattened with no spaces at all ends a sentence before the
    // heading's number: `…合同金额的3%;二、采购人的采购需求包名称…`.
    if let Some(cut) = before.rfind([' ', '\u{3000}', '\t', '。', ';', '；']) {
        let sentence_end = before[cut..].starts_with(['。', ';', '；']);
        let tail = &before[cut..];
        let tail = tail.trim_start_matches([' ', '\u{3000}', '\t', '。', ';', '；']);
        if !tail.is_empty()
            && numbering(tail)
            && tail.contains(['、', '.', '．', '第'])
            && (sentence_end || after.starts_with([' ', '\u{3000}', ':', '：']))
        {
            return true;
        }
    }
    // `三、获取招标文件` or `四、提交投标文件截止时间、开标时间和地点`: a short
    // heading line, not a sentence that starts with the label. A heading
    // may continue briefly before its colon: `采用单一来源采购方式的原因及说明：`,
    // `拟定的唯一供应商名称、地址：`.
    let short_then_colon = rest_of_line.chars().take(8).any(|c| c == ':' || c == '：');
    numbering_only && (rest_of_line.trim().chars().count() <= 10 || short_then_colon)
}

/// When a label is a whole header cell of a table row, the cell in the
/// same column of the next row (`预算金额（万元）` over `120`).
fn table_cell_below(text: &str, label_end: usize, kind: ValueKind) -> Option<&str> {
    let line_start = text[..label_end].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[label_end..]
        .find('\n')
        .map_or(text.len(), |i| label_end + i);
    let line = &text[line_start..line_end];
    let row = split_cells(line);
    // A real row: at least two cells with something in them (indentation
    // and trailing spaces make empty "cells" around a lone label).
    if row.len() < 3 || row.iter().filter(|c| !c.trim().is_empty()).count() < 2 {
        return None;
    }
    // A header row holds labels only. A row that carries a value (a phone,
    // an amount, a date: digits) pairs each label with the cell after it
    // (`联 系 人\t吴先生\t联系电话\t0573-82725567`); the row below is
    // another pair of fields, not this label's value.
    if row
        .iter()
        .any(|c| c.chars().filter(char::is_ascii_digit).count() >= 5)
    {
        return None;
    }
    // The label must end its cell.
    let rest = &text[label_end..line_end];
    let rest = rest.trim_start_matches(|c: char| {
        c == ')' || c == '）' || c == '(' || c == '（' || c == '万' || c == '元'
    });
    if !(rest.is_empty()
        || rest.starts_with('\t')
        || rest.starts_with("  ")
        || rest.trim_start_matches(' ').starts_with('|'))
    {
        return None;
    }
    let column = split_cells(&text[line_start..label_end]).len() - 1;
    // A table flattened to text may rule its header off (`---|---|`).
    let mut rows = text[line_end..]
        .split('\n')
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty() && !rule_line(l));
    let next = rows.next()?;
    let below = split_cells(next);
    if below.len() == row.len() {
        return below.get(column).copied();
    }
    if kind != ValueKind::Amount {
        return None;
    }
    // Cells holding line breaks break the row over several lines, so the
    // columns cannot be counted; a masked figure (`***.******`, an
    // aggregator hiding every digit) in those lines is the masked value
    // of a figure column.
    std::iter::once(next)
        .chain(rows.take(BROKEN_ROW_LINES))
        .flat_map(split_cells)
        .map(str::trim)
        .find(|cell| masked_figure(cell))
}

/// How many lines below a header row a row broken by its cells' line
/// breaks is looked through.
const BROKEN_ROW_LINES: usize = 12;

/// A figure whose every digit an aggregator replaced by `*`
/// (`***.******`, `**.**`).
fn masked_figure(cell: &str) -> bool {
    cell.contains("**") && cell.chars().all(|c| c == '*' || c == '.' || c == ',')
}

/// The label search: any label of `field` followed by a value.
fn label_search(cx: &Context<'_>, id: &str, field: &FieldSpec) -> Presence {
    let doc = cx.doc;
    let mut best = Presence::Absent;
    for range in cx.field_label_ranges(id) {
        if !doc.kind_at(range.start).is_some_and(|k| k.is_content()) {
            continue;
        }
        if field.value == ValueKind::Section && !heading_like(&doc.text, range.clone()) {
            continue;
        }
        // `评标委员会` names its members only as a heading (`七、评标委员会`);
        // in a sentence it recommends, reviews, decides.
        if field.value == ValueKind::Names
            && COMMITTEES.contains(&&doc.text[range.clone()])
            && !heading_like(&doc.text, range.clone())
        {
            continue;
        }
        // `须在投标截止时间前汇至…`: a sentence refers to the time, it
        // does not state it.
        if field.value == ValueKind::Date && {
            let after = doc.text[range.end..].trim_start_matches([' ', '\u{3000}']);
            ["前", "后", "之前", "之后", "以前", "以后"]
                .iter()
                .any(|w| after.starts_with(w))
        } {
            continue;
        }
        best = best.max(Presence::LabelOnly);
        match value_follows(cx, range.end, field) {
            Presence::Present => return Presence::Present,
            other => best = best.max(other),
        }
        if field.value == ValueKind::Phone
            && doc.text[..range.end].ends_with("联系人")
            && phone_line_above(&doc.text, range.start)
        {
            return Presence::Present;
        }
    }
    best
}

/// A contact block that gives the phone before the person (`电话:
/// 0591-87734730 , 传真: …` / `联系人: 张工`): the line right above the
/// contact label is a phone line.
fn phone_line_above(text: &str, label_start: usize) -> bool {
    let Some(above) = super::text::layout::line_above(text, label_start) else {
        return false;
    };
    let compact: String = above.chars().filter(|c| !c.is_whitespace()).collect();
    ["电话", "联系电话", "手机", "联系方式"]
        .iter()
        .any(|l| compact.starts_with(l))
        && value_in(above, ValueKind::Phone)
}

/// The text after a label, up to `window` characters, cut at the next
/// numbered sub-section (or, for whole sections, the next top-level
/// heading). It runs on across a PDF page break, not into other parts.
fn region<'t>(doc: &'t NormalizedDoc, from: usize, window: usize, boundary: &Regex) -> &'t str {
    let r = after_in_content(doc, from, window);
    match boundary.find(r) {
        Some(m) => &r[..m.start()],
        None => r,
    }
}

/// Skips a unit note and the delimiter after a label: `（元）：`, `(万元):`.
fn strip_delimiter(s: &str) -> Option<&str> {
    let mut rest = s.trim_start_matches([' ', '\u{3000}']);
    if rest.starts_with(['(', '（', '[', '【'])
        && let Some(close) = rest.find([')', '）', ']', '】'])
        && close <= 40
    {
        rest = &rest[close..];
        rest = &rest[rest.chars().next().map_or(0, char::len_utf8)..];
    }
    let rest = rest.trim_start_matches([' ', '\u{3000}']);
    if let Some(r) = rest.strip_prefix([':', '：']) {
        // A doubled colon (`联系地址::上海…`) is one delimiter.
        return Some(r.strip_prefix([':', '：']).unwrap_or(r));
    }
    if rest.starts_with(['\t', '\n']) || rest.is_empty() {
        return Some(rest);
    }
    if let Some(r) = rest.strip_prefix("为") {
        return Some(r);
    }
    // A value right after a space (`项目编号 ZB-01`).
    if s.starts_with([' ', '\u{3000}']) {
        return Some(rest);
    }
    None
}

/// The value region on the label's line, or the next non-empty line when the
/// label ends its line (tables, `名称：` on its own line).
fn line_value(region: &str) -> &str {
    let region = region.trim_start_matches([' ', '\t', '\u{3000}']);
    let mut lines = region.split('\n');
    // A page-break separator line counts as empty.
    let clean = |l: &'_ str| {
        l.trim_matches(|c: char| c.is_whitespace() || c == PIECE_SEPARATOR)
            .to_string()
    };
    let first = lines.next().unwrap_or("");
    if !clean(first).is_empty() {
        return first.trim();
    }
    lines.find(|l| !clean(l).is_empty()).map_or("", str::trim)
}

const EMPTY_VALUES: &[&str] = &[
    "/", "-", "—", "无", "暂无", "待定", "空", "略", "——", "－", "／", "*",
];

fn value_follows(cx: &Context<'_>, label_end: usize, field: &FieldSpec) -> Presence {
    let text = &cx.doc.text;
    // Sections and dates may run over numbered lists and the next line
    // (`四、提交投标文件截止时间、开标时间和地点` + the date below it).
    if matches!(field.value, ValueKind::Section | ValueKind::Date) {
        let raw = region(cx.doc, label_end, field.window, heading_re());
        let body = raw.trim_start_matches([':', '：', ' ', '\t', '\n']);
        if field.value == ValueKind::Date {
            if !super::text::dates::find_dates(raw, 0).is_empty() {
                return Presence::Present;
            }
            // A page that wraps each figure in its own element, copied as
            // text, puts every token on a line (`202` / `6` / `年` / `3` /
            // `月`): the date is there once the lines are joined.
            let joined: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
            if raw.lines().count() > 4 && !super::text::dates::find_dates(&joined, 0).is_empty() {
                return Presence::Present;
            }
        } else if body.chars().filter(|c| c.is_alphanumeric()).count() >= 2
            && !is_masked(line_value(body))
        {
            return Presence::Present;
        }
        return if is_masked(line_value(body)) {
            Presence::Masked
        } else {
            Presence::LabelOnly
        };
    }
    if let Some(cell) = table_cell_below(text, label_end, field.value) {
        return judge(cell, field.value);
    }
    // A party's block numbers its lines (`(1)名 称`, `(5)电 话`): its
    // phone is looked for down to the next party, not the next `(n)`.
    let boundary = if field.value == ValueKind::Phone {
        party_re()
    } else {
        subsection_re()
    };
    let mut raw = region(cx.doc, label_end, field.window, boundary);
    if field.value == ValueKind::Phone {
        raw = with_numbered_phone_line(cx.doc, label_end, raw);
    }
    let raw = match field
        .stop_at
        .iter()
        .filter_map(|w| raw.find(w.as_str()))
        .min()
    {
        // `采购单位：X` / `代理机构：Y` / `联系人：… 联系电话：…`: a party
        // named on one line right above the next party, with one contact
        // block below both, shares it (readers and the platforms' own
        // reviewers read it so).
        Some(end)
            if names_only(&raw[..raw[..end].rfind('\n').unwrap_or(end)])
                && value_in(&raw[end..], ValueKind::Phone) =>
        {
            raw
        }
        Some(end) => &raw[..end],
        None => raw,
    };
    // A longer spelling of the label (`采购代理机构名称：`, `采购人全称：`):
    // the rest of it up to the colon is label too.
    let raw = match raw
        .char_indices()
        .take(9)
        .find(|(_, c)| matches!(c, ':' | '：'))
    {
        Some((at, _))
            if at > 0
                && raw[..at]
                    .chars()
                    .all(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)) =>
        {
            &raw[at..]
        }
        _ => raw,
    };
    let Some(after_delim) = strip_delimiter(raw) else {
        // An amount written straight after its label in a sentence
        // (`该项目预算9.8万元`, `本工程投资约620万元`) is its value; so is a phone number close
        // behind a label on a page whose form lost its cells
        // (`采购单位联系方式资产部021-60199958`).
        if field.value == ValueKind::Amount
            && raw.starts_with(|c: char| c.is_ascii_digit() || "¥￥人X约".contains(c))
        {
            return judge(raw, field.value);
        }
        if field.value == ValueKind::Phone {
            let near: String = raw.chars().take(24).collect();
            if value_in(&near, ValueKind::Phone) {
                return Presence::Present;
            }
            // A party's block whose numbered lines a flattened page ran
            // together (`采购人信息(1)名 称:…(5)电 话:0731- 82323829`):
            // its phone is anywhere in the block.
            let block = raw.trim_start_matches([' ', '\u{3000}']);
            if (block.starts_with("(1)") || block.starts_with("（1）"))
                && value_in(block, ValueKind::Phone)
            {
                return Presence::Present;
            }
        }
        return Presence::LabelOnly;
    };
    judge(after_delim, field.value)
}

/// Whether a party's block is its name alone (one line, no contact or
/// address words).
fn names_only(block: &str) -> bool {
    let block = block.trim_end();
    !block.trim().is_empty()
        && block
            .trim_start_matches([':', '：', ' ', '\t'])
            .lines()
            .count()
            == 1
        && !["联系", "电话", "地址", "手机", "传真"]
            .iter()
            .any(|w| block.contains(w))
}

/// Whether a value line is itself `label：value` — the next entry of the
/// form (`成交供应商名称、地址及成交金额：` followed by `成交下浮系数：20%`),
/// not this label's value.
fn another_label_line(value: &str) -> bool {
    let Some(at) = value.find([':', '：']) else {
        return false;
    };
    // The next entry may be numbered (`一、采购项目编号：` above
    // `二、采购项目名称：…`).
    let label = value[..at].trim();
    let label = label
        .get(super::structure::numbering(label).unwrap_or(0)..)
        .unwrap_or(label)
        .trim();
    (2..=10).contains(&label.chars().count())
        && label
            .chars()
            .all(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
}

/// A local landline without area code, as cities print them on their own
/// notices (`联系方式：59556719`, `汤秋良59167862`, `吕德华,85953808`):
/// seven or eight digits not starting with 0 or 1, standing alone (a comma
/// before it only after a name, not inside `1,234,567`), and not a date
/// (`20161130`).
fn local_number(value: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    #[allow(clippy::unwrap_used)] // A constant pattern.
    let re = RE.get_or_init(|| {
        Regex::new(r"(?:^|[^0-9.,]|[^0-9.,],)([2-9][0-9]{6,7})(?:$|[^0-9.,元万年月日号])").unwrap()
    });
    re.captures_iter(value).any(|c| {
        let n = &c[1];
        !(n.len() == 8 && (n.starts_with("19") || n.starts_with("20")))
    })
}

/// A number in the cell of a phone label or the next cell (`联系电话：…`,
/// `联系电话` / `1389641375`, a row `招标人\tX学校\t联系电话\t1389641375`):
/// a mistyped mobile is still the party's contact, not a missing one.
fn labelled_number(block: &str) -> bool {
    let mut lines = block
        .split(['\n', '\t'])
        .map(str::trim)
        .filter(|l| !l.is_empty());
    while let Some(line) = lines.next() {
        // The phone label may follow the person on the same line
        // (`韩老师 联系电话: 1399960853`), but not an oversight office
        // (`监督电话：`).
        let line = match PHONE_LABELS.iter().filter_map(|l| line.find(l)).min() {
            Some(at) if !phone_labelled(line) && !oversight_label(&line[..at]) => &line[at..],
            _ => line,
        };
        if !phone_labelled(line) {
            continue;
        }
        let digits = |l: &str| {
            let run = l.chars().filter(char::is_ascii_digit).count();
            (7..=12).contains(&run)
                && l.chars()
                    .all(|c| c.is_ascii_digit() || "-— ()（）".contains(c))
        };
        let on_line = line
            .split_once([':', '：'])
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty());
        return match on_line {
            Some(v) => digits(v),
            None => lines.next().is_some_and(digits),
        };
    }
    false
}

/// Whether a line is labelled as a phone (`联系电话: 58102240`, `(5)电 话:`):
/// a local number on it is the party's phone, wherever it sits in the block.
fn phone_labelled(line: &str) -> bool {
    let compact: String = line
        .chars()
        .filter(|c| !c.is_whitespace())
        .skip_while(|c| c.is_ascii_digit() || "().、．（）".contains(*c))
        .take(6)
        .collect();
    PHONE_LABELS.iter().any(|l| compact.starts_with(l))
}

/// Labels of a phone number.
const PHONE_LABELS: &[&str] = &["联系电话", "电话", "联系方式", "手机", "办公电话"];

/// Whether `after_delim` (the text after a label and its delimiter) holds
/// a value of `kind`.
fn value_in(after_delim: &str, kind: ValueKind) -> bool {
    match kind {
        ValueKind::Text => {
            let v = line_value(after_delim);
            !v.is_empty()
                && !EMPTY_VALUES.contains(&v)
                && v.chars().any(char::is_alphanumeric)
                && !is_masked(v)
                && !another_label_line(v)
        }
        ValueKind::Code => {
            let v = line_value(after_delim);
            let alnum = v
                .chars()
                .take_while(|c| !c.is_whitespace())
                .filter(char::is_ascii_alphanumeric)
                .count();
            // An empty `项目编号：` above `项目名称：…` has no code: the
            // next label's line is no value.
            (alnum >= 3 || (v.chars().count() >= 3 && !EMPTY_VALUES.contains(&v)))
                && !is_masked(v)
                && !another_label_line(v)
        }
        ValueKind::Amount => {
            // A figure stated before a pointer to the details (`2578474
            // 元(详见附件工程量清单)`) is stated.
            let v = line_value(after_delim);
            let v = v.find(['(', '（', '，', ',']).map_or(v, |at| {
                let head = &v[..at];
                if head.chars().filter(char::is_ascii_digit).count() >= 3 {
                    head
                } else {
                    v
                }
            });
            !is_masked(v)
                && v.chars()
                    .any(|c| c.is_ascii_digit() || "壹贰叁肆伍陆柒捌玖拾佰仟".contains(c))
                || ["下浮", "折扣", "费率", "同预算"]
                    .iter()
                    .any(|w| v.contains(w))
        }
        // Line by line: a remark between the heading and the names (or a
        // sentence before them) must not hide the list.
        // Names spaced out to align a column (`胡  力、左  成`) are read
        // without the spaces too.
        ValueKind::Names => after_delim.lines().any(|line| {
            !names_in(line).is_empty()
                || (line.contains("  ")
                    && !names_in(&line.split_whitespace().collect::<String>()).is_empty())
        }),
        ValueKind::Phone => {
            static RE: OnceLock<Regex> = OnceLock::new();
            #[allow(clippy::unwrap_used)] // A constant pattern.
            // A landline with area code, a mobile (possibly masked by an
            // aggregator: 139****0555) or a service number; not a date or amount.
            let re = RE.get_or_init(|| {
                Regex::new(r"(?:^|[^0-9])(?:\+?86[ -]?)?(?:0[1-9][0-9]{1,2}[ ]?[-—–]?[ ]?[0-9]{7,8}|1[3-9][0-9][ -]?[0-9*]{4}[ -]?[0-9]{4}|400[ -]?[0-9]{3}[ -]?[0-9]{4})(?:$|[^0-9元万])").unwrap()
            });
            re.is_match(after_delim)
                || local_number(line_value(after_delim))
                || labelled_number(after_delim)
                || after_delim
                    .lines()
                    .any(|l| phone_labelled(l) && local_number(l))
        }
        ValueKind::Section | ValueKind::Date => true,
    }
}
