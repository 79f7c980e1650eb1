//! # rapportino-pdf
//!
//! Rapportino's printed documents: the rapporto d'intervento (draft or signed), the quote
//! (preventivo) and the monthly statement, as A4 PDFs drawn with printpdf, and as self-contained HTML pages with the same
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
pub mod attachments;
mod canvas;
mod common;
pub mod export;
mod fonts;
pub mod html;
mod logo;
pub mod print;
pub mod printers;
mod quote;
mod report;
mod signature;
mod statement;

use chrono::{DateTime, Utc};
use printpdf::{
    ImageCompression, ImageOptimizationOptions, OffsetDateTime, PdfDocument, PdfFont,
    PdfSaveOptions, XObject, XObjectId,
};
use rapportino_core::quotes::QuoteDocument;
use rapportino_core::reports::{Logo, ReportDocument, StatementDocument};
use rapportino_core::{Code, Error, Result};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::sync::{Arc, Mutex};

use flate2::write::ZlibEncoder;
use flate2::Compression;

pub use atomic::write_atomic;

use canvas::{Canvas, Laid};
use common::LogoRef;
use fonts::Fonts;
use logo::EncodedLogo;

/// Renders reports and statements to PDF bytes. Build it once and reuse it: the fonts are parsed
/// here, not per document, and the last logo used is kept encoded. `Send + Sync`: threads can
/// share one renderer (the logo cache is behind a mutex held only to look it up).
pub struct Renderer {
    fonts: Fonts,
    logo: Mutex<Option<Arc<EncodedLogo>>>,
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
            logo: Mutex::new(None),
        })
    }

    /// The logo encoded for the PDF: from the cache when it is the same logo as last time.
    fn encoded_logo(&self, logo: &Logo) -> Result<Arc<EncodedLogo>> {
        let cached = self
            .logo
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone();
        if let Some(c) = cached.filter(|c| c.is_for(logo)) {
            return Ok(c);
        }
        let fresh = Arc::new(logo::encode(logo)?);
        *self
            .logo
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(fresh.clone());
        Ok(fresh)
    }

    /// A4 PDF bytes of a rapporto d'intervento (draft or signed).
    pub fn report(
        &self,
        doc: &ReportDocument,
        logo: Option<&Logo>,
        created_at: DateTime<Utc>,
    ) -> Result<Vec<u8>> {
        let image = logo.map(|l| self.encoded_logo(l)).transpose()?;
        let logo_ref = image.as_deref().map(logo_ref);
        let mut c = Canvas::new(&self.fonts);
        report::draw(&mut c, doc, logo_ref.as_ref());
        let laid = c.finish(|page, of| report::footer(doc, page, of));
        self.assemble(
            &doc.content.number,
            &doc.content.shop.name,
            created_at,
            laid,
            image,
        )
    }

    /// A4 PDF bytes of a quote (preventivo), in any state.
    pub fn quote(
        &self,
        doc: &QuoteDocument,
        logo: Option<&Logo>,
        created_at: DateTime<Utc>,
    ) -> Result<Vec<u8>> {
        let image = logo.map(|l| self.encoded_logo(l)).transpose()?;
        let logo_ref = image.as_deref().map(logo_ref);
        let mut c = Canvas::new(&self.fonts);
        quote::draw(&mut c, doc, logo_ref.as_ref());
        let laid = c.finish(|page, of| quote::footer(doc, page, of));
        self.assemble(
            &quote::title(doc),
            &doc.content.shop.name,
            created_at,
            laid,
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
        let image = logo.map(|l| self.encoded_logo(l)).transpose()?;
        let logo_ref = image.as_deref().map(logo_ref);
        let mut c = Canvas::new(&self.fonts);
        statement::draw(&mut c, doc, logo_ref.as_ref());
        let laid = c.finish(|page, of| statement::footer(doc, page, of));
        self.assemble(
            &statement::title(doc),
            &doc.shop.name,
            created_at,
            laid,
            image,
        )
    }

    fn assemble(
        &self,
        title: &str,
        author: &str,
        created_at: DateTime<Utc>,
        laid: Laid,
        logo: Option<Arc<EncodedLogo>>,
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
        for &face in &laid.faces {
            pdf.resources.fonts.map.insert(
                face.id(),
                PdfFont::new(self.fonts.face(face).parsed.clone()),
            );
        }
        if let Some(image) = logo {
            pdf.resources.xobjects.map.insert(
                XObjectId(LOGO_ID.to_owned()),
                XObject::External(image.xobject.clone()),
            );
        }
        pdf.with_pages(laid.pages);
        // printpdf's `save` deflates every stream at the best level: half of the render time.
        // The fastest level makes a one-page report about 15 % larger (43 KB instead of 37 KB)
        // and renders it about 2.5 times faster.
        let mut warnings = Vec::new();
        let mut lo = pdf.to_lopdf_document(&save_options(), &mut warnings);
        compress_streams(&mut lo);
        let mut bytes = Vec::with_capacity(64 * 1024);
        lo.save_to(&mut bytes).map_err(|e| {
            Error::invalid(
                Code::RenderFailed,
                "pdf",
                format!("the PDF engine failed on {title:?}: {e}"),
            )
        })?;
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

fn logo_ref(image: &EncodedLogo) -> LogoRef {
    LogoRef {
        id: XObjectId(LOGO_ID.to_owned()),
        width_px: image.width_px,
        height_px: image.height_px,
    }
}

/// Flate-compresses every stream that may be and is not yet (fonts, page contents), at the
/// fastest level, keeping the raw bytes when compression does not pay.
fn compress_streams(doc: &mut lopdf::Document) {
    for object in doc.objects.values_mut() {
        if let lopdf::Object::Stream(stream) = object {
            if !stream.allows_compression || stream.dict.get(b"Filter").is_ok() {
                continue;
            }
            let mut z = ZlibEncoder::new(Vec::new(), Compression::fast());
            let Ok(packed) = z.write_all(&stream.content).and_then(|()| z.finish()) else {
                continue;
            };
            if packed.len() + 19 < stream.content.len() {
                stream.dict.set("Filter", "FlateDecode");
                stream.set_content(packed);
            }
        }
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
