//! Everything in a PDF besides the page text: annotations (notes,
//! FreeText, stamps, links, attached files), AcroForm field values,
//! outlines, embedded files, document JavaScript, page labels, XMP
//! metadata, marked-content `/ActualText` and `/Alt`, pictures, and pages
//! that draw something but have no text (a scanned page inside a textual
//! PDF).
//!
//! Each walk is bounded (objects visited, depth) and follows references
//! through a visited set, so a cycle or a huge tree ends the walk, never
//! the worker. What cannot be read is reported, never dropped.

use std::collections::HashSet;

use pdf_extract::{Dictionary, Document, Object, ObjectId};
use sha2::{Digest, Sha256};

use super::{FilePart, TextPart, UnreadPart};
use crate::model::{PartKind, UnreadKind};

/// Most objects one walk visits.
const MAX_VISITS: usize = 10_000;

/// What the walks found.
#[derive(Default)]
pub struct Found {
    /// Text parts.
    pub parts: Vec<TextPart>,
    /// Files to extract in their own right.
    pub files: Vec<FilePart>,
    /// Parts left unread.
    pub unread: Vec<UnreadPart>,
}

impl Found {
    fn text(&mut self, part: impl Into<String>, kind: PartKind, text: String) {
        if !text.trim().is_empty() {
            self.parts.push(TextPart {
                part: part.into(),
                kind,
                text,
            });
        }
    }

    fn unread(
        &mut self,
        part: impl Into<String>,
        kind: UnreadKind,
        reason: &str,
        bytes: Option<&[u8]>,
    ) {
        self.unread.push(UnreadPart {
            part: part.into(),
            kind,
            reason: reason.to_string(),
            sha256: bytes.map(|b| hex::encode(Sha256::digest(b))),
        });
    }
}

fn deref<'a>(doc: &'a Document, obj: &'a Object) -> &'a Object {
    doc.dereference(obj).map(|(_, o)| o).unwrap_or(obj)
}

fn get<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    dict.get(key).ok().map(|o| deref(doc, o))
}

/// A text object as text: a string (PDFDocEncoding or UTF-16BE with BOM),
/// a name, or a stream's content.
pub fn text_of(doc: &Document, obj: &Object) -> Option<String> {
    match deref(doc, obj) {
        s @ Object::String(..) => pdf_extract::decode_text_string(s).ok(),
        Object::Name(n) => Some(String::from_utf8_lossy(n).into_owned()),
        Object::Stream(s) => {
            let bytes = s
                .decompressed_content()
                .unwrap_or_else(|_| s.content.clone());
            Some(decode_bytes(&bytes))
        }
        _ => None,
    }
}

/// Bytes of a PDF text: UTF-16BE with a BOM, UTF-8, or Latin-1.
fn decode_bytes(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|p| u16::from_be_bytes([p[0], p[1]]))
            .collect();
        return String::from_utf16_lossy(&units);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| b as char).collect(),
    }
}

fn name_of<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a [u8]> {
    get(doc, dict, key).and_then(|o| o.as_name().ok())
}

/// Walks the whole document.
pub fn find(doc: &Document, pages: &[(u32, ObjectId)], page_texts: &[String]) -> Found {
    let mut found = Found::default();
    let Ok(catalog) = doc.catalog() else {
        return found;
    };
    form_fields(doc, catalog, &mut found);
    outlines(doc, catalog, &mut found);
    names(doc, catalog, &mut found);
    page_labels(doc, catalog, &mut found);
    if let Some(xmp) = get(doc, catalog, b"Metadata").and_then(|m| text_of(doc, m)) {
        let read = crate::extract::xml::read(&xmp, &crate::extract::Limits::default());
        found.text(
            "pdf:xmp",
            PartKind::Metadata,
            format!("{}\n{}", read.text, read.attributes),
        );
    }
    if let Some(action) = get(doc, catalog, b"OpenAction").and_then(|o| o.as_dict().ok()) {
        action_text(doc, action, "pdf:open action", &mut found);
    }
    let mut seen_images: HashSet<ObjectId> = HashSet::new();
    for (i, (number, id)) in pages.iter().enumerate() {
        let label = format!("page {number}");
        annotations(doc, *id, &label, &mut found);
        let content = doc.get_page_content(*id).unwrap_or_default();
        marked_content(&content, &label, &mut found);
        let has_text = page_texts
            .get(i)
            .is_some_and(|t| t.chars().any(char::is_alphanumeric));
        let drawn = images(doc, *id, &label, &content, &mut seen_images, &mut found);
        if !has_text && drawn {
            found.unread(
                label,
                UnreadKind::NoText,
                "PDF 页面只有图片、没有文字（可能为扫描件），无法检查 / page has pictures but no text (scanned?)",
                Some(&content),
            );
        }
    }
    found
}

