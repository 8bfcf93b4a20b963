//! HTML via lol_html: everything a reader of the page *source* can see.
//!
//! Visible text goes to the `body` piece; text a browser hides
//! (`display:none`, `font-size:0`, `opacity:0`, `hidden`, classes a
//! `<style>` block hides, `<template>`, `<noscript>`, `<script>`) goes to
//! `html:hidden`; comments, attribute values and `<meta>` content get
//! pieces of their own, and so do the strings in CSS (`content:` is
//! rendered). Block elements and `<br>` become line breaks and table cells
//! tabs, so a label and its value stay apart, while text split across
//! inline tags (`机<span>密</span>`) joins up. `<bdo dir=rtl>` is marked
//! with U+202E…U+202C, as the browser displays it reversed.
//!
//! Files inside the page — `data:` URIs in any attribute or in CSS
//! `url()`, an `<iframe srcdoc>` — are handed over as embedded files and
//! extracted in their own right.
//!
//! lol_html delivers raw text chunks (entities not decoded, a node possibly
//! split in several chunks); chunks are collected per text node and decoded
//! once the node is complete, so an entity split across chunks still decodes.
//! Numeric references without their semicolon (`&#51&#55`) decode as a
//! browser decodes them.

use std::cell::RefCell;
use std::rc::Rc;

use std::borrow::Cow;

use lol_html::html_content::{TextChunk, TextType};
use lol_html::{
    ElementContentHandlers, HtmlRewriter, MemorySettings, Selector, Settings, doc_comments,
    doc_text, element, end_tag,
};

use super::Limits;
use crate::model::{Document, Format, PartKind};

/// Elements a browser lays out as blocks: a line break before and after.
/// (A `match`, not a list search: this runs for every element.)
fn is_block(tag: &str) -> bool {
    matches!(
        tag,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "body"
            | "br"
            | "caption"
            | "dd"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hr"
            | "li"
            | "main"
            | "nav"
            | "ol"
            | "option"
            | "p"
            | "pre"
            | "section"
            | "table"
            | "tbody"
            | "tfoot"
            | "thead"
            | "title"
            | "tr"
            | "ul"
    )
}

/// Inline styles that hide an element's text from the reader: the page
/// shows something else than its text says. Substring selectors, so a
/// variant is listed for each common spelling.
const HIDDEN_SELECTOR: &str = "template, noscript, script, [hidden], \
    [style*='display:none' i], [style*='display: none' i], \
    [style*='visibility:hidden' i], [style*='visibility: hidden' i], \
    [style*='font-size:0;' i], [style*='font-size: 0;' i], [style$='font-size:0' i], \
    [style$='font-size: 0' i], [style*='font-size:0px' i], [style*='font-size: 0px' i], \
    [style*='font-size:0pt' i], [style*='font-size:0em' i], [style*='font-size:0 ' i], \
    [style*='opacity:0;' i], [style*='opacity: 0;' i], [style$='opacity:0' i], \
    [style$='opacity: 0' i], \
    [style*='-9999' i], [style*='width:0' i][style*='overflow' i], \
    [style*='height:0' i][style*='overflow' i], [style*='clip:rect(0' i]";

/// A CSS declaration block that hides what it styles (compared without
/// whitespace, lowercase). Properties are compared whole: a
/// `background-color: transparent` cell (every Word export has them)
/// hides nothing, `color: transparent` text is invisible.
fn hides(declarations: &str) -> bool {
    let d: String = declarations
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    let zero = |value: &str| {
        value.starts_with('0') && !value[1..].starts_with(|c: char| c.is_ascii_digit() || c == '.')
    };
    d.contains("-9999")
        || d.split(';').any(|declaration| {
            let Some((property, value)) = declaration.split_once(':') else {
                return false;
            };
            match property {
                "display" => value.starts_with("none"),
                "visibility" => value.starts_with("hidden"),
                "color" => value.starts_with("transparent"),
                "font-size" | "opacity" => zero(value),
                _ => false,
            }
        })
}

#[derive(Default)]
struct State {
    body: String,
    hidden: String,
    title: String,
    comments: Vec<String>,
    attributes: String,
    css: String,
    meta: Vec<(String, String)>,
    /// Files found in the page: (part, hint, bytes).
    embedded: Vec<(String, String, Vec<u8>)>,
    /// Raw chunks of the current text node.
    pending: String,
    pending_type: Option<TextType>,
    /// Set by the hidden-selector text handler for the chunk being delivered.
    chunk_hidden: bool,
    pending_hidden: bool,
    in_title: u32,
    in_style: u32,
    /// Inside `<pre>`, `<textarea>` and kin: whitespace is kept as written.
    in_pre: u32,
    /// Where the open table cell's text starts in `body` (from `<td>`/`<th>`
    /// to the next cell, or the row's or table's boundary).
    cell_start: Option<usize>,
}

