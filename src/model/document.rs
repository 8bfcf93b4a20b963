//! What an extractor produces: a [`Document`] made of text [`Piece`]s.
//!
//! A piece keeps the part of the file it came from (body, page 3, a DOCX
//! comment, a tracked deletion, HTML metadata…) so that a finding can say
//! *where* the problem hides. Leaks are found mostly outside the visible body,
//! so the part is as important as the text.

use serde::{Deserialize, Serialize};

/// The formats pubgate can read. `Unknown` is a format, not an error: it
/// becomes an `unscannable` finding so nothing passes silently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Plain text (UTF-8, UTF-16 with BOM, GB18030/GBK).
    Text,
    /// HTML pages and fragments.
    Html,
    /// PDF documents.
    Pdf,
    /// Office Open XML word-processing documents.
    Docx,
    /// JSON: every string value, number and key is scanned.
    Json,
    /// Generic XML: every text node and text-bearing attribute.
    Xml,
    /// Other zip packages (XLSX, PPTX, ODT, archives): every entry.
    Zip,
    /// A gzip-compressed file.
    Gzip,
    /// Rich Text Format.
    Rtf,
    /// MIME containers: MHT web archives and `.eml` messages.
    Mime,
    /// Raster images (PNG, JPEG, GIF, BMP, TIFF, WebP): no text is read
    /// from them, so they are always reported unread.
    Image,
    /// Anything else.
    Unknown,
}

impl Format {
    /// The name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Html => "html",
            Format::Pdf => "pdf",
            Format::Docx => "docx",
            Format::Json => "json",
            Format::Xml => "xml",
            Format::Zip => "zip",
            Format::Gzip => "gzip",
            Format::Rtf => "rtf",
            Format::Mime => "mime",
            Format::Image => "image",
            Format::Unknown => "unknown",
        }
    }
}

/// How a piece relates to what a reader of the published page sees.
///
/// Mandatory-field checks only trust [`PartKind::is_content`] pieces: a
/// project code that survives only in a tracked deletion is not published.
/// Every kind is scanned for leaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartKind {
    /// Visible body text, table cells, PDF page text.
    Content,
    /// A document title (HTML `<title>`, DOCX/PDF title metadata).
    Title,
    /// DOCX headers and footers.
    HeaderFooter,
    /// DOCX footnotes and endnotes.
    Footnote,
    /// Text a browser does not render: `display:none`, `<template>`, `<script>`…
    Hidden,
    /// HTML comments and DOCX reviewer comments.
    Comment,
    /// Text deleted with change tracking on but still stored in the file.
    TrackedDeletion,
    /// `title`/`alt` attributes and `<meta>` content.
    Attribute,
    /// Document properties: author, last modified by, subject, keywords…
    Metadata,
}

impl PartKind {
    /// Whether the piece is part of what the announcement visibly says.
    pub fn is_content(self) -> bool {
        matches!(
            self,
            PartKind::Content | PartKind::Title | PartKind::HeaderFooter | PartKind::Footnote
        )
    }
}

/// One run of extracted text and where it came from.
#[derive(Debug, Clone)]
pub struct Piece {
    /// A stable, human-readable part name: `body`, `page 3`, `word/comments.xml`,
    /// `docProps/core.xml#creator`, `/content` (a JSON pointer)…
    pub part: String,
    /// What kind of part this is.
    pub kind: PartKind,
    /// The decoded text. Locations are byte offsets into this string.
    pub text: String,
}

/// An extracted document: its format, text pieces, and the reasons any part
/// could not be read.
#[derive(Debug, Clone)]
pub struct Document {
    /// The format the bytes were read as.
    pub format: Format,
    /// All text, in document order.
    pub pieces: Vec<Piece>,
    /// Why some or all of the input could not be read. Each becomes an
    /// `unscannable` finding.
    pub unreadable: Vec<Unreadable>,
    /// Files found inside this one (a DOCX's altChunk or embedded object,
    /// a PDF's attachment, a `data:` URI, a MIME part, base64 in JSON):
    /// [`crate::extract::Extractors`] extracts each as a document of its
    /// own, depth-limited, and merges it in under its part name. An
    /// extractor hands them over rather than reading them itself, so every
    /// format is read by the one extractor that owns it.
    pub embedded: Vec<Embedded>,
}