fn form_fields(doc: &Document, catalog: &Dictionary, found: &mut Found) {
    let Some(form) = get(doc, catalog, b"AcroForm").and_then(|o| o.as_dict().ok()) else {
        return;
    };
    let Some(fields) = get(doc, form, b"Fields").and_then(|o| o.as_array().ok()) else {
        return;
    };
    let mut stack: Vec<&Object> = fields.iter().collect();
    let mut seen = HashSet::new();
    let mut text = String::new();
    while let Some(obj) = stack.pop() {
        if seen.len() > MAX_VISITS {
            break;
        }
        if let Ok(id) = obj.as_reference()
            && !seen.insert(id)
        {
            continue;
        }
        let Ok(field) = deref(doc, obj).as_dict() else {
            continue;
        };
        for key in [&b"T"[..], b"TU", b"V", b"DV", b"TM"] {
            if let Some(t) = get(doc, field, key).and_then(|o| text_of(doc, o)) {
                text.push_str(&t);
                text.push('\n');
            }
        }
        if let Some(options) = get(doc, field, b"Opt").and_then(|o| o.as_array().ok()) {
            for o in options {
                let o = deref(doc, o);
                let values: Vec<&Object> = match o.as_array() {
                    Ok(pair) => pair.iter().collect(),
                    Err(_) => vec![o],
                };
                for v in values {
                    if let Some(t) = text_of(doc, v) {
                        text.push_str(&t);
                        text.push('\n');
                    }
                }
            }
        }
        if let Some(kids) = get(doc, field, b"Kids").and_then(|o| o.as_array().ok()) {
            stack.extend(kids.iter());
        }
    }
    found.text("pdf:form fields", PartKind::Attribute, text);
}

fn outlines(doc: &Document, catalog: &Dictionary, found: &mut Found) {
    let Some(root) = get(doc, catalog, b"Outlines").and_then(|o| o.as_dict().ok()) else {
        return;
    };
    let mut text = String::new();
    let mut seen = HashSet::new();
    let mut stack: Vec<&Object> = root.get(b"First").ok().into_iter().collect();
    while let Some(obj) = stack.pop() {
        if seen.len() > MAX_VISITS {
            break;
        }
        if let Ok(id) = obj.as_reference()
            && !seen.insert(id)
        {
            continue;
        }
        let Ok(item) = deref(doc, obj).as_dict() else {
            continue;
        };
        if let Some(t) = get(doc, item, b"Title").and_then(|o| text_of(doc, o)) {
            text.push_str(&t);
            text.push('\n');
        }
        if let Some(action) = get(doc, item, b"A").and_then(|o| o.as_dict().ok()) {
            action_text(doc, action, "pdf:outline action", found);
        }
        stack.extend(item.get(b"Next").ok());
        stack.extend(item.get(b"First").ok());
    }
    found.text("pdf:outline", PartKind::Attribute, text);
}

/// Values of a name tree (`/Names [key value …]`, `/Kids`).
fn name_tree<'a>(doc: &'a Document, root: &'a Dictionary) -> Vec<(String, &'a Object)> {
    let mut out = Vec::new();
    let mut stack: Vec<&Dictionary> = vec![root];
    let mut visits = 0;
    while let Some(node) = stack.pop() {
        visits += 1;
        if visits > MAX_VISITS {
            break;
        }
        if let Some(names) = get(doc, node, b"Names").and_then(|o| o.as_array().ok()) {
            for pair in names.chunks(2) {
                if let [key, value] = pair {
                    out.push((text_of(doc, key).unwrap_or_default(), value));
                }
            }
        }
        if let Some(kids) = get(doc, node, b"Kids").and_then(|o| o.as_array().ok()) {
            stack.extend(kids.iter().filter_map(|k| deref(doc, k).as_dict().ok()));
        }
    }
    out
}