impl State {
    fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let raw = std::mem::take(&mut self.pending);
        let decoded = match self.pending_type {
            Some(TextType::Data) | Some(TextType::RCData) | None => decode_entities(&raw),
            _ => std::borrow::Cow::Borrowed(raw.as_str()),
        };
        if self.in_style > 0 {
            // CSS strings are rendered (`content:`) or carry files (`url(data:…)`).
            read_css(&decoded, &mut self.css, &mut self.embedded);
        } else if self.in_title > 0 {
            push_text(&mut self.title, &decoded);
        } else if self.pending_hidden {
            push_text(&mut self.hidden, &decoded);
            self.hidden.push('\n');
        } else if self.in_pre > 0 {
            push_text(&mut self.body, &decoded);
        } else {
            push_collapsed(&mut self.body, &decoded);
        }
        // Keep the buffer's capacity for the next text node.
        drop(decoded);
        self.pending = raw;
        self.pending.clear();
        self.pending_type = None;
        self.pending_hidden = false;
    }

    fn newline(&mut self) {
        self.flush();
        if self.body.ends_with('\t') {
            self.body.pop();
        }
        if !self.body.is_empty() && !self.body.ends_with('\n') {
            self.body.push('\n');
        }
    }

    /// A block boundary: a new line; at a row's or table's boundary the
    /// open cell is closed first.
    fn block_break(&mut self, tag: &str) {
        if matches!(
            tag,
            "tr" | "table" | "tbody" | "thead" | "tfoot" | "caption"
        ) {
            let row_open = self.cell_start.is_some();
            self.close_cell();
            // A row's trailing empty cells keep their tabs: its columns
            // line up with the header's.
            if row_open && self.body.ends_with('\t') {
                self.body.push('\n');
                return;
            }
        } else {
            self.flush();
            // A paragraph opening a cell does not end the row.
            if self.cell_start == Some(self.body.len()) {
                return;
            }
        }
        self.newline();
    }

    /// Ends the open cell. A short cell's paragraphs and `<br>`s are one
    /// line, so its row stays one line with its cells split by tabs
    /// (`<td><p>项 目 编 号</p></td><td><p>NH2021…</p></td>`); a long cell
    /// is a layout cell holding a whole notice, whose lines stay lines.
    fn close_cell(&mut self) {
        self.flush();
        let Some(start) = self.cell_start.take() else {
            return;
        };
        let cell = &self.body[start.min(self.body.len())..];
        if cell.contains('\n') && cell.chars().count() <= SHORT_CELL_CHARS {
            let joined = cell.trim_end_matches('\n').replace('\n', " ");
            self.body.truncate(start);
            self.body.push_str(&joined);
        }
    }

    fn cell_break(&mut self) {
        self.close_cell();
        self.flush();
        // Every cell after a row's first gets its tab, an empty one too:
        // the columns of a row must line up with its header's.
        if !self.body.is_empty() && !self.body.ends_with('\n') {
            self.body.push('\t');
        }
        self.cell_start = Some(self.body.len());
    }
}

/// Cells up to this many characters are one line however many paragraphs
/// they hold; longer ones are layout cells.
const SHORT_CELL_CHARS: usize = 120;

/// Appends text with no-break spaces made plain (one pass, no copy).
fn push_text(to: &mut String, text: &str) {
    if text.contains('\u{a0}') {
        to.extend(text.chars().map(|c| if c == '\u{a0}' { ' ' } else { c }));
    } else {
        to.push_str(text);
    }
}

/// Whether an inline style lays the element out as a block (`display:
/// block`, `flex`, `grid`, `list-item`, `table`), as browsers do.
fn displays_as_block(style: &str) -> bool {
    let style = style.to_ascii_lowercase();
    style.split(';').any(|decl| {
        let Some((prop, value)) = decl.split_once(':') else {
            return false;
        };
        prop.trim() == "display"
            && matches!(
                value.trim().trim_end_matches("!important").trim(),
                "block" | "flex" | "grid" | "list-item" | "table" | "flow-root"
            )
    })
}

/// Appends a text node with the source's indentation taken out: the
/// whitespace around a node (`<td>\n      项 目 编 号\n   </td>`) is the
/// page's pretty-printing, as a browser treats it — one space, none at
/// the start of a line or cell — so a cell written over five source lines
/// stays one cell. A line break inside the text itself is kept as a line
/// break when the next line starts at the margin: pages and editors write
/// their sections that way (`…18000元\n七、公告期限`); an indented next
/// line is the source wrapping one line, joined with a space.
fn push_collapsed(to: &mut String, text: &str) {
    let is_space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{c}');
    let core = text.trim_matches(is_space);
    let at_line_start = |to: &String| to.is_empty() || to.ends_with(['\n', '\t', ' ']);
    if core.is_empty() {
        if !text.is_empty() && !at_line_start(to) {
            to.push(' ');
        }
        return;
    }
    if core.len() < text.len() && text.starts_with(is_space) && !at_line_start(to) {
        to.push(' ');
    }
    let mut lines = core.split('\n');
    if let Some(first) = lines.next() {
        push_text(to, first.trim_end_matches(is_space));
    }
    for raw in lines {
        let line = raw.trim_matches(is_space);
        if line.is_empty() {
            continue;
        }
        // An indented continuation is the source wrapping a long line
        // (`联系电话:0570-\n        7024402`): a space, as a browser shows it.
        if raw.starts_with([' ', '\t']) {
            if !at_line_start(to) {
                to.push(' ');
            }
        } else {
            to.push('\n');
        }
        push_text(to, line);
    }
    if text.ends_with(is_space) {
        to.push(' ');
    }
}

