//! Normalize: pieces → one [`NormalizedDoc`] that every detector reads,
//! with a map from every normalized byte back to the original text.
//!
//! Two views are built in one pass over the text:
//!
//! * `text`: NFKC (full-width digits, letters and colons become ASCII),
//!   zero-width characters and soft hyphens removed, traditional characters
//!   mapped to simplified, no-break spaces as spaces. Line structure is kept,
//!   because labels, values and sections are line-based.
//! * `skeleton`: `text` without whitespace and connector punctuation, so a
//!   dictionary term or label with something inserted inside (`机 密`,
//!   `机-密`, `名　称`) still matches, and text split across lines or tags
//!   joins up.
//!
//! All pieces are normalized into one string (separated by a record
//! separator that no pattern crosses), so each detector runs once per
//! document instead of once per piece. Offsets always map back to
//! (piece, byte range in the piece's original text).

mod chars;
mod fragments;
mod offsets;

use std::ops::Range;

pub use chars::{Normalized, normalize_char};
pub use offsets::OffsetMap;

use crate::model::{PartKind, Piece};

/// Separates pieces in the normalized text. Not whitespace, so the skeleton
/// keeps it and no term can match across two pieces.
pub const PIECE_SEPARATOR: char = '\u{1E}';

/// Where a piece lies in the normalized text.
#[derive(Debug, Clone)]
pub struct PieceSpan {
    /// Byte range in [`NormalizedDoc::text`].
    pub range: Range<usize>,
    /// Index into the document's pieces.
    pub piece: usize,
    /// The piece's kind.
    pub kind: PartKind,
}

/// The normalized views of a whole document.
#[derive(Debug, Clone)]
pub struct NormalizedDoc {
    /// Normalized text of all pieces, joined by [`PIECE_SEPARATOR`] lines.
    pub text: String,
    /// `text` position → byte offset in the original text of its piece.
    orig: OffsetMap,
    /// Pieces in order.
    pub spans: Vec<PieceSpan>,
    /// `text` without whitespace and connector punctuation, built on first
    /// use (the dictionary pass does not need it; label searches do).
    skeleton: std::sync::OnceLock<(String, OffsetMap)>,
}

/// Characters dropped from the skeleton: whitespace and the punctuation
/// people put inside a word or number to break it up.
#[inline]
pub fn skeleton_drops(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '-' | '_' | '·' | '•' | '‧' | '・' | '—' | '–' | '~' | '.'
        )
}

impl NormalizedDoc {
    /// Normalizes the pieces of a document.
    pub fn build(pieces: &[Piece]) -> NormalizedDoc {
        let total: usize = pieces.iter().map(|p| p.text.len() + 3).sum();
        let mut text = String::with_capacity(total);
        let mut orig = OffsetMap::default();
        let mut spans = Vec::with_capacity(pieces.len());
        for (i, piece) in pieces.iter().enumerate() {
            if i > 0 {
                // Separator bytes map to the end of the previous piece, so a
                // span ending there maps to the piece's original length.
                orig.constant(text.len(), pieces[i - 1].text.len());
                text.push('\n');
                text.push(PIECE_SEPARATOR);
                text.push('\n');
            }
            let start = text.len();
            normalize_piece(&piece.text, &mut text, &mut orig);
            spans.push(PieceSpan {
                range: start..text.len(),
                piece: i,
                kind: piece.kind,
            });
        }
        // One past the end maps to the last piece's length.
        orig.constant(text.len(), pieces.last().map_or(0, |p| p.text.len()));
        NormalizedDoc {
            text,
            orig,
            spans,
            skeleton: std::sync::OnceLock::new(),
        }
    }

    /// The piece span containing normalized byte `pos`.
    pub fn span_at(&self, pos: usize) -> Option<&PieceSpan> {
        let i = self.spans.partition_point(|s| s.range.end < pos);
        self.spans
            .get(i)
            .filter(|s| s.range.start <= pos && pos <= s.range.end)
    }

    /// The kind of piece at normalized byte `pos`.
    pub fn kind_at(&self, pos: usize) -> Option<PartKind> {
        self.span_at(pos).map(|s| s.kind)
    }

    /// Maps a normalized byte range to (piece index, original byte range).
    pub fn to_original(&self, range: Range<usize>) -> Option<(usize, Range<usize>)> {
        let span = self.span_at(range.start)?;
        let end = range.end.min(span.range.end).max(range.start);
        let start = self.orig.get(range.start);
        // At a piece's end the next segment (a separator, or the final one)
        // holds the piece's original length.
        let end = self.orig.get(end);
        Some((span.piece, start..end.max(start)))
    }

    /// The skeleton view: `text` without whitespace and connector
    /// punctuation.
    pub fn skeleton(&self) -> &str {
        &self.skeleton.get_or_init(|| build_skeleton(&self.text)).0
    }

    fn skel_to_text(&self) -> &OffsetMap {
        &self.skeleton.get_or_init(|| build_skeleton(&self.text)).1
    }

