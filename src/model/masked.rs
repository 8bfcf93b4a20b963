//! Masking: the scanner must never become the leak.
//!
//! [`Sensitive`] holds a raw value (an ID number, a card number…) and shows
//! only its masked form through `Debug`, `Display` and serde, so a stray
//! `{:?}` in a log line cannot print it. [`Sensitive::reveal`] is for the
//! authenticated review page and allowlist matching only.

use std::fmt;

/// A raw sensitive value with its masked form.
#[derive(Clone, PartialEq, Eq)]
pub struct Sensitive {
    raw: String,
    masked: String,
}

impl Sensitive {
    /// Wraps a raw value together with how it is shown.
    pub fn new(raw: String, masked: String) -> Sensitive {
        Sensitive { raw, masked }
    }

    /// The masked form, safe for any output.
    pub fn masked(&self) -> &str {
        &self.masked
    }

    /// The raw value. Call only where a person is authorised to see it, or
    /// to compare against an allowlist.
    pub fn reveal(&self) -> &str {
        &self.raw
    }
}

impl fmt::Debug for Sensitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sensitive({})", self.masked)
    }
}

impl fmt::Display for Sensitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked)
    }
}

impl serde::Serialize for Sensitive {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.masked)
    }
}

/// `text` with every run of at least `min` digits (ASCII or full-width,
/// with a trailing `X`) masked by [`mask_digits`]. For text pubgate shows
/// that is not a finding but can carry a number: file names, paths, query
/// strings, part labels.
pub fn mask_digit_runs(text: &str, min: usize) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |out: &mut String, run: &mut String| {
        if run.chars().count() >= min {
            out.push_str(&mask_digits(run));
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit() || ('０'..='９').contains(&c) || (c == 'X' && !run.is_empty()) {
            run.push(c);
        } else {
            flush(&mut out, &mut run);
            out.push(c);
        }
    }
    flush(&mut out, &mut run);
    out
}

/// Masks a number-like value, keeping a short head and tail so a reviewer
/// can tell two values apart: `370102199001011234` → `370102********1234`,
/// `13812345678` → `138****5678`. Short values are masked whole but for the
/// last character. Non-alphanumeric separators are dropped.
pub fn mask_digits(value: &str) -> String {
    let chars: Vec<char> = value
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    let n = chars.len();
    let (head, tail) = match n {
        0..=4 => (0, n.saturating_sub(1).min(1)),
        5..=8 => (1, 2),
        9..=12 => (3, 4),
        _ => (6, 4),
    };
    let mut out = String::with_capacity(n);
    for (i, c) in chars.iter().enumerate() {
        if i < head || i >= n - tail {
            out.push(*c);
        } else {
            out.push('*');
        }
    }
    out
}

/// Masks an e-mail address: `zhangsan1985@163.com` → `z***@163.com`.
pub fn mask_email(value: &str) -> String {
    match value.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => mask_digits(value),
    }
}

/// Masks a person's name: the surname stays, the rest become `*`
/// (`张三丰` → `张**`).
pub fn mask_name(value: &str) -> String {
    let mut out = String::new();
    for (i, c) in value.chars().enumerate() {
        out.push(if i == 0 { c } else { '*' });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_number_keeps_region_and_tail() {
        assert_eq!(mask_digits("370102199001011234"), "370102********1234");
        assert_eq!(mask_digits("3701 0219 9001 0112 34"), "370102********1234");
    }

    #[test]
    fn phone_and_short_values() {
        assert_eq!(mask_digits("13812345678"), "138****5678");
        assert_eq!(mask_digits("E12345678"), "E12**5678");
        assert_eq!(mask_digits("1234"), "***4");
    }

    #[test]
    fn debug_never_shows_raw() {
        let s = Sensitive::new(
            "370102199001011234".into(),
            mask_digits("370102199001011234"),
        );
        let shown = format!("{s:?} {s}");
        assert!(!shown.contains("199001011234"), "{shown}");
        assert_eq!(s.reveal(), "370102199001011234");
    }

    #[test]
    fn email_and_name() {
        assert_eq!(mask_email("zhangsan1985@163.com"), "z***@163.com");
        assert_eq!(mask_name("张三丰"), "张**");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// A number of 11 or more digits anywhere in a path, query or file
        /// name never survives masking: no 7 consecutive digits of it are
        /// left (the head of 6 is kept on purpose: the region or bank code
        /// that lets a reviewer tell two values apart).
        #[test]
        fn masked_runs_keep_no_seven_digits(
            before in "[a-z/_.?=&身份证附件 ]{0,12}",
            number in "[0-9]{11,19}",
            after in "[a-z/_.?=&身份证附件 ]{0,12}",
        ) {
            let shown = mask_digit_runs(&format!("{before}{number}{after}"), 11);
            for i in 0..=number.len() - 7 {
                proptest::prop_assert!(!shown.contains(&number[i..i + 7]), "{shown}");
            }
        }
    }
}