/// Extracts an HTML document or fragment.
pub fn extract(bytes: &[u8], limits: &Limits) -> Document {
    let declared = declared_charset(bytes);
    let decoded = super::text::decode(bytes, declared);
    let mut doc = Document::new(Format::Html);
    if super::text::mostly_garbage(&decoded) {
        doc.unreadable("body", "HTML 编码无法识别 / undecodable HTML");
        return doc;
    }
    let state = Rc::new(RefCell::new(State::default()));
    let result = rewrite(&decoded.text, &state, limits);
    let mut st = state.borrow_mut();
    st.flush();
    if let Err(reason) = result {
        doc.unreadable(
            "body",
            format!("HTML 解析失败：{reason} / HTML could not be parsed"),
        );
    }
    let title = std::mem::take(&mut st.title);
    doc.push("html:title", PartKind::Title, title);
    doc.push("body", PartKind::Content, std::mem::take(&mut st.body));
    doc.push(
        "html:hidden",
        PartKind::Hidden,
        std::mem::take(&mut st.hidden),
    );
    for c in std::mem::take(&mut st.comments) {
        doc.push("html:comment", PartKind::Comment, c);
    }
    let attrs = std::mem::take(&mut st.attributes);
    doc.push("html:attributes", PartKind::Attribute, attrs);
    let css = std::mem::take(&mut st.css);
    doc.push("html:css", PartKind::Attribute, css);
    for (name, content) in std::mem::take(&mut st.meta) {
        doc.push(format!("html:meta[{name}]"), PartKind::Metadata, content);
    }
    for (part, hint, bytes) in std::mem::take(&mut st.embedded) {
        doc.embed(part, hint, bytes);
    }
    doc
}

fn rewrite(html: &str, state: &Rc<RefCell<State>>, limits: &Limits) -> Result<(), String> {
    let s_el = Rc::clone(state);
    let s_text = Rc::clone(state);
    let s_comment = Rc::clone(state);
    let mut element_handlers = vec![element!("*", move |el| {
        // `tag_name` is already lowercase.
        let tag = el.tag_name();
        // `<span style="display:block">` is laid out as a paragraph.
        let block = is_block(&tag)
            || el
                .get_attribute("style")
                .is_some_and(|style| displays_as_block(&style));
        let mut st = s_el.borrow_mut();
        st.flush();
        if tag == "td" || tag == "th" {
            st.cell_break();
        } else if block {
            st.block_break(&tag);
        }
        let mut rtl = false;
        // One pass over the attributes (most elements have none).
        let attributes = el.attributes();
        if !attributes.is_empty() {
            let mut meta_name = None;
            let mut meta_content = None;
            for attr in attributes {
                let name = attr.name();
                let value = attr.value();
                read_attribute(&tag, &name, &value, &mut st);
                if (tag == "bdo" && name == "dir" && value.eq_ignore_ascii_case("rtl"))
                    || (name == "style" && value.to_ascii_lowercase().contains("bidi-override"))
                {
                    rtl = true;
                }
                if tag == "meta" {
                    match name.as_str() {
                        "content" => meta_content = Some(value),
                        "name" => meta_name = Some(value),
                        "property" | "http-equiv" if meta_name.is_none() => meta_name = Some(value),
                        _ => {}
                    }
                }
            }
            if let Some(content) = meta_content {
                st.meta
                    .push((meta_name.unwrap_or_else(|| "content".into()), content));
            }
        }
        // Reversed display: the digit view reads the run backwards too.
        rtl = rtl && el.can_have_content();
        if rtl {
            st.body.push('\u{202E}');
        }
        let is_title = tag == "title";
        let is_style = tag == "style";
        let is_pre = matches!(
            tag.as_str(),
            "pre" | "textarea" | "listing" | "xmp" | "plaintext"
        );
        if is_title {
            st.in_title += 1;
        }
        if is_style {
            st.in_style += 1;
        }
        if is_pre {
            st.in_pre += 1;
        }
        drop(st);
        // A cell needs no end handler: the next cell's start or the
        // row's end already separates it (one closure fewer per cell,
        // which is most elements of a table-heavy notice).
        if (block || is_title || is_style || is_pre || rtl) && el.can_have_content() {
            let s_end = Rc::clone(&s_el);
            let tag_end = tag.clone();
            el.on_end_tag(end_tag!(move |_end| {
                let mut st = s_end.borrow_mut();
                st.flush();
                if is_title {
                    st.in_title = st.in_title.saturating_sub(1);
                }
                if is_style {
                    st.in_style = st.in_style.saturating_sub(1);
                }
                if is_pre {
                    st.in_pre = st.in_pre.saturating_sub(1);
                }
                if rtl {
                    st.body.push('\u{202C}');
                }
                if block {
                    st.block_break(&tag_end);
                }
                Ok(())
            }))?;
        }
        Ok(())
    })];
    // The hidden-content selectors cost a selector match on every element;
    // a page with none of their words anywhere cannot match them.
    if may_hide(html) {
        for selector in hidden_selectors(html) {
            let s_hidden = Rc::clone(state);
            let handler = ElementContentHandlers::default().text(move |_t: &mut TextChunk<'_>| {
                s_hidden.borrow_mut().chunk_hidden = true;
                Ok(())
            });
            element_handlers.push((Cow::Owned(selector), handler));
        }
    }
    let mut settings = Settings::new()
        .append_document_content_handler(doc_text!(move |t| {
            let mut st = s_text.borrow_mut();
            let hidden = std::mem::take(&mut st.chunk_hidden);
            if !st.pending.is_empty()
                && (st.pending_hidden != hidden || st.pending_type != Some(t.text_type()))
            {
                st.flush();
            }
            st.pending_hidden = hidden;
            st.pending_type = Some(t.text_type());
            st.pending.push_str(t.as_str());
            if t.last_in_text_node() {
                st.flush();
            }
            Ok(())
        }))
        .append_document_content_handler(doc_comments!(move |c| {
            let mut st = s_comment.borrow_mut();
            st.flush();
            let text = strip_markup(&c.text());
            let text = decode_entities(&text).into_owned();
            if !text.trim().is_empty() {
                st.comments.push(text);
            }
            Ok(())
        }))
        .with_memory_settings(
            MemorySettings::new().with_max_allowed_memory_usage(limits.max_html_memory_bytes),
        );
    for handler in element_handlers {
        settings = settings.append_element_content_handler(handler);
    }
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    rewriter.write(html.as_bytes()).map_err(|e| e.to_string())?;
    rewriter.end().map_err(|e| e.to_string())
}

