//! Sparse offset maps: from positions in a derived string back to positions
//! in its source, stored as segments instead of one entry per byte.
//!
//! Most of a document is unchanged by normalization (ASCII and simplified
//! CJK), so a per-byte table would spend four bytes of memory traffic per
//! byte of text on the identity. A segment says "from here on, positions
//! map linearly" or "every position here maps to one source position" (a
//! character that NFKC expands into several). Lookups binary-search the
//! segments; they happen only where something was found.

/// One segment: `to` is where `from` maps; `linear` segments map
/// `from + k` to `to + k`, constant ones map every position to `to`.
#[derive(Debug, Clone, Copy)]
struct Segment {
    from: u32,
    to: u32,
    linear: bool,
}

/// A monotone map from derived positions to source positions.
#[derive(Debug, Clone, Default)]
pub struct OffsetMap {
    segments: Vec<Segment>,
}

impl OffsetMap {
    /// Starts a linear segment at `from` (derived) ↦ `to` (source), unless
    /// the current segment already continues linearly to there.
    #[inline]
    pub fn linear(&mut self, from: usize, to: usize) {
        if let Some(last) = self.segments.last()
            && last.linear
            && last.to as usize + (from - last.from as usize) == to
        {
            return;
        }
        self.segments.push(Segment {
            from: from as u32,
            to: to as u32,
            linear: true,
        });
    }

    /// Starts a constant segment at `from`: every position until the next
    /// segment maps to `to`.
    #[inline]
    pub fn constant(&mut self, from: usize, to: usize) {
        self.segments.push(Segment {
            from: from as u32,
            to: to as u32,
            linear: false,
        });
    }

    /// The source position of derived position `pos`.
    pub fn get(&self, pos: usize) -> usize {
        let i = self.segments.partition_point(|s| s.from as usize <= pos);
        match i.checked_sub(1).and_then(|i| self.segments.get(i)) {
            Some(s) if s.linear => s.to as usize + (pos - s.from as usize),
            Some(s) => s.to as usize,
            None => pos,
        }
    }
}
