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
}

impl Run {
    /// All digits of the run (and a trailing X), without separators.
    pub fn digits(&self) -> String {
        self.groups.iter().map(|(_, d)| d.as_str()).collect()
    }
}

fn glued(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'*' || b == b'@' || b == b'_'
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
        let start = i;
        let preceded_badly =
            start > 0 && (glued(bytes[start - 1]) || is_decimal_point(bytes, start));
        let mut groups = Vec::new();
        let mut j = i;
        loop {
            let g_start = j;
            while j < bytes.len() && bytes[j].is_ascii_digit() {
                j += 1;
            }
            groups.push((g_start..j, text[g_start..j].to_string()));
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
        let followed_badly = j < bytes.len() && (glued(bytes[j]) || is_decimal_point(bytes, j));
        let total: usize = groups.iter().map(|(_, d)| d.len()).sum();
        if !preceded_badly && !followed_badly && total >= min_digits {
            out.push(Run {
                range: start..j,
                groups,
            });
        }
        i = j.max(i + 1);
    }
    out
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
