//! PDF documents (printpdf): a Chinese font embedded as a subset so the text can be copied and
//! searched (`pdftotext`), and a small drawing surface in millimetres with text wrapping by the
//! font's real glyph widths. Generation is CPU work: callers run it off the request threads.

pub mod certificate;
pub mod guide;
pub mod notice;
pub mod receipt;
pub mod sheet;

use super::error::{ServiceError, ServiceResult};
use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle,
    PdfPage, PdfSaveOptions, Point, Polygon, PolygonRing, Pt, Rect, Rgb, TextItem, WindingOrder,
};
use std::sync::OnceLock;

/// Where the Chinese font is looked for, after `YIZHAN_PDF_FONT`. WenQuanYi Micro Hei covers
/// Chinese, Latin letters and digits in one face (Droid Sans Fallback, for one, has no digits:
/// an ID number would vanish).
const FONT_PATHS: &[&str] = &[
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
];

/// The font, loaded and parsed once (about 10 ms), shared by every document.
fn font() -> ServiceResult<&'static ParsedFont> {
    static FONT: OnceLock<Result<ParsedFont, String>> = OnceLock::new();
    FONT.get_or_init(|| {
        let configured = std::env::var("YIZHAN_PDF_FONT").ok();
        let paths = configured
            .iter()
            .map(String::as_str)
            .chain(FONT_PATHS.iter().copied());
        for path in paths {
            if let Ok(bytes) = std::fs::read(path) {
                return ParsedFont::from_bytes(&bytes, 0, &mut Vec::new())
                    .ok_or_else(|| format!("font {path} could not be parsed"));
            }
        }
        Err("no Chinese font found: install fonts-wqy-microhei or set YIZHAN_PDF_FONT".into())
    })
    .as_ref()
    .map_err(|e| ServiceError::Internal(e.clone()))
}

pub const A4_WIDTH: f32 = 210.0;
pub const A4_HEIGHT: f32 = 297.0;
/// Millimetres in a point.
const MM_PER_PT: f32 = 25.4 / 72.0;

#[derive(Clone, Copy)]
pub struct Colour(pub f32, pub f32, pub f32);

pub const BLACK: Colour = Colour(0.0, 0.0, 0.0);
pub const GREY: Colour = Colour(0.38, 0.42, 0.48);
pub const BLUE: Colour = Colour(0.04, 0.30, 0.64);
pub const RED: Colour = Colour(0.78, 0.12, 0.12);
pub const PALE: Colour = Colour(0.93, 0.95, 0.98);

fn color(c: Colour) -> Color {
    Color::Rgb(Rgb {
        r: c.0,
        g: c.1,
        b: c.2,
        icc_profile: None,
    })
}

/// One A4 page being drawn. Coordinates are millimetres from the top-left corner (y grows down),
/// which is how a layout is thought about; the PDF's bottom-left origin stays in here.
pub struct Page {
    doc: PdfDocument,
    font: &'static ParsedFont,
    font_id: FontId,
    ops: Vec<Op>,
    /// Pages already filled (a long written opinion runs over).
    done: Vec<Vec<Op>>,
}

impl Page {
    pub fn new(title: &str) -> ServiceResult<Page> {
        let font = font()?;
        let mut doc = PdfDocument::new(title);
        doc.metadata.info.producer = "yizhan".into();
        doc.metadata.info.creator = "yizhan".into();
        let font_id = doc.add_font(font);
        Ok(Page {
            doc,
            font,
            font_id,
            ops: Vec::new(),
            done: Vec::new(),
        })
    }

