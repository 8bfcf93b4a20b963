//! Dates in announcement text: `2024年5月10日`, `2024-05-10`, `2024/5/10`,
//! `2024.05.10`, with optional spaces. Impossible dates (`11月31日`) are
//! reported separately, because real announcements contain them.

use std::ops::Range;
use std::sync::OnceLock;

use chrono::NaiveDate;
use regex::Regex;

/// A date found in the text.
#[derive(Debug, Clone)]
pub struct FoundDate {
    /// Byte range in the text.
    pub range: Range<usize>,
    /// The date, if it exists in the calendar.
    pub date: Option<NaiveDate>,
    /// (year, month, day) as written.
    pub ymd: (i32, u32, u32),
}

fn date_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        #[allow(clippy::unwrap_used)] // A constant pattern, covered by tests.
        Regex::new(r"((?:19|20)\d{2})[ \t]*(?:年[ \t]*(\d{1,2})[ \t]*月[ \t]*(\d{1,2})[ \t]*[日号]|([-/.])(\d{1,2})([-/.])(\d{1,2}))").unwrap()
    })
}

/// All dates in `text`, with offsets added to `base`.
pub fn find_dates(text: &str, base: usize) -> Vec<FoundDate> {
    let mut out = Vec::new();
    for c in date_re().captures_iter(text) {
        let Some(whole) = c.get(0) else { continue };
        // Separators must agree (2024-05-10, not 2024-05.10).
        if let (Some(a), Some(b)) = (c.get(4), c.get(6)) {
            if a.as_str() != b.as_str() {
                continue;
            }
            // `2024.5.10` could be a version or an amount; only `-` and `/` and
            // dotted dates with two-digit month count.
            if a.as_str() == "." && c.get(5).is_some_and(|m| m.as_str().len() != 2) {
                continue;
            }
        }
        let year = c.get(1).and_then(|m| m.as_str().parse::<i32>().ok());
        let month = c
            .get(2)
            .or(c.get(5))
            .and_then(|m| m.as_str().parse::<u32>().ok());
        let day = c
            .get(3)
            .or(c.get(7))
            .and_then(|m| m.as_str().parse::<u32>().ok());
        let (Some(y), Some(m), Some(d)) = (year, month, day) else {
            continue;
        };
        // `YSXY2024-21-1`, `ZB-2024-21-1`: figures glued to a code's letters
        // are the code's year and numbers, not a date. (After a date's last
        // digit and a dash, `2024-05-01-2024-05-10`, a date follows.)
        if c.get(4).is_some() && part_of_a_code(&text[..whole.start()]) {
            continue;
        }
        // `2024-05-101`: a following digit means this was part of a longer
        // number (`2024年5月10日09点` is fine: 日 ends the date) — unless it
        // is a time run on without a space, as flattened pages print them
        // (`2020-10-2916:42`: the 29th, 16:42).
        if c.get(4).is_some()
            && text[whole.end()..].starts_with(|ch: char| ch.is_ascii_digit())
            && !(c.get(7).is_some_and(|d| d.as_str().len() == 2)
                && time_follows(&text[whole.end()..]))
        {
            continue;
        }
        out.push(FoundDate {
            range: base + whole.start()..base + whole.end(),
            date: NaiveDate::from_ymd_opt(y, m, d),
            ymd: (y, m, d),
        });
    }
    out
}

/// Whether the text `before` a dashed or slashed date ends in a code's
/// letters or digits (`YSXY`, `ZB-`), so the figures continue that code.
fn part_of_a_code(before: &str) -> bool {
    let mut back = before.chars().rev();
    match back.next() {
        Some(ch) if ch.is_ascii_alphanumeric() || ch == '_' => true,
        Some('-' | '/' | '_') => back.next().is_some_and(|ch| ch.is_ascii_alphabetic()),
        _ => false,
    }
}

/// Whether `rest` starts with a time of day (`16:42`, `9：30`).
fn time_follows(rest: &str) -> bool {
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=2).contains(&digits) {
        return false;
    }
    let after = &rest[digits..];
    let after = after
        .strip_prefix(':')
        .or_else(|| after.strip_prefix('：'))
        .unwrap_or("");
    after.bytes().take_while(u8::is_ascii_digit).count() == 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        let d = find_dates(
            "截止 2024年 5 月10日9:30，开标 2024-05-20，更正 2024/6/1",
            0,
        );
        let got: Vec<_> = d.iter().map(|f| f.date.map(|x| x.to_string())).collect();
        assert_eq!(
            got,
            vec![
                Some("2024-05-10".into()),
                Some("2024-05-20".into()),
                Some("2024-06-01".into())
            ]
        );
    }

    #[test]
    fn a_time_run_on_without_a_space_ends_the_date() {
        let d = find_dates("首次公告日期:2020-10-2916:42地址", 0);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].ymd, (2020, 10, 29));
        // A longer number is still not a date.
        assert!(find_dates("编号 2024-05-1012345", 0).is_empty());
    }

    #[test]
    fn a_codes_figures_are_no_date() {
        assert!(find_dates("项目编号：YSXY2024-21-1（招标文件编号：YSXY2024-21-1）", 0).is_empty());
        assert!(find_dates("编号：ZB-2024-21-1", 0).is_empty());
        // Beside Han characters or a colon, or after a range's first date,
        // the same figures are a date.
        assert_eq!(find_dates("日期：2024-05-10发布", 0).len(), 1);
        assert_eq!(find_dates("公示期2024-05-01-2024-05-07", 0).len(), 2);
    }

    #[test]
    fn impossible_date_kept_without_value() {
        let d = find_dates("2023年11月31日", 0);
        assert_eq!(d.len(), 1);
        assert!(d[0].date.is_none());
        assert_eq!(d[0].ymd, (2023, 11, 31));
    }
}
