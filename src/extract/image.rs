//! Raster images: pubgate reads no text from pixels (no OCR yet), so an
//! image is always reported unread — `unscannable.image`, with the hash of
//! its bytes so a policy can allow one known picture (the platform's logo).
//!
//! Two kinds of image are read, and found to hold no text:
//! * one too small to show a legible character: fewer than [`MIN_SIDE`]
//!   pixels on a side or [`MIN_AREA`] pixels in all (spacers, bullets,
//!   tracking pixels), by its header (`imagesize`);
//! * a blank one: every pixel decoded (the `image` crate, pure Rust, under
//!   a pixel and memory cap) and no two differ by more than [`INK`] grey
//!   levels — a page preview of an empty template, a white background.
//!   Text needs ink.
//!
//! An image that cannot be decoded is not blank.

use crate::model::{Document, Format, UnreadKind};

/// The smallest side, in pixels, that can show a legible character.
pub const MIN_SIDE: usize = 8;
/// The smallest area, in pixels, that can show a legible character.
pub const MIN_AREA: usize = 256;

/// Grey levels two pixels must differ by for the image to show anything.
pub const INK: u8 = 24;

/// The largest image decoded to check for blankness (pixels).
const MAX_DECODED_PIXELS: u64 = 40_000_000;

/// Whether `bytes` starts like a raster image pubgate knows.
pub fn is_image(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x89PNG\r\n\x1a\n")
        || bytes.starts_with(&[0xFF, 0xD8, 0xFF])
        || bytes.starts_with(b"GIF87a")
        || bytes.starts_with(b"GIF89a")
        || bytes.starts_with(b"II*\0")
        || bytes.starts_with(b"MM\0*")
        || (bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP")
        || (bytes.len() >= 26 && bytes.starts_with(b"BM") && bmp_header_fits(bytes))
}

/// A BMP's file size field matches the data and its header size is one of
/// the known ones (`BM` alone is too weak a mark).
fn bmp_header_fits(bytes: &[u8]) -> bool {
    let size = u32::from_le_bytes([bytes[2], bytes[3], bytes[4], bytes[5]]) as usize;
    let header = u32::from_le_bytes([bytes[14], bytes[15], bytes[16], bytes[17]]);
    size == bytes.len() && matches!(header, 12 | 40 | 52 | 56 | 64 | 108 | 124)
}

/// Whether the image is too small to show a legible character.
pub fn too_small_for_text(bytes: &[u8]) -> bool {
    match imagesize::blob_size(bytes) {
        Ok(size) => {
            size.width < MIN_SIDE || size.height < MIN_SIDE || size.width * size.height < MIN_AREA
        }
        Err(_) => false,
    }
}

/// Whether the image decodes to pixels that all have (nearly) the same
/// brightness. `None` when it cannot be decoded.
pub fn is_blank(bytes: &[u8]) -> Option<bool> {
    let size = imagesize::blob_size(bytes).ok()?;
    if (size.width as u64) * (size.height as u64) > MAX_DECODED_PIXELS {
        return None;
    }
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .ok()?;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(256 << 20);
    reader.limits(limits);
    let decoded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| reader.decode()))
        .ok()?
        .ok()?;
    let grey = decoded.into_luma8();
    let (mut lo, mut hi) = (u8::MAX, u8::MIN);
    for p in grey.pixels() {
        lo = lo.min(p.0[0]);
        hi = hi.max(p.0[0]);
        if hi - lo > INK {
            return Some(false);
        }
    }
    Some(true)
}

/// "Extracts" an image: reports it unread unless it is too small for text
/// or blank.
pub fn extract(bytes: &[u8]) -> Document {
    let mut doc = Document::new(Format::Image);
    if !too_small_for_text(bytes) && is_blank(bytes) != Some(true) {
        doc.skipped(
            "image",
            UnreadKind::Image,
            "图片中的文字未能检查（不做文字识别），须人工查看 / image not inspected (no OCR)",
            bytes,
        );
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal PNG header (signature + IHDR) of the given size.
    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        b.extend_from_slice(&width.to_be_bytes());
        b.extend_from_slice(&height.to_be_bytes());
        b.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
        b
    }

    #[test]
    fn images_are_unread_with_their_hash() {
        let doc = extract(&png(400, 300));
        assert_eq!(doc.unreadable.len(), 1);
        assert_eq!(doc.unreadable[0].kind, UnreadKind::Image);
        assert_eq!(doc.unreadable[0].sha256.as_ref().map(String::len), Some(64));
        assert!(is_image(&png(1, 1)));
    }

    #[test]
    fn a_blank_image_holds_no_text() {
        let encode = |img: image::GrayImage| {
            let mut out = std::io::Cursor::new(Vec::new());
            img.write_to(&mut out, image::ImageFormat::Png).unwrap();
            out.into_inner()
        };
        let white = encode(image::GrayImage::from_pixel(300, 400, image::Luma([255])));
        assert_eq!(is_blank(&white), Some(true));
        assert!(extract(&white).unreadable.is_empty());
        let mut inked = image::GrayImage::from_pixel(300, 400, image::Luma([255]));
        inked.put_pixel(150, 200, image::Luma([0]));
        let inked = encode(inked);
        assert_eq!(is_blank(&inked), Some(false));
        assert_eq!(extract(&inked).unreadable.len(), 1);
    }

    #[test]
    fn a_spacer_pixel_cannot_hold_text() {
        assert!(extract(&png(1, 1)).unreadable.is_empty());
        assert!(extract(&png(200, 4)).unreadable.is_empty());
        // 20 × 20 = 400 pixels: a character or two fit.
        assert_eq!(extract(&png(20, 20)).unreadable.len(), 1);
        // A header that cannot be read is not small.
        assert_eq!(extract(b"\x89PNG\r\n\x1a\n").unreadable.len(), 1);
    }
}
