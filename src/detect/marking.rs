//! 国家秘密标志: the secrecy mark `密级★保密期限` (`机密★5年`, `秘密★长期`,
//! `绝密★启用前`) and the spelled form `密级：机密`.
//!
//! Enforces 《保守国家秘密法》(2024) 第十四条 (three levels), 第二十二条 (the
//! mark) and 第三十五条 (secrecy review before publication). The mark is
//! `★` with the level before it and the period after it (国家秘密标志管理办法);
//! `☆`, `*` and `＊` occur in converted files. A bare `*` only counts with a
//! period after it, since `秘密*` alone is too common as a footnote mark.
//!
//! Known false-positive sources: 保密柜 purchases, `商业秘密`,
//! `★为实质性条款` (no level before the star) — handled by the exclusion list
//! and by requiring a level word.

use regex::Regex;

use super::dictionary::Trigger;
use super::layout::{ceil_boundary, floor_boundary};
use super::{Candidate, Context, Detector};
use crate::model::{Category, Confidence, Severity};

const ENFORCES: &str = "《中华人民共和国保守国家秘密法》第十四条、第二十二条、第三十五条；同法实施条例第四十二条（先审查、后公开）";

/// The 国家秘密标志 detector.
pub struct Marking {
    star: Regex,
    header: Regex,
}

impl Marking {
    /// Compiles the patterns.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Marking {
        #[allow(clippy::unwrap_used)] // Constant patterns, covered by tests.
        let star = Regex::new(
            r"(绝[\s\-_·]*密|机[\s\-_·]*密|秘[\s\-_·]*密)[\s\-_·]*(?:(★|☆)[ \t]*(\d{1,2}[ \t]*(?:年|个月)|长期|永久|启用前)?|\*[ \t]*(\d{1,2}[ \t]*(?:年|个月)|长期|启用前))",
        )
        .unwrap();
        #[allow(clippy::unwrap_used)]
        let header = Regex::new(
            r"(?:密[ \t]*级|秘[ \t]*密[ \t]*等[ \t]*级|保密等级)[ \t]*(?:[:：]|为)[ \t]*[「“\x22]?(绝[ \t]*密|机[ \t]*密|秘[ \t]*密)",
        )
        .unwrap();
        Marking { star, header }
    }
}

impl Detector for Marking {
    fn id(&self) -> &'static str {
        "secret"
    }

    fn detect(&self, cx: &Context<'_>, out: &mut Vec<Candidate>) {
        // Whitespace and connectors are allowed inside the mark, so
        // `机 密 ★ 5 年` and a mark split over lines or tags are found. The
        // star regex runs only around the stars the dictionary pass saw.
        let text = cx.doc.text.as_str();
        let mut windows: Vec<(usize, usize)> = Vec::new();
        for &(trigger, at) in &cx.hits.triggers {
            if trigger != Trigger::Star {
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
            let has_period = caps.get(3).is_some() || caps.get(4).is_some();
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
    }
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
