//! Mandatory fields: for the recognised announcement type, every field the
//! 2020 format spec makes mandatory must be present with a value.
//!
//! A field is present when one of its label variants (whitespace inside the
//! label tolerated: `名　称`) is followed by a delimiter and a value of the
//! field's kind (a code, an amount, a date, names, a phone number, or any
//! text) in visible content — not only in a comment or a tracked deletion.
//! The value region ends at the next numbered sub-section, so an empty
//! 采购人 block does not borrow the agency's phone number.

use std::sync::OnceLock;

use regex::Regex;

use super::announcement::{FieldSpec, ValueKind};
use super::layout::after_in_content;
use super::names::names_in;
use super::{Candidate, Context, Detector};
use crate::model::{Category, Confidence, Severity};
use crate::normalize::{NormalizedDoc, PIECE_SEPARATOR};

/// The missing-field detector.
pub struct MissingFields;

impl Detector for MissingFields {
    fn id(&self) -> &'static str {
        "fields"
    }

    fn detect(&self, cx: &Context<'_>, out: &mut Vec<Candidate>) {
        let Some(doc_type) = cx.doc_type else { return };
        for field_id in &doc_type.required {
            let Some(field) = cx.spec.fields.get(field_id) else {
                continue;
            };
            if present(cx, field_id, field) {
                continue;
            }
            out.push(Candidate {
                rule: "fields.missing".into(),
                category: Category::MissingField,
                field: Some(field_id.clone()),
                severity: Severity::Medium,
                confidence: Confidence::High,
                span: None,
                value: Some(format!("{}:{field_id}", doc_type.id)),
                excerpt: format!("缺少：{}", field.name),
                explanation: format!(
                    "{}缺少必备内容“{}”（可用标注：{}）。请补充后重新提交。",
                    doc_type.name,
                    field.name,
                    field
                        .labels
                        .iter()
                        .take(4)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join("、")
                ),
                enforces: field.enforces.clone(),
            });
        }
    }
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
        Regex::new(r"\n[ \t]*(?:\d{1,2}[.、]|[一二三四五六七八九十]{1,3}[、.]|[(（][一二三四五六七八九十\d]{1,3}[)）]|第[一二三四五六七八九十]+)").unwrap()
    })
}

/// A section label must be a heading: only numbering before it on its line
/// (`三、获取招标文件`, `（二）采购需求`), or a delimiter after it
/// (`采购需求：…`). `采购内容含保密柜20台` in a sentence is not the section.
fn heading_like(text: &str, label: std::ops::Range<usize>) -> bool {
    let before = super::layout::line_before(text, label.start);
    let after = &text[label.end..];
    let rest_of_line = after.split('\n').next().unwrap_or("");
    // A delimiter, a table cell boundary (tab, or two spaces in PDF text).
    let trimmed = rest_of_line.trim_start_matches([' ', '\u{3000}']);
    if trimmed.starts_with([':', '：', '\t', '(', '（']) || rest_of_line.starts_with("  ") {
        return true;
    }
    let numbering_only = before.chars().all(|c| {
        c.is_whitespace()
            || c.is_ascii_digit()
            || "一二三四五六七八九十、.．()（）[]【】第章节部分".contains(c)
    });
    // `三、获取招标文件` or `四、提交投标文件截止时间、开标时间和地点`: a short
    // heading line, not a sentence that starts with the label. A heading
    // may continue briefly before its colon: `采用单一来源采购方式的原因及说明：`,
    // `拟定的唯一供应商名称、地址：`.
    let short_then_colon = rest_of_line.chars().take(8).any(|c| c == ':' || c == '：');
    numbering_only && (rest_of_line.trim().chars().count() <= 10 || short_then_colon)
}

/// Splits a table row into cells: tabs (HTML and DOCX cells) or runs of
/// two or more spaces (PDF text of a table).
fn cells(line: &str) -> Vec<&str> {
    static RE: OnceLock<Regex> = OnceLock::new();
    #[allow(clippy::unwrap_used)] // A constant pattern.
    let re = RE.get_or_init(|| Regex::new(r"\t| {2,}|\u{3000}{2,}").unwrap());
    re.split(line).collect()
}

