//! 国家秘密标志: the secrecy mark `密级★保密期限` (`机密★5年`, `秘密★长期`,
//! `绝密★启用前`) and the spelled form `密级：机密`.
//!
//! Enforces 《保守国家秘密法》(2024) 第十四条 (three levels), 第二十二条 (the
//! mark) and 第三十五条 (secrecy review before publication). The mark is
//! `★` with the level before it and the period after it (国家秘密标志管理办法);
//! converted and retyped files use any star-like glyph (`☆ ✶ ⭐ ✩ ✱ ⋆ ∗ ＊`…),
//! or another mark, brackets or a dash between level and period (`机密▲5年`,
//! `机密（5年）`): with a period after the level, any of them is a mark. A
//! bare `*` only counts with a period after it, since `秘密*` alone is too
//! common as a footnote mark.
//!
//! A level word standing alone on a line — a stamp (`机密`, `【秘密】`,
//! `绝密 份号：003`) at the top of a page, in a header, footer or
//! watermark — is a mark too (`secret.marking_bare`); `内部` or `涉密`
//! alone there is not a 国家秘密标志 but is held for review
//! (`secret.restricted_bare`).
//!
//! Known false-positive sources: 保密柜 purchases, `商业秘密`,
//! `★为实质性条款` (no level before the star) — handled by the exclusion list
//! and by requiring a level word.

use regex::Regex;

use super::dictionary::Trigger;
use super::text::layout::{ceil_boundary, floor_boundary};
use super::{Candidate, Context, Detector};
use crate::model::{Category, Confidence, PartKind, Severity};

const ENFORCES: &str = "《中华人民共和国保守国家秘密法》第十四条、第二十二条、第三十五条；同法实施条例第四十二条（先审查、后公开）";

/// Star-like glyphs people and converters put in a mark. The dictionary
/// pass reports each as a [`Trigger::Star`]; [`ASTRAL_STARS`] are outside
/// the plane the compact dictionary alphabet covers, and are found by the
/// regex around the level words instead.
pub const STARS: &str = "★☆✶⭐✩✱✦✧✪✫✬✭✮✯✰⋆٭⁎∗✴✳⚝✲✵✷✸✹✺✻✼✽❋✡";
/// Star-like glyphs above U+FFFF.
const ASTRAL_STARS: &str = "🟊🌟";

/// Marks between a level and its period that are not stars.
const SEPARATORS: &str = "▲△▼●○◆◇■□·•—–/|";

/// The level words.
const LEVELS: &[&str] = &["绝密", "机密", "秘密"];
/// Words that alone at the top are not a level but restrict the text.
const RESTRICTED: &[&str] = &[
    "内部",
    "涉密",
    "内部资料",
    "内部文件",
    "机密件",
    "秘密件",
    "绝密件",
];

/// The 国家秘密标志 detector.
pub struct Marking {
    star: Regex,
    star_first: Regex,
    header: Regex,
}

impl Marking {
    /// Compiles the patterns.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Marking {
        let period = r"\d{1,2}[ \t]*(?:年|个月)|长期|永久|启用前";
        let level = r"(绝[\s\-_·]*密|机[\s\-_·]*密|秘[\s\-_·]*密)";
        let star_class = format!("[{}{}]", regex::escape(STARS), regex::escape(ASTRAL_STARS));
        let sep_class = format!("[{}]", regex::escape(SEPARATORS));
        #[allow(clippy::unwrap_used)] // Constant patterns, covered by tests.
        let star = Regex::new(&format!(
            r"{level}[\s\-_]*(?:({star_class})\s*({period})?|\*[ \t]*({period})|{sep_class}[ \t]*({period})|[(（\[【][ \t]*({period})[ \t]*[)）\]】])"
        ))
        .unwrap();
        #[allow(clippy::unwrap_used)]
        let star_first = Regex::new(&format!(
            r"(?:^|\n)[ \t]*(?:{star_class}|\*)[ \t]*{level}[ \t]*(?:\n|$)"
        ))
        .unwrap();
        #[allow(clippy::unwrap_used)]
        let header = Regex::new(
            r"(?:密[ \t]*级|秘[ \t]*密[ \t]*等[ \t]*级|保密等级)[ \t]*(?:[:：]|为)[ \t]*[「“\x22]?(绝[ \t]*密|机[ \t]*密|秘[ \t]*密)",
        )
        .unwrap();
        Marking {
            star,
            star_first,
            header,
        }
    }
}

