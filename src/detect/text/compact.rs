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
//! ≥ 0x80 and continuation bytes are < 0x80, so a match can only start on a
//! character boundary):
//!
//! * `0x80..=0x83`: a character not in the dictionary, by UTF-8 length 1–4
//!   (kept so positions can be recovered; it matches nothing);
//! * `0x84..lead`: one byte for the most frequent dictionary characters;
//! * `lead..=0xFF` + `0x00..=0x7F`: two bytes for the others. The number of
//!   lead bytes is the smallest that fits the dictionary, so as many
//!   characters as possible get one byte.
//!
//! A dictionary with more than 15,872 distinct characters falls back to
//! matching the UTF-8 skeleton (see `dictionary.rs`).

use std::collections::HashMap;

use crate::normalize::skeleton_drops;

const UNKNOWN: u8 = 0x80;
const FIRST_CODE: u8 = 0x84;
/// Byte values available for one-byte codes and lead bytes.
const CODE_BYTES: usize = 0x100 - FIRST_CODE as usize;
/// Compact position → text position checkpoints, every this many bytes.
const CHECKPOINT_EVERY: usize = 256;

/// The alphabet: the encoded bytes of every BMP character.
pub struct Alphabet {
    /// Per BMP code point: `len | b0 << 8 | b1 << 16`; `len == 0` for a
    /// dropped character (whitespace, connectors).
    table: Box<[u32]>,
}

/// Positions of ASCII features other detectors start from, noted while the
/// encoder walks the text anyway, so no detector scans the whole text again.
#[derive(Debug, Clone, Default)]
pub struct AsciiEvents {
    /// Text positions where a digit follows a non-digit.
    pub digit_starts: Vec<u32>,
    /// Text positions of `@`.
    pub at_signs: Vec<u32>,
    /// Text positions of an ASCII letter directly followed by a digit.
    pub letter_digits: Vec<u32>,
    /// Text positions where a Chinese numeral (`〇零一…九`) follows a
    /// character that is not one: a number spelled in numerals may start.
    pub numeral_starts: Vec<u32>,
}

/// Whether a code point is a Chinese numeral digit (小写, `〇` or `零`).
#[inline]
fn is_numeral(cp: u32) -> bool {
    matches!(
        cp,
        0x3007
            | 0x96F6
            | 0x4E00
            | 0x4E8C
            | 0x4E09
            | 0x56DB
            | 0x4E94
            | 0x516D
            | 0x4E03
            | 0x516B
            | 0x4E5D
    )
}

/// Text re-encoded with an [`Alphabet`], with checkpoints to map positions
/// back to the normalized text.
pub struct Encoded {
    /// The encoded bytes.
    pub bytes: Vec<u8>,
    /// ASCII features seen on the way.
    pub ascii: AsciiEvents,
    /// (encoded position, text position) at character boundaries.
    checkpoints: Vec<(u32, u32)>,
}

fn pack(bytes: &[u8]) -> u32 {
    match bytes {
        [a] => 1 | u32::from(*a) << 8,
        [a, b] => 2 | u32::from(*a) << 8 | u32::from(*b) << 16,
        _ => 0,
    }
}

