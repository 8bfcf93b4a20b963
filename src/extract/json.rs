//! JSON: every string value becomes a piece named by its JSON pointer.
//!
//! Publishing platforms send the announcement body as HTML inside a JSON
//! string, so a string that looks like HTML is extracted as HTML too (hidden
//! text and comments included), with the pointer as the part prefix.

use serde_json::Value;

use super::Limits;
use crate::model::{Document, Format, PartKind};

/// Extracts a JSON document.
pub fn extract(bytes: &[u8], limits: &Limits) -> Document {
    let mut doc = Document::new(Format::Json);
    let decoded = super::text::decode(bytes, None);
    let value: Value = match serde_json::from_str(&decoded.text) {
        Ok(v) => v,
        Err(e) => {
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
    };
    walk(&value, &mut String::new(), 0, limits, &mut doc);
    doc
}

fn walk(value: &Value, pointer: &mut String, depth: usize, limits: &Limits, doc: &mut Document) {
    if depth > limits.max_json_depth {
        doc.unreadable(pointer.clone(), "JSON 嵌套过深 / JSON nested too deeply");
        return;
    }
    match value {
        Value::String(s) => push_string(s, pointer, limits, doc),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&i.to_string());
                walk(item, pointer, depth + 1, limits, doc);
                pointer.truncate(len);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                walk(item, pointer, depth + 1, limits, doc);
                pointer.truncate(len);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

fn push_string(s: &str, pointer: &str, limits: &Limits, doc: &mut Document) {
    let part = if pointer.is_empty() { "/" } else { pointer };
    if looks_like_html(s) {
        let inner = super::html::extract(s.as_bytes(), limits);
        for piece in inner.pieces {
            let name = if piece.part == "body" {
                part.to_string()
            } else {
                format!("{part} {}", piece.part)
            };
            doc.push(name, piece.kind, piece.text);
        }
        for u in inner.unreadable {
            doc.unreadable(format!("{part} {}", u.part), u.reason);
        }
    } else {
        let kind = if pointer.ends_with("/title") {
            PartKind::Title
        } else {
            PartKind::Content
        };
        doc.push(part, kind, s.to_string());
    }
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

    #[test]
    fn strings_with_pointers_and_embedded_html() {
        let doc = extract(
            r#"{"title":"招标公告","content":"<p>正文</p><!-- 机密 -->","n":[1,{"a":"值"}]}"#
                .as_bytes(),
            &Limits::default(),
        );
        let names: Vec<(&str, &str)> = doc
            .pieces
            .iter()
            .map(|p| (p.part.as_str(), p.text.trim()))
            .collect();
        assert!(names.contains(&("/title", "招标公告")), "{names:?}");
        assert!(names.contains(&("/content", "正文")), "{names:?}");
        assert!(
            names.contains(&("/content html:comment", "机密")),
            "{names:?}"
        );
        assert!(names.contains(&("/n/1/a", "值")), "{names:?}");
    }

    #[test]
    fn invalid_json_is_unreadable() {
        let doc = extract(b"{\"a\": ", &Limits::default());
        assert!(doc.pieces.is_empty());
        assert_eq!(doc.unreadable.len(), 1);
    }
}
