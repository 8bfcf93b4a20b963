//! RTF: the body, every destination (document info, ignorable `\*`
//! groups, font and style tables) and the pictures and objects inside.
//!
//! Hand-written because no RTF crate reads what a checker needs: the ones
//! available decode `\'hh` as one Latin-1 character each, where Chinese
//! RTF writes a GBK character as two such escapes under `\ansicpg936` or a
//! font with `\fcharset134`; and they drop `\*` destinations silently,
//! where text can hide. Here every byte ends up in a piece or is reported:
//! text in the body goes to `body`, text in destinations to `rtf:hidden`
//! (document info to metadata), `\pict` and `\objdata` hex and `\bin`
//! data are handed over as embedded files (pictures and OLE objects,
//! which are then reported unread).
//!
//! Escapes: `\uN` gives a UTF-16 code unit (negative N wraps) and skips
//! the next `\ucN` fallback characters (default 1); `\'hh` bytes collect
//! and are decoded together with the current font's code page, so a
//! double-byte character split over two escapes reads as one.

use encoding_rs::Encoding;

use crate::model::{Document, Format, PartKind};

/// Where the text of the current group goes.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Sink {
    Body,
    Hidden,
    Info,
    /// Hex picture or object data.
    Data(DataKind),
    /// The font table: `\fN … \fcharsetM` pairs are recorded, names kept.
    FontTable,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum DataKind {
    Picture,
    Object,
}

#[derive(Debug, Clone)]
struct Group {
    sink: Sink,
    /// Fallback characters to skip after `\uN`.
    uc: usize,
    /// Code page of the current font.
    encoding: &'static Encoding,
    /// Picture format, from `\pngblip` / `\jpegblip`.
    picture_ext: &'static str,
}

struct Reader<'a> {
    src: &'a [u8],
    at: usize,
    body: String,
    hidden: String,
    info: String,
    /// Pending `\'hh` and raw 8-bit bytes, decoded on the next boundary.
    bytes: Vec<u8>,
    bytes_encoding: &'static Encoding,
    bytes_sink: Sink,
    /// Pending UTF-16 units from `\uN`.
    units: Vec<u16>,
    units_sink: Sink,
    fonts: Vec<(i32, &'static Encoding)>,
    current_font: Option<i32>,
    data: Vec<u8>,
    embedded: Vec<(String, Vec<u8>)>,
    skip: usize,
}

/// The code page of an `\fcharsetN` value or `\ansicpgN`.
fn charset_encoding(charset: i32) -> Option<&'static Encoding> {
    let label: &[u8] = match charset {
        134 | 936 => b"gbk",
        136 | 950 => b"big5",
        128 | 932 => b"shift_jis",
        129 | 949 => b"euc-kr",
        0 | 1252 => b"windows-1252",
        1 => return None, // "default": keep the document's
        _ => return None,
    };
    Encoding::for_label(label)
}

impl<'a> Reader<'a> {
    fn sink_text(&mut self, sink: Sink) -> Option<&mut String> {
        match sink {
            Sink::Body => Some(&mut self.body),
            Sink::Hidden | Sink::FontTable => Some(&mut self.hidden),
            Sink::Info => Some(&mut self.info),
            Sink::Data(_) => None,
        }
    }

    fn flush(&mut self) {
        if !self.bytes.is_empty() {
            let (text, _, _) = self.bytes_encoding.decode(&self.bytes);
            let text = text.into_owned();
            self.bytes.clear();
            if let Some(to) = self.sink_text(self.bytes_sink) {
                to.push_str(&text);
            }
        }
        if !self.units.is_empty() {
            let text = String::from_utf16_lossy(&self.units);
            self.units.clear();
            if let Some(to) = self.sink_text(self.units_sink) {
                to.push_str(&text);
            }
        }
    }

    fn push_char(&mut self, g: &Group, c: char) {
        self.flush();
        if let Some(to) = self.sink_text(g.sink) {
            to.push(c);
        }
    }

    fn push_byte(&mut self, g: &Group, b: u8) {
        if let Sink::Data(_) = g.sink {
            return;
        }
        if !self.units.is_empty() || (self.bytes_sink != g.sink && !self.bytes.is_empty()) {
            self.flush();
        }
        if self.bytes.is_empty() {
            self.bytes_encoding = g.encoding;
            self.bytes_sink = g.sink;
        } else if self.bytes_encoding != g.encoding {
            self.flush();
            self.bytes_encoding = g.encoding;
            self.bytes_sink = g.sink;
        }
        self.bytes.push(b);
    }

    fn push_unit(&mut self, g: &Group, u: u16) {
        if !self.bytes.is_empty() {
            self.flush();
        }
        self.units_sink = g.sink;
        self.units.push(u);
    }