impl Detector for Marking {
    fn id(&self) -> &'static str {
        "secret"
    }

    fn rules(&self) -> &'static [(&'static str, Category)] {
        &[
            ("secret.marking", Category::Classified),
            ("secret.marking_header", Category::Classified),
            ("secret.marking_bare", Category::Classified),
            ("secret.restricted_bare", Category::Classified),
        ]
    }

    fn detect(&self, cx: &Context<'_>, out: &mut Vec<Candidate>) {
        // Whitespace and connectors are allowed inside the mark, so
        // `机 密 ★ 5 年` and a mark split over lines or tags are found. The
        // star regex runs only around the stars and level words the
        // dictionary pass saw.
        let text = cx.doc.text.as_str();
        let mut windows: Vec<(usize, usize)> = Vec::new();
        for &(trigger, at) in &cx.hits.triggers {
            if trigger != Trigger::Star && trigger != Trigger::Level {
                continue;
            }
            let from = floor_boundary(text, at.saturating_sub(40));
            let to = ceil_boundary(text, (at + 40).min(text.len()));
            match windows.last_mut() {
                Some(last) if from <= last.1 => last.1 = to,
                _ => windows.push((from, to)),
            }
        }
        let star_matches = windows.iter().flat_map(|&(from, to)| {
            self.star
                .captures_iter(&text[from..to])
                .map(move |c| (from, c))
        });
        for (base, caps) in star_matches {
            let (Some(whole), Some(level)) = (caps.get(0), caps.get(1)) else {
                continue;
            };
            let shift = |r: std::ops::Range<usize>| base + r.start..base + r.end;
            let (whole_range, level_range) = (shift(whole.range()), shift(level.range()));
            if cx.excluded(&level_range) {
                continue;
            }
            let has_period = (3..=6).any(|g| caps.get(g).is_some());
            let confidence = if has_period {
                Confidence::High
            } else {
                Confidence::Medium
            };
            let shown: String = whole
                .as_str()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            let explanation = format!(
                "出现国家秘密标志“{shown}”。标有密级的内容属于国家秘密，不得公开；如确非国家秘密，不得作出国家秘密标志，应删除后重新提交保密审查。"
            );
            out.push(marking(
                "secret.marking",
                confidence,
                whole_range,
                shown,
                explanation,
            ));
        }
        for caps in self.header.captures_iter(text) {
            let (Some(whole), Some(level)) = (caps.get(0), caps.get(1)) else {
                continue;
            };
            let (whole_range, level_range) = (whole.range(), level.range());
            if cx.excluded(&level_range) {
                continue;
            }
            let shown: String = whole
                .as_str()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            let explanation = format!("文中标注密级“{shown}”，涉及国家秘密的信息不得公开发布。");
            out.push(marking(
                "secret.marking_header",
                Confidence::High,
                whole_range,
                shown,
                explanation,
            ));
        }
        self.bare(cx, out);
    }
}