/// Reads one attribute: `data:` URIs and `srcdoc` are files; `style`
/// holds CSS; every other value is kept when it can carry text (a URL's
/// query string is percent-decoded).
fn read_attribute(tag: &str, name: &str, raw: &str, st: &mut State) {
    // lol_html hands attribute values over as written in the source.
    let value = decode_entities(raw);
    let value = value.as_ref();
    let trimmed = value.trim_start();
    if name == "srcdoc" {
        let part = format!("<{tag} srcdoc>");
        st.embedded
            .push((part, "srcdoc.html".into(), value.as_bytes().to_vec()));
    } else if is_data_url(trimmed) {
        embed_data_url(&format!("<{tag} {name}>"), trimmed, &mut st.embedded);
    } else if name == "style" {
        read_css(value, &mut st.css, &mut st.embedded);
    } else if tag != "meta" || name != "content" {
        super::xml::push_attribute(&mut st.attributes, value);
    }
}

/// Whether a value is a `data:` URI.
fn is_data_url(value: &str) -> bool {
    value.len() > 5 && value.as_bytes()[..5].eq_ignore_ascii_case(b"data:")
}

/// Decodes a `data:` URI and hands it over as an embedded file; one that
/// cannot be decoded is handed over as its raw text (and then read or
/// reported as such).
fn embed_data_url(part: &str, url: &str, out: &mut Vec<(String, String, Vec<u8>)>) {
    let decoded = data_url::DataUrl::process(url).ok().and_then(|d| {
        let mime = d.mime_type().clone();
        d.decode_to_vec().ok().map(|(bytes, _)| (mime, bytes))
    });
    match decoded {
        Some((mime, bytes)) => {
            let ext = match (mime.type_.as_str(), mime.subtype.as_str()) {
                ("text", "html") => "html",
                ("text", "plain") => "txt",
                ("application", "pdf") => "pdf",
                ("application", "json") => "json",
                ("image", sub) => sub,
                _ => "bin",
            };
            out.push((part.to_string(), format!("data.{ext}"), bytes));
        }
        None => out.push((part.to_string(), "data.txt".into(), url.as_bytes().to_vec())),
    }
}

/// The quoted strings of a style sheet or `style` attribute (what
/// `content:` renders; font names come along, harmlessly), CSS escapes
/// decoded, and its `url(data:…)` files.
fn read_css(css: &str, strings: &mut String, embedded: &mut Vec<(String, String, Vec<u8>)>) {
    let bytes = css.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'"' || b == b'\'' {
            let start = i + 1;
            let mut j = start;
            while j < bytes.len() && bytes[j] != b {
                j += if bytes[j] == b'\\' { 2 } else { 1 };
            }
            let end = j.min(bytes.len());
            let raw = css.get(start..end).unwrap_or("");
            let value = decode_css_escapes(raw);
            if is_data_url(value.trim_start()) {
                embed_data_url("css url()", value.trim(), embedded);
            } else if value.contains('%') {
                super::xml::push_attribute(strings, &value);
            } else if !value.trim().is_empty() {
                strings.push_str(&value);
                strings.push('\n');
            }
            i = end + 1;
        } else if b == b'/' && bytes.get(i + 1) == Some(&b'*') {
            // A comment: in the published source.
            let end = css[i + 2..].find("*/").map_or(css.len(), |e| i + 2 + e);
            strings.push_str(&css[i + 2..end]);
            strings.push('\n');
            i = end + 2;
        } else if bytes[i..].len() > 4 && bytes[i..i + 4].eq_ignore_ascii_case(b"url(") {
            // Unquoted `url(…)`: a file, or a link whose query is text.
            let rest = &css[i + 4..];
            let inner = rest.trim_start();
            let end = inner.find(')').unwrap_or(inner.len());
            let url = inner[..end].trim();
            if is_data_url(url) {
                embed_data_url("css url()", url, embedded);
            } else {
                super::xml::push_attribute(strings, url);
            }
            i += 4;
        } else {
            i += 1;
        }
    }
}