    /// Maps a skeleton byte range to a `text` byte range.
    pub fn skeleton_to_text(&self, range: Range<usize>) -> Range<usize> {
        let skeleton = self.skeleton();
        let start = self.skel_to_text().get(range.start);
        // The end is the end of the last skeleton char, not the start of the
        // next one (which may be after dropped whitespace).
        let end = if range.end == 0 {
            start
        } else {
            let last = skeleton[..range.end]
                .chars()
                .next_back()
                .map_or(0, char::len_utf8);
            self.skel_to_text().get(range.end - last) + last
        };
        start..end.max(start)
    }
}

/// The byte length of a pinyin annotation starting at `at` (`(xiàng)`,
/// `(biāo)`): lowercase Latin letters with tone marks, 1–7 of them, in
/// ASCII parentheses, right after a CJK ideograph. Such notes split words
/// (`項(xiàng)目` is 项目) and amounts in words, so they are dropped.
fn pinyin_note(src: &str, at: usize, text: &str) -> Option<usize> {
    let before = src[..at].chars().next_back()?;
    if !('\u{4E00}'..='\u{9FFF}').contains(&before) {
        return None;
    }
    let _ = text;
    let rest = &src[at + 1..];
    let mut letters = 0;
    for (k, c) in rest.char_indices() {
        match c {
            ')' if letters > 0 => return Some(1 + k + 1),
            'a'..='z'
            | 'ü'
            | 'ā'
            | 'á'
            | 'ǎ'
            | 'à'
            | 'ē'
            | 'é'
            | 'ě'
            | 'è'
            | 'ī'
            | 'í'
            | 'ǐ'
            | 'ì'
            | 'ō'
            | 'ó'
            | 'ǒ'
            | 'ò'
            | 'ū'
            | 'ú'
            | 'ǔ'
            | 'ù'
            | 'ǖ'
            | 'ǘ'
            | 'ǚ'
            | 'ǜ'
            | 'ń'
            | 'ň'
            | 'ǹ'
            | 'ḿ'
                if letters < 7 =>
            {
                letters += 1
            }
            _ => return None,
        }
    }
    None
}

/// Normalizes one piece. Runs of unchanged characters are copied in bulk;
/// the offset map gets a new segment only where the text changes.
fn normalize_piece(src: &str, text: &mut String, orig: &mut OffsetMap) {
    let base = text.len();
    orig.linear(base, 0);
    let mut run_start = 0;
    let bytes = src.as_bytes();
    // Line breaks that split a token (a date one figure per line).
    let splits = fragments::breaks(src);
    let mut next_split = splits.iter().copied().peekable();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            if b == b'\n' && next_split.next_if_eq(&i).is_some() {
                text.push_str(&src[run_start..i]);
                i += 1;
                run_start = i;
                orig.linear(text.len(), i);
                continue;
            }
            // Line ends: CRLF and lone CR (old Mac files), vertical tab
            // (Word's manual line break) and form feed (a page break)
            // become `\n`, so every line-based rule sees one convention.
            // Mirror sites annotate characters with their pinyin: `項(xiàng)目`.
            if b == b'('
                && let Some(len) = pinyin_note(src, i, text)
            {
                text.push_str(&src[run_start..i]);
                i += len;
                run_start = i;
                orig.linear(text.len(), i);
                continue;
            }
            if matches!(b, b'\r' | 0x0B | 0x0C) {
                text.push_str(&src[run_start..i]);
                if !(b == b'\r' && bytes.get(i + 1) == Some(&b'\n')) {
                    orig.linear(text.len(), i);
                    text.push('\n');
                }
                i += 1;
                run_start = i;
                orig.linear(text.len(), i);
                continue;
            }
            i += 1;
            continue;
        }
        // Decode one non-ASCII char (the slice is valid UTF-8).
        let len = if b >= 0xF0 {
            4
        } else if b >= 0xE0 {
            3
        } else {
            2
        };
        let Some(c) = src.get(i..i + len).and_then(|s| s.chars().next()) else {
            i += 1;
            continue;
        };
        let n = normalize_char(c);
        if n == Normalized::Keep {
            i += len;
            continue;
        }
        text.push_str(&src[run_start..i]);
        match n {
            Normalized::Char(r) => {
                orig.linear(text.len(), i);
                text.push(r);
            }
            Normalized::Str(s) => {
                orig.constant(text.len(), i);
                text.push_str(&s);
            }
            Normalized::Drop | Normalized::Keep => {}
        }
        i += len;
        run_start = i;
        orig.linear(text.len(), i);
    }
    text.push_str(&src[run_start..]);
}

fn build_skeleton(text: &str) -> (String, OffsetMap) {
    let mut skeleton = String::with_capacity(text.len());
    let mut map = OffsetMap::default();
    map.linear(0, 0);
    let mut run_start = 0;
    for (at, c) in text.char_indices() {
        if skeleton_drops(c) {
            skeleton.push_str(&text[run_start..at]);
            run_start = at + c.len_utf8();
            map.linear(skeleton.len(), run_start);
        }
    }
    skeleton.push_str(&text[run_start..]);
    (skeleton, map)
}

#[cfg(test)]
mod tests;