    /// A control word and its parameter; the delimiting space is consumed.
    fn control_word(&mut self) -> (String, Option<i32>) {
        let start = self.at;
        while self.at < self.src.len() && self.src[self.at].is_ascii_alphabetic() {
            self.at += 1;
        }
        let word = String::from_utf8_lossy(&self.src[start..self.at]).into_owned();
        let num_start = self.at;
        if self.at < self.src.len() && self.src[self.at] == b'-' {
            self.at += 1;
        }
        while self.at < self.src.len()
            && self.src[self.at].is_ascii_digit()
            && self.at - num_start < 11
        {
            self.at += 1;
        }
        let param = std::str::from_utf8(&self.src[num_start..self.at])
            .ok()
            .and_then(|s| s.parse::<i32>().ok());
        if self.at < self.src.len() && self.src[self.at] == b' ' {
            self.at += 1;
        }
        (word, param)
    }
}

/// Extracts an RTF document.
pub fn extract(bytes: &[u8]) -> Document {
    let mut doc = Document::new(Format::Rtf);
    let default = charset_encoding(1252).unwrap_or(encoding_rs::WINDOWS_1252);
    let mut r = Reader {
        src: bytes,
        at: 0,
        body: String::new(),
        hidden: String::new(),
        info: String::new(),
        bytes: Vec::new(),
        bytes_encoding: default,
        bytes_sink: Sink::Body,
        units: Vec::new(),
        units_sink: Sink::Body,
        fonts: Vec::new(),
        current_font: None,
        data: Vec::new(),
        embedded: Vec::new(),
        skip: 0,
    };
    let mut stack: Vec<Group> = Vec::new();
    let mut g = Group {
        sink: Sink::Body,
        uc: 1,
        encoding: default,
        picture_ext: "bin",
    };
    // The next group is a `\*` destination.
    let mut starred = false;
    // The first control word of a group names its destination.
    let mut group_start = false;
    let mut pictures = 0;
    while r.at < r.src.len() {
        let b = r.src[r.at];
        match b {
            b'{' => {
                r.flush();
                if stack.len() > 1_000 {
                    doc.unreadable("rtf", "RTF 嵌套过深 / RTF nested too deeply");
                    break;
                }
                stack.push(g.clone());
                r.at += 1;
                group_start = true;
                starred = false;
            }
            b'}' => {
                r.flush();
                if let Sink::Data(kind) = g.sink {
                    let outer_is_data = stack.last().is_some_and(|o| o.sink == g.sink);
                    if !outer_is_data {
                        let data = std::mem::take(&mut r.data);
                        if !data.is_empty() {
                            pictures += 1;
                            let name = match kind {
                                DataKind::Picture => {
                                    format!("rtf:picture {pictures}.{}", g.picture_ext)
                                }
                                DataKind::Object => format!("rtf:object {pictures}.bin"),
                            };
                            r.embedded.push((name, data));
                        }
                    }
                }
                match stack.pop() {
                    Some(outer) => g = outer,
                    None => break,
                }
                r.at += 1;
                group_start = false;
            }
            b'\\' => {
                r.at += 1;
                let Some(&next) = r.src.get(r.at) else { break };
                if next.is_ascii_alphabetic() {
                    let (word, param) = r.control_word();
                    let first = std::mem::take(&mut group_start);
                    if r.skip > 0 && word != "bin" {
                        r.skip -= 1;
                        continue;
                    }
                    control(&mut r, &mut g, &word, param, first, starred, &mut doc);
                    starred = false;
                } else {
                    r.at += 1;
                    match next {
                        b'\'' => {
                            let hex = r
                                .src
                                .get(r.at..r.at + 2)
                                .and_then(|h| std::str::from_utf8(h).ok());
                            let byte = hex.and_then(|h| u8::from_str_radix(h, 16).ok());
                            r.at += 2;
                            if r.skip > 0 {
                                r.skip -= 1;
                            } else if let Some(byte) = byte {
                                r.push_byte(&g, byte);
                            }
                        }
                        b'*' => starred = true,
                        b'~' => r.push_char(&g, ' '),
                        b'-' | b'_' => {}
                        b'\r' | b'\n' => r.push_char(&g, '\n'),
                        other => {
                            if r.skip > 0 {
                                r.skip -= 1;
                            } else {
                                r.push_char(&g, other as char);
                            }
                        }
                    }
                }
            }
            b'\r' | b'\n' => r.at += 1,
            _ => {
                r.at += 1;
                group_start = false;
                if r.skip > 0 {
                    r.skip -= 1;
                    continue;
                }
                match g.sink {
                    Sink::Data(_) => {
                        if b.is_ascii_hexdigit() {
                            r.data.push(b);
                        }
                    }
                    _ if b.is_ascii() => r.push_char(&g, b as char),
                    _ => r.push_byte(&g, b),
                }
            }
        }
    }
    r.flush();
    doc.push("body", PartKind::Content, std::mem::take(&mut r.body));
    doc.push("rtf:info", PartKind::Metadata, std::mem::take(&mut r.info));
    doc.push(
        "rtf:hidden",
        PartKind::Hidden,
        std::mem::take(&mut r.hidden),
    );
    for (name, hex) in std::mem::take(&mut r.embedded) {
        let bytes = decode_hex(&hex);
        let hint = name.clone();
        doc.embed(name, hint, bytes);
    }
    doc
}

