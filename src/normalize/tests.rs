use proptest::prelude::*;

use super::*;
use crate::model::{PartKind, Piece};

fn piece(text: &str) -> Piece {
    Piece {
        part: "body".into(),
        kind: PartKind::Content,
        text: text.into(),
    }
}

#[test]
fn full_width_zero_width_and_traditional() {
    let doc = NormalizedDoc::build(&[piece("項目編號：ＺＢ－２０２４\u{200B}０１ 機密")]);
    assert_eq!(doc.text, "项目编号:ZB-202401 机密");
    assert_eq!(doc.skeleton(), "项目编号:ZB202401机密");
}

#[test]
fn offsets_map_back_through_full_width() {
    let original = "身份证号：３７０１０２\u{200B}１９９００１０１１２３４";
    let doc = NormalizedDoc::build(&[piece(original)]);
    let at = doc.text.find("370102").unwrap();
    let end = doc.text.len();
    let (p, range) = doc.to_original(at..end).unwrap();
    assert_eq!(p, 0);
    assert_eq!(
        &original[range],
        "３７０１０２\u{200B}１９９００１０１１２３４"
    );
}

#[test]
fn skeleton_maps_to_text() {
    let doc = NormalizedDoc::build(&[piece("本项目为机 - 密级")]);
    let at = doc.skeleton().find("机密").unwrap();
    let r = doc.skeleton_to_text(at..at + "机密".len());
    assert_eq!(&doc.text[r], "机 - 密");
}

#[test]
fn pieces_do_not_join() {
    let doc = NormalizedDoc::build(&[piece("机"), piece("密")]);
    assert!(!doc.skeleton().contains("机密"));
    let at = doc.text.rfind('密').unwrap();
    let (p, r) = doc.to_original(at..at + 3).unwrap();
    assert_eq!((p, r), (1, 0..3));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Every normalized char maps back to an original range that
    /// normalizes to that char (or a string containing it).
    #[test]
    fn offset_map_roundtrip(texts in proptest::collection::vec("[a-z0-9０-９ａ-ｚ　：\u{200B}機密项目编号 \\-\n]{0,40}", 1..4)) {
        let pieces: Vec<Piece> = texts.iter().map(|t| piece(t)).collect();
        let doc = NormalizedDoc::build(&pieces);
        for span in &doc.spans {
            let slice = &doc.text[span.range.clone()];
            for (i, c) in slice.char_indices() {
                let at = span.range.start + i;
                let (p, r) = doc.to_original(at..at + c.len_utf8()).unwrap();
                prop_assert_eq!(p, span.piece);
                let orig = &pieces[p].text[r.clone()];
                let renormalized = NormalizedDoc::build(&[piece(orig)]).text;
                prop_assert!(renormalized.contains(c), "{:?} -> {:?} -> {:?}", c, orig, renormalized);
            }
            // The whole span maps to the whole piece, modulo leading dropped chars.
            let (_, r) = doc.to_original(span.range.clone()).unwrap();
            prop_assert_eq!(r.end, pieces[span.piece].text.len().max(r.start));
        }
        // Skeleton ranges map into text ranges holding the same non-dropped chars.
        for (i, c) in doc.skeleton().char_indices() {
            let r = doc.skeleton_to_text(i..i + c.len_utf8());
            prop_assert_eq!(&doc.text[r], c.to_string());
        }
    }
}

#[test]
fn line_ends_digits_of_other_scripts_and_variation_selectors() {
    let original = "项目名称：办公设备\r\n联系人：张三\r采购人\u{0B}地址\u{0C}３\u{FE0F}٧٠١";
    let doc = NormalizedDoc::build(&[piece(original)]);
    assert_eq!(
        doc.text,
        "项目名称:办公设备\n联系人:张三\n采购人\n地址\n3701"
    );
    // Offsets still map back: the last line's digits.
    let at = doc.text.find("3701").unwrap();
    let (_, range) = doc.to_original(at..doc.text.len()).unwrap();
    assert_eq!(&original[range], "３\u{FE0F}٧٠١");
}

#[test]
fn pinyin_notes_are_dropped() {
    let doc = NormalizedDoc::build(&[piece("中標(biāo)公告：項(xiàng)目名稱(chēng) (a) f(x)")]);
    assert_eq!(doc.text, "中标公告:项目名称 (a) f(x)");
}