fn names(doc: &Document, catalog: &Dictionary, found: &mut Found) {
    let Some(names) = get(doc, catalog, b"Names").and_then(|o| o.as_dict().ok()) else {
        return;
    };
    if let Some(files) = get(doc, names, b"EmbeddedFiles").and_then(|o| o.as_dict().ok()) {
        for (key, spec) in name_tree(doc, files) {
            if let Ok(spec) = deref(doc, spec).as_dict() {
                file_spec(doc, spec, &format!("pdf:attachment {}", short(&key)), found);
            }
        }
    }
    if let Some(scripts) = get(doc, names, b"JavaScript").and_then(|o| o.as_dict().ok()) {
        for (_, action) in name_tree(doc, scripts) {
            if let Ok(action) = deref(doc, action).as_dict() {
                action_text(doc, action, "pdf:javascript", found);
            }
        }
    }
}

/// A file specification's embedded file, handed over.
fn file_spec(doc: &Document, spec: &Dictionary, part: &str, found: &mut Found) {
    let name = [&b"UF"[..], b"F", b"Desc"]
        .iter()
        .find_map(|k| get(doc, spec, k).and_then(|o| text_of(doc, o)))
        .unwrap_or_else(|| "attachment".into());
    found.text(format!("{part} (name)"), PartKind::Attribute, name.clone());
    let Some(ef) = get(doc, spec, b"EF").and_then(|o| o.as_dict().ok()) else {
        return;
    };
    let stream = get(doc, ef, b"F")
        .or_else(|| get(doc, ef, b"UF"))
        .and_then(|o| o.as_stream().ok());
    if let Some(stream) = stream {
        match stream.decompressed_content() {
            Ok(bytes) => found.files.push(FilePart::new(part, &name, bytes)),
            Err(_) if stream.dict.get(b"Filter").is_err() => {
                found
                    .files
                    .push(FilePart::new(part, &name, stream.content.clone()))
            }
            Err(_) => found.unread(
                part,
                UnreadKind::Failed,
                "PDF 附件无法解压 / embedded file could not be decompressed",
                Some(&stream.content),
            ),
        }
    }
}

/// An action's script and link: `/JS`, `/URI`, and `/Next` actions.
fn action_text(doc: &Document, action: &Dictionary, part: &str, found: &mut Found) {
    let mut stack = vec![action];
    let mut visits = 0;
    while let Some(a) = stack.pop() {
        visits += 1;
        if visits > 100 {
            break;
        }
        if let Some(js) = get(doc, a, b"JS").and_then(|o| text_of(doc, o)) {
            found.text(part, PartKind::Hidden, js);
        }
        if let Some(uri) = get(doc, a, b"URI").and_then(|o| text_of(doc, o)) {
            let decoded = percent_encoding::percent_decode_str(&uri)
                .decode_utf8_lossy()
                .into_owned();
            found.text(format!("{part} link"), PartKind::Attribute, decoded);
        }
        if let Some(next) = get(doc, a, b"Next") {
            match next {
                Object::Dictionary(d) => stack.push(d),
                Object::Array(items) => {
                    stack.extend(items.iter().filter_map(|i| deref(doc, i).as_dict().ok()))
                }
                _ => {}
            }
        }
    }
}

fn page_labels(doc: &Document, catalog: &Dictionary, found: &mut Found) {
    let Some(root) = get(doc, catalog, b"PageLabels").and_then(|o| o.as_dict().ok()) else {
        return;
    };
    let mut text = String::new();
    let mut stack = vec![root];
    let mut visits = 0;
    while let Some(node) = stack.pop() {
        visits += 1;
        if visits > MAX_VISITS {
            break;
        }
        if let Some(nums) = get(doc, node, b"Nums").and_then(|o| o.as_array().ok()) {
            for item in nums.iter().skip(1).step_by(2) {
                if let Ok(label) = deref(doc, item).as_dict()
                    && let Some(prefix) = get(doc, label, b"P").and_then(|o| text_of(doc, o))
                {
                    text.push_str(&prefix);
                    text.push('\n');
                }
            }
        }
        if let Some(kids) = get(doc, node, b"Kids").and_then(|o| o.as_array().ok()) {
            stack.extend(kids.iter().filter_map(|k| deref(doc, k).as_dict().ok()));
        }
    }
    found.text("pdf:page labels", PartKind::Attribute, text);
}

