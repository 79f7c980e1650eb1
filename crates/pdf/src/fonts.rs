//! The three Noto Sans faces, parsed once per [`crate::Renderer`]: printpdf's `ParsedFont` (what
//! gets embedded, as a subset) and a `ttf_parser::Face` over the same bytes (what measures text).
//!
//! printpdf draws one glyph per `char` through the cmap, without shaping or kerning, so the sum of
//! the hmtx advances measured here is exactly the width it draws.

use printpdf::{FontId, ParsedFont};
use rapportino_core::{Code, Error, Result};

const REGULAR: &[u8] = include_bytes!("../assets/fonts/NotoSans-Regular.ttf");
const BOLD: &[u8] = include_bytes!("../assets/fonts/NotoSans-Bold.ttf");
const ITALIC: &[u8] = include_bytes!("../assets/fonts/NotoSans-Italic.ttf");

/// Which face a piece of text is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Face {
    Regular,
    Bold,
    Italic,
}

impl Face {
    /// A fixed resource id per face. printpdf's own ids come from a process-wide counter, which
    /// would make two renders of the same document differ; the first six letters also become the
    /// subset tag (`NSREGU+NotoSans-Regular`).
    pub(crate) fn id(self) -> FontId {
        FontId(
            match self {
                Face::Regular => "NSREGU",
                Face::Bold => "NSBOLD",
                Face::Italic => "NSITAL",
            }
            .to_owned(),
        )
    }
}

/// One face: what printpdf embeds and what we measure with.
pub(crate) struct LoadedFace {
    pub(crate) parsed: ParsedFont,
    measure: ttf_parser::Face<'static>,
    units_per_em: f32,
    /// Advance of every char below U+0250 (Latin, Latin-1, Latin Extended), looked up once.
    latin: Vec<u16>,
    notdef_advance: u16,
}

impl LoadedFace {
    fn load(name: &str, bytes: &'static [u8]) -> Result<LoadedFace> {
        let fail = |what: &str| {
            Error::invalid(
                Code::RenderFailed,
                "font",
                format!("the built-in font {name} cannot be {what}"),
            )
        };
        let parsed =
            ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).ok_or_else(|| fail("loaded"))?;
        let measure = ttf_parser::Face::parse(bytes, 0).map_err(|_| fail("measured"))?;
        let notdef_advance = measure
            .glyph_hor_advance(ttf_parser::GlyphId(0))
            .unwrap_or(0);
        let latin = (0u32..0x250)
            .map(|c| {
                char::from_u32(c)
                    .and_then(|c| measure.glyph_index(c))
                    .and_then(|g| measure.glyph_hor_advance(g))
                    .unwrap_or(notdef_advance)
            })
            .collect();
        Ok(LoadedFace {
            parsed,
            units_per_em: f32::from(measure.units_per_em()),
            measure,
            latin,
            notdef_advance,
        })
    }

    fn advance(&self, c: char) -> u16 {
        match self.latin.get(c as usize) {
            Some(a) => *a,
            None => self
                .measure
                .glyph_index(c)
                .and_then(|g| self.measure.glyph_hor_advance(g))
                .unwrap_or(self.notdef_advance),
        }
    }

    /// Width in pt of `text` set at `size` pt.
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        let units: u32 = text.chars().map(|c| u32::from(self.advance(c))).sum();
        units as f32 * size / self.units_per_em
    }
}

pub(crate) struct Fonts {
    pub(crate) regular: LoadedFace,
    pub(crate) bold: LoadedFace,
    pub(crate) italic: LoadedFace,
}

impl Fonts {
    pub(crate) fn load() -> Result<Fonts> {
        Ok(Fonts {
            regular: LoadedFace::load("NotoSans-Regular", REGULAR)?,
            bold: LoadedFace::load("NotoSans-Bold", BOLD)?,
            italic: LoadedFace::load("NotoSans-Italic", ITALIC)?,
        })
    }

    pub(crate) fn face(&self, face: Face) -> &LoadedFace {
        match face {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
            Face::Italic => &self.italic,
        }
    }

    pub(crate) fn width(&self, face: Face, text: &str, size: f32) -> f32 {
        self.face(face).width(text, size)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn widths_add_up_per_char() {
        let fonts = Fonts::load().unwrap();
        let a = fonts.width(Face::Regular, "perché", 10.0);
        let b = fonts.width(Face::Regular, "perch", 10.0) + fonts.width(Face::Regular, "é", 10.0);
        assert!((a - b).abs() < 1e-4);
        assert!(fonts.width(Face::Bold, "WWW", 10.0) > fonts.width(Face::Regular, "iii", 10.0));
        // Outside the Latin table: the euro sign is measured through the cmap.
        assert!(fonts.width(Face::Regular, "€", 10.0) > 3.0);
    }
}
