//! The shape of an announcement: lines, section headings and the contact
//! blocks where phone numbers and e-mail addresses are mandatory content.
//!
//! Section numbers shift between provinces (`七、` in one, `九、` in
//! another), so headings are recognised by their form (`一、`, `第二章`,
//! `（三）`) and their *text*, never their number.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

use crate::normalize::NormalizedDoc;

/// Words that make a heading or a line a contact block.
const CONTACT_HEADING_WORDS: &[&str] = &[
    "联系方式",
    "联系方法",
    "按以下方式联系",
    "询问",
    "采购人信息",
    "代理机构信息",
    "项目联系",
    "联系人",
    "联系信息",
    "联系电话",
    "质疑",
    "投诉",
    "监督",
];

/// Labels that, right before a phone number or e-mail on the same line,
/// make it contact information.
pub const CONTACT_LABELS: &[&str] = &[
    "联系人",
    "联系电话",
    "电话",
    "手机",
    "联系方式",
    "传真",
    "邮箱",
    "电子邮件",
    "电子邮箱",
    "电子函件",
    "信箱",
    "e-mail",
    "email",
    "mail",
    "咨询",
    "热线",
    "监督",
    "投诉",
    "tel",
    "fax",
    "座机",
    "联系",
    "电 话",
    "号码",
    // A platform's support line (`致电技术支持:0574-…、133…`).
    "致电",
    "技术支持",
    "客服",
];

/// A line of the normalized text.
#[derive(Debug, Clone)]
pub struct Line {
    /// Byte range in [`NormalizedDoc::text`], without the newline.
    pub range: Range<usize>,
    /// Whether the line looks like a top-level section heading.
    pub heading: bool,
}

/// Lines, headings and contact zones of a document.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// All lines.
    pub lines: Vec<Line>,
    /// Byte ranges of the text that are contact blocks.
    pub contact_zones: Vec<Range<usize>>,
}

fn heading_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        #[allow(clippy::unwrap_used)] // A constant pattern, covered by tests.
        Regex::new(r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.,]|第[一二三四五六七八九十\d]{1,3}[章节部分条]|[(（][一二三四五六七八九十]{1,3}[)）])").unwrap()
    })
}

impl Layout {
    /// Analyses the text.
    pub fn build(doc: &NormalizedDoc) -> Layout {
        let text = &doc.text;
        let mut lines = Vec::new();
        let mut start = 0;
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                lines.push(start..i);
                start = i + 1;
            }
        }
        lines.push(start..text.len());
        let heading = heading_re();
        let lines: Vec<Line> = lines
            .into_iter()
            .map(|range| {
                let s = &text[range.clone()];
                // Headings start with a numeral or bracket: test only those.
                let first = s.trim_start().chars().next().unwrap_or(' ');
                let candidate = "一二三四五六七八九十第(（".contains(first);
                Line {
                    heading: candidate && s.len() <= 180 && heading.is_match(s),
                    range,
                }
            })
            .collect();
        let mut contact_zones: Vec<Range<usize>> = Vec::new();
        let mut open: Option<usize> = None;
        for line in &lines {
            let s = &text[line.range.clone()];
            // A page break inside a PDF does not end a section; any other
            // piece boundary (a comment, metadata) does.
            let is_separator = s.contains(crate::normalize::PIECE_SEPARATOR)
                && !continues_content(doc, line.range.start);
            let contact_heading =
                line.heading && CONTACT_HEADING_WORDS.iter().any(|w| s.contains(w));
            if line.heading || is_separator {
                if let Some(from) = open.take() {
                    contact_zones.push(from..line.range.start);
                }
                if contact_heading {
                    open = Some(line.range.start);
                }
            } else if open.is_none()
                && s.chars().count() <= 40
                && ["采购人信息", "代理机构信息", "项目联系方式", "联系方式"]
                    .iter()
                    .any(|w| s.contains(w))
            {
                // A sub-heading such as `1.采购人信息` without a top-level
                // contact heading: the block runs to the next heading.
                open = Some(line.range.start);
            }
        }
        if let Some(from) = open {
            contact_zones.push(from..text.len());
        }
        Layout {
            lines,
            contact_zones,
        }
    }

    /// Whether `pos` lies in a contact block.
    pub fn in_contact_zone(&self, pos: usize) -> bool {
        self.contact_zones.iter().any(|z| z.contains(&pos))
    }
}

