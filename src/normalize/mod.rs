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

use std::ops::Range;

pub use chars::{Normalized, normalize_char};

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
    /// For each byte of `text` (and one past the end): the byte offset in the
    /// original text of the piece it came from.
    orig: Vec<u32>,
    /// Pieces in order.
    pub spans: Vec<PieceSpan>,
    /// `text` without whitespace and connector punctuation.
    pub skeleton: String,
    /// For each byte of `skeleton` (and one past the end): the byte offset in `text`.
    skel_to_text: Vec<u32>,
}

/// Characters dropped from the skeleton: whitespace and the punctuation
/// people put inside a word or number to break it up.
fn skeleton_drops(c: char) -> bool {
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
        let mut orig: Vec<u32> = Vec::with_capacity(total + 1);
        let mut spans = Vec::with_capacity(pieces.len());
        for (i, piece) in pieces.iter().enumerate() {
            if i > 0 {
                // Separator bytes map to the end of the previous piece, so a
                // span ending there maps to the piece's original length.
                let end = pieces[i - 1].text.len() as u32;
                text.push('\n');
                text.push(PIECE_SEPARATOR);
                text.push('\n');
                orig.extend_from_slice(&[end, end, end]);
            }
            let start = text.len();
            normalize_piece(&piece.text, &mut text, &mut orig);
            spans.push(PieceSpan {
                range: start..text.len(),
                piece: i,
                kind: piece.kind,
            });
        }
        let end = pieces.last().map(|p| p.text.len() as u32).unwrap_or(0);
        orig.push(end);
        let (skeleton, skel_to_text) = build_skeleton(&text);
        NormalizedDoc {
            text,
            orig,
            spans,
            skeleton,
            skel_to_text,
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
        let start = *self.orig.get(range.start)? as usize;
        // At a piece's end the next entry (a separator byte or the final
        // entry) holds the piece's original length.
        let end = *self.orig.get(end)? as usize;
        Some((span.piece, start..end.max(start)))
    }

    /// Maps a skeleton byte range to a `text` byte range.
    pub fn skeleton_to_text(&self, range: Range<usize>) -> Range<usize> {
        let start = self.skel_to_text.get(range.start).copied().unwrap_or(0) as usize;
        // The end is the end of the last skeleton char, not the start of the
        // next one (which may be after dropped whitespace).
        let end = if range.end == 0 {
            start
        } else {
            let last = self.skeleton[..range.end]
                .chars()
                .next_back()
                .map(|c| c.len_utf8())
                .unwrap_or(0);
            self.skel_to_text
                .get(range.end - last)
                .copied()
                .unwrap_or(0) as usize
                + last
        };
        start..end.max(start)
    }

    /// Maps a `text` byte offset to the first skeleton byte at or after it.
    pub fn text_to_skeleton(&self, pos: usize) -> usize {
        self.skel_to_text.partition_point(|&t| (t as usize) < pos)
    }
}

fn normalize_piece(src: &str, text: &mut String, orig: &mut Vec<u32>) {
    for (at, c) in src.char_indices() {
        let at = at as u32;
        match normalize_char(c) {
            Normalized::Keep => {
                text.push(c);
                for _ in 0..c.len_utf8() {
                    orig.push(at);
                }
            }
            Normalized::Char(n) => {
                text.push(n);
                for _ in 0..n.len_utf8() {
                    orig.push(at);
                }
            }
            Normalized::Str(s) => {
                text.push_str(&s);
                for _ in 0..s.len() {
                    orig.push(at);
                }
            }
            Normalized::Drop => {}
        }
    }
}

fn build_skeleton(text: &str) -> (String, Vec<u32>) {
    let mut skeleton = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len() + 1);
    for (at, c) in text.char_indices() {
        if skeleton_drops(c) {
            continue;
        }
        skeleton.push(c);
        for _ in 0..c.len_utf8() {
            map.push(at as u32);
        }
    }
    map.push(text.len() as u32);
    (skeleton, map)
}

#[cfg(test)]
mod tests;
