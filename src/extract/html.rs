//! HTML via lol_html: everything a reader of the page *source* can see.
//!
//! Visible text goes to the `body` piece; text a browser hides
//! (`display:none`, `hidden`, `<template>`, `<noscript>`, `<script>`) goes to
//! `html:hidden`; comments, `title`/`alt`-style attributes and `<meta>`
//! content get pieces of their own. Block elements and `<br>` become line
//! breaks and table cells tabs, so a label and its value stay apart, while
//! text split across inline tags (`机<span>密</span>`) joins up.
//!
//! lol_html delivers raw text chunks (entities not decoded, a node possibly
//! split in several chunks); chunks are collected per text node and decoded
//! once the node is complete, so an entity split across chunks still decodes.

use std::cell::RefCell;
use std::rc::Rc;

use lol_html::html_content::TextType;
use lol_html::{
    HtmlRewriter, MemorySettings, Settings, doc_comments, doc_text, element, end_tag, text,
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

/// Attributes whose values a reader of the source sees.
const TEXT_ATTRIBUTES: &[&str] = &[
    "title",
    "alt",
    "placeholder",
    "aria-label",
    "value",
    "summary",
    "label",
];

/// Text inside these is not rendered.
const HIDDEN_SELECTOR: &str = "template, noscript, script, [hidden], [style*='display:none' i], \
    [style*='display: none' i], [style*='visibility:hidden' i], [style*='visibility: hidden' i]";

#[derive(Default)]
struct State {
    body: String,
    hidden: String,
    title: String,
    comments: Vec<String>,
    attributes: Vec<String>,
    meta: Vec<(String, String)>,
    /// Raw chunks of the current text node.
    pending: String,
    pending_type: Option<TextType>,
    /// Set by the hidden-selector text handler for the chunk being delivered.
    chunk_hidden: bool,
    pending_hidden: bool,
    in_title: u32,
    in_style: u32,
}

impl State {
    fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let raw = std::mem::take(&mut self.pending);
        let decoded = match self.pending_type {
            Some(TextType::Data) | Some(TextType::RCData) | None => {
                html_escape::decode_html_entities(&raw)
            }
            _ => std::borrow::Cow::Borrowed(raw.as_str()),
        };
        if self.in_style > 0 {
            // CSS is not text anyone reads.
        } else if self.in_title > 0 {
            push_text(&mut self.title, &decoded);
        } else if self.pending_hidden {
            push_text(&mut self.hidden, &decoded);
            self.hidden.push('\n');
        } else {
            push_text(&mut self.body, &decoded);
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

    fn cell_break(&mut self) {
        self.flush();
        if !self.body.is_empty() && !self.body.ends_with(['\n', '\t']) {
            self.body.push('\t');
        }
    }
}

/// Appends text with no-break spaces made plain (one pass, no copy).
fn push_text(to: &mut String, text: &str) {
    if text.contains('\u{a0}') {
        to.extend(text.chars().map(|c| if c == '\u{a0}' { ' ' } else { c }));
    } else {
        to.push_str(text);
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
    let attrs = std::mem::take(&mut st.attributes).join("\n");
    doc.push("html:attributes", PartKind::Attribute, attrs);
    for (name, content) in std::mem::take(&mut st.meta) {
        doc.push(format!("html:meta[{name}]"), PartKind::Metadata, content);
    }
    doc
}

fn rewrite(html: &str, state: &Rc<RefCell<State>>, limits: &Limits) -> Result<(), String> {
    let s_el = Rc::clone(state);
    let s_hidden = Rc::clone(state);
    let s_text = Rc::clone(state);
    let s_comment = Rc::clone(state);
    let settings = Settings::new()
        .append_element_content_handler(element!("*", move |el| {
            // `tag_name` is already lowercase.
            let tag = el.tag_name();
            let mut st = s_el.borrow_mut();
            st.flush();
            if tag == "td" || tag == "th" {
                st.cell_break();
            } else if is_block(&tag) {
                st.newline();
            }
            // One pass over the attributes (most elements have none).
            let attributes = el.attributes();
            if !attributes.is_empty() {
                let mut meta_name = None;
                let mut meta_content = None;
                for attr in attributes {
                    let name = attr.name();
                    if TEXT_ATTRIBUTES.contains(&name.as_str()) {
                        let v = attr.value();
                        let v = v.trim();
                        if !v.is_empty() {
                            st.attributes.push(v.to_string());
                        }
                    }
                    if tag == "meta" {
                        match name.as_str() {
                            "content" => meta_content = Some(attr.value()),
                            "name" => meta_name = Some(attr.value()),
                            "property" | "http-equiv" if meta_name.is_none() => {
                                meta_name = Some(attr.value())
                            }
                            _ => {}
                        }
                    }
                }
                if let Some(content) = meta_content {
                    st.meta
                        .push((meta_name.unwrap_or_else(|| "content".into()), content));
                }
            }
            let is_title = tag == "title";
            let is_style = tag == "style";
            if is_title {
                st.in_title += 1;
            }
            if is_style {
                st.in_style += 1;
            }
            let block = is_block(&tag);
            drop(st);
            // A cell needs no end handler: the next cell's start or the
            // row's end already separates it (one closure fewer per cell,
            // which is most elements of a table-heavy notice).
            if (block || is_title || is_style) && el.can_have_content() {
                let s_end = Rc::clone(&s_el);
                el.on_end_tag(end_tag!(move |_end| {
                    let mut st = s_end.borrow_mut();
                    st.flush();
                    if is_title {
                        st.in_title = st.in_title.saturating_sub(1);
                    }
                    if is_style {
                        st.in_style = st.in_style.saturating_sub(1);
                    }
                    if block {
                        st.newline();
                    }
                    Ok(())
                }))?;
            }
            Ok(())
        }))
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
            let text = html_escape::decode_html_entities(&text).into_owned();
            if !text.trim().is_empty() {
                st.comments.push(text);
            }
            Ok(())
        }))
        .with_memory_settings(
            MemorySettings::new().with_max_allowed_memory_usage(limits.max_html_memory_bytes),
        );
    // The hidden-content selectors cost a selector match on every element;
    // a page with none of their words anywhere cannot match them.
    let settings = if may_hide(html) {
        settings.append_element_content_handler(text!(HIDDEN_SELECTOR, move |_t| {
            s_hidden.borrow_mut().chunk_hidden = true;
            Ok(())
        }))
    } else {
        settings
    };
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    rewriter.write(html.as_bytes()).map_err(|e| e.to_string())?;
    rewriter.end().map_err(|e| e.to_string())
}

/// Whether `html` contains any word [`HIDDEN_SELECTOR`] needs
/// (case-insensitive): `hidden` (attribute or `visibility:hidden`),
/// `display`, `template`, `noscript` or `script`. A cheap, sound pre-check:
/// when none occurs, no element can match.
fn may_hide(html: &str) -> bool {
    static WORDS: std::sync::LazyLock<Option<aho_corasick::AhoCorasick>> =
        std::sync::LazyLock::new(|| {
            aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(["hidden", "display", "template", "script"])
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
        assert_eq!(piece(&doc, "html:attributes"), "专家名单");
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