/// Whether the pieces on both sides of the separator at `pos` are
/// consecutive content (PDF pages, JSON body fields).
fn continues_content(doc: &NormalizedDoc, pos: usize) -> bool {
    let next = doc.spans.iter().position(|s| s.range.start > pos);
    match next {
        Some(i) if i > 0 => doc.spans[i - 1].kind.is_content() && doc.spans[i].kind.is_content(),
        _ => false,
    }
}

/// Up to `chars` characters after `pos`, continuing across the boundary
/// between consecutive content pieces (a PDF page break in the middle of a
/// contact block), but not into comments or metadata. Separator characters
/// do not count towards `chars`.
pub fn after_in_content(doc: &NormalizedDoc, pos: usize, chars: usize) -> &str {
    let text = &doc.text;
    let tail = &text[pos..];
    let mut end = 0;
    let mut n = 0;
    for (i, c) in tail.char_indices() {
        if c == crate::normalize::PIECE_SEPARATOR {
            if !continues_content(doc, pos + i) {
                break;
            }
        } else {
            if n >= chars {
                break;
            }
            n += 1;
        }
        end = i + c.len_utf8();
    }
    &tail[..end]
}

/// Up to `chars` characters of `text` before byte `pos`, not crossing a
/// piece separator.
pub fn before(text: &str, pos: usize, chars: usize) -> &str {
    let head = &text[..pos];
    let mut start = pos;
    for (n, (i, c)) in head.char_indices().rev().enumerate() {
        if n >= chars || c == crate::normalize::PIECE_SEPARATOR {
            break;
        }
        start = i;
    }
    &text[start..pos]
}

/// Up to `chars` characters of `text` after byte `pos`, not crossing a
/// piece separator.
pub fn after(text: &str, pos: usize, chars: usize) -> &str {
    let tail = &text[pos..];
    let mut end = 0;
    for (n, (i, c)) in tail.char_indices().enumerate() {
        if n >= chars || c == crate::normalize::PIECE_SEPARATOR {
            break;
        }
        end = i + c.len_utf8();
    }
    &tail[..end]
}

/// The nearest char boundary at or before `i`.
pub fn floor_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The nearest char boundary at or after `i`.
pub fn ceil_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The text from the start of the line to `pos`.
pub fn line_before(text: &str, pos: usize) -> &str {
    let start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    &text[start..pos]
}

/// The text from `pos` to the end of its line.
pub fn line_after(text: &str, pos: usize) -> &str {
    let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
    &text[pos..end]
}

/// The whole line `pos` is on.
pub fn line_at(text: &str, pos: usize) -> &str {
    let start = pos - line_before(text, pos).len();
    &text[start..pos + line_after(text, pos).len()]
}

/// The line above `pos` when only blanks precede `pos` on its own line (a
/// value or label at a line start, with what names it on the line above,
/// as forms flattened one cell per line write it). None on the first line.
pub fn line_above(text: &str, pos: usize) -> Option<&str> {
    if !line_before(text, pos).trim().is_empty() {
        return None;
    }
    let start = text[..pos].rfind('\n')?;
    text[..start].rsplit('\n').next()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{PartKind, Piece};

    #[test]
    fn contact_section_by_heading_text() {
        let text = "一、项目基本情况\n项目编号：1\n二、其他补充事宜\n无\n九、凡对本次公告内容提出询问，请按以下方式联系。\n联系人：张三 13812345678\n";
        let doc = NormalizedDoc::build(&[Piece {
            part: "body".into(),
            kind: PartKind::Content,
            text: text.into(),
        }]);
        let layout = Layout::build(&doc);
        let phone = doc.text.find("138").unwrap();
        assert!(layout.in_contact_zone(phone));
        assert!(!layout.in_contact_zone(doc.text.find("项目编号").unwrap()));
        assert_eq!(layout.lines.iter().filter(|l| l.heading).count(), 3);
    }

    #[test]
    fn windows_stop_at_piece_separator() {
        let doc = NormalizedDoc::build(&[
            Piece {
                part: "a".into(),
                kind: PartKind::Content,
                text: "身份证".into(),
            },
            Piece {
                part: "b".into(),
                kind: PartKind::Content,
                text: "123".into(),
            },
        ]);
        let at = doc.text.find("123").unwrap();
        assert!(!before(&doc.text, at, 10).contains("身份证"));
    }
}
