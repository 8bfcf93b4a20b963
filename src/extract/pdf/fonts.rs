//! Chinese PDFs written with a CID-keyed font and a *predefined* CMap —
//! `STSong-Light` with `UniGB-UCS2-H`, `GBK-EUC-H` or `UniGB-UTF16-H`, not
//! embedded — are what iText, reportlab and many Java report tools write,
//! so many platforms' generated 中标通知书 and contracts look like this.
//! pdf-extract reads only `Identity-H` and embedded CMap streams and
//! panics on a predefined CMap name.
//!
//! The predefined CMaps pubgate needs are simple: each names an encoding
//! of the text itself (UCS-2, UTF-16, GBK, GB 2312, Big5). So before
//! extraction each such font gets, in memory, an embedded CMap stream that
//! keeps the encoding's code ranges and maps every code to itself, and —
//! when the font has no `/ToUnicode` of its own — a `/ToUnicode` stream
//! built by decoding each code with encoding_rs. pdf-extract then reads
//! the font like any other. (Glyph widths are looked up by the code rather
//! than the CID, which only affects where spaces are guessed.)

use std::collections::HashMap;
use std::fmt::Write;

use pdf_extract::{Dictionary, Document, Object, ObjectId, Stream};

/// How a predefined CMap encodes text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Scheme {
    /// Two bytes, UCS-2 (and UTF-16 without surrogates).
    Ucs2,
    /// One byte for ASCII, two for GBK (also covers GB 2312 EUC).
    Gbk,
    /// One byte for ASCII, two for Big5.
    Big5,
}

fn scheme(name: &[u8]) -> Option<Scheme> {
    let name = std::str::from_utf8(name).ok()?;
    let base = name.trim_end_matches("-H").trim_end_matches("-V");
    match base {
        "UniGB-UCS2" | "UniGB-UTF16" | "UniCNS-UCS2" | "UniCNS-UTF16" | "UniJIS-UCS2"
        | "UniJIS-UTF16" | "UniKS-UCS2" | "UniKS-UTF16" | "UniJIS-UCS2-HW" => Some(Scheme::Ucs2),
        "GBK-EUC" | "GBKp-EUC" | "GBK2K" | "GB-EUC" | "GBpc-EUC" | "GBT-EUC" | "GBTpc-EUC" => {
            Some(Scheme::Gbk)
        }
        "B5pc" | "ETen-B5" | "HKscs-B5" | "ETenms-B5" | "CNS-EUC" => Some(Scheme::Big5),
        _ => None,
    }
}

/// Rewrites every Type0 font whose `/Encoding` is a predefined CMap this
/// module knows; returns how many fonts were rewritten.
pub fn rewrite_predefined_cmaps(doc: &mut Document) -> usize {
    let mut targets: Vec<(ObjectId, Scheme, bool)> = Vec::new();
    for (id, object) in &doc.objects {
        let Ok(dict) = object.as_dict() else { continue };
        let is_type0 = dict
            .get(b"Subtype")
            .and_then(Object::as_name)
            .is_ok_and(|n| n == b"Type0");
        if !is_type0 {
            continue;
        }
        let Some(scheme) = dict
            .get(b"Encoding")
            .and_then(Object::as_name)
            .ok()
            .and_then(scheme)
        else {
            continue;
        };
        let has_to_unicode = dict.get(b"ToUnicode").is_ok();
        targets.push((*id, scheme, has_to_unicode));
    }
    let mut encodings: HashMap<Scheme, ObjectId> = HashMap::new();
    let mut to_unicode: HashMap<Scheme, ObjectId> = HashMap::new();
    for (id, scheme, has_to_unicode) in &targets {
        let enc = *encodings.entry(*scheme).or_insert_with(|| {
            doc.add_object(Stream::new(
                Dictionary::new(),
                encoding_cmap(*scheme).into_bytes(),
            ))
        });
        let uni = if *has_to_unicode {
            None
        } else {
            Some(*to_unicode.entry(*scheme).or_insert_with(|| {
                doc.add_object(Stream::new(
                    Dictionary::new(),
                    to_unicode_cmap(*scheme).into_bytes(),
                ))
            }))
        };
        if let Ok(Object::Dictionary(dict)) = doc.get_object_mut(*id) {
            dict.set("Encoding", Object::Reference(enc));
            if let Some(uni) = uni {
                dict.set("ToUnicode", Object::Reference(uni));
            }
        }
    }
    targets.len()
}

/// The code space of a scheme: (bytes, low, high).
fn codespace(scheme: Scheme) -> &'static [(usize, u32, u32)] {
    match scheme {
        Scheme::Ucs2 => &[(2, 0x0000, 0xFFFF)],
        Scheme::Gbk => &[(1, 0x00, 0x80), (2, 0x8140, 0xFEFE)],
        Scheme::Big5 => &[(1, 0x00, 0x80), (2, 0xA140, 0xFEFE)],
    }
}

