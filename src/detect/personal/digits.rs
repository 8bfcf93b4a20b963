//! Digit runs: the shared first step of the ID, card and mobile detectors.
//!
//! A run is digits with single spaces or hyphens between groups
//! (`3701 0219 9001 0112 34`, `138-1234-5678`), optionally ending in `X`
//! (ID check character). Runs glued to letters (`ZB2024001…`, part of a
//! code) or to `*` (an already masked number such as `139****0555`) are
//! skipped: they are not personal numbers, and masked ones are already safe.

use std::ops::Range;

/// One run of digits.
#[derive(Debug, Clone)]
pub struct Run {
    /// Byte range in the text.
    pub range: Range<usize>,
    /// Groups: each group's byte range and digits.
    pub groups: Vec<(Range<usize>, String)>,
    /// Letters touch the run directly (`370102…1237ABC`, `zj370102…`).
    /// Kept only for 18-character runs: an ID number glued to a word by a
    /// lost space, a broken tag or an identifier prefix is still an ID
    /// number when it is labelled as one or sits where identifiers live
    /// (attributes); the ID detector decides.
    pub letters_after: bool,
}

impl Run {
    /// All digits of the run (and a trailing X), without separators.
    pub fn digits(&self) -> String {
        self.groups.iter().map(|(_, d)| d.as_str()).collect()
    }
}

/// Characters that make a run part of something else: a word or code
/// (letters, digits), a masked number (`*`), an address (`@`). An
/// underscore is a separator (`王建华_370102….pdf`, `remark_370102…`).
fn glued(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'*' || b == b'@'
}

/// Finds all digit runs in `text` with at least `min_digits` digits.
pub fn runs(text: &str, min_digits: usize) -> Vec<Run> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let (run, next) = run_at(text, i, min_digits);
        out.extend(run);
        i = next.max(i + 1);
    }
    out
}

/// Like [`runs`], but only looking at the given positions where a digit
/// follows a non-digit (collected during the dictionary pass, so the text
/// is not scanned again).
pub fn runs_at(text: &str, starts: &[u32], min_digits: usize) -> Vec<Run> {
    let mut out = Vec::new();
    let mut next = 0;
    for &start in starts {
        let start = start as usize;
        if start < next {
            continue;
        }
        let (run, end) = run_at(text, start, min_digits);
        out.extend(run);
        next = end;
    }
    out
}

/// The run starting at `start` (a digit), and where scanning continues.
fn run_at(text: &str, start: usize, min_digits: usize) -> (Option<Run>, usize) {
    let bytes = text.as_bytes();
    // First find the extent and count digits without allocating: most
    // digit runs (amounts, dates, phone numbers) are too short to matter.
    let mut j = start;
    let mut total = 0;
    loop {
        while j < bytes.len() && bytes[j].is_ascii_digit() {
            j += 1;
            total += 1;
        }
        // One separator followed by a digit continues the run.
        if j + 1 < bytes.len()
            && (bytes[j] == b' ' || bytes[j] == b'-')
            && bytes[j + 1].is_ascii_digit()
        {
            j += 1;
            continue;
        }
        break;
    }
    let end_digits = j;
    if total < min_digits.saturating_sub(1) {
        return (None, end_digits);
    }
    let letters_before = start > 0 && bytes[start - 1].is_ascii_alphabetic();
    let preceded_badly = start > 0
        && ((glued(bytes[start - 1]) && !letters_before) || is_decimal_point(bytes, start));
    let mut groups = Vec::new();
    let mut g = start;
    while g < end_digits {
        let g_start = g;
        while g < end_digits && bytes[g].is_ascii_digit() {
            g += 1;
        }
        groups.push((g_start..g, text[g_start..g].to_string()));
        g += 1; // the separator
    }
    let mut j = end_digits;
    // A trailing ID check character.
    if j < bytes.len()
        && (bytes[j] == b'X' || bytes[j] == b'x')
        && !(j + 1 < bytes.len() && glued(bytes[j + 1]))
    {
        if let Some(last) = groups.last_mut() {
            last.1.push('X');
            last.0.end = j + 1;
        }
        j += 1;
    }
    let digits: usize = groups.iter().map(|(_, d)| d.len()).sum();
    let letters_after = j < bytes.len() && bytes[j].is_ascii_alphabetic();
    let followed_badly =
        j < bytes.len() && ((glued(bytes[j]) && !letters_after) || is_decimal_point(bytes, j));
    // A run glued to letters is only of interest as an ID number.
    let glued_to_letters = letters_before || letters_after;
    if preceded_badly || followed_badly || digits < min_digits || (glued_to_letters && digits != 18)
    {
        return (None, j);
    }
    (
        Some(Run {
            range: start..j,
            groups,
            letters_after: glued_to_letters,
        }),
        j,
    )
}

/// A `.` between digits: the run is part of a decimal number (an amount).
fn is_decimal_point(bytes: &[u8], at: usize) -> bool {
    let at_dot = |k: usize| bytes.get(k) == Some(&b'.');
    // before the run: `1234.` + run ; after: run + `.5`
    (at > 0 && at_dot(at - 1) && at >= 2 && bytes[at - 2].is_ascii_digit())
        || (at_dot(at) && bytes.get(at + 1).is_some_and(u8::is_ascii_digit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouped_and_glued() {
        let r = runs(
            "身份证 3701 0219 9001 0112 34，编号ZB20240012345678，电话139****0555",
            6,
        );
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].digits(), "370102199001011234");
        let r = runs("11010519491231002x。", 6);
        assert_eq!(r[0].digits(), "11010519491231002X");
    }

    #[test]
    fn amounts_are_not_runs() {
        assert!(runs("金额 1234567.89 元", 6).is_empty());
    }
}