impl Alphabet {
    /// Builds the alphabet from normalized terms (whitespace and connectors
    /// already removed). `None` if they use too many distinct characters.
    pub fn build<'a>(terms: impl Iterator<Item = &'a str>) -> Option<Alphabet> {
        let mut freq: HashMap<char, usize> = HashMap::new();
        for t in terms {
            for c in t.chars() {
                *freq.entry(c.to_ascii_lowercase()).or_default() += 1;
            }
        }
        let n = freq.len();
        // Smallest number of lead bytes L with (CODE_BYTES - L) + 128 L ≥ n.
        let leads = (0..=CODE_BYTES).find(|l| (CODE_BYTES - l) + 128 * l >= n)?;
        if freq.keys().any(|c| (*c as u32) > 0xFFFF) {
            return None;
        }
        let one_byte = CODE_BYTES - leads;
        let lead_first = FIRST_CODE as usize + one_byte;
        let mut by_freq: Vec<(char, usize)> = freq.into_iter().collect();
        by_freq.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut table = vec![0u32; 0x10000].into_boxed_slice();
        for u in 0..0x10000u32 {
            let c = char::from_u32(u).unwrap_or('\u{FFFD}');
            table[u as usize] = if skeleton_drops(c) {
                0
            } else {
                pack(&[UNKNOWN + (c.len_utf8() as u8 - 1)])
            };
        }
        for (i, (c, _)) in by_freq.iter().enumerate() {
            let code = if i < one_byte {
                pack(&[FIRST_CODE + i as u8])
            } else {
                let k = i - one_byte;
                pack(&[(lead_first + k / 128) as u8, (k % 128) as u8])
            };
            table[*c as usize] = code;
            if c.is_ascii_lowercase() {
                table[c.to_ascii_uppercase() as usize] = code;
            }
        }
        Some(Alphabet { table })
    }

    /// Encodes a term (for building the automaton). `None` if it contains
    /// a character outside the alphabet.
    pub fn encode_term(&self, term: &str) -> Option<Vec<u8>> {
        let mut out = Vec::with_capacity(term.len());
        for c in term.chars() {
            let e = *self.table.get(c as usize)?;
            let len = (e & 0xFF) as usize;
            if len == 0 || (e >> 8) as u8 <= UNKNOWN + 3 {
                return None;
            }
            out.extend_from_slice(&e.to_le_bytes()[1..1 + len]);
        }
        Some(out)
    }

    /// Encodes normalized text, dropping whitespace and connector
    /// punctuation as the skeleton does. The loop decodes UTF-8 by hand:
    /// it is the hottest loop of the scanner after the automaton itself.
    pub fn encode(&self, text: &str) -> Encoded {
        let src = text.as_bytes();
        let n = src.len();
        // Written by index (an ASCII dictionary character may take two
        // bytes, so the output can outgrow the input) and truncated at the
        // end: a variable-length `extend_from_slice` here costs a memmove
        // call per character.
        let mut bytes: Vec<u8> = vec![0; 2 * n + 8];
        let mut w = 0;
        let mut checkpoints = Vec::with_capacity(n / CHECKPOINT_EVERY + 2);
        let table = &self.table[..];
        let mut ascii = AsciiEvents::default();
        let mut i = 0;
        let mut after_numeral = false;
        while i < n {
            // A checkpoint at the start of every block of ~256 source bytes,
            // always on a character boundary.
            checkpoints.push((w as u32, i as u32));
            let stop = (i + CHECKPOINT_EVERY).min(n);
            while i < stop {
                let b = src[i];
                // CJK (three bytes) first: it is most of the text.
                let (cp, len) = if (0xE0..0xF0).contains(&b) && i + 2 < n {
                    let cp = u32::from(b & 0x0F) << 12
                        | u32::from(src[i + 1] & 0x3F) << 6
                        | u32::from(src[i + 2] & 0x3F);
                    let numeral = is_numeral(cp);
                    if numeral && !after_numeral {
                        ascii.numeral_starts.push(i as u32);
                    }
                    after_numeral = numeral;
                    (cp, 3)
                } else if b < 0x80 {
                    after_numeral = false;
                    if b.is_ascii_digit() {
                        let prev = if i > 0 { src[i - 1] } else { 0 };
                        if !prev.is_ascii_digit() {
                            ascii.digit_starts.push(i as u32);
                            if prev.is_ascii_alphabetic() {
                                ascii.letter_digits.push((i - 1) as u32);
                            }
                        }
                    } else if b == b'@' {
                        ascii.at_signs.push(i as u32);
                    }
                    (u32::from(b), 1)
                } else if b < 0xE0 && i + 1 < n {
                    after_numeral = false;
                    (u32::from(b & 0x1F) << 6 | u32::from(src[i + 1] & 0x3F), 2)
                } else {
                    after_numeral = false;
                    (0x10000, 4)
                };
                let e = if cp < 0x10000 {
                    table[cp as usize]
                } else {
                    pack(&[UNKNOWN + 3])
                };
                bytes[w] = (e >> 8) as u8;
                bytes[w + 1] = (e >> 16) as u8;
                w += (e & 0xFF) as usize;
                i += len;
            }
        }
        bytes.truncate(w);
        Encoded {
            bytes,
            ascii,
            checkpoints,
        }
    }
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
            // A continuation byte follows a lead byte: the character's
            // length is 2 exactly when the next byte is < 0x80.
            let len = if self.bytes.get(e + 1).is_some_and(|b| *b < 0x80) {
                2
            } else {
                1
            };
            e += len;
            if e >= range.end {
                return start.unwrap_or(at)..at + c.len_utf8();
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
        let text = terms.concat();
        let enc = alphabet.encode(&text);
        for (i, b) in enc.bytes.iter().enumerate() {
            if *b < 0x80 {
                assert!(
                    i > 0 && enc.bytes[i - 1] >= 0x84,
                    "continuation byte at {i} not after a lead byte"
                );
            }
        }
        // Every term is found where it is.
        let t = alphabet.encode_term(&terms[2999]).unwrap();
        let at = enc
            .bytes
            .windows(t.len())
            .rposition(|w| w == t.as_slice())
            .unwrap();
        assert_eq!(&text[enc.to_text(&text, at..at + t.len())], terms[2999]);
    }
}
