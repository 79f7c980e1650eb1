//! # rapportino-pdf
//!
//! Rapportino's printed documents: the rapporto d'intervento (draft or signed) and the monthly
//! statement, as A4 PDFs drawn with printpdf, and as self-contained HTML pages with the same
//! content (the app's preview; the input of the benchmark's HTML engines).
//!
//! The inputs are `rapportino_core::reports::{ReportDocument, StatementDocument}`: texts already
//! resolved and formatted. This crate looks nothing up; it only lays out.
//!
//! - [`Renderer`] parses the embedded Noto Sans fonts once; it is `Send + Sync`, so one renderer can
//!   serve a batch on several threads.
//! - Output is deterministic: the same document and `created_at` give the same bytes.
//! - [`write_atomic`] puts the bytes on disk without ever leaving half a file behind.
//!
//! Layout lives in `canvas` (a cursor-based flow engine with wrapping, tables and footers),
//! `report` and `statement` (one function per section), `signature` (strokes as Bézier runs).

mod atomic;
mod canvas;
mod common;
pub mod export;
mod fonts;
pub mod html;
mod report;
mod signature;
mod statement;

use chrono::{DateTime, Utc};
use printpdf::{
    ImageCompression, ImageOptimizationOptions, OffsetDateTime, PdfDocument, PdfFont, PdfPage,
    PdfSaveOptions, RawImage, XObject, XObjectId,
};
use rapportino_core::reports::{Logo, ReportDocument, StatementDocument};
use rapportino_core::{Code, Error, Result};
use sha2::{Digest, Sha256};

pub use atomic::write_atomic;

use canvas::Canvas;
use common::LogoRef;
use fonts::{Face, Fonts};

/// Renders reports and statements to PDF bytes. Build it once and reuse it: the fonts are parsed
/// here, not per document.
pub struct Renderer {
    fonts: Fonts,
}

/// Lossless images (the logo is Flate-compressed, never re-encoded as JPEG); fonts subset.
fn save_options() -> PdfSaveOptions {
    PdfSaveOptions {
        optimize: true,
        subset_fonts: true,
        secure: true,
        image_optimization: Some(ImageOptimizationOptions {
            format: Some(ImageCompression::Flate),
            ..Default::default()
        }),
    }
}

const LOGO_ID: &str = "LOGO";

impl Renderer {
    pub fn new() -> Result<Renderer> {
        Ok(Renderer {
            fonts: Fonts::load()?,
        })
    }

    /// A4 PDF bytes of a rapporto d'intervento (draft or signed).
    pub fn report(
        &self,
        doc: &ReportDocument,
        logo: Option<&Logo>,
        created_at: DateTime<Utc>,
    ) -> Result<Vec<u8>> {
        let image = logo.map(decode_logo).transpose()?;
        let logo_ref = image.as_ref().map(logo_ref);
        let mut c = Canvas::new(&self.fonts);
        report::draw(&mut c, doc, logo_ref.as_ref());
        let pages = c.finish(|page, of| report::footer(doc, page, of));
        self.assemble(
            &doc.content.number,
            &doc.content.shop.name,
            created_at,
            pages,
            image,
        )
    }

    /// A4 PDF bytes of a monthly statement.
    pub fn statement(
        &self,
        doc: &StatementDocument,
        logo: Option<&Logo>,
        created_at: DateTime<Utc>,
    ) -> Result<Vec<u8>> {
        let image = logo.map(decode_logo).transpose()?;
        let logo_ref = image.as_ref().map(logo_ref);
        let mut c = Canvas::new(&self.fonts);
        statement::draw(&mut c, doc, logo_ref.as_ref());
        let pages = c.finish(|page, of| statement::footer(doc, page, of));
        self.assemble(
            &statement::title(doc),
            &doc.shop.name,
            created_at,
            pages,
            image,
        )
    }

