//! Page text in reading order: glyphs by position, not by the order the
//! content stream draws them.
//!
//! A PDF may draw a number's digits in any order (right to left, each
//! glyph in its own positioned text object, the two halves of a table row
//! in different places of the stream); a reader sees them by position. So
//! every glyph pdf-extract decodes is collected with its position and
//! size, and at the end of the page the glyphs are grouped into lines by
//! baseline and sorted left to right. A gap wider than a space becomes a
//! space, a wide gap (table columns) a tab. A glyph drawn twice at the
//! same place (fake bold) is kept once. Rotated glyphs (watermarks,
//! vertical stamps) are kept in stream order, as their own lines after the
//! page text, in [`Positional::rotated`].

use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};

#[derive(Debug, Clone)]
struct Glyph {
    x: f64,
    y: f64,
    size: f64,
    width: f64,
    text: String,
}

/// An [`OutputDev`] that lays glyphs out by position.
#[derive(Default)]
pub struct Positional {
    page_height: f64,
    glyphs: Vec<Glyph>,
    rotated_run: String,
    /// The page's text, line by line.
    pub text: String,
    /// Text drawn rotated, one line per run.
    pub rotated: String,
}

impl Positional {
    /// A fresh device for one page.
    pub fn new() -> Positional {
        Positional::default()
    }

    fn flush_rotated(&mut self) {
        if !self.rotated_run.trim().is_empty() {
            self.rotated.push_str(self.rotated_run.trim());
            self.rotated.push('\n');
        }
        self.rotated_run.clear();
    }

    fn lay_out(&mut self) {
        let mut glyphs = std::mem::take(&mut self.glyphs);
        glyphs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
        // Lines: glyphs whose baselines are within half a glyph's size.
        let mut lines: Vec<Vec<Glyph>> = Vec::new();
        for g in glyphs {
            match lines.last_mut() {
                Some(line)
                    if line.last().is_some_and(|l| {
                        (g.y - l.y).abs() <= 0.5 * l.size.min(g.size).max(0.1)
                    }) =>
                {
                    line.push(g)
                }
                _ => lines.push(vec![g]),
            }
        }
        for mut line in lines {
            line.sort_by(|a, b| a.x.total_cmp(&b.x));
            let mut end: Option<(f64, f64)> = None;
            let mut last: Option<&Glyph> = None;
            for g in &line {
                if let Some(prev) = last
                    && prev.text == g.text
                    && (prev.x - g.x).abs() < 0.15 * g.size
                    && (prev.y - g.y).abs() < 0.15 * g.size
                {
                    // The same glyph drawn again (fake bold, a shadow).
                    continue;
                }
                if let Some((end_x, size)) = end {
                    let gap = g.x - end_x;
                    if gap > 1.5 * size {
                        self.text.push('\t');
                    } else if gap > 0.15 * size {
                        self.text.push(' ');
                    }
                }
                self.text.push_str(&g.text);
                end = Some((g.x + g.width, g.size));
                last = Some(g);
            }
            self.text.push('\n');
        }
    }
}

impl OutputDev for Positional {
    fn begin_page(
        &mut self,
        _page_num: u32,
        media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.page_height = media_box.ury - media_box.lly;
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        self.flush_rotated();
        self.lay_out();
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        char: &str,
    ) -> Result<(), OutputError> {
        let (a, b, c, d) = (trm.m11, trm.m12, trm.m21, trm.m22);
        let scale = (a * d - b * c).abs().sqrt();
        let size = (font_size * scale).abs().max(0.01);
        if b.abs() > 0.1 * a.abs().max(1e-9) || a < 0.0 {
            // Rotated or mirrored: keep the run in stream order.
            self.rotated_run.push_str(char);
            return Ok(());
        }
        self.flush_rotated();
        self.glyphs.push(Glyph {
            x: trm.m31,
            // Top to bottom.
            y: self.page_height - trm.m32,
            size,
            width: width * size,
            text: char.to_string(),
        });
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        self.flush_rotated();
        Ok(())
    }
}