impl Marking {
    /// A level word alone on its line (a stamp), or after a star. At the
    /// top of a piece (its first five non-empty lines) or in a header,
    /// footer, watermark, attribute or metadata piece the confidence is
    /// high; elsewhere medium (held for review either way).
    fn bare(&self, cx: &Context<'_>, out: &mut Vec<Candidate>) {
        let text = cx.doc.text.as_str();
        // The lines a stamp can be: the first five non-empty lines of each
        // piece (the top of a page, a part), every short line of a piece
        // that is not body text (headers, footers, watermarks), and the
        // line of every level word further down.
        let mut lines: Vec<(usize, usize)> = Vec::new();
        for span in &cx.doc.spans {
            let body = span.kind == PartKind::Content;
            let mut nonempty = 0;
            let mut pos = span.range.start;
            for line in text[span.range.clone()].split('\n') {
                let (start, end) = (pos, pos + line.len());
                pos = end + 1;
                if line.trim().is_empty() {
                    continue;
                }
                nonempty += 1;
                if body && nonempty > 5 {
                    break;
                }
                if line.chars().count() <= 32 {
                    lines.push((start, end));
                }
            }
        }
        for &(trigger, at) in &cx.hits.triggers {
            if trigger == Trigger::Level {
                let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
                let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
                lines.push((start, end));
            }
        }
        lines.sort_unstable();
        lines.dedup();
        for (line_start, line_end) in lines {
            let line = &text[line_start..line_end];
            let Some(word) = stamp_word(line) else {
                continue;
            };
            let range = line_start..line_end;
            if cx.excluded(&range) || self.star.is_match(line) {
                continue;
            }
            let top = at_top(cx, line_start);
            let confidence = if top {
                Confidence::High
            } else {
                Confidence::Medium
            };
            let shown: String = line
                .chars()
                .filter(|c| !c.is_whitespace())
                .take(20)
                .collect();
            if LEVELS.contains(&word.as_str()) {
                out.push(marking(
                    "secret.marking_bare",
                    confidence,
                    range,
                    shown.clone(),
                    format!("密级“{word}”单独成行（文件顶部的密级标注、页眉页脚或水印）。标有密级的文件属于国家秘密，不得公开；如确非国家秘密，应删除该标注后重新提交保密审查。"),
                ));
            } else {
                out.push(marking(
                    "secret.restricted_bare",
                    Confidence::Medium,
                    range,
                    shown,
                    format!("“{word}”单独成行（限制公开的标注）。公开前须确认内容可以公开。"),
                ));
            }
        }
        // A star before a level, alone on its line: only the lines with a
        // star the dictionary pass saw.
        let mut star_lines: Vec<(usize, usize)> = Vec::new();
        for &(trigger, at) in &cx.hits.triggers {
            if trigger != Trigger::Star {
                continue;
            }
            let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
            if star_lines.last() != Some(&(start, end)) {
                star_lines.push((start, end));
            }
        }
        let found = star_lines.iter().flat_map(|&(start, end)| {
            // Include the line break before, which the pattern may start with.
            let from = start.saturating_sub(1);
            self.star_first
                .find_iter(&text[from..end])
                .map(move |m| from + m.start()..from + m.end())
        });
        let found: Vec<std::ops::Range<usize>> = found.collect();
        for range in found {
            let m_str = &text[range.clone()];
            if cx.excluded(&range) {
                continue;
            }
            let shown: String = m_str.chars().filter(|c| !c.is_whitespace()).collect();
            out.push(marking(
                "secret.marking_bare",
                if at_top(cx, range.start) {
                    Confidence::High
                } else {
                    Confidence::Medium
                },
                range,
                shown.clone(),
                format!("出现国家秘密标志“{shown}”。标有密级的内容属于国家秘密，不得公开。"),
            ));
        }
    }
}

/// The level or restriction word a line consists of, ignoring spaces,
/// brackets, and a copy number (`份号：003`) after it.
fn stamp_word(line: &str) -> Option<String> {
    let compact: String = line
        .chars()
        .filter(|c| !c.is_whitespace() && !"【】[]()（）「」『』〔〕<>《》\"“”'".contains(*c))
        .collect();
    // A copy number beside the stamp (`No.000017`, `份号：003`, `第3份`).
    static COPY: std::sync::LazyLock<Option<Regex>> = std::sync::LazyLock::new(|| {
        Regex::new(r"(?i)(?:份号[:：]?[A-Za-z0-9\-]*|No\.?[0-9\-]+|第[0-9一二三四五六七八九十]+份|[0-9]{3,})").ok()
    });
    let stripped = match COPY.as_ref() {
        Some(re) => re.replace_all(&compact, "").into_owned(),
        None => compact.clone(),
    };
    let core = stripped.as_str();
    LEVELS
        .iter()
        .chain(RESTRICTED)
        .find(|w| core == **w)
        .map(|w| w.to_string())
}

/// Whether a position is at the top of its piece (within its first five
/// non-empty lines) or in a piece that is not body text (header, footer,
/// watermark, attribute, metadata, comment).
fn at_top(cx: &Context<'_>, pos: usize) -> bool {
    let Some(span) = cx.doc.span_at(pos) else {
        return false;
    };
    if !matches!(span.kind, PartKind::Content) {
        return true;
    }
    let before = &cx.doc.text[span.range.start..pos];
    before.lines().filter(|l| !l.trim().is_empty()).count() < 5
}

/// A marking is a marker, not a secret: the excerpt shows it as found.
fn marking(
    rule: &str,
    confidence: Confidence,
    span: std::ops::Range<usize>,
    shown: String,
    explanation: String,
) -> Candidate {
    Candidate {
        rule: rule.into(),
        category: Category::Classified,
        field: None,
        severity: Severity::Critical,
        confidence,
        span: Some(span),
        value: Some(shown.clone()),
        excerpt: shown,
        explanation,
        enforces: ENFORCES.into(),
    }
}
