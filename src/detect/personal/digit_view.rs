//! The layout-aware digit view: numbers as a reader sees them, across the
//! breaks that the file's layout puts inside them.
//!
//! An ID or card number is often not one run of digits in the extracted
//! text: it wraps onto the next line (with indentation, or CRLF), sits in
//! two table cells or in one cell per digit (forms), is split by `<br>`,
//! `w:br` or `w:tab`, is grouped with dots, slashes, dashes of every kind
//! or several spaces, is written in Chinese numerals (`三七〇一…`, or
//! 大写 `叁柒零壹…`), or is stored reversed and displayed through a bidi
//! override (U+202E, `<bdo dir=rtl>`).
//!
//! A *chain* is a sequence of digit fragments separated only by such
//! layout gaps ([`is_gap`], at most [`MAX_GAP_CHARS`] characters and two
//! line breaks each). Text inside an override is taken in display order.
//! From each chain the view offers the windows of the wanted lengths that
//! start where a fragment starts or end where one ends (a number split by
//! layout starts and ends on a fragment boundary), and only those that
//! cross a gap, use numerals or are reversed: plain runs are the run
//! detector's ([`super::digits`]). The check-digit, region and birth-date
//! validators then keep precision high: a window of unrelated digits
//! passes GB 11643 about once in a hundred thousand.

use std::ops::Range;

/// The longest layout gap between two fragments of one number.
pub const MAX_GAP_CHARS: usize = 40;

/// A candidate number taken from the digit view.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    /// Byte range in the text covering every digit used.
    pub span: Range<usize>,
    /// The digits (and a final `X`).
    pub digits: String,
    /// How many fragments it draws from.
    pub fragments: usize,
    /// It is the whole chain (or the whole chain after a short first
    /// fragment, a row number): a number weakly validated (Luhn) is only
    /// taken from layout when nothing else is in its chain.
    pub whole: bool,
}

/// One digit as displayed, with the bytes it came from.
#[derive(Debug, Clone)]
struct Digit {
    value: u8,
    at: Range<usize>,
    /// Starts a fragment.
    first: bool,
    /// Ends a fragment.
    last: bool,
    /// From numerals or a reversed run (not a plain ASCII run).
    special: bool,
}

/// Characters allowed between two fragments of one number.
fn is_gap(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t'
            | '\n'
            | '\r'
            | '.'
            | '/'
            | '\\'
            | '|'
            | '-'
            | '_'
            | '·'
            | '•'
            | '・'
            | '‐'
            | '‑'
            | '‒'
            | '–'
            | '—'
            | '―'
            | '−'
            | '﹣'
            | '⁃'
            | ','
            | '，'
            | '、'
    ) || is_bidi(c)
}