/// CSS escapes: `\` + up to six hex digits (+ one optional space) is a code
/// point; `\` + any other character is that character.
fn decode_css_escapes(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let mut hex = String::new();
        while hex.len() < 6 && chars.peek().is_some_and(char::is_ascii_hexdigit) {
            hex.extend(chars.next());
        }
        if hex.is_empty() {
            match chars.next() {
                Some('\n') | None => {}
                Some(other) => out.push(other),
            }
            continue;
        }
        if chars.peek() == Some(&' ') {
            chars.next();
        }
        let cp = u32::from_str_radix(&hex, 16).unwrap_or(0xFFFD);
        out.push(
            char::from_u32(cp)
                .filter(|c| *c != '\0')
                .unwrap_or('\u{FFFD}'),
        );
    }
    out
}

/// Character references as a browser decodes them: numeric ones with or
/// without their semicolon (`&#51&#55`), named ones with it.
fn decode_entities(raw: &str) -> Cow<'_, str> {
    if !raw.contains("&#") {
        return html_escape::decode_html_entities(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(at) = rest.find('&') {
        out.push_str(&html_escape::decode_html_entities(&rest[..at]));
        let tail = &rest[at..];
        if let Some(num) = tail.strip_prefix("&#") {
            let (hex, digits_from) = match num.as_bytes().first() {
                Some(b'x' | b'X') => (true, 1),
                _ => (false, 0),
            };
            let digits: String = num[digits_from..]
                .chars()
                .take_while(|c| {
                    if hex {
                        c.is_ascii_hexdigit()
                    } else {
                        c.is_ascii_digit()
                    }
                })
                .take(8)
                .collect();
            if !digits.is_empty() {
                let cp = u32::from_str_radix(&digits, if hex { 16 } else { 10 }).unwrap_or(0xFFFD);
                out.push(
                    char::from_u32(cp)
                        .filter(|c| *c != '\0')
                        .unwrap_or('\u{FFFD}'),
                );
                let mut used = 2 + digits_from + digits.len();
                if tail[used..].starts_with(';') {
                    used += 1;
                }
                rest = &tail[used..];
                continue;
            }
        }
        // A named reference (up to its semicolon) or a lone `&`.
        match tail[1..].find(';').filter(|n| *n <= 32) {
            Some(n) => {
                out.push_str(&html_escape::decode_html_entities(&tail[..n + 2]));
                rest = &tail[n + 2..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(&html_escape::decode_html_entities(rest));
    Cow::Owned(out)
}

/// The rules of a style sheet that apply on every screen: `selectors {
/// declarations }` at the top level. A rule inside an at-rule block
/// (`@media screen and (max-width:768px) { .pc{display:none} }`) hides on
/// some screens only — a phone's view of a page that shows the notice on
/// a desktop — so what it hides is published all the same.
fn top_level_rules(css: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    // Where the current top-level rule's prelude starts, and whether it
    // is an at-rule's.
    let mut prelude = 0;
    let mut open = 0;
    for (at, c) in css.char_indices() {
        match c {
            '{' => {
                if depth == 0 {
                    open = at;
                }
                depth += 1;
            }
            '}' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    let selectors = &css[prelude..open];
                    if !selectors.trim_start().starts_with('@') {
                        out.push((selectors, &css[open + 1..at]));
                    }
                    prelude = at + 1;
                }
            }
            _ => {}
        }
    }
    out
}

/// A selector of a hiding rule as lol_html can match it: the selector as
/// written (`.topbar_box p`), its pseudo-classes left off (wider); else —
/// a combinator lol_html does not read (`+`, `~`) — its last compound, when
/// that names a class, id or attribute (`.a + .x` → `.x`). A bare element
/// (`p` of `.topbar_box + p`) would hide every paragraph of the page.
fn hiding_selector(sel: &str) -> Option<Selector> {
    let sel = sel.trim();
    let without_pseudo =
        |compound: &str| -> String { compound.split(':').next().unwrap_or("").to_string() };
    let whole: Vec<String> = sel.split_whitespace().map(without_pseudo).collect();
    if let Ok(parsed) = whole.join(" ").parse::<Selector>() {
        return Some(parsed);
    }
    let last = sel.split_whitespace().last().unwrap_or("");
    let last = without_pseudo(last.rsplit(['>', '+', '~']).next().unwrap_or(""));
    if !last.contains(['.', '#', '[']) {
        return None;
    }
    last.parse::<Selector>().ok()
}

/// The selectors of hidden content: the inline-style ones, and the classes
/// and ids the page's own `<style>` blocks hide (a junk digit in a
/// `<span class=x>` with `.x{display:none}`). Each is parsed on its own:
/// a selector lol_html cannot read is left out, not fatal.
fn hidden_selectors(html: &str) -> Vec<Selector> {
    let mut out: Vec<Selector> = HIDDEN_SELECTOR
        .split(", ")
        .filter_map(|s| s.trim().parse::<Selector>().ok())
        .collect();
    let lower = html.to_ascii_lowercase();
    // Inline declarations that hide, spelled some other way than the list
    // has (`display : none !important`): a selector for each, as written.
    let mut at = 0;
    while let Some(found) = lower[at..].find("style=") {
        let start = at + found + "style=".len();
        at = start;
        let quote = match html.as_bytes().get(start) {
            Some(b'"') => '"',
            Some(b'\'') => '\'',
            _ => continue,
        };
        let Some(len) = html[start + 1..].find(quote) else {
            break;
        };
        let style = &html[start + 1..start + 1 + len];
        let mut offset = 0;
        for raw in style.split(';') {
            let at = offset;
            offset += raw.len() + 1;
            let declaration = raw.trim();
            if declaration.is_empty()
                || declaration.contains(['\'', '"', '\\'])
                || !hides(declaration)
            {
                continue;
            }
            // Anchored to the start of the attribute or to the `;` before
            // it, as written, so that `color: transparent` does not also
            // select `background-color: transparent`.
            let end = at + (raw.len() - raw.trim_start().len()) + declaration.len();
            let selector = if at == 0 {
                format!("[style^='{}' i]", &style[..end])
            } else {
                format!("[style*='{}' i]", &style[at - 1..end])
            };
            if let Ok(sel) = selector.parse::<Selector>() {
                out.push(sel);
            }
        }
    }
    let mut from = 0;
    while let Some(open) = lower[from..].find("<style") {
        let start = from + open;
        let Some(body_at) = lower[start..].find('>') else {
            break;
        };
        let body_start = start + body_at + 1;
        let end = lower[body_start..]
            .find("</style")
            .map_or(html.len(), |e| body_start + e);
        for (selectors, declarations) in top_level_rules(&html[body_start..end]) {
            if !hides(declarations) {
                continue;
            }
            for sel in selectors.split(',') {
                if let Some(parsed) = hiding_selector(sel) {
                    out.push(parsed);
                }
            }
        }
        from = end;
    }
    out
}

/// Whether `html` contains any word the hidden selectors need
/// (case-insensitive): `hidden` (attribute or `visibility:hidden`),
/// `display`, `template`, `noscript`, `script`, the other hiding
/// properties, or a `<style>` block. A cheap, sound pre-check: when none
/// occurs, no element can match.
fn may_hide(html: &str) -> bool {
    static WORDS: std::sync::LazyLock<Option<aho_corasick::AhoCorasick>> =
        std::sync::LazyLock::new(|| {
            aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build([
                    "hidden",
                    "display",
                    "template",
                    "script",
                    "font-size",
                    "opacity",
                    "transparent",
                    "-9999",
                    "width:0",
                    "height:0",
                    "clip",
                    "<style",
                ])
                .ok()
        });
    // `noscript` contains `script`. Without the automaton, assume it may.
    WORDS.as_ref().is_none_or(|w| w.is_match(html))
}

/// The charset a page declares in its first 1 KiB (`<meta charset=gbk>` or
/// `content="text/html; charset=gb2312"`), used when the bytes are not UTF-8.
fn declared_charset(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(1024)];
    let lower: String = head
        .iter()
        .map(|b| (b.to_ascii_lowercase()) as char)
        .collect();
    let at = lower.find("charset=")? + "charset=".len();
    let label: String = lower[at..]
        .chars()
        .skip_while(|c| *c == '"' || *c == '\'' || *c == ' ')
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    encoding_rs::Encoding::for_label(label.as_bytes())
}

/// The text of commented-out markup: block tags become line breaks, other
/// tags vanish. A comment is often a piece of the page switched off
/// (`<!-- <p>联系人身份证：<span>3701</span>…</p> -->`), or an unclosed `<!--`
/// that swallows the rest of the file; either way it is published in the
/// source, and a number split by tags inside it must read as one.
fn strip_markup(comment: &str) -> String {
    if !comment.contains('<') {
        return comment.to_string();
    }
    let mut out = String::with_capacity(comment.len());
    let mut rest = comment;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('>').filter(|c| *c <= 512) else {
            out.push('<');
            rest = after;
            continue;
        };
        let name: String = after[..close]
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        if BLOCK_TAGS.contains(&name.as_str()) {
            out.push('\n');
        } else if name.is_empty() && !after.starts_with('/') && !after.starts_with('!') {
            // `a < b >`: not a tag.
            out.push('<');
            rest = after;
            continue;
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// Tags that end a line when markup inside a comment is read as text.
const BLOCK_TAGS: &[&str] = &[
    "p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "td",
    "th", "section", "article", "body", "html", "head", "title",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(html: &str) -> Document {
        extract(html.as_bytes(), &Limits::default())
    }

    fn piece<'a>(doc: &'a Document, part: &str) -> &'a str {
        doc.pieces
            .iter()
            .find(|p| p.part == part)
            .map(|p| p.text.as_str())
            .unwrap_or("")
    }

    #[test]
    fn split_text_joins_and_blocks_break() {
        let doc = parts(
            "<p>机<span>密</span>文件</p><p>项目编号：<b>ZB&#45;01</b></p>项目名称<br>办公&amp;设备",
        );
        let body = piece(&doc, "body");
        assert!(body.contains("机密文件\n"), "{body:?}");
        assert!(body.contains("项目编号：ZB-01\n"), "{body:?}");
        assert!(body.contains("项目名称\n办公&设备"), "{body:?}");
    }

    #[test]
    fn a_row_is_one_line_however_its_source_is_indented() {
        // Cells written over several source lines, each holding a
        // paragraph; an empty trailing cell keeps its column.
        let doc = parts(
            "<table><tr>\n  <td>\n    <p><span>项 目 编 号</span></p>\n  </td>\n               <td><p>&nbsp;NH20210622002</p></td><td></td>\n</tr>\n<tr><td>a</td><td>b</td></tr></table>",
        );
        let body = piece(&doc, "body");
        assert!(body.contains("项 目 编 号\t NH20210622002\t\n"), "{body:?}");
        assert!(body.contains("a\tb"), "{body:?}");
        // A long layout cell keeps its lines.
        let long = "很长的一段文字".repeat(20);
        let doc = parts(&format!(
            "<table><tr><td><p>一、{long}</p><p>二、{long}</p></td></tr></table>"
        ));
        assert!(piece(&doc, "body").contains(&format!("{long}\n二、")));
    }

    #[test]
    fn display_block_spans_are_lines_and_written_line_breaks_stay() {
        let doc = parts(
            "<span style=\"display: block\">八、代理服务收费标准及金额</span>\
             <span style=\"DISPLAY:block;\">本项目不收取代理服务费</span>\
             <div>六、代理服务费:18000元\n七、公告期限</div>",
        );
        let body = piece(&doc, "body");
        assert!(body.contains("金额\n本项目"), "{body:?}");
        assert!(body.contains("18000元\n七、公告期限"), "{body:?}");
        let doc = parts("<p>联系电话:0570-\n        7024402</p>");
        assert!(piece(&doc, "body").contains("0570- 7024402"));
    }

    #[test]
    fn markup_inside_comments_reads_as_text() {
        assert_eq!(
            strip_markup("<p>联系人：<span>3701</span><b>02</b></p>a < b"),
            "\n联系人：370102\na < b"
        );
        // An unclosed comment swallows the rest of the file, tags and all.
        let doc = extract(
            "<p>公告<!--内部\n身份证：<span>3701021</span><b>98001011237</b></p></body></html>"
                .as_bytes(),
            &Limits::default(),
        );
        assert!(
            piece(&doc, "html:comment").contains("身份证：370102198001011237"),
            "{:?}",
            doc.pieces
        );
    }

    #[test]
    fn hidden_comments_attributes_meta() {
        let doc = parts(
            "<html><head><title>招标公告</title><meta name=\"author\" content=\"李四\"></head><body>\
             <div style=\"display:none\">身份证 110105194912310021</div>\
             <!-- 内部资料 -->\
             <img alt=\"专家名单\"><template>模板文字</template><p>正文</p></body></html>",
        );
        assert_eq!(piece(&doc, "html:title"), "招标公告");
        assert!(piece(&doc, "html:hidden").contains("110105194912310021"));
        assert!(piece(&doc, "html:hidden").contains("模板文字"));
        assert!(
            !piece(&doc, "body").contains("110105"),
            "{:?}",
            piece(&doc, "body")
        );
        assert!(piece(&doc, "body").contains("正文"));
        assert_eq!(piece(&doc, "html:comment").trim(), "内部资料");
        assert_eq!(piece(&doc, "html:attributes").trim(), "专家名单");
        assert_eq!(piece(&doc, "html:meta[author]"), "李四");
    }

    #[test]
    fn table_cells_are_separated() {
        let doc = parts(
            "<table><tr><td>项目编号</td><td>ZB-01</td></tr><tr><td>预算</td><td>100</td></tr></table>",
        );
        assert_eq!(piece(&doc, "body").trim(), "项目编号\tZB-01\n预算\t100");
    }

    #[test]
    fn gbk_page_with_meta_charset() {
        let html = "<html><head><meta charset=\"gbk\"></head><body><p>采购公告</p></body></html>";
        let (bytes, _, _) = encoding_rs::GBK.encode(html);
        let doc = extract(&bytes, &Limits::default());
        assert!(piece(&doc, "body").contains("采购公告"));
    }

    #[test]
    fn every_attribute_that_can_carry_text() {
        let doc = parts(
            "<p data-id=\"370102198001011237\" class=\"a\">正文</p>\
             <a href=\"/x?id=%33%37%30%31%30%32%31%39\">链接</a><input type=hidden value=\"张三\">\
             <img src=\"logo.png\" width=\"120\">",
        );
        let attrs = piece(&doc, "html:attributes");
        assert!(attrs.contains("370102198001011237"), "{attrs:?}");
        assert!(attrs.contains("id=37010219"), "{attrs:?}");
        assert!(attrs.contains("张三"));
        assert!(
            !attrs.contains("logo.png"),
            "plain ASCII names are not text"
        );
    }

    #[test]
    fn data_uris_and_srcdoc_are_files() {
        let doc = parts(
            "<iframe srcdoc=\"&lt;p&gt;机密&lt;/p&gt;\"></iframe>\
             <object data=\"data:text/html;base64,PHA+MzcwMTAyPC9wPg==\"></object>\
             <div style=\"background:url(data:text/plain,%E8%BA%AB%E4%BB%BD)\"></div>",
        );
        let hints: Vec<&str> = doc.embedded.iter().map(|e| e.hint.as_str()).collect();
        assert_eq!(
            hints,
            ["srcdoc.html", "data.html", "data.txt"],
            "{:?}",
            doc.embedded
        );
        assert_eq!(doc.embedded[0].bytes, "<p>机密</p>".as_bytes());
        assert_eq!(doc.embedded[1].bytes, b"<p>370102</p>");
        assert_eq!(doc.embedded[2].bytes, "身份".as_bytes());
    }

    #[test]
    fn css_strings_and_references_without_semicolons() {
        let doc = parts(
            "<style>.n::after{content:\"\\8EAB \\4EFD 370102\"}</style><p>&#51&#55&#x30;1&amp;</p>",
        );
        assert!(
            piece(&doc, "html:css").contains("身份370102"),
            "{:?}",
            doc.pieces
        );
        assert!(
            piece(&doc, "body").contains("3701&"),
            "{:?}",
            piece(&doc, "body")
        );
    }

    #[test]
    fn junk_hidden_by_a_class_or_zero_size_leaves_the_body() {
        let doc = parts(
            "<style>.z { display : none }\n p .w{font-size:0}</style>\
             <p>3701<span class=\"z\">9</span>02<span style=\"font-size:0px\">8</span>19800101<span class=\"w\">5</span>1237</p>\
             <p style=\"font-size:0.8em\">小字正文</p>",
        );
        let body = piece(&doc, "body");
        assert!(body.contains("370102198001011237"), "{body:?}");
        assert!(body.contains("小字正文"), "small is not hidden: {body:?}");
        assert_eq!(
            piece(&doc, "html:hidden")
                .split_whitespace()
                .collect::<String>(),
            "985"
        );
    }

    #[test]
    fn a_phone_layout_and_a_descendant_rule_hide_only_what_they_say() {
        // A portal's style sheet: the notice is shown on a desktop; its
        // rules for narrow screens hide the desktop parts, and a rule for
        // the top bar's paragraphs hides those alone.
        let doc = parts(
            "<style>.wap{display:none}\n@media screen and (max-width:768px){.pc{display:none;}\n.topbar_box p{display:none;}}\n             .topbar_box p{display:none}</style>             <div class=\"topbar_box\"><p>今天是星期四</p></div>             <div class=\"pc\"><p>项目编号：JLSZC20250080601</p><p>预算金额：855645.95元</p></div>             <div class=\"wap\">手机版</div>",
        );
        let body = piece(&doc, "body");
        assert!(body.contains("项目编号：JLSZC20250080601"), "{body:?}");
        assert!(body.contains("预算金额：855645.95元"), "{body:?}");
        let hidden = piece(&doc, "html:hidden");
        assert!(hidden.contains("今天是星期四"), "{hidden:?}");
        assert!(hidden.contains("手机版"), "{hidden:?}");
        assert!(
            !body.contains("今天是星期四") && !body.contains("手机版"),
            "{body:?}"
        );
    }

    #[test]
    fn transparent_text_is_hidden_a_transparent_background_is_not() {
        let doc = parts(
            "<table><tr><td style=\"BORDER-LEFT: windowtext 1px solid; BACKGROUND-COLOR: transparent\">中标供应商名称</td></tr></table>\
             <p>身份证号3701<span style=\"COLOR: transparent\">9</span><span style=\"font-weight:bold;color : transparent\">8</span>02</p>",
        );
        let body = piece(&doc, "body");
        assert!(body.contains("中标供应商名称"), "{body:?}");
        assert!(body.contains("370102"), "{body:?}");
        assert_eq!(
            piece(&doc, "html:hidden")
                .split_whitespace()
                .collect::<String>(),
            "98"
        );
    }

    #[test]
    fn bidi_override_is_marked() {
        let doc = parts("<p>证件<bdo dir=\"rtl\">7321</bdo>号</p>");
        assert!(
            piece(&doc, "body").contains("\u{202E}7321\u{202C}"),
            "{:?}",
            piece(&doc, "body")
        );
    }

    #[test]
    fn the_hidden_precheck_is_sound() {
        assert!(!may_hide(
            "<p>采购公告</p><table><tr><td>1</td></tr></table>"
        ));
        for page in [
            "<p hidden>x</p>",
            "<p style='DISPLAY:none'>x</p>",
            "<p style='visibility: hidden'>x</p>",
            "<template>x</template>",
            "<NOSCRIPT>x</NOSCRIPT>",
        ] {
            assert!(may_hide(page), "{page}");
            let doc = parts(page);
            assert_eq!(piece(&doc, "html:hidden").trim(), "x", "{page}");
        }
    }
}