    fn assemble(
        &self,
        title: &str,
        author: &str,
        created_at: DateTime<Utc>,
        pages: Vec<PdfPage>,
        logo: Option<RawImage>,
    ) -> Result<Vec<u8>> {
        let mut pdf = PdfDocument::new(title);
        let date = OffsetDateTime::from_unix_timestamp(created_at.timestamp()).map_err(|e| {
            Error::invalid(
                Code::RenderFailed,
                "created_at",
                format!("the date {created_at} cannot be written in a PDF: {e}"),
            )
        })?;
        let info = &mut pdf.metadata.info;
        info.author = author.to_owned();
        info.creator = "Rapportino".to_owned();
        info.producer = "Rapportino (printpdf)".to_owned();
        info.creation_date = date;
        info.modification_date = date;
        info.metadata_date = date;
        // Fixed resource ids: printpdf's own come from a process-wide counter (see fonts.rs).
        for face in [Face::Regular, Face::Bold, Face::Italic] {
            pdf.resources.fonts.map.insert(
                face.id(),
                PdfFont::new(self.fonts.face(face).parsed.clone()),
            );
        }
        if let Some(image) = logo {
            pdf.resources
                .xobjects
                .map
                .insert(XObjectId(LOGO_ID.to_owned()), XObject::Image(image));
        }
        pdf.with_pages(pages);
        let mut warnings = Vec::new();
        let mut bytes = pdf.save(&save_options(), &mut warnings);
        if !bytes.starts_with(b"%PDF-") {
            return Err(Error::invalid(
                Code::RenderFailed,
                "pdf",
                format!("the PDF engine produced no document for {title:?}"),
            ));
        }
        fix_trailer_id(&mut bytes);
        Ok(bytes)
    }
}

fn decode_logo(logo: &Logo) -> Result<RawImage> {
    RawImage::decode_from_bytes(&logo.png, &mut Vec::new()).map_err(|e| {
        Error::invalid(
            Code::LogoInvalid,
            "logo",
            format!("the logo cannot be decoded: {e}"),
        )
    })
}

fn logo_ref(image: &RawImage) -> LogoRef {
    LogoRef {
        id: XObjectId(LOGO_ID.to_owned()),
        width_px: image.width as f32,
        height_px: image.height as f32,
    }
}

/// printpdf fills the trailer's `/ID` with two strings from a process-wide counter, so the same
/// document rendered twice would differ there. Replace both with a digest of the rest of the file
/// (same length, so the cross-reference offsets stay valid).
fn fix_trailer_id(bytes: &mut [u8]) {
    const KEY: &[u8] = b"/ID[(";
    const LEN: usize = 32;
    let Some(start) = bytes
        .windows(KEY.len())
        .rposition(|w| w == KEY)
        .map(|p| p + KEY.len())
    else {
        return;
    };
    // `(first)(second)`: 32 characters, `)(`, 32 characters, `)`.
    let second = start + LEN + 2;
    if bytes.len() < second + LEN + 1
        || &bytes[start + LEN..second] != b")("
        || bytes[second + LEN] != b')'
    {
        return;
    }
    let mut hasher = Sha256::new();
    hasher.update(&bytes[..start]);
    hasher.update(&bytes[second + LEN..]);
    let digest = hasher.finalize();
    let hex: String = digest
        .iter()
        .take(LEN / 2)
        .map(|b| format!("{b:02x}"))
        .collect();
    bytes[start..start + LEN].copy_from_slice(hex.as_bytes());
    bytes[second..second + LEN].copy_from_slice(hex.as_bytes());
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_renderer_can_be_shared_between_threads() {
        fn check<T: Send + Sync>() {}
        check::<Renderer>();
    }

    #[test]
    fn the_trailer_id_becomes_a_digest() {
        let mut pdf = b"%PDF-1.3 body trailer <</ID[(ABCDEFGHIJABCDEFGHIJABCDEFGHIJAB)(JIHGFEDCBAJIHGFEDCBAJIHGFEDCBAJI)]>> %%EOF".to_vec();
        let mut other = pdf.clone();
        let s = pdf.windows(5).position(|w| w == b"/ID[(").unwrap() + 5;
        other[s..s + 32].copy_from_slice(&[b'B'; 32]);
        fix_trailer_id(&mut pdf);
        fix_trailer_id(&mut other);
        assert_eq!(pdf, other);
        assert!(!pdf.windows(10).any(|w| w == b"ABCDEFGHIJ"));
    }
}
