//! JSON: every string value becomes a piece named by its JSON pointer;
//! keys, numbers and anything after the value are read too.
//!
//! Publishing platforms send the announcement body as HTML inside a JSON
//! string, so a string that looks like HTML is extracted as HTML too (hidden
//! text and comments included), with the pointer as the part prefix. Upload
//! APIs send files inside JSON: a `data:` URI or a long base64 value is
//! decoded and handed over as an embedded file (read by its own extractor,
//! or reported unread). A percent-encoded string is read decoded as well.
//!
//! The document is walked with a serde visitor rather than parsed into a
//! `Value`: a map keeps every key, so a duplicate key (`{"a":"<leak>",
//! "a":"clean"}`, where a platform may keep either) is read twice, not
//! once. Short values of an array are also read side by side (a number
//! typed into one box per digit), like the cells of a table row.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::Limits;
use crate::model::{Document, Format, PartKind};

/// Values this short (in characters) are read side by side in an array.
const BOX_CHARS: usize = 12;
/// A base64 value at least this long (without whitespace) is a file.
const MIN_BASE64_CHARS: usize = 256;

/// Extracts a JSON document.
pub fn extract(bytes: &[u8], limits: &Limits) -> Document {
    let mut doc = Document::new(Format::Json);
    let decoded = super::text::decode(bytes, None);
    let text = decoded.text.as_str();
    // The first value; anything after it is read as text.
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<IgnoredAny>();
    let end = match stream.next() {
        Some(Ok(_)) => stream.byte_offset(),
        Some(Err(e)) => {
            doc.unreadable(
                "json",
                format!(
                    "JSON 格式错误（第 {} 行第 {} 列）/ invalid JSON",
                    e.line(),
                    e.column()
                ),
            );
            return doc;
        }
        None => 0,
    };
    let mut out = Out {
        doc: &mut doc,
        keys: String::new(),
        numbers: String::new(),
        limits,
    };
    let mut de = serde_json::Deserializer::from_str(&text[..end]);
    if let Err(e) = (Walker {
        out: &mut out,
        pointer: String::new(),
    })
    .deserialize(&mut de)
    {
        let reason = format!(
            "JSON 格式错误（第 {} 行第 {} 列）/ invalid JSON",
            e.line(),
            e.column()
        );
        out.doc.unreadable("json", reason);
    }
    let (keys, numbers) = (
        std::mem::take(&mut out.keys),
        std::mem::take(&mut out.numbers),
    );
    doc.push("json:keys", PartKind::Attribute, keys);
    doc.push("json:numbers", PartKind::Content, numbers);
    doc.push("json:after", PartKind::Content, text[end..].to_string());
    doc
}

struct Out<'a> {
    doc: &'a mut Document,
    keys: String,
    numbers: String,
    limits: &'a Limits,
}

impl Out<'_> {
    fn string(&mut self, s: &str, pointer: &str) {
        let part = if pointer.is_empty() { "/" } else { pointer };
        let trimmed = s.trim();
        if trimmed.len() > 5 && trimmed.as_bytes()[..5].eq_ignore_ascii_case(b"data:") {
            match data_url::DataUrl::process(trimmed)
                .ok()
                .and_then(|d| d.decode_to_vec().ok())
            {
                Some((bytes, _)) => self.doc.embed(part, "data", bytes),
                None => self.doc.push(part, PartKind::Content, s.to_string()),
            }
            return;
        }
        if let Some(bytes) = long_base64(trimmed) {
            self.doc.embed(part, "base64", bytes);
            return;
        }
        if looks_like_html(s) {
            let inner = super::html::extract(s.as_bytes(), self.limits);
            for piece in inner.pieces {
                let name = if piece.part == "body" {
                    part.to_string()
                } else {
                    format!("{part} {}", piece.part)
                };
                self.doc.push(name, piece.kind, piece.text);
            }
            for u in inner.unreadable {
                self.doc.unreadable(format!("{part} {}", u.part), u.reason);
            }
            for e in inner.embedded {
                self.doc
                    .embed(format!("{part} {}", e.part), e.hint, e.bytes);
            }
            return;
        }
        let kind = if pointer.ends_with("/title") {
            PartKind::Title
        } else {
            PartKind::Content
        };
        let mut text = s.to_string();
        if percent_escapes(s) >= 3 {
            let decoded: Vec<u8> = percent_encoding::percent_decode_str(s).collect();
            text.push('\n');
            text.push_str(&super::text::decode(&decoded, None).text);
        }
        self.doc.push(part, kind, text);
    }
}

/// Walks one value at `pointer`.
struct Walker<'o, 'a> {
    out: &'o mut Out<'a>,
    pointer: String,
}

