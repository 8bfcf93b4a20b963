//! Label sets: many label spellings found in one pass.
//!
//! Mandatory-field and consistency checks look for dozens of labels
//! (`项目编号`, `采购项目编号`, `名　称`…). Searching for each one separately
//! costs a pass over the document per label; a label set finds all of them,
//! overlapping, in one aho-corasick pass over the skeleton view (so
//! whitespace inside a label is tolerated).

use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use crate::detect::dictionary::normalize_term;
use crate::normalize::NormalizedDoc;

/// A compiled set of labels, each with an owner (a field index, say).
#[derive(Clone)]
pub struct LabelSet {
    ac: Option<AhoCorasick>,
    owners: Vec<usize>,
}

impl std::fmt::Debug for LabelSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LabelSet")
            .field("labels", &self.owners.len())
            .finish()
    }
}

impl LabelSet {
    /// Compiles `(owner, label)` pairs. Labels are normalized as document
    /// text is, and matched on the skeleton.
    pub fn new<'a>(labels: impl IntoIterator<Item = (usize, &'a str)>) -> LabelSet {
        let mut needles = Vec::new();
        let mut owners = Vec::new();
        for (owner, label) in labels {
            let needle = normalize_term(label);
            if !needle.is_empty() {
                needles.push(needle);
                owners.push(owner);
            }
        }
        // Standard semantics: overlapping search reports every label at
        // every place, including labels inside longer ones.
        // A DFA: a few hundred labels fit in cache, and the overlapping
        // search runs over every document's whole skeleton (the NFA's
        // state walks were a fifth of a scan's time).
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .ascii_case_insensitive(true)
            .build(&needles)
            .ok();
        LabelSet { ac, owners }
    }

    /// Every label occurrence: `(owner, text range)`, in text order. A
    /// match across a tab is two table cells, not a spaced label: the
    /// header cells `成交供应商` and `地址` do not make `成交供应商地址`.
    pub fn find(&self, doc: &NormalizedDoc) -> Vec<(usize, Range<usize>)> {
        let Some(ac) = &self.ac else {
            return Vec::new();
        };
        let skeleton = doc.skeleton();
        let mut out: Vec<(usize, Range<usize>)> = ac
            .find_overlapping_iter(skeleton)
            .map(|m| {
                (
                    self.owners[m.pattern().as_usize()],
                    doc.skeleton_to_text(m.start()..m.end()),
                )
            })
            .filter(|(_, r)| !doc.text[r.clone()].contains('\t'))
            .collect();
        out.sort_by_key(|(_, r)| (r.start, r.end));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{PartKind, Piece};

    #[test]
    fn overlapping_and_spaced_labels() {
        let set = LabelSet::new([(0, "项目编号"), (0, "采购项目编号"), (1, "名称")]);
        let text = "采购项目编号：1\n名　称：某局";
        let doc = NormalizedDoc::build(&[Piece {
            part: "b".into(),
            kind: PartKind::Content,
            text: text.into(),
        }]);
        let found = set.find(&doc);
        let owners: Vec<usize> = found.iter().map(|(o, _)| *o).collect();
        assert_eq!(owners, vec![0, 0, 1]);
        assert_eq!(&doc.text[found[2].1.clone()], "名 称");
    }
}
