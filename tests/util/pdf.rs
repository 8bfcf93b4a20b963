//! A minimal but real PDF writer: one page per call to `page`, text in a
//! Type0 font with Identity-H encoding and a ToUnicode CMap, so Chinese
//! text extracts exactly (as it does from PDFs that Word or WPS export),
//! plus an Info dictionary (Title, Author…).

use std::collections::BTreeSet;
use std::fmt::Write as _;

/// Builds a PDF with the given pages (each a list of lines) and info entries.
pub fn build(pages: &[Vec<String>], info: &[(&str, &str)]) -> Vec<u8> {
    let used: BTreeSet<u16> = pages
        .iter()
        .flatten()
        .flat_map(|l| l.chars())
        .filter_map(|c| u16::try_from(c as u32).ok())
        .collect();
    let mut objects: Vec<String> = Vec::new();
    // 1 catalog, 2 pages, 3 font, 4 cidfont, 5 descriptor, 6 tounicode, 7 info, then page+content pairs.
    let n_pages = pages.len();
    let kids: Vec<String> = (0..n_pages).map(|i| format!("{} 0 R", 8 + i * 2)).collect();
    objects.push("<< /Type /Catalog /Pages 2 0 R >>".into());
    objects.push(format!(
        "<< /Type /Pages /Kids [{}] /Count {n_pages} >>",
        kids.join(" ")
    ));
    objects.push("<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H /DescendantFonts [4 0 R] /ToUnicode 6 0 R >>".into());
    objects.push("<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 5 0 R /DW 1000 >>".into());
    objects.push("<< /Type /FontDescriptor /FontName /STSong-Light /Flags 4 /FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>".into());
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let used: Vec<u16> = used.into_iter().collect();
    for chunk in used.chunks(100) {
        let _ = writeln!(cmap, "{} beginbfchar", chunk.len());
        for c in chunk {
            let _ = writeln!(cmap, "<{c:04X}> <{c:04X}>");
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    objects.push(format!(
        "<< /Length {} >>\nstream\n{cmap}endstream",
        cmap.len()
    ));
    let info_entries: Vec<String> = info
        .iter()
        .map(|(k, v)| format!("/{k} {}", text_string(v)))
        .collect();
    objects.push(format!("<< {} >>", info_entries.join(" ")));
    for (i, lines) in pages.iter().enumerate() {
        let content_id = 9 + i * 2;
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents {content_id} 0 R >>"
        ));
        let mut content = String::from("BT\n/F1 10 Tf\n40 800 Td\n14 TL\n");
        for line in lines {
            let hex: String = line
                .chars()
                .filter_map(|c| u16::try_from(c as u32).ok())
                .map(|u| format!("{u:04X}"))
                .collect();
            let _ = writeln!(content, "<{hex}> Tj T*");
        }
        content.push_str("ET\n");
        objects.push(format!(
            "<< /Length {} >>\nstream\n{content}endstream",
            content.len()
        ));
    }
    let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for o in offsets {
        let _ = writeln!(table, "{o:010} 00000 n ");
    }
    out.extend_from_slice(table.as_bytes());
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info 7 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A PDF text string in UTF-16BE with BOM.
fn text_string(s: &str) -> String {
    let mut hex = String::from("<FEFF");
    for u in s.encode_utf16() {
        let _ = write!(hex, "{u:04X}");
    }
    hex.push('>');
    hex
}

/// A PDF whose only page draws no text (like a scanned image).
pub fn without_text() -> Vec<u8> {
    build(&[vec![]], &[("Title", "扫描件")])
}