impl<'de> DeserializeSeed<'de> for Walker<'_, '_> {
    type Value = Option<String>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Option<String>, D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walker<'_, '_> {
    /// A short scalar value, for reading array elements side by side.
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_str<E>(self, s: &str) -> Result<Option<String>, E> {
        self.out.string(s, &self.pointer);
        Ok((s.chars().count() <= BOX_CHARS).then(|| s.to_string()))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Option<String>, E> {
        Ok(Some(self.number(n.to_string())))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Option<String>, E> {
        Ok(Some(self.number(n.to_string())))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Option<String>, E> {
        Ok(Some(self.number(format!("{n}"))))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Option<String>, E> {
        Ok(None)
    }

    fn visit_unit<E>(self) -> Result<Option<String>, E> {
        Ok(None)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<String>, A::Error> {
        let mut boxes: Vec<String> = Vec::new();
        let mut i = 0usize;
        loop {
            let pointer = format!("{}/{i}", self.pointer);
            let next = seq.next_element_seed(Walker {
                out: &mut *self.out,
                pointer,
            })?;
            match next {
                None => break,
                Some(Some(short)) => boxes.push(short),
                Some(None) => {}
            }
            i += 1;
        }
        if boxes.len() > 1 {
            let part = format!(
                "{} (values)",
                if self.pointer.is_empty() {
                    "/"
                } else {
                    &self.pointer
                }
            );
            self.out.doc.push(part, PartKind::Content, boxes.join("\t"));
        }
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<String>, A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            self.out.keys.push_str(&key);
            self.out.keys.push('\n');
            let pointer = format!(
                "{}/{}",
                self.pointer,
                key.replace('~', "~0").replace('/', "~1")
            );
            map.next_value_seed(Walker {
                out: &mut *self.out,
                pointer,
            })?;
        }
        Ok(None)
    }
}

impl Walker<'_, '_> {
    fn number(self, text: String) -> String {
        self.out.numbers.push_str(&text);
        self.out.numbers.push('\n');
        text
    }
}

fn percent_escapes(s: &str) -> usize {
    s.as_bytes()
        .windows(3)
        .filter(|w| w[0] == b'%' && w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit())
        .count()
}

/// A long value made only of base64 characters (line breaks allowed),
/// decoded. Hex strings (hashes, ids) are not base64 files.
pub(crate) fn long_base64(s: &str) -> Option<Vec<u8>> {
    base64_file(s, MIN_BASE64_CHARS, false)
}

/// A value of at least `min_chars` base64 characters (line breaks
/// allowed), decoded; `None` for anything else, and for hex strings unless
/// `hex_too` (a value declared as base64).
pub(crate) fn base64_file(s: &str, min_chars: usize, hex_too: bool) -> Option<Vec<u8>> {
    use base64::Engine as _;
    if s.len() < min_chars {
        return None;
    }
    let clean: String = s.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let base64_alphabet =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '-' | '_');
    if clean.len() < min_chars
        || !clean.chars().all(base64_alphabet)
        || (!hex_too && clean.chars().all(|c| c.is_ascii_hexdigit()))
    {
        return None;
    }
    let engines = [
        &base64::engine::general_purpose::STANDARD,
        &base64::engine::general_purpose::STANDARD_NO_PAD,
        &base64::engine::general_purpose::URL_SAFE,
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ];
    engines.iter().find_map(|e| e.decode(&clean).ok())
}

fn looks_like_html(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    [
        "<p", "<div", "<br", "<table", "<span", "<html", "<!--", "<td", "<h1", "<h2", "<h3", "<li",
    ]
    .iter()
    .any(|t| lower.contains(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(doc: &Document) -> Vec<(&str, &str)> {
        doc.pieces
            .iter()
            .map(|p| (p.part.as_str(), p.text.trim()))
            .collect()
    }

    #[test]
    fn strings_with_pointers_and_embedded_html() {
        let doc = extract(
            r#"{"title":"招标公告","content":"<p>正文</p><!-- 机密 -->","n":[1,{"a":"值"}]}"#
                .as_bytes(),
            &Limits::default(),
        );
        let names = names(&doc);
        assert!(names.contains(&("/title", "招标公告")), "{names:?}");
        assert!(names.contains(&("/content", "正文")), "{names:?}");
        assert!(
            names.contains(&("/content html:comment", "机密")),
            "{names:?}"
        );
        assert!(names.contains(&("/n/1/a", "值")), "{names:?}");
    }

    #[test]
    fn keys_numbers_duplicates_boxes_and_trailing_data() {
        let doc = extract(
            r#"{"370102198001011237":1,"id":370102198001011,"a":"甲","a":"乙","box":["3","7","0",1],"u":"%E8%BA%AB%E4%BB%BD%E8%AF%81"} tail 机密"#
                .as_bytes(),
            &Limits::default(),
        );
        let names = names(&doc);
        assert!(
            names
                .iter()
                .any(|(p, t)| *p == "json:keys" && t.contains("370102198001011237"))
        );
        assert!(
            names.contains(&("json:numbers", "1\n370102198001011\n1")),
            "{names:?}"
        );
        assert!(
            names.contains(&("/a", "甲")) && names.contains(&("/a", "乙")),
            "{names:?}"
        );
        assert!(
            names.contains(&("/box (values)", "3\t7\t0\t1")),
            "{names:?}"
        );
        assert!(
            names
                .iter()
                .any(|(p, t)| *p == "/u" && t.contains("身份证")),
            "{names:?}"
        );
        assert!(names.contains(&("json:after", "tail 机密")), "{names:?}");
    }

    #[test]
    fn files_inside_json() {
        use base64::Engine as _;
        let file = "附件：中标公告正文。".repeat(20);
        let b64 = base64::engine::general_purpose::STANDARD.encode(file.as_bytes());
        let json = format!(
            r#"{{"file":"{b64}","img":"data:text/plain;base64,MzcwMTAy","hash":"{}"}}"#,
            "ab12".repeat(80)
        );
        let doc = extract(json.as_bytes(), &Limits::default());
        let parts: Vec<(&str, usize)> = doc
            .embedded
            .iter()
            .map(|e| (e.part.as_str(), e.bytes.len()))
            .collect();
        assert_eq!(
            parts,
            [("/file", file.len()), ("/img", 6)],
            "hashes are not files"
        );
    }

    #[test]
    fn invalid_json_is_unreadable() {
        let doc = extract(b"{\"a\": ", &Limits::default());
        assert!(doc.pieces.is_empty());
        assert_eq!(doc.unreadable.len(), 1);
    }
}
