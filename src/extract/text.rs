//! Plain text: UTF-8, UTF-16 (with BOM) and GB18030/GBK, detected.
//!
//! Government files are very often GBK. GB18030 is a superset of GBK and
//! GB2312, so decoding as GB18030 reads all three. Detection: a BOM wins;
//! valid UTF-8 is UTF-8; otherwise GB18030 if it decodes with few errors.

use encoding_rs::{Encoding, GB18030, UTF_8};

use crate::model::{Document, Format, PartKind};

/// Decoded text and what it was decoded from.
#[derive(Debug)]
pub struct Decoded {
    /// The text.
    pub text: String,
    /// The encoding used.
    pub encoding: &'static Encoding,
    /// How many malformed sequences were replaced with U+FFFD.
    pub errors: usize,
}

/// Decodes bytes, guessing the encoding. `declared` (an HTML `<meta charset>`
/// or HTTP charset) is tried before the GB18030 fallback.
pub fn decode(bytes: &[u8], declared: Option<&'static Encoding>) -> Decoded {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        let errors = if had_errors {
            count_replacements(&text)
        } else {
            0
        };
        // Two bytes decide UTF-16, and any byte pairs decode to *some*
        // characters: UTF-8 text behind a stray `FF FE` would read as
        // Hangul and rare ideographs, and an ID number in it would vanish.
        // A UTF-16 reading that does not look like Chinese or Latin text is
        // not trusted; the bytes go through the other detectors instead.
        if enc == UTF_8 || looks_like_text(&text) {
            return Decoded {
                text: text.into_owned(),
                encoding: enc,
                errors,
            };
        }
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Decoded {
            text: s.to_string(),
            encoding: UTF_8,
            errors: 0,
        };
    }
    // UTF-8 with a few broken bytes (a truncated upload, one stray byte) is
    // still UTF-8: read as GB18030 it turns into other characters, and a
    // GB18030 four-byte sequence can swallow the digits of an ID number.
    // Long runs of valid multi-byte UTF-8 do not happen in GBK text.
    if declared.is_none_or(|enc| enc == UTF_8) {
        let lossy = String::from_utf8_lossy(bytes);
        let errors = count_replacements(&lossy);
        let multibyte = lossy
            .chars()
            .filter(|c| !c.is_ascii() && *c != '\u{FFFD}')
            .count();
        if errors * 8 <= multibyte {
            return Decoded {
                text: lossy.into_owned(),
                encoding: UTF_8,
                errors,
            };
        }
    }
    let candidates: Vec<&'static Encoding> = match declared {
        Some(enc) if enc != UTF_8 => vec![enc, GB18030, UTF_8],
        _ => vec![GB18030, UTF_8],
    };
    let mut best: Option<Decoded> = None;
    for enc in candidates {
        let (text, had_errors) = enc.decode_without_bom_handling(bytes);
        let errors = if had_errors {
            count_replacements(&text)
        } else {
            0
        };
        let better = best.as_ref().is_none_or(|b| errors < b.errors);
        if better {
            best = Some(Decoded {
                text: text.into_owned(),
                encoding: enc,
                errors,
            });
        }
        if errors == 0 {
            break;
        }
    }
    best.unwrap_or(Decoded {
        text: String::new(),
        encoding: UTF_8,
        errors: 0,
    })
}

/// Whether at least 90 % of the characters are what announcements are
/// written in: ASCII, common CJK ideographs and punctuation, full-width
/// forms, general punctuation and whitespace.
fn looks_like_text(text: &str) -> bool {
    let mut total = 0usize;
    let mut usual = 0usize;
    for c in text.chars() {
        total += 1;
        let u = c as u32;
        if c.is_ascii()
            || c.is_whitespace()
            || (0x4E00..=0x9FFF).contains(&u)
            || (0x3000..=0x303F).contains(&u)
            || (0xFF00..=0xFFEF).contains(&u)
            || (0x2000..=0x206F).contains(&u)
            || (0x00A0..=0x00FF).contains(&u)
            || (0x2460..=0x24FF).contains(&u)
        {
            usual += 1;
        }
    }
    usual * 10 >= total * 9
}

fn count_replacements(text: &str) -> usize {
    text.chars().filter(|c| *c == '\u{FFFD}').count()
}

/// Whether decoding went so badly that the input is not really text.
pub fn mostly_garbage(d: &Decoded) -> bool {
    let chars = d.text.chars().count().max(1);
    d.errors * 20 > chars
}

/// Extracts a plain-text file.
pub fn extract(bytes: &[u8]) -> Document {
    let decoded = decode(bytes, None);
    let mut doc = Document::new(Format::Text);
    if mostly_garbage(&decoded) {
        doc.unreadable(
            "body",
            format!(
                "文本编码无法识别（{} 处无法解码）/ undecodable text",
                decoded.errors
            ),
        );
        return doc;
    }
    doc.push("body", PartKind::Content, decoded.text);
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_is_detected() {
        let (bytes, _, _) = GB18030.encode("招标公告：项目编号 ZB-1");
        let d = decode(&bytes, None);
        assert_eq!(d.text, "招标公告：项目编号 ZB-1");
        assert_eq!(d.encoding, GB18030);
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "公告".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&bytes, None).text, "公告");
    }

    #[test]
    fn a_stray_utf16_bom_before_utf8_text_does_not_hide_it() {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend_from_slice("联系人身份证：370102198001011237 招标公告".as_bytes());
        let d = decode(&bytes, None);
        assert!(d.text.contains("370102198001011237"), "{}", d.text);
        let mut be = vec![0xFE, 0xFF];
        be.extend_from_slice(b"ID 370102198001011237 plain ascii after a BOM");
        assert!(decode(&be, None).text.contains("370102198001011237"));
    }

    #[test]
    fn utf8_with_a_stray_byte_stays_utf8() {
        let mut bytes = "联系人身份证：370102198001011237 公告内容"
            .as_bytes()
            .to_vec();
        bytes.insert(6, 0x82);
        let d = decode(&bytes, None);
        assert_eq!(d.encoding, UTF_8);
        assert!(d.text.contains("370102198001011237"), "{}", d.text);
        // GBK text is still read as GBK.
        let (gbk, _, _) =
            GB18030.encode("招标公告：项目编号 ZB-1，联系人身份证 370102198001011237");
        assert_eq!(decode(&gbk, None).encoding, GB18030);
    }

    #[test]
    fn garbage_is_unreadable() {
        // 0xFF starts no sequence in UTF-8 or GB18030.
        let bytes = [0xFFu8; 400];
        let doc = extract(&bytes);
        assert!(doc.pieces.is_empty());
        assert_eq!(doc.unreadable.len(), 1);
    }
}