/// The standard stamp names that are restriction marks, as the words a
/// Chinese reader sees on them.
fn stamp_words(name: &[u8]) -> Option<&'static str> {
    match name {
        b"TopSecret" => Some("绝密"),
        b"Confidential" => Some("机密"),
        b"NotForPublicRelease" => Some("内部"),
        _ => None,
    }
}

fn annotations(doc: &Document, page: ObjectId, label: &str, found: &mut Found) {
    let Ok(annotations) = doc.get_page_annotations(page) else {
        return;
    };
    for annot in annotations.into_iter().take(MAX_VISITS) {
        let subtype = name_of(doc, annot, b"Subtype")
            .map(|s| String::from_utf8_lossy(s).into_owned())
            .unwrap_or_default();
        let part = format!("{label} annotation {subtype}");
        let mut text = String::new();
        for key in [&b"Contents"[..], b"T", b"Subj", b"RC", b"NM"] {
            if let Some(t) = get(doc, annot, key).and_then(|o| text_of(doc, o)) {
                text.push_str(&t);
                text.push('\n');
            }
        }
        if subtype == "Stamp"
            && let Some(words) = name_of(doc, annot, b"Name").and_then(stamp_words)
        {
            text.push_str(words);
            text.push('\n');
        }
        let has_contents = !text.trim().is_empty();
        found.text(part.clone(), PartKind::Comment, text);
        if let Some(action) = get(doc, annot, b"A").and_then(|o| o.as_dict().ok()) {
            action_text(doc, action, &part, found);
        }
        if let Some(spec) = get(doc, annot, b"FS").and_then(|o| o.as_dict().ok()) {
            file_spec(doc, spec, &part, found);
        }
        // What the annotation draws: its text is not read (pdf-extract reads
        // pages only), so an appearance that draws text the annotation does
        // not also carry in /Contents is reported; pictures go the way of
        // page pictures.
        if matches!(subtype.as_str(), "Widget" | "Link" | "Popup") || has_contents {
            continue;
        }
        let appearance = get(doc, annot, b"AP")
            .and_then(|o| o.as_dict().ok())
            .and_then(|ap| get(doc, ap, b"N"))
            .and_then(|n| n.as_stream().ok());
        if let Some(ap) = appearance {
            let content = ap
                .decompressed_content()
                .unwrap_or_else(|_| ap.content.clone());
            if draws_text(&content) {
                found.unread(
                    part.clone(),
                    UnreadKind::NoText,
                    "PDF 批注外观中的文字未能读取 / annotation appearance draws text that was not read",
                    Some(&content),
                );
            }
            if let Some(resources) = get(doc, &ap.dict, b"Resources").and_then(|o| o.as_dict().ok())
            {
                let mut seen = HashSet::new();
                xobject_images(doc, resources, &part, &mut seen, found, 0);
            }
        }
    }
}

/// Whether a content stream has text-showing operators.
fn draws_text(content: &[u8]) -> bool {
    content.windows(3).any(|w| {
        (w[0].is_ascii_whitespace() || w[0] == b')' || w[0] == b']' || w[0] == b'>')
            && (w[1..] == *b"Tj" || w[1..] == *b"TJ")
    })
}

/// `/ActualText`, `/Alt` and `/E` strings in marked content: the text a
/// page says it shows, which pdf-extract does not read.
fn marked_content(content: &[u8], label: &str, found: &mut Found) {
    let mut text = String::new();
    for key in [&b"/ActualText"[..], b"/Alt", b"/E "] {
        let mut from = 0;
        while let Some(at) = find_bytes(&content[from..], key) {
            let start = from + at + key.len();
            from = start;
            let rest = &content[start..];
            let rest = &rest[rest.iter().take_while(|b| b.is_ascii_whitespace()).count()..];
            if let Some(s) = pdf_string(rest) {
                text.push_str(&decode_bytes(&s));
                text.push('\n');
            }
        }
    }
    found.text(format!("{label} actual text"), PartKind::Hidden, text);
}

