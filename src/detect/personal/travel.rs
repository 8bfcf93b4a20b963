//! Passports and travel permits. None of them carries a public checksum, so
//! a candidate needs its context word (`护照`, `通行证`…) close before it.

use regex::Regex;

use super::{candidate, has_any};
use crate::detect::Context;
use crate::detect::text::layout::{before, ceil_boundary};
use crate::model::{Confidence, Severity, mask_digits};

/// Patterns with the context words that must precede them.
pub struct Travel {
    kinds: Vec<Kind>,
}

/// One kind of travel document.
struct Kind {
    /// The number's pattern.
    re: Regex,
    /// Only digits (台胞证): candidates start at digit runs, not letters.
    all_digits: bool,
    /// Words one of which must stand within 20 characters before it.
    context: &'static [&'static str],
    /// Rule id.
    rule: &'static str,
    /// The document's name, for the explanation.
    name: &'static str,
}

impl Travel {
    /// Compiles the patterns.
    pub fn new() -> Travel {
        let specs: [(&str, &'static [&'static str], &'static str, &'static str); 5] = [
            // 普通/公务/外交护照: E + 8 digits, E + letter + 7, G + 8, S/D/P + 7-8.
            (
                r"(?:E[0-9]{8}|E[A-HJ-NP-Z][0-9]{7}|G[0-9]{8}|[SDP][0-9]{7,8})",
                &["护照"],
                "personal.passport",
                "护照号码",
            ),
            // 往来港澳通行证: C + 8 / C + letter + 7, old W + 8.
            (
                r"(?:C[0-9A-Z][0-9]{7}|W[0-9]{8})",
                &["通行证", "港澳"],
                "personal.travel_permit",
                "往来港澳通行证号码",
            ),
            // 港澳居民来往内地通行证 (回乡证): H/M + 8 (+2).
            (
                r"[HM][0-9]{8}(?:[0-9]{2})?",
                &["回乡证", "来往内地", "港澳居民"],
                "personal.travel_permit",
                "港澳居民来往内地通行证号码",
            ),
            // 大陆居民往来台湾通行证: L + 8.
            (
                r"L[0-9]{8}",
                &["往来台湾", "赴台", "台湾通行证"],
                "personal.travel_permit",
                "往来台湾通行证号码",
            ),
            // 台湾居民来往大陆通行证 (台胞证): 8 digits.
            (
                r"[0-9]{8}",
                &["台胞证", "台湾居民来往大陆"],
                "personal.travel_permit",
                "台湾居民来往大陆通行证号码",
            ),
        ];
        let kinds = specs
            .into_iter()
            .map(|(p, context, rule, name)| Kind {
                // No boundary groups: candidates are matched at their start
                // position and the boundaries checked by hand (a boundary
                // group would swallow the next character).
                #[allow(clippy::unwrap_used)] // Constant patterns, covered by tests.
                re: Regex::new(&format!(r"(?i){p}")).unwrap(),
                all_digits: p.starts_with("[0-9]"),
                context,
                rule,
                name,
            })
            .collect();
        Travel { kinds }
    }

    /// Finds travel-document numbers with their context word within 20
    /// characters before them.
    pub fn detect(&self, cx: &Context<'_>, out: &mut Vec<crate::detect::Candidate>) {
        let text = &cx.doc.text;
        let bytes = text.as_bytes();
        let glued = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'*');
        for Kind {
            re,
            all_digits,
            context,
            rule,
            name,
        } in &self.kinds
        {
            let all_digits = *all_digits;
            // Candidates start at a letter before a digit, or a digit run
            // (noted by the dictionary pass); without those notes, look for
            // a context word first, then scan.
            // Each candidate is matched in a short window starting at it, so
            // a miss never scans on to the end of the text.
            let found: Vec<std::ops::Range<usize>> = match &cx.hits.ascii {
                Some(ascii) => {
                    // Letter-prefixed numbers start at a letter before a
                    // digit; the all-digit 台胞证 number at a digit run.
                    let starts = if all_digits {
                        &ascii.digit_starts
                    } else {
                        &ascii.letter_digits
                    };
                    starts
                        .iter()
                        .map(|&p| p as usize)
                        // Digit runs are everywhere (phones, amounts): for the
                        // all-digit kind, look for the context word first.
                        .filter(|&p| {
                            !all_digits || context.iter().any(|w| before(text, p, 20).contains(w))
                        })
                        .filter_map(|p| {
                            let end = ceil_boundary(text, p + 16);
                            re.find(&text[p..end])
                                .filter(|m| m.start() == 0)
                                .map(|m| p..p + m.end())
                        })
                        .collect()
                }
                None if context.iter().any(|w| text.contains(w)) => {
                    re.find_iter(text).map(|m| m.range()).collect()
                }
                None => Vec::new(),
            };
            for range in found {
                let m = &text[range.clone()];
                if glued(range.start.checked_sub(1).and_then(|i| bytes.get(i)))
                    || glued(bytes.get(range.end))
                {
                    continue;
                }
                let w = before(text, range.start, 20);
                if !has_any(w, context) {
                    continue;
                }
                let value = m.to_ascii_uppercase();
                let masked = mask_digits(&value);
                out.push(candidate(
                    rule,
                    Confidence::High,
                    Severity::High,
                    range.clone(),
                    value,
                    masked.clone(),
                    format!("检测到{name} {masked}。出入境证件号码属于个人信息，公告中不得公开。"),
                ));
            }
        }
    }
}