/// When a label is a whole header cell of a table row, the cell in the
/// same column of the next row (`预算金额（万元）` over `120`).
fn table_cell_below(text: &str, label_end: usize) -> Option<&str> {
    let line_start = text[..label_end].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[label_end..]
        .find('\n')
        .map_or(text.len(), |i| label_end + i);
    let line = &text[line_start..line_end];
    let row = cells(line);
    if row.len() < 3 {
        return None;
    }
    // The label must end its cell.
    let rest = &text[label_end..line_end];
    let rest = rest.trim_start_matches(|c: char| {
        c == ')' || c == '）' || c == '(' || c == '（' || c == '万' || c == '元'
    });
    if !(rest.is_empty() || rest.starts_with('\t') || rest.starts_with("  ")) {
        return None;
    }
    let column = cells(&text[line_start..label_end]).len() - 1;
    let next = text[line_end..]
        .split('\n')
        .map(str::trim_end)
        .find(|l| !l.trim().is_empty())?;
    let below = cells(next);
    (below.len() == row.len())
        .then(|| below.get(column).copied())
        .flatten()
}

/// Whether any label of `field` is followed by a value.
pub fn present(cx: &Context<'_>, id: &str, field: &FieldSpec) -> bool {
    let doc = cx.doc;
    for range in cx.field_label_ranges(id) {
        if !doc.kind_at(range.start).is_some_and(|k| k.is_content()) {
            continue;
        }
        if field.value == ValueKind::Section && !heading_like(&doc.text, range.clone()) {
            continue;
        }
        if value_follows(cx, range.end, field) {
            return true;
        }
    }
    false
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
        return Some(r);
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

fn value_follows(cx: &Context<'_>, label_end: usize, field: &FieldSpec) -> bool {
    let text = &cx.doc.text;
    // Sections and dates may run over numbered lists and the next line
    // (`四、提交投标文件截止时间、开标时间和地点` + the date below it).
    if matches!(field.value, ValueKind::Section | ValueKind::Date) {
        let raw = region(cx.doc, label_end, field.window, heading_re());
        if field.value == ValueKind::Date {
            return !super::dates::find_dates(raw, 0).is_empty();
        }
        let body = raw.trim_start_matches([':', '：', ' ', '\t', '\n']);
        return body.chars().filter(|c| c.is_alphanumeric()).count() >= 2;
    }
    if let Some(cell) = table_cell_below(text, label_end) {
        return value_in(cell, field.value);
    }
    let raw = region(cx.doc, label_end, field.window, subsection_re());
    let Some(after_delim) = strip_delimiter(raw) else {
        return false;
    };
    value_in(after_delim, field.value)
}

/// Whether `after_delim` (the text after a label and its delimiter) holds
/// a value of `kind`.
fn value_in(after_delim: &str, kind: ValueKind) -> bool {
    match kind {
        ValueKind::Text => {
            let v = line_value(after_delim);
            !v.is_empty() && !EMPTY_VALUES.contains(&v) && v.chars().any(char::is_alphanumeric)
        }
        ValueKind::Code => {
            let v = line_value(after_delim);
            let alnum = v
                .chars()
                .take_while(|c| !c.is_whitespace())
                .filter(char::is_ascii_alphanumeric)
                .count();
            alnum >= 3 || (v.chars().count() >= 3 && !EMPTY_VALUES.contains(&v))
        }
        ValueKind::Amount => {
            let v = line_value(after_delim);
            v.chars()
                .any(|c| c.is_ascii_digit() || "壹贰叁肆伍陆柒捌玖拾佰仟".contains(c))
                || ["下浮", "折扣", "费率", "同预算"]
                    .iter()
                    .any(|w| v.contains(w))
        }
        // Line by line: a remark between the heading and the names (or a
        // sentence before them) must not hide the list.
        ValueKind::Names => after_delim.lines().any(|line| !names_in(line).is_empty()),
        ValueKind::Phone => {
            static RE: OnceLock<Regex> = OnceLock::new();
            #[allow(clippy::unwrap_used)] // A constant pattern.
            // A landline with area code, a mobile (possibly masked by an
            // aggregator: 139****0555) or a service number; not a date or amount.
            let re = RE.get_or_init(|| {
                Regex::new(r"(?:^|[^0-9])(?:\+?86[ -]?)?(?:0[1-9][0-9]{1,2}[-—– ]?[0-9]{7,8}|1[3-9][0-9][ -]?[0-9*]{4}[ -]?[0-9]{4}|400[ -]?[0-9]{3}[ -]?[0-9]{4})(?:$|[^0-9元万])").unwrap()
            });
            re.is_match(after_delim)
        }
        ValueKind::Section | ValueKind::Date => true,
    }
}
