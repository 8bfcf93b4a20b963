//! A real DOCX writer (Office Open XML in a zip): paragraphs, tables,
//! tracked deletions, comments, headers, and document properties — the
//! parts where leaks hide.

use std::io::Write;

use zip::write::SimpleFileOptions;

/// A DOCX to build.
#[derive(Default)]
pub struct Docx {
    body: String,
    comments: Vec<String>,
    header: Option<String>,
    /// docProps/core.xml creator.
    pub creator: Option<String>,
    /// docProps/core.xml lastModifiedBy.
    pub last_modified_by: Option<String>,
    /// docProps/core.xml title.
    pub title: Option<String>,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

impl Docx {
    /// A paragraph; text may be split into several runs (as Word does).
    pub fn paragraph(&mut self, text: &str) -> &mut Docx {
        self.body.push_str("<w:p>");
        let chars: Vec<char> = text.chars().collect();
        for chunk in chars.chunks(7) {
            let s: String = chunk.iter().collect();
            self.body.push_str(&format!(
                "<w:r><w:t xml:space=\"preserve\">{}</w:t></w:r>",
                esc(&s)
            ));
        }
        self.body.push_str("</w:p>");
        self
    }

    /// A paragraph whose text was deleted with change tracking on.
    pub fn tracked_deletion(&mut self, kept: &str, deleted: &str) -> &mut Docx {
        self.body.push_str(&format!(
            "<w:p><w:r><w:t>{}</w:t></w:r><w:del w:id=\"1\" w:author=\"审核人\"><w:r><w:delText>{}</w:delText></w:r></w:del></w:p>",
            esc(kept),
            esc(deleted)
        ));
        self
    }

    /// A table.
    pub fn table(&mut self, rows: &[Vec<&str>]) -> &mut Docx {
        self.body.push_str("<w:tbl>");
        for row in rows {
            self.body.push_str("<w:tr>");
            for cell in row {
                self.body.push_str(&format!(
                    "<w:tc><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc>",
                    esc(cell)
                ));
            }
            self.body.push_str("</w:tr>");
        }
        self.body.push_str("</w:tbl>");
        self
    }

    /// A reviewer comment.
    pub fn comment(&mut self, text: &str) -> &mut Docx {
        self.comments.push(text.to_string());
        self
    }

    /// A page header.
    pub fn header(&mut self, text: &str) -> &mut Docx {
        self.header = Some(text.to_string());
        self
    }

    /// The .docx bytes.
    pub fn build(&self) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        let mut put = |name: &str, body: &str| {
            zip.start_file(name, opts).unwrap();
            zip.write_all(body.as_bytes()).unwrap();
        };
        put(
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>"#,
        );
        put(
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>"#,
        );
        put(
            "word/document.xml",
            &format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{}<w:sectPr/></w:body></w:document>"#,
                self.body
            ),
        );
        if !self.comments.is_empty() {
            let body: String = self
                .comments
                .iter()
                .enumerate()
                .map(|(i, c)| format!(r#"<w:comment w:id="{i}" w:author="审核人"><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:comment>"#, esc(c)))
                .collect();
            put(
                "word/comments.xml",
                &format!(
                    r#"<?xml version="1.0" encoding="UTF-8"?><w:comments xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">{body}</w:comments>"#
                ),
            );
        }
        if let Some(h) = &self.header {
            put(
                "word/header1.xml",
                &format!(
                    r#"<?xml version="1.0" encoding="UTF-8"?><w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:hdr>"#,
                    esc(h)
                ),
            );
        }
        let prop = |tag: &str, v: &Option<String>| {
            v.as_ref()
                .map(|v| format!("<{tag}>{}</{tag}>", esc(v)))
                .unwrap_or_default()
        };
        put(
            "docProps/core.xml",
            &format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">{}{}{}</cp:coreProperties>"#,
                prop("dc:title", &self.title),
                prop("dc:creator", &self.creator),
                prop("cp:lastModifiedBy", &self.last_modified_by)
            ),
        );
        zip.finish().unwrap().into_inner()
    }
}