fn find_bytes(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A literal `(…)` or hex `<…>` string at the start of `s`, decoded.
fn pdf_string(s: &[u8]) -> Option<Vec<u8>> {
    match s.first()? {
        b'(' => {
            let mut out = Vec::new();
            let mut depth = 0usize;
            let mut i = 1;
            while i < s.len() {
                match s[i] {
                    b'\\' if i + 1 < s.len() => {
                        i += 1;
                        match s[i] {
                            b'n' => out.push(b'\n'),
                            b'r' => out.push(b'\r'),
                            b't' => out.push(b'\t'),
                            d @ b'0'..=b'7' => {
                                let mut v = u32::from(d - b'0');
                                let mut n = 1;
                                while n < 3 && i + 1 < s.len() && (b'0'..=b'7').contains(&s[i + 1])
                                {
                                    i += 1;
                                    v = v * 8 + u32::from(s[i] - b'0');
                                    n += 1;
                                }
                                out.push(v as u8);
                            }
                            c => out.push(c),
                        }
                    }
                    b'(' => {
                        depth += 1;
                        out.push(b'(');
                    }
                    b')' if depth == 0 => return Some(out),
                    b')' => {
                        depth -= 1;
                        out.push(b')');
                    }
                    c => out.push(c),
                }
                i += 1;
            }
            None
        }
        b'<' if s.get(1) != Some(&b'<') => {
            let end = s.iter().position(|b| *b == b'>')?;
            let digits: Vec<u8> = s[1..end]
                .iter()
                .copied()
                .filter(u8::is_ascii_hexdigit)
                .collect();
            Some(
                digits
                    .chunks(2)
                    .filter_map(|p| {
                        let h = std::str::from_utf8(p).ok()?;
                        u8::from_str_radix(&format!("{h:0<2}"), 16).ok()
                    })
                    .collect(),
            )
        }
        _ => None,
    }
}

/// The page's pictures: each one that can show text is reported unread
/// (by its hash) unless it is blank; a JPEG is handed over as a file. Returns
/// whether the page draws any such picture.
fn images(
    doc: &Document,
    page: ObjectId,
    label: &str,
    content: &[u8],
    seen: &mut HashSet<ObjectId>,
    found: &mut Found,
) -> bool {
    let mut drawn = false;
    if let Ok(page_dict) = doc.get_dictionary(page)
        && let Some(resources) = inherited_resources(doc, page_dict)
    {
        drawn |= xobject_images(doc, resources, label, seen, found, 0);
    }
    drawn | inline_images(content, label, found)
}

fn inherited_resources<'a>(doc: &'a Document, page: &'a Dictionary) -> Option<&'a Dictionary> {
    let mut node = page;
    for _ in 0..32 {
        if let Some(r) = get(doc, node, b"Resources").and_then(|o| o.as_dict().ok()) {
            return Some(r);
        }
        node = get(doc, node, b"Parent")?.as_dict().ok()?;
    }
    None
}

/// Image XObjects of a resource dictionary, and of the forms it uses.
fn xobject_images(
    doc: &Document,
    resources: &Dictionary,
    label: &str,
    seen: &mut HashSet<ObjectId>,
    found: &mut Found,
    depth: usize,
) -> bool {
    let Some(xobjects) = get(doc, resources, b"XObject").and_then(|o| o.as_dict().ok()) else {
        return false;
    };
    let mut drawn = false;
    for (_, value) in xobjects.iter() {
        let Ok(id) = value.as_reference() else {
            continue;
        };
        let Ok(stream) = doc.get_object(id).and_then(Object::as_stream) else {
            continue;
        };
        let subtype = stream
            .dict
            .get(b"Subtype")
            .and_then(Object::as_name)
            .unwrap_or(b"");
        if subtype == b"Form" {
            if depth < 8
                && seen.insert(id)
                && let Some(inner) =
                    get(doc, &stream.dict, b"Resources").and_then(|o| o.as_dict().ok())
            {
                drawn |= xobject_images(doc, inner, label, seen, found, depth + 1);
            }
            continue;
        }
        if subtype != b"Image" {
            continue;
        }
        let width = get(doc, &stream.dict, b"Width")
            .and_then(|o| o.as_i64().ok())
            .unwrap_or(0);
        let height = get(doc, &stream.dict, b"Height")
            .and_then(|o| o.as_i64().ok())
            .unwrap_or(0);
        let side = crate::extract::image::MIN_SIDE as i64;
        if width < side || height < side || width * height < crate::extract::image::MIN_AREA as i64
        {
            continue;
        }
        // An image mask (one colour through a stencil) still draws shapes.
        drawn = true;
        if !seen.insert(id) {
            continue;
        }
        let part = format!("{label} image {}", id.0);
        let filters = filters(doc, &stream.dict);
        if filters.last().is_some_and(|f| f == b"DCTDecode") && filters.len() == 1 {
            found
                .files
                .push(FilePart::new(&part, "image.jpg", stream.content.clone()));
            continue;
        }
        if let Ok(pixels) = stream.decompressed_content()
            && plain_pixels_blank(doc, &stream.dict, &pixels, width, height)
        {
            continue;
        }
        found.unread(
            part,
            UnreadKind::Image,
            "PDF 中的图片未能检查（不做文字识别），须人工查看 / picture not inspected (no OCR)",
            Some(&stream.content),
        );
    }
    drawn
}

fn filters(doc: &Document, dict: &Dictionary) -> Vec<Vec<u8>> {
    match get(doc, dict, b"Filter") {
        Some(Object::Name(n)) => vec![n.clone()],
        Some(Object::Array(a)) => a
            .iter()
            .filter_map(|f| deref(doc, f).as_name().ok().map(<[u8]>::to_vec))
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether 8-bit grey or RGB pixels are all (nearly) the same brightness.
fn plain_pixels_blank(
    doc: &Document,
    dict: &Dictionary,
    pixels: &[u8],
    width: i64,
    height: i64,
) -> bool {
    let bpc = get(doc, dict, b"BitsPerComponent")
        .and_then(|o| o.as_i64().ok())
        .unwrap_or(8);
    let channels = match get(doc, dict, b"ColorSpace").and_then(|o| o.as_name().ok()) {
        Some(b"DeviceGray") => 1,
        Some(b"DeviceRGB") => 3,
        _ => return false,
    };
    if bpc != 8 || pixels.len() < (width * height) as usize * channels {
        return false;
    }
    let (mut lo, mut hi) = (u8::MAX, u8::MIN);
    for px in pixels.chunks_exact(channels) {
        let luma = if channels == 1 {
            px[0]
        } else {
            ((u32::from(px[0]) * 299 + u32::from(px[1]) * 587 + u32::from(px[2]) * 114) / 1000)
                as u8
        };
        lo = lo.min(luma);
        hi = hi.max(luma);
        if hi - lo > crate::extract::image::INK {
            return false;
        }
    }
    true
}

/// Inline images (`BI … ID … EI`) big enough to show a character.
fn inline_images(content: &[u8], label: &str, found: &mut Found) -> bool {
    let mut drawn = false;
    let mut from = 0;
    while let Some(at) = find_bytes(&content[from..], b"BI") {
        let start = from + at;
        from = start + 2;
        let before_ok = start == 0 || content[start - 1].is_ascii_whitespace();
        let after_ok = content.get(start + 2).is_some_and(u8::is_ascii_whitespace);
        if !(before_ok && after_ok) {
            continue;
        }
        // The image dictionary is short: a missing `ID` within 4 KiB ends
        // the search (and keeps it linear on content full of `BI`).
        let header_end = (start + 4096).min(content.len());
        let Some(id_at) = find_bytes(&content[start..header_end], b" ID") else {
            continue;
        };
        let header = String::from_utf8_lossy(&content[start..start + id_at]);
        let number = |keys: &[&str]| -> i64 {
            keys.iter()
                .find_map(|k| {
                    let i = header.find(k)? + k.len();
                    header[i..].split_whitespace().next()?.parse().ok()
                })
                .unwrap_or(0)
        };
        let (w, h) = (number(&["/W ", "/Width "]), number(&["/H ", "/Height "]));
        let side = crate::extract::image::MIN_SIDE as i64;
        if w >= side && h >= side && w * h >= crate::extract::image::MIN_AREA as i64 {
            drawn = true;
            let data_end = (start + (1 << 20)).min(content.len());
            let end = find_bytes(&content[start..data_end], b"EI").map_or(data_end, |e| start + e);
            found.unread(
                format!("{label} inline image"),
                UnreadKind::Image,
                "PDF 中的图片未能检查（不做文字识别），须人工查看 / picture not inspected (no OCR)",
                Some(&content[start..end]),
            );
        }
    }
    drawn
}

/// A file name fit for a part label: at most 40 characters, long digit
/// runs masked.
fn short(name: &str) -> String {
    let head: String = name.chars().take(40).collect();
    crate::model::mask_digit_runs(&head, 6)
}

impl FilePart {
    fn new(part: &str, name: &str, bytes: Vec<u8>) -> FilePart {
        FilePart {
            part: part.to_string(),
            hint: name.to_string(),
            data: base64::Engine::encode(&base64::engine::general_purpose::STANDARD, bytes),
        }
    }
}