/// Handles one control word.
fn control(
    r: &mut Reader<'_>,
    g: &mut Group,
    word: &str,
    param: Option<i32>,
    first: bool,
    starred: bool,
    doc: &mut Document,
) {
    match word {
        "par" | "line" | "row" | "sect" | "page" => r.push_char(g, '\n'),
        "tab" | "cell" => r.push_char(g, '\t'),
        "u" => {
            if let Some(n) = param {
                // Negative values are the signed form of units above 0x7FFF.
                r.push_unit(g, n as i16 as u16);
                r.skip = g.uc;
            }
        }
        "uc" => g.uc = param.unwrap_or(1).clamp(0, 10) as usize,
        "ansicpg" => {
            if let Some(e) = param.and_then(charset_encoding) {
                g.encoding = e;
            }
        }
        "f" if g.sink == Sink::FontTable => r.current_font = param,
        "f" => {
            if let Some(&(_, e)) = r.fonts.iter().find(|(f, _)| Some(*f) == param) {
                g.encoding = e;
            }
        }
        "fcharset" if g.sink == Sink::FontTable => {
            if let (Some(font), Some(e)) = (r.current_font, param.and_then(charset_encoding)) {
                r.fonts.push((font, e));
            }
        }
        "bin" => {
            // `\binN`: N raw bytes follow.
            let n = param.unwrap_or(0).max(0) as usize;
            let end = (r.at + n).min(r.src.len());
            let raw = r.src[r.at..end].to_vec();
            r.at = end;
            doc.embed("rtf:binary", "binary.bin", raw);
        }
        "pngblip" => g.picture_ext = "png",
        "jpegblip" => g.picture_ext = "jpg",
        "emfblip" => g.picture_ext = "emf",
        "wmetafile" => g.picture_ext = "wmf",
        _ if first => {
            // The first word of a group names its destination.
            g.sink = match word {
                "fonttbl" => Sink::FontTable,
                "pict" => Sink::Data(DataKind::Picture),
                "objdata" => Sink::Data(DataKind::Object),
                "info" | "title" | "author" | "operator" | "subject" | "keywords" | "comment"
                | "doccomm" | "company" => Sink::Info,
                "colortbl" | "stylesheet" | "listtable" | "listoverridetable" | "rsidtbl"
                | "generator" | "xmlnstbl" | "themedata" | "colorschememapping" | "datastore"
                | "latentstyles" => Sink::Hidden,
                _ if starred => Sink::Hidden,
                _ => g.sink,
            };
        }
        _ => {}
    }
}

fn decode_hex(hex: &[u8]) -> Vec<u8> {
    hex.chunks_exact(2)
        .filter_map(|p| {
            std::str::from_utf8(p)
                .ok()
                .and_then(|s| u8::from_str_radix(s, 16).ok())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn piece<'a>(doc: &'a Document, part: &str) -> &'a str {
        doc.pieces
            .iter()
            .find(|p| p.part == part)
            .map_or("", |p| p.text.as_str())
    }

    #[test]
    fn code_page_escapes_and_unicode() {
        // 身份证 in GBK is c9ed b7dd d6a4.
        let rtf = br"{\rtf1\ansi\ansicpg936{\fonttbl{\f0\fnil\fcharset134 SimSun;}}\f0 \'c9\'ed\'b7\'dd\'d6\'a4 370102\par \uc1\u20844?\u21578?}";
        let doc = extract(rtf);
        let body = piece(&doc, "body");
        assert!(body.contains("身份证 370102"), "{body:?}");
        assert!(body.contains("公告"), "{body:?}");
        assert!(piece(&doc, "rtf:hidden").contains("SimSun"));
    }

    #[test]
    fn starred_destinations_info_and_pictures_are_kept() {
        let rtf = br"{\rtf1{\info{\author \u24352?\u19977?}}{\*\bkmkstart 110105194912310021}text{\pict\pngblip 89504e470d0a1a0a}}";
        let doc = extract(rtf);
        assert!(piece(&doc, "rtf:info").contains("张三"), "{:?}", doc.pieces);
        assert!(piece(&doc, "rtf:hidden").contains("110105194912310021"));
        assert_eq!(piece(&doc, "body"), "text");
        assert_eq!(doc.embedded.len(), 1);
        assert!(doc.embedded[0].hint.ends_with(".png"));
        assert_eq!(doc.embedded[0].bytes[..4], [0x89, b'P', b'N', b'G']);
    }
}
