//! A compact alphabet for the dictionary automaton.
//!
//! aho-corasick walks one state transition per byte, and Chinese text is
//! three bytes per character in UTF-8. Re-encoding the text with an
//! alphabet built from the dictionary's own characters makes the haystack
//! about a third shorter, so one pass over it is faster than a bare
//! aho-corasick pass over the raw text, even after paying for the encoding
//! — and the encoding pass also drops whitespace and connector punctuation,
//! which is what makes `机 密` match `机密`.
//!
//! Encoding (self-synchronizing: every character starts with a byte
//! ≥ 0x80, continuation bytes are < 0x80, so a match can only start on a
//! character boundary):
//!
//! * `0x80..=0x83`: a character not in the dictionary, by UTF-8 length 1–4
//!   (kept so positions can be recovered; it matches nothing);
//! * `0x84..=0xBF`: the 60 most frequent dictionary characters, one byte;
//! * `0xC0..=0xFF` + `0x00..=0x7F`: up to 8,192 other dictionary characters.
//!
//! A dictionary with more distinct characters than that falls back to
//! matching the UTF-8 skeleton (see `dictionary.rs`).

use std::collections::HashMap;

use crate::normalize::skeleton_drops;

const UNKNOWN: u8 = 0x80;
const ONE_BYTE_FIRST: u8 = 0x84;
const ONE_BYTE_COUNT: usize = 60;
const TWO_BYTE_COUNT: usize = 64 * 128;
/// Compact position → text position checkpoints, every this many bytes.
const CHECKPOINT_EVERY: usize = 256;

/// The alphabet: a code per dictionary character.
pub struct Alphabet {
    /// Code of each BMP character: 0 = not in the dictionary, 1..=60 one
    /// byte, 61.. two bytes.
    codes: Box<[u16]>,
}

/// Text re-encoded with an [`Alphabet`], with checkpoints to map positions
/// back to the normalized text.
pub struct Encoded {
    /// The encoded bytes.
    pub bytes: Vec<u8>,
    /// (encoded position, text position) at character boundaries.
    checkpoints: Vec<(u32, u32)>,
}

impl Alphabet {
    /// Builds the alphabet from normalized terms (whitespace and connectors
    /// already removed). `None` if they use too many distinct characters.
    pub fn build<'a>(terms: impl Iterator<Item = &'a str>) -> Option<Alphabet> {
        let mut freq: HashMap<char, usize> = HashMap::new();
        for t in terms {
            for c in t.chars() {
                *freq.entry(fold(c)).or_default() += 1;
            }
        }
        if freq.keys().any(|c| (*c as u32) > 0xFFFF) || freq.len() > ONE_BYTE_COUNT + TWO_BYTE_COUNT
        {
            return None;
        }
        let mut by_freq: Vec<(char, usize)> = freq.into_iter().collect();
        by_freq.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut codes = vec![0u16; 0x10000].into_boxed_slice();
        for (i, (c, _)) in by_freq.iter().enumerate() {
            let code = (i + 1) as u16;
            codes[*c as usize] = code;
            if c.is_ascii_lowercase() {
                codes[c.to_ascii_uppercase() as usize] = code;
            }
        }
        Some(Alphabet { codes })
    }

    #[inline]
    fn push(&self, c: char, out: &mut Vec<u8>) {
        let u = c as usize;
        let code = if u < 0x10000 {
            self.codes[u] as usize
        } else {
            0
        };
        if code == 0 {
            out.push(UNKNOWN + (c.len_utf8() as u8 - 1));
        } else if code <= ONE_BYTE_COUNT {
            out.push(ONE_BYTE_FIRST + (code - 1) as u8);
        } else {
            let k = code - ONE_BYTE_COUNT - 1;
            out.push(0xC0 + (k / 128) as u8);
            out.push((k % 128) as u8);
        }
    }

    /// Encodes a term (for building the automaton). `None` if it contains
    /// a character outside the alphabet (cannot happen for the terms the
    /// alphabet was built from).
    pub fn encode_term(&self, term: &str) -> Option<Vec<u8>> {
        let mut out = Vec::with_capacity(term.len());
        for c in term.chars() {
            let before = out.len();
            self.push(c, &mut out);
            if out[before] < ONE_BYTE_FIRST {
                return None;
            }
        }
        Some(out)
    }

    /// Encodes normalized text, dropping whitespace and connector
    /// punctuation as the skeleton does.
    pub fn encode(&self, text: &str) -> Encoded {
        let mut bytes = Vec::with_capacity(text.len() * 2 / 3 + 16);
        let mut checkpoints = Vec::with_capacity(text.len() / CHECKPOINT_EVERY + 2);
        let mut next_checkpoint = 0;
        for (at, c) in text.char_indices() {
            if skeleton_drops(c) {
                continue;
            }
            if bytes.len() >= next_checkpoint {
                checkpoints.push((bytes.len() as u32, at as u32));
                next_checkpoint = bytes.len() + CHECKPOINT_EVERY;
            }
            self.push(c, &mut bytes);
        }
        Encoded { bytes, checkpoints }
    }
}