fn is_bidi(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The digit a Chinese numeral (小写 or 大写) stands for. (A `match`:
/// this runs for every character near a number.)
pub fn numeral_value(c: char) -> Option<u8> {
    Some(match c {
        '〇' | '零' => 0,
        '一' | '壹' => 1,
        '二' | '贰' => 2,
        '三' | '叁' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

/// A letter OCR and careless typing put for a digit (`O`/`o` for 0,
/// `l`/`I` for 1), when the next character is a digit or another such
/// letter: inside a run of digits it is one.
fn confusable(chars: &[(char, Range<usize>)], k: usize) -> Option<u8> {
    let value = |c: char| match c {
        'O' | 'o' => Some(0),
        'l' | 'I' => Some(1),
        _ => None,
    };
    let v = value(chars[k].0)?;
    let next = chars.get(k + 1).map(|(c, _)| *c)?;
    (next.is_ascii_digit() || value(next).is_some()).then_some(v)
}

/// Display-ordered characters from `from`: text inside a U+202E override
/// (up to U+202C, a line end or 256 bytes) is taken reversed.
fn display_chars(text: &str, from: usize, limit: usize) -> Vec<(char, Range<usize>)> {
    let mut out = Vec::new();
    let mut i = from;
    let end = (from + limit).min(text.len());
    while i < end {
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let len = c.len_utf8();
        if c == '\u{202E}' {
            let seg_start = i + len;
            let mut seg_end = seg_start;
            let mut close = seg_start;
            for (k, d) in text[seg_start..].char_indices() {
                if k > 256 || d == '\n' || d == crate::normalize::PIECE_SEPARATOR {
                    break;
                }
                if d == '\u{202C}' {
                    close = seg_start + k + d.len_utf8();
                    break;
                }
                seg_end = seg_start + k + d.len_utf8();
                close = seg_end;
            }
            let mut seg: Vec<(char, Range<usize>)> = text[seg_start..seg_end]
                .char_indices()
                .map(|(k, d)| (d, seg_start + k..seg_start + k + d.len_utf8()))
                .collect();
            seg.reverse();
            // Mark the reversed characters by a leading override.
            out.push((c, i..seg_start));
            out.extend(seg);
            i = close.max(seg_start);
            continue;
        }
        out.push((c, i..i + len));
        i += len;
    }
    out
}

/// Reads one chain from display-ordered characters.
fn chain(chars: &[(char, Range<usize>)]) -> (Vec<Digit>, usize) {
    let mut digits: Vec<Digit> = Vec::new();
    let mut k = 0;
    let mut reversed = false;
    let glued_letter = |c: char| c.is_ascii_alphabetic();
    // Before the first fragment: a letter glued to it makes it part of a
    // code (`ZB2024…`), not a number of its own.
    while k < chars.len() {
        let (c, _) = &chars[k];
        if *c == '\u{202E}' {
            reversed = true;
            k += 1;
            continue;
        }
        if c.is_ascii_digit() || numeral_value(*c).is_some() {
            break;
        }
        if !is_gap(*c) {
            return (digits, k.max(1));
        }
        k += 1;
    }
    loop {
        // A fragment.
        let start = digits.len();
        let mut numeral = false;
        while k < chars.len() {
            let (c, at) = &chars[k];
            if let Some(v) = c.to_digit(10).filter(|_| c.is_ascii_digit()) {
                digits.push(Digit {
                    value: v as u8,
                    at: at.clone(),
                    first: false,
                    last: false,
                    special: reversed,
                });
            } else if let Some(v) =
                confusable(chars, k).filter(|_| digits.len() > start && !numeral)
            {
                // OCR output and typed numbers: `O` for 0, `l` for 1.
                digits.push(Digit {
                    value: v,
                    at: at.clone(),
                    first: false,
                    last: false,
                    special: true,
                });
            } else if let Some(v) = numeral_value(*c) {
                numeral = true;
                digits.push(Digit {
                    value: v,
                    at: at.clone(),
                    first: false,
                    last: false,
                    special: true,
                });
            } else if (*c == 'X' || *c == 'x') && digits.len() > start && !numeral {
                // A check character ends the fragment.
                digits.push(Digit {
                    value: 10,
                    at: at.clone(),
                    first: false,
                    last: false,
                    special: reversed,
                });
                k += 1;
                break;
            } else {
                break;
            }
            k += 1;
        }
        if digits.len() == start {
            break;
        }
        let glued = k < chars.len() && glued_letter(chars[k].0);
        if glued {
            // `…1237ABC`: the fragment belongs to a code; the chain ends
            // before it.
            digits.truncate(start);
            break;
        }
        digits[start].first = true;
        if let Some(last) = digits.last_mut() {
            last.last = true;
        }
        // A gap, then maybe another fragment.
        let gap_start = k;
        let mut newlines = 0;
        let mut marks = 0;
        while k < chars.len() && is_gap(chars[k].0) && k - gap_start <= MAX_GAP_CHARS {
            let c = chars[k].0;
            if c == '\n' {
                newlines += 1;
            } else if !c.is_whitespace() && !is_bidi(c) {
                marks += 1;
            }
            if c == '\u{202E}' {
                reversed = true;
            }
            k += 1;
        }
        // A number is written in one script: digits, or numerals (a
        // heading `九、` after a number is not more of it).
        let next_is_digit = k < chars.len()
            && if numeral {
                numeral_value(chars[k].0).is_some()
            } else {
                chars[k].0.is_ascii_digit()
            };
        let gap_ok = k - gap_start <= MAX_GAP_CHARS && newlines <= 2 && marks <= 3;
        let preceded_by_letter = k > 0 && glued_letter(chars[k - 1].0);
        if !(next_is_digit && gap_ok && !preceded_by_letter) || k == gap_start {
            break;
        }
    }
    (digits, k.max(1))
}

/// Windows of the given lengths from the chains starting at `starts`
/// (sorted text positions where a digit or numeral follows something
/// else), in the order found.
pub fn windows(text: &str, starts: &[usize], lens: &[usize]) -> Vec<Window> {
    let mut out: Vec<Window> = Vec::new();
    let mut covered = 0usize;
    // Most texts have no bidi override at all: then no start is inside one.
    let any_override = text.contains('\u{202E}');
    for &start in starts {
        if start < covered || start >= text.len() || !text.is_char_boundary(start) {
            continue;
        }
        // The common case, cheaply: a short run of ASCII digits followed by
        // something that neither continues nor separates a number (a date,
        // an amount) is a chain of one short fragment — nothing to offer.
        let bytes = text.as_bytes();
        if bytes[start].is_ascii_digit() && !any_override {
            let run = bytes[start..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            let next = text[start + run..].chars().next();
            let continues =
                next.is_some_and(|c| is_gap(c) || matches!(c, 'X' | 'x' | 'O' | 'o' | 'l' | 'I'));
            if run < 16 && !continues {
                covered = start + run;
                continue;
            }
        }
        // A start inside an override region reads from the override.
        let from = if any_override {
            override_start(text, start).unwrap_or(start)
        } else {
            start
        };
        // Most chains end within a few characters: read a little of the
        // text, and more only while the chain runs to the end of it.
        let mut limit = 96;
        let (chars, digits, used) = loop {
            let chars = display_chars(text, from, limit);
            let (digits, used) = chain(&chars);
            if used < chars.len() || from + limit >= text.len() || limit >= 4096 {
                break (chars, digits, used);
            }
            limit *= 4;
        };
        covered = chars
            .get(used.saturating_sub(1))
            .map_or(start + 1, |(_, r)| r.end)
            .max(start + 1);
        if digits.len() < lens.iter().copied().min().unwrap_or(18) {
            continue;
        }
        // A first fragment glued to a letter before it is part of a code
        // (`ZB370102…`): no window may use it.
        let glued = text[..from]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphabetic());
        let usable_from = if glued {
            digits
                .iter()
                .skip(1)
                .position(|d| d.first)
                .map_or(digits.len(), |p| p + 1)
        } else {
            0
        };
        let chain_len = digits.len();
        // Where the second fragment starts: a window from there that runs
        // to the end is the chain after a short first fragment (a row
        // number beside the number).
        let second_start = digits
            .iter()
            .skip(1)
            .position(|d| d.first)
            .map_or(chain_len, |p| p + 1);
        for &len in lens {
            if digits.len() < len {
                continue;
            }
            let mut tried: Vec<usize> = Vec::new();
            for (i, d) in digits.iter().enumerate() {
                let mut begins = Vec::new();
                if d.first && i + len <= digits.len() {
                    begins.push(i);
                }
                if d.last && i + 1 >= len {
                    begins.push(i + 1 - len);
                }
                for b in begins {
                    if b < usable_from || tried.contains(&b) {
                        continue;
                    }
                    tried.push(b);
                    let w = &digits[b..b + len];
                    // The check character only at the end.
                    if w[..len - 1].iter().any(|d| d.value == 10) {
                        continue;
                    }
                    let fragments = 1 + w[1..].iter().filter(|d| d.first).count();
                    let special = w.iter().any(|d| d.special);
                    if fragments == 1 && !special {
                        continue;
                    }
                    let lo = w.iter().map(|d| d.at.start).min().unwrap_or(0);
                    let hi = w.iter().map(|d| d.at.end).max().unwrap_or(0);
                    let text_digits: String = w
                        .iter()
                        .map(|d| {
                            if d.value == 10 {
                                'X'
                            } else {
                                char::from(b'0' + d.value)
                            }
                        })
                        .collect();
                    let window = Window {
                        span: lo..hi,
                        digits: text_digits,
                        fragments,
                        whole: b + len == chain_len && (b == 0 || (b == second_start && b <= 3)),
                    };
                    if !out.contains(&window) {
                        out.push(window);
                    }
                }
            }
        }
    }
    out
}

/// The U+202E that opens an override region containing `pos`, on the
/// same line and at most 256 bytes back, not closed before `pos`.
fn override_start(text: &str, pos: usize) -> Option<usize> {
    let from = pos.saturating_sub(256);
    let from = (from..=pos).find(|i| text.is_char_boundary(*i))?;
    let back = &text[from..pos];
    let line_start = back.rfind('\n').map_or(0, |i| i + 1);
    let back = &back[line_start..];
    let open = back.rfind('\u{202E}')?;
    if back[open..].contains('\u{202C}') {
        return None;
    }
    Some(from + line_start + open)
}

/// Positions where a chain can start: digit starts from the dictionary
/// pass, numeral triggers, and positions of 大写 digits.
pub fn starts(text: &str, digit_starts: &[usize], numerals: &[usize]) -> Vec<usize> {
    let mut all: Vec<usize> = digit_starts
        .iter()
        .chain(numerals)
        .copied()
        .filter(|p| *p < text.len())
        .collect();
    all.sort_unstable();
    all.dedup();
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<String> {
        let starts: Vec<usize> = text
            .char_indices()
            .filter(|(i, c)| {
                (c.is_ascii_digit() || numeral_value(*c).is_some() || *c == '\u{202E}')
                    && !text[..*i]
                        .chars()
                        .next_back()
                        .is_some_and(|p| p.is_ascii_digit())
            })
            .map(|(i, _)| i)
            .collect();
        windows(text, &starts, &[18])
            .into_iter()
            .map(|w| w.digits)
            .collect()
    }

    const ID: &str = "370102198001011237";

    #[test]
    fn layout_breaks_join() {
        for text in [
            "身份证号：370102198\n001011237。",
            "身份证号：3701021980\r\n          01011237",
            "证件号码\t370102\t198001011237\t",
            "3\t7\t0\t1\t0\t2\t1\t9\t8\t0\t0\t1\t0\t1\t1\t2\t3\t7",
            "3701.0219.8001.0112.37",
            "370102/19800101/1237",
            "370102—19800101—1237",
            "370102 ‒ 19800101 ‒ 1237",
            "3701  0219  8001  0112  37",
            "370102,19800101,1237",
            "37O1O2198OO1O11237",
            "37Ol02l98OOlOll237",
        ] {
            assert!(
                found(text).contains(&ID.to_string()),
                "{text:?}: {:?}",
                found(text)
            );
        }
    }

    #[test]
    fn numerals_and_reversal() {
        assert!(found("身份证三七〇一〇二一九八〇〇一〇一一二三七").contains(&ID.to_string()));
        assert!(found("叁柒零壹零贰壹玖捌零零壹零壹壹贰叁柒").contains(&ID.to_string()));
        let reversed: String = ID.chars().rev().collect();
        let text = format!("证件号\u{202E}{reversed}\u{202C}。");
        assert!(found(&text).contains(&ID.to_string()), "{:?}", found(&text));
    }

    #[test]
    fn plain_runs_codes_and_prose_are_left_alone() {
        // One plain run: the run detector's job.
        assert!(found(ID).is_empty());
        // Glued to letters: a code.
        assert!(found("ZB370102\n198001011237").is_empty());
        // Prose between: two numbers.
        assert!(found("370102年的19800101号1237").is_empty());
        // Three line breaks: not one number.
        assert!(found("370102\n\n\n198001011237").is_empty());
    }
}
