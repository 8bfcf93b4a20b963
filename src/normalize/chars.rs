//! Per-character normalization, with fast paths for ASCII and CJK.
//!
//! Most characters in an announcement are ASCII or CJK ideographs. ASCII is
//! kept as is; an ideograph goes through a 21K-entry traditional→simplified
//! table (built once from the fast2s character map). Only the rest pay for
//! an NFKC check.

use std::sync::OnceLock;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// What a character becomes.
#[derive(Debug, Clone, PartialEq)]
pub enum Normalized {
    /// Unchanged.
    Keep,
    /// Replaced by one character.
    Char(char),
    /// Replaced by several characters (NFKC of `㈠` is `(一)`).
    Str(String),
    /// Removed (zero-width characters, soft hyphens).
    Drop,
}

const CJK_START: u32 = 0x4E00;
const CJK_END: u32 = 0x9FFF;

/// Normalizes one character.
#[inline]
pub fn normalize_char(c: char) -> Normalized {
    let u = c as u32;
    if u < 0x80 {
        return Normalized::Keep;
    }
    if (CJK_START..=CJK_END).contains(&u) {
        // 釆 (biàn) is typed for 采 so often in real notices (`釆购人`)
        // that it is read as 采.
        if c == '釆' {
            return Normalized::Char('采');
        }
        let simplified = simplified_table()[(u - CJK_START) as usize];
        return if simplified == c {
            Normalized::Keep
        } else {
            Normalized::Char(simplified)
        };
    }
    match u {
        // Zero-width space/joiners, word joiner, BOM, soft hyphen, Mongolian
        // vowel separator, invisible operators: used to break up words.
        // Variation selectors change a glyph's look, never its meaning.
        0x200B..=0x200F | 0x2060..=0x2064 | 0xFEFF | 0x00AD | 0x180E | 0x034F | 0xFE00..=0xFE0F => {
            Normalized::Drop
        }
        // Digits of other scripts (NFKC leaves them alone): a number
        // written in Arabic-Indic or Devanagari digits is still a number.
        0x0660..=0x0669 => Normalized::Char(char::from(b'0' + (u - 0x0660) as u8)),
        0x06F0..=0x06F9 => Normalized::Char(char::from(b'0' + (u - 0x06F0) as u8)),
        0x0966..=0x096F => Normalized::Char(char::from(b'0' + (u - 0x0966) as u8)),
        // No-break and ideographic spaces.
        0x00A0 | 0x3000 | 0x2000..=0x200A | 0x202F | 0x205F => Normalized::Char(' '),
        // Full-width ASCII: the common case outside ASCII and CJK.
        0xFF01..=0xFF5E => char::from_u32(u - 0xFEE0).map_or(Normalized::Keep, Normalized::Char),
        _ => {
            if is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes {
                return Normalized::Keep;
            }
            let s: String = std::iter::once(c).nfkc().collect();
            let mut it = s.chars();
            match (it.next(), it.next()) {
                (Some(one), None) if one == c => Normalized::Keep,
                (Some(one), None) => Normalized::Char(simplify(one)),
                (None, _) => Normalized::Drop,
                _ => Normalized::Str(s.chars().map(simplify).collect()),
            }
        }
    }
}

fn simplify(c: char) -> char {
    let u = c as u32;
    if (CJK_START..=CJK_END).contains(&u) {
        simplified_table()[(u - CJK_START) as usize]
    } else {
        c
    }
}

/// Traditional → simplified for the CJK Unified Ideographs block, one char
/// to one char (so offsets stay simple). Built once from fast2s.
fn simplified_table() -> &'static [char] {
    static TABLE: OnceLock<Box<[char]>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = Vec::with_capacity((CJK_END - CJK_START + 1) as usize);
        let mut buf = [0u8; 4];
        for u in CJK_START..=CJK_END {
            let c = char::from_u32(u).unwrap_or(' ');
            let converted = fast2s::convert(c.encode_utf8(&mut buf));
            let mut chars = converted.chars();
            let mapped = match (chars.next(), chars.next()) {
                (Some(s), None) => s,
                _ => c,
            };
            table.push(mapped);
        }
        table.into_boxed_slice()
    })
}