/// ASCII letters match case-insensitively.
fn fold(c: char) -> char {
    c.to_ascii_lowercase()
}

fn encoded_len(first: u8) -> usize {
    if first >= 0xC0 { 2 } else { 1 }
}

impl Encoded {
    /// Maps an encoded byte range (a match) to the `text` byte range from
    /// the start of its first character to the end of its last.
    pub fn to_text(&self, text: &str, range: std::ops::Range<usize>) -> std::ops::Range<usize> {
        let i = self
            .checkpoints
            .partition_point(|(e, _)| (*e as usize) <= range.start);
        let (mut e, t) = match i.checked_sub(1).and_then(|i| self.checkpoints.get(i)) {
            Some(&(e, t)) => (e as usize, t as usize),
            None => (0, 0),
        };
        let mut start = None;
        for (off, c) in text[t..].char_indices() {
            if skeleton_drops(c) {
                continue;
            }
            let at = t + off;
            if e == range.start && start.is_none() {
                start = Some(at);
            }
            let len = self.bytes.get(e).map_or(1, |b| encoded_len(*b));
            e += len;
            if e >= range.end {
                let end = at + c.len_utf8();
                return start.unwrap_or(at)..end;
            }
        }
        let s = start.unwrap_or(text.len());
        s..text.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_is_shorter_and_maps_back() {
        let alphabet = Alphabet::build(["机密", "涉密项目", "ABC"].into_iter()).unwrap();
        let text = "本项目为 机 密，涉密-项目和abc。".repeat(40);
        let enc = alphabet.encode(&text);
        assert!(
            enc.bytes.len() < text.len() / 2,
            "{} vs {}",
            enc.bytes.len(),
            text.len()
        );
        let term = alphabet.encode_term("涉密项目").unwrap();
        let at = enc
            .bytes
            .windows(term.len())
            .position(|w| w == term.as_slice())
            .unwrap();
        let r = enc.to_text(&text, at..at + term.len());
        assert_eq!(&text[r], "涉密-项目");
        let abc = alphabet.encode_term("abc").unwrap();
        let at = enc
            .bytes
            .windows(abc.len())
            .rposition(|w| w == abc.as_slice())
            .unwrap();
        let r = enc.to_text(&text, at..at + abc.len());
        assert_eq!(&text[r], "abc");
    }

    #[test]
    fn continuation_bytes_never_start_a_code() {
        let terms: Vec<String> = (0..3000u32)
            .map(|i| char::from_u32(0x4E00 + i).unwrap().to_string() + "一")
            .collect();
        let alphabet = Alphabet::build(terms.iter().map(String::as_str)).unwrap();
        let enc = alphabet.encode(&terms.concat());
        for (i, b) in enc.bytes.iter().enumerate() {
            if *b < 0x80 {
                assert!(
                    i > 0 && enc.bytes[i - 1] >= 0xC0,
                    "continuation byte at {i} not after a lead byte"
                );
            }
        }
    }
}
