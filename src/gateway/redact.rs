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

/// `(raw, masked)` pairs for every finding the policy wants redacted. The
/// raw value is taken from the extracted text at the finding's location
/// (what the document really says, full-width digits and all) and, as a
/// second spelling, from the detector's value.
fn replacements(findings: &[Finding], pieces: &[Piece]) -> Option<Vec<(Vec<String>, String)>> {
    let mut out = Vec::new();
    for f in findings.iter().filter(|f| f.action == Action::Redact) {
        let value = f.value.as_ref()?;
        let mut spellings = vec![value.reveal().to_string()];
        if let Some(loc) = &f.location
            && let Some(piece) = pieces.iter().find(|p| p.part == loc.part)
            && let Some(original) = piece.text.get(loc.start..loc.end)
            && !spellings.iter().any(|s| s == original)
        {
            spellings.push(original.to_string());
        }
        spellings.retain(|s| !s.trim().is_empty());
        if spellings.is_empty() {
            return None;
        }
        out.push((spellings, value.masked().to_string()));
    }
    Some(out)
}

fn replace_all(text: &str, replacements: &[(Vec<String>, String)], found: &mut [bool]) -> String {
    let mut out = text.to_string();
    for (i, (spellings, masked)) in replacements.iter().enumerate() {
        for raw in spellings {
            if out.contains(raw.as_str()) {
                out = out.replace(raw.as_str(), masked);
                found[i] = true;
            }
        }
    }
    out
}