/// A file inside a file, to be extracted in its own right.
#[derive(Debug, Clone)]
pub struct Embedded {
    /// Part name of the container's part that holds it (`word/embeddings/x.docx`).
    pub part: String,
    /// A file name for format sniffing (extension hint); magic bytes win.
    pub hint: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// What kind of content was left unread. Each kind has its own rule id
/// (`unscannable.<kind>`), so a policy can decide per kind — and, for one
/// blob, per content hash — what is harmless. Nothing is harmless by
/// default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnreadKind {
    /// The part could not be parsed: corrupt, encrypted, too large, timed
    /// out, nested too deep, or a format pubgate does not read.
    Failed,
    /// A picture: its pixels may show text (a scanned ID card, a stamp).
    Image,
    /// A binary object pubgate does not read (OLE object, font, macro
    /// project, an undecodable blob).
    Binary,
    /// A PDF page, annotation or form whose text could not be read while
    /// it draws something (a scanned page inside a text PDF).
    NoText,
}

impl UnreadKind {
    /// Every kind.
    pub const ALL: [UnreadKind; 4] = [
        UnreadKind::Failed,
        UnreadKind::Image,
        UnreadKind::Binary,
        UnreadKind::NoText,
    ];

    /// The rule id of the `unscannable` finding for this kind.
    pub fn rule(self) -> &'static str {
        match self {
            UnreadKind::Failed => "unscannable.extract",
            UnreadKind::Image => "unscannable.image",
            UnreadKind::Binary => "unscannable.binary",
            UnreadKind::NoText => "unscannable.no_text",
        }
    }
}

/// A part of the input that could not be read, and why.
#[derive(Debug, Clone)]
pub struct Unreadable {
    /// The part name, as in [`Piece::part`].
    pub part: String,
    /// A reason in Chinese and English for the reviewer; never document text.
    pub reason: String,
    /// What kind of content it is.
    pub kind: UnreadKind,
    /// SHA-256 (hex) of the unread bytes when they are one blob (an image,
    /// an embedded object), so a policy can allow one known harmless blob
    /// (the platform's logo) by its hash.
    pub sha256: Option<String>,
}

impl Document {
    /// An empty document of the given format.
    pub fn new(format: Format) -> Document {
        Document {
            format,
            pieces: Vec::new(),
            unreadable: Vec::new(),
            embedded: Vec::new(),
        }
    }

    /// Adds a piece unless its text is empty.
    pub fn push(&mut self, part: impl Into<String>, kind: PartKind, text: String) {
        if !text.trim().is_empty() {
            self.pieces.push(Piece {
                part: part.into(),
                kind,
                text,
            });
        }
    }

    /// Records that a part could not be read.
    pub fn unreadable(&mut self, part: impl Into<String>, reason: impl Into<String>) {
        self.unreadable.push(Unreadable {
            part: part.into(),
            reason: reason.into(),
            kind: UnreadKind::Failed,
            sha256: None,
        });
    }

    /// Records a part left unread on purpose (an image, a binary object),
    /// with the hash of its bytes.
    pub fn skipped(
        &mut self,
        part: impl Into<String>,
        kind: UnreadKind,
        reason: impl Into<String>,
        bytes: &[u8],
    ) {
        use sha2::Digest;
        self.unreadable.push(Unreadable {
            part: part.into(),
            reason: reason.into(),
            kind,
            sha256: Some(hex::encode(sha2::Sha256::digest(bytes))),
        });
    }

    /// Hands over a file found inside this one, to be extracted in its
    /// own right.
    pub fn embed(&mut self, part: impl Into<String>, hint: impl Into<String>, bytes: Vec<u8>) {
        self.embedded.push(Embedded {
            part: part.into(),
            hint: hint.into(),
            bytes,
        });
    }

    /// Total bytes of extracted text.
    pub fn text_len(&self) -> usize {
        self.pieces.iter().map(|p| p.text.len()).sum()
    }
}
