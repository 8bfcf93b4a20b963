//! Rewriting a body with the flagged values masked.
//!
//! Only bodies whose bytes we can rewrite exactly are redacted: UTF-8
//! text, HTML, JSON and URL-encoded forms without a `Content-Encoding`.
//! Each flagged value must be found literally in the body (in HTML that
//! includes attributes and comments, which is where hidden copies hide);
//! a value split across tags or written with entities is not found, and
//! the request is held instead. The caller scans the rewritten body again
//! and holds it if anything at redact level or above remains.

use crate::model::{Action, Finding, Piece};

/// Rewrites `body`, or `None` when it cannot be done safely.
pub fn redact(
    content_type: Option<&str>,
    body: &[u8],
    findings: &[Finding],
    pieces: &[Piece],
) -> Option<Vec<u8>> {
    let mime = content_type
        .and_then(|c| c.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let text = std::str::from_utf8(body).ok()?;
    let replacements = replacements(findings, pieces)?;
    match mime.as_str() {
        "application/x-www-form-urlencoded" => {
            let mut out = form_urlencoded::Serializer::new(String::new());
            let mut found = vec![false; replacements.len()];
            for (key, value) in form_urlencoded::parse(body) {
                let value = replace_all(&value, &replacements, &mut found);
                out.append_pair(&key, &value);
            }
            found.iter().all(|f| *f).then(|| out.finish().into_bytes())
        }
        "text/html" | "text/plain" | "application/json" | "application/xhtml+xml" | "" => {
            let mut found = vec![false; replacements.len()];
            let out = replace_all(text, &replacements, &mut found);
            if !found.iter().all(|f| *f) {
                return None;
            }
            if mime == "application/json"
                && serde_json::from_str::<serde_json::Value>(&out).is_err()
            {
                return None;
            }
            Some(out.into_bytes())
        }
        _ => None,
    }
}

/// One flagged value: its spellings, each with its masked form.
type Replacement = Vec<(String, String)>;

/// The spellings of every finding the policy wants redacted, each with its
/// masked form. The raw value is taken from the extracted text at the
/// finding's location (what the document really says, full-width digits
/// and all) and, as a second spelling, from the detector's value.
fn replacements(findings: &[Finding], pieces: &[Piece]) -> Option<Vec<Replacement>> {
    let mut out = Vec::new();
    for f in findings.iter().filter(|f| f.action == Action::Redact) {
        let value = f.value.as_ref()?;
        let (raw, masked) = (value.reveal(), value.masked());
        let mut spellings = vec![(raw.to_string(), masked.to_string())];
        if let Some(loc) = &f.location
            && let Some(piece) = pieces.iter().find(|p| p.part == loc.part)
            && let Some(original) = piece.text.get(loc.start..loc.end)
            && original != raw
        {
            spellings.push((original.to_string(), masked_like(original, raw, masked)));
        }
        spellings.retain(|(s, _)| !s.trim().is_empty());
        if spellings.is_empty() {
            return None;
        }
        out.push(spellings);
    }
    Some(out)
}

/// The masked form of `original`, a spelling of `raw` (full-width digits,
/// a full-width colon the detector read normalized): where the three have
/// the same number of characters, only the characters masking changed are
/// replaced, so the rest stays as the document wrote it; otherwise the
/// masked form as is.
fn masked_like(original: &str, raw: &str, masked: &str) -> String {
    let (o, r, m): (Vec<char>, Vec<char>, Vec<char>) = (
        original.chars().collect(),
        raw.chars().collect(),
        masked.chars().collect(),
    );
    if o.len() != r.len() || r.len() != m.len() {
        return masked.to_string();
    }
    o.iter()
        .zip(r.iter().zip(&m))
        .map(|(o, (r, m))| if r == m { *o } else { *m })
        .collect()
}

fn replace_all(text: &str, replacements: &[Replacement], found: &mut [bool]) -> String {
    let mut out = text.to_string();
    for (i, spellings) in replacements.iter().enumerate() {
        for (raw, masked) in spellings {
            if out.contains(raw.as_str()) {
                out = out.replace(raw.as_str(), masked);
                found[i] = true;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Category, Confidence, Location, PartKind, Sensitive, Severity};

    fn finding(raw: &str, masked: &str, action: Action) -> Finding {
        Finding {
            rule: "personal.id_card".into(),
            category: Category::PersonalData,
            field: None,
            action,
            queue: None,
            severity: Severity::High,
            confidence: Confidence::High,
            location: Some(Location {
                part: "body".into(),
                start: 0,
                end: raw.len(),
                line: 1,
            }),
            excerpt: masked.into(),
            explanation: String::new(),
            enforces: String::new(),
            fingerprint: String::new(),
            value: Some(Sensitive::new(raw.into(), masked.into())),
        }
    }

    fn pieces(text: &str) -> Vec<Piece> {
        vec![Piece {
            part: "body".into(),
            kind: PartKind::Content,
            text: text.into(),
        }]
    }

    const ID: &str = "370102198001011237";
    const MASKED: &str = "370102********1237";

    #[test]
    fn text_json_and_forms_are_rewritten() {
        let f = [finding(ID, MASKED, Action::Redact)];
        let out = redact(
            Some("text/plain"),
            format!("号码{ID}。").as_bytes(),
            &f,
            &pieces(ID),
        )
        .unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), format!("号码{MASKED}。"));
        let json = format!(r#"{{"a":"{ID}","b":["x{ID}"]}}"#);
        let out = redact(Some("application/json"), json.as_bytes(), &f, &pieces(ID)).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), json.replace(ID, MASKED));
        let form = format!("title=%E5%85%AC%E5%91%8A&content=id+{ID}");
        let out = redact(
            Some("application/x-www-form-urlencoded"),
            form.as_bytes(),
            &f,
            &pieces(ID),
        )
        .unwrap();
        let pairs: Vec<(String, String)> = form_urlencoded::parse(&out).into_owned().collect();
        assert_eq!(pairs[1], ("content".into(), format!("id {MASKED}")));
        assert_eq!(pairs[0], ("title".into(), "公告".into()));
    }

    #[test]
    fn what_cannot_be_rewritten_safely_is_refused() {
        let f = [finding(ID, MASKED, Action::Redact)];
        // Split by a tag: not found literally.
        let html = format!("<p>{}<b>{}</b></p>", &ID[..6], &ID[6..]);
        assert!(redact(Some("text/html"), html.as_bytes(), &f, &pieces(ID)).is_none());
        // Not UTF-8 (a GBK body), or a type we do not rewrite.
        assert!(redact(Some("text/plain"), b"\xb9\xab\xb8\xe6", &f, &pieces(ID)).is_none());
        assert!(redact(Some("application/pdf"), ID.as_bytes(), &f, &pieces(ID)).is_none());
        // A finding without its value cannot be located.
        let mut no_value = finding(ID, MASKED, Action::Redact);
        no_value.value = None;
        assert!(redact(Some("text/plain"), ID.as_bytes(), &[no_value], &pieces(ID)).is_none());
        // Only redact-level findings are rewritten.
        let hold = [finding(ID, MASKED, Action::Hold)];
        assert_eq!(
            redact(Some("text/plain"), ID.as_bytes(), &hold, &pieces(ID)).unwrap(),
            ID.as_bytes()
        );
    }

    #[test]
    fn the_original_spelling_is_found_too() {
        // The detector's value is normalized; the body has full-width digits.
        let wide: String = ID
            .chars()
            .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c))
            .collect();
        let mut f = finding(ID, MASKED, Action::Redact);
        f.location = Some(Location {
            part: "body".into(),
            start: 0,
            end: wide.len(),
            line: 1,
        });
        let out = redact(Some("text/plain"), wide.as_bytes(), &[f], &pieces(&wide)).unwrap();
        // Masked where masking changed a character; as written elsewhere.
        let want: String = wide
            .chars()
            .enumerate()
            .map(|(i, c)| if (6..14).contains(&i) { '*' } else { c })
            .collect();
        assert_eq!(String::from_utf8(out).unwrap(), want);
    }
}