    /// Width of `text` at `size` points, in millimetres, from the font's advances.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let upm = f32::from(self.font.pdf_font_metrics.units_per_em.max(1));
        let units: f32 = text
            .chars()
            .map(|c| {
                let gid = self.font.lookup_glyph_index(c as u32).unwrap_or(0);
                f32::from(self.font.get_horizontal_advance(gid))
            })
            .sum();
        units / upm * size * MM_PER_PT
    }

    /// Breaks `text` into lines no wider than `max` millimetres. Chinese breaks anywhere; a run of
    /// Latin letters or digits is kept whole when it fits on a line.
    pub fn wrap(&self, text: &str, size: f32, max: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.lines() {
            let mut line = String::new();
            let mut word = String::new();
            let flush_word = |line: &mut String, word: &mut String, lines: &mut Vec<String>| {
                if word.is_empty() {
                    return;
                }
                let joined = format!("{line}{word}");
                if self.width(&joined, size) <= max {
                    *line = joined;
                } else if self.width(word, size) <= max {
                    lines.push(std::mem::take(line));
                    *line = std::mem::take(word);
                } else {
                    for c in word.chars() {
                        let next = format!("{line}{c}");
                        if self.width(&next, size) > max && !line.is_empty() {
                            lines.push(std::mem::take(line));
                            line.push(c);
                        } else {
                            *line = next;
                        }
                    }
                }
                word.clear();
            };
            for c in paragraph.chars() {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '/' | ':' | '@' | '_') {
                    word.push(c);
                    continue;
                }
                flush_word(&mut line, &mut word, &mut lines);
                let next = format!("{line}{c}");
                // Closing punctuation never starts a line (避头点).
                let closing = "，。、；：！？）》」』”’".contains(c);
                if self.width(&next, size) > max && !line.is_empty() && !closing {
                    lines.push(std::mem::take(&mut line));
                    line.push(c);
                } else {
                    line = next;
                }
            }
            flush_word(&mut line, &mut word, &mut lines);
            lines.push(line);
        }
        lines
    }

    /// Text with its baseline at `y` millimetres from the top.
    pub fn text(&mut self, x: f32, y: f32, size: f32, colour: Colour, text: &str) {
        self.ops.extend([
            Op::SetFillColor { col: color(colour) },
            // One text section per run: inside a section the cursor moves relatively.
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::External(self.font_id.clone()),
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: Point::new(Mm(x), Mm(A4_HEIGHT - y)),
            },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_string())],
            },
            Op::EndTextSection,
        ]);
    }

    /// Text centred on `x`.
    pub fn text_centred(&mut self, x: f32, y: f32, size: f32, colour: Colour, text: &str) {
        let w = self.width(text, size);
        self.text(x - w / 2.0, y, size, colour, text);
    }

    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width_pt: f32, colour: Colour) {
        let point = |x, y| LinePoint {
            p: Point::new(Mm(x), Mm(A4_HEIGHT - y)),
            bezier: false,
        };
        self.ops.extend([
            Op::SetOutlineColor { col: color(colour) },
            Op::SetOutlineThickness { pt: Pt(width_pt) },
            Op::DrawLine {
                line: Line {
                    points: vec![point(x1, y1), point(x2, y2)],
                    is_closed: false,
                },
            },
        ]);
    }

    /// A rectangle with its top-left corner at (x, y): filled, outlined, or both.
    pub fn rect(
        &mut self,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<Colour>,
        stroke: Option<Colour>,
    ) {
        let mode = match (fill, stroke) {
            (Some(_), Some(_)) => PaintMode::FillStroke,
            (Some(_), None) => PaintMode::Fill,
            (None, Some(_)) => PaintMode::Stroke,
            (None, None) => return,
        };
        if let Some(f) = fill {
            self.ops.push(Op::SetFillColor { col: color(f) });
        }
        if let Some(s) = stroke {
            self.ops.push(Op::SetOutlineColor { col: color(s) });
            self.ops.push(Op::SetOutlineThickness { pt: Pt(0.6) });
        }
        let mut r = Rect::from_xywh(
            Mm(x).into(),
            Mm(A4_HEIGHT - y - h).into(),
            Mm(w).into(),
            Mm(h).into(),
        );
        // Without a mode the path is ended unpainted.
        r.mode = Some(mode);
        self.ops.push(Op::DrawRectangle { rectangle: r });
    }

    /// A closed shape through `points` (millimetres from the top-left), filled or outlined.
    pub fn polygon(
        &mut self,
        points: &[(f32, f32)],
        fill: Option<Colour>,
        stroke: Option<(Colour, f32)>,
    ) {
        let mode = match (fill, stroke) {
            (Some(_), Some(_)) => PaintMode::FillStroke,
            (Some(_), None) => PaintMode::Fill,
            (None, Some(_)) => PaintMode::Stroke,
            (None, None) => return,
        };
        if let Some(f) = fill {
            self.ops.push(Op::SetFillColor { col: color(f) });
        }
        if let Some((s, width_pt)) = stroke {
            self.ops.push(Op::SetOutlineColor { col: color(s) });
            self.ops.push(Op::SetOutlineThickness { pt: Pt(width_pt) });
        }
        let points = points
            .iter()
            .map(|&(x, y)| LinePoint {
                p: Point::new(Mm(x), Mm(A4_HEIGHT - y)),
                bezier: false,
            })
            .collect();
        self.ops.push(Op::DrawPolygon {
            polygon: Polygon {
                rings: vec![PolygonRing { points }],
                mode,
                winding_order: WindingOrder::NonZero,
            },
        });
    }

    /// 电子印章: a red ring with the issuer's name inside and a five-pointed star in the middle,
    /// centred on (cx, cy), `r` millimetres across the radius.
    pub fn seal(&mut self, cx: f32, cy: f32, r: f32, issuer: &str, label: &str) {
        let ring: Vec<(f32, f32)> = (0..96)
            .map(|i| {
                let a = i as f32 / 96.0 * std::f32::consts::TAU;
                (cx + r * a.cos(), cy + r * a.sin())
            })
            .collect();
        self.polygon(&ring, None, Some((RED, 2.4)));
        let star: Vec<(f32, f32)> = (0..10)
            .map(|i| {
                let len = if i % 2 == 0 { r * 0.28 } else { r * 0.11 };
                let a = -std::f32::consts::FRAC_PI_2 + i as f32 * std::f32::consts::PI / 5.0;
                (cx + len * a.cos(), cy + len * a.sin())
            })
            .collect();
        self.polygon(&star, Some(RED), None);
        // The issuer's name along the upper inside of the ring, one character at a time.
        let chars: Vec<char> = issuer.chars().collect();
        let n = chars.len().max(1) as f32;
        let spread = std::f32::consts::PI * 1.1;
        let size = (r * 0.42 / MM_PER_PT).min(12.0);
        for (i, c) in chars.iter().enumerate() {
            let a = -std::f32::consts::FRAC_PI_2 - spread / 2.0 + spread * (i as f32 + 0.5) / n;
            let (x, y) = (cx + r * 0.72 * a.cos(), cy + r * 0.72 * a.sin());
            self.text_centred(x, y + size * MM_PER_PT * 0.35, size, RED, &c.to_string());
        }
        self.text_centred(cx, cy + r * 0.62, size * 0.8, RED, label);
    }

    /// A QR code of `text` with its top-left corner at (x, y), `size` millimetres square, with the
    /// quiet zone inside that square. Each run of dark modules in a row is one filled rectangle.
    pub fn qr(&mut self, x: f32, y: f32, size: f32, text: &str) -> ServiceResult<()> {
        let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
            .map_err(|e| ServiceError::Internal(format!("QR code: {e}")))?;
        let n = code.width();
        let module = size / (n + 8) as f32;
        let (x0, y0) = (x + 4.0 * module, y + 4.0 * module);
        for row in 0..n {
            let mut col = 0;
            while col < n {
                if code[(col, row)] == qrcode::Color::Dark {
                    let start = col;
                    while col < n && code[(col, row)] == qrcode::Color::Dark {
                        col += 1;
                    }
                    let w = (col - start) as f32 * module;
                    self.rect(
                        x0 + start as f32 * module,
                        y0 + row as f32 * module,
                        w,
                        module,
                        Some(BLACK),
                        None,
                    );
                } else {
                    col += 1;
                }
            }
        }
        Ok(())
    }

    /// Starts a new page; what follows is drawn on it.
    pub fn next_page(&mut self) {
        self.done.push(std::mem::take(&mut self.ops));
    }

    /// The finished document, the font subset to the characters used.
    pub fn finish(mut self) -> Vec<u8> {
        self.done.push(std::mem::take(&mut self.ops));
        let pages = std::mem::take(&mut self.done)
            .into_iter()
            .map(|ops| PdfPage::new(Mm(A4_WIDTH), Mm(A4_HEIGHT), ops))
            .collect();
        self.doc.with_pages(pages);
        self.doc.save(&PdfSaveOptions::default(), &mut Vec::new())
    }
}