fn hex(value: u32, bytes: usize) -> String {
    format!("{value:0width$X}", width = bytes * 2)
}

/// An embedded CMap with the scheme's code ranges, every code mapped to a
/// "CID" equal to the code itself.
///
/// Written for the parser pdf-extract uses (adobe-cmap-parser 0.4), which
/// takes a code range's width in bytes as *half* the bytes of its bounds
/// and reads only the first entry of a `cidrange` block correctly: so
/// each code-space bound is written with twice its bytes (the value is
/// the same), and one `cidrange` covers every code (pdf-extract adds its
/// CID to the code, so CID 0 keeps the code).
fn encoding_cmap(scheme: Scheme) -> String {
    let ranges = codespace(scheme);
    let mut out = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CMapName /PubgateIdentity def\n/CMapType 1 def\n",
    );
    let _ = writeln!(out, "{} begincodespacerange", ranges.len());
    for (n, lo, hi) in ranges {
        let _ = writeln!(out, "<{}> <{}>", hex(*lo, 2 * n), hex(*hi, 2 * n));
    }
    out.push_str(
        "endcodespacerange\n1 begincidrange\n<0000> <FFFF> 0\nendcidrange\nendcmap\nend\nend\n",
    );
    out
}

/// A `/ToUnicode` CMap: each code decoded by its scheme.
fn to_unicode_cmap(scheme: Scheme) -> String {
    let mut out = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CMapName /PubgateToUnicode def\n/CMapType 2 def\n",
    );
    let ranges = codespace(scheme);
    let _ = writeln!(out, "{} begincodespacerange", ranges.len());
    for (n, lo, hi) in ranges {
        let _ = writeln!(out, "<{}> <{}>", hex(*lo, *n), hex(*hi, *n));
    }
    out.push_str("endcodespacerange\n");
    let mut pairs: Vec<(String, String)> = Vec::new();
    match scheme {
        Scheme::Ucs2 => {
            // One range per high byte (a bfrange may only vary the last byte).
            let mut lines = Vec::new();
            for high in 0u32..=0xFF {
                if (0xD8..=0xDF).contains(&high) {
                    continue;
                }
                let lo = high << 8;
                lines.push(format!(
                    "<{}> <{}> <{}>",
                    hex(lo, 2),
                    hex(lo | 0xFF, 2),
                    hex(lo, 2)
                ));
            }
            for chunk in lines.chunks(100) {
                let _ = writeln!(out, "{} beginbfrange", chunk.len());
                for line in chunk {
                    out.push_str(line);
                    out.push('\n');
                }
                out.push_str("endbfrange\n");
            }
        }
        Scheme::Gbk | Scheme::Big5 => {
            let encoding = if scheme == Scheme::Gbk {
                encoding_rs::GBK
            } else {
                encoding_rs::BIG5
            };
            for b in 0x00u32..=0x7F {
                pairs.push((hex(b, 1), hex(b, 2)));
            }
            let (lead_lo, trail_lo) = if scheme == Scheme::Gbk {
                (0x81, 0x40)
            } else {
                (0xA1, 0x40)
            };
            for lead in lead_lo..=0xFEu32 {
                for trail in trail_lo..=0xFEu32 {
                    let bytes = [lead as u8, trail as u8];
                    let (text, _, bad) = encoding.decode(&bytes);
                    let mut chars = text.chars();
                    let (Some(c), None) = (chars.next(), chars.next()) else {
                        continue;
                    };
                    if bad || c == '\u{FFFD}' {
                        continue;
                    }
                    let mut units = [0u16; 2];
                    let utf16: String = c
                        .encode_utf16(&mut units)
                        .iter()
                        .map(|u| format!("{u:04X}"))
                        .collect();
                    pairs.push((hex((lead << 8) | trail, 2), utf16));
                }
            }
        }
    }
    for chunk in pairs.chunks(100) {
        let _ = writeln!(out, "{} beginbfchar", chunk.len());
        for (code, uni) in chunk {
            let _ = writeln!(out, "<{code}> <{uni}>");
        }
        out.push_str("endbfchar\n");
    }
    out.push_str("endcmap\nend\nend\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_and_cmaps() {
        assert_eq!(scheme(b"UniGB-UCS2-H"), Some(Scheme::Ucs2));
        assert_eq!(scheme(b"GBK-EUC-H"), Some(Scheme::Gbk));
        assert_eq!(scheme(b"ETen-B5-V"), Some(Scheme::Big5));
        assert_eq!(scheme(b"Identity-H"), None);
        let cmap = to_unicode_cmap(Scheme::Gbk);
        // 中 is D6D0 in GBK, U+4E2D.
        assert!(cmap.contains("<D6D0> <4E2D>"));
        let enc = encoding_cmap(Scheme::Gbk);
        assert!(
            enc.contains("<0000> <0080>") && enc.contains("<00008140> <0000FEFE>"),
            "{enc}"
        );
    }
}
