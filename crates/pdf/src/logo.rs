//! The shop's logo as a ready PDF image: decoded and Flate-compressed once, then reused by every
//! document while the logo stays the same. (Through printpdf's own image path, a 600 × 240 logo
//! is decoded and deflated at the best level again for each document: about 8 ms of a 12 ms
//! statement.)

use std::collections::BTreeMap;
use std::io::Write;

use flate2::write::ZlibEncoder;
use flate2::Compression;
use printpdf::{
    DictItem, ExternalStream, ExternalXObject, Px, RawImage, RawImageData, RawImageFormat,
};
use rapportino_core::reports::Logo;
use rapportino_core::{Code, Error, Result};

/// A logo encoded as a PDF image XObject (with a soft mask when it has transparency).
pub(crate) struct EncodedLogo {
    /// The PNG it was made from, to know when the shop changed its logo.
    png: Vec<u8>,
    pub xobject: ExternalXObject,
    pub width_px: f32,
    pub height_px: f32,
}

impl EncodedLogo {
    pub(crate) fn is_for(&self, logo: &Logo) -> bool {
        self.png == logo.png
    }
}

fn invalid(msg: impl std::fmt::Display) -> Error {
    Error::invalid(
        Code::LogoInvalid,
        "logo",
        format!("the logo cannot be decoded: {msg}"),
    )
}

/// Colour samples (gray or RGB, 8 bits) and the alpha samples when any pixel is not opaque.
fn samples(image: RawImage) -> Result<(Vec<u8>, bool, Option<Vec<u8>>)> {
    use RawImageFormat as F;
    let to_u8 = |data: RawImageData| -> Vec<u8> {
        match data {
            RawImageData::U8(v) => v,
            RawImageData::U16(v) => v.into_iter().map(|s| (s >> 8) as u8).collect(),
            RawImageData::F32(v) => v
                .into_iter()
                .map(|s| (s.clamp(0.0, 1.0) * 255.0).round() as u8)
                .collect(),
        }
    };
    let format = image.data_format;
    let px = to_u8(image.pixels);
    let (channels, rgb, alpha_at, bgr): (usize, bool, Option<usize>, bool) = match format {
        F::R8 | F::R16 => (1, false, None, false),
        F::RG8 | F::RG16 => (2, false, Some(1), false),
        F::RGB8 | F::RGB16 | F::RGBF32 => (3, true, None, false),
        F::RGBA8 | F::RGBA16 | F::RGBAF32 => (4, true, Some(3), false),
        F::BGR8 => (3, true, None, true),
        F::BGRA8 => (4, true, Some(3), true),
    };
    if px.len() != image.width * image.height * channels {
        return Err(invalid("its pixel data does not match its size"));
    }
    let colour_channels = if rgb { 3 } else { 1 };
    let mut colour = Vec::with_capacity(image.width * image.height * colour_channels);
    let mut alpha = Vec::new();
    for p in px.chunks_exact(channels) {
        if bgr {
            colour.extend([p[2], p[1], p[0]]);
        } else {
            colour.extend(&p[..colour_channels]);
        }
        if let Some(a) = alpha_at {
            alpha.push(p[a]);
        }
    }
    let alpha = (!alpha.is_empty() && alpha.iter().any(|&a| a != 255)).then_some(alpha);
    Ok((colour, rgb, alpha))
}

fn deflate(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut z = ZlibEncoder::new(Vec::new(), Compression::best());
    z.write_all(bytes)
        .and_then(|()| z.finish())
        .map_err(|e| Error::invalid(Code::RenderFailed, "logo", e.to_string()))
}

fn image_dict(width: usize, height: usize, colour_space: &str) -> BTreeMap<String, DictItem> {
    let name = |s: &str| DictItem::Name(s.as_bytes().to_vec());
    BTreeMap::from([
        ("Type".to_owned(), name("XObject")),
        ("Subtype".to_owned(), name("Image")),
        ("Width".to_owned(), DictItem::Int(width as i64)),
        ("Height".to_owned(), DictItem::Int(height as i64)),
        ("ColorSpace".to_owned(), name(colour_space)),
        ("BitsPerComponent".to_owned(), DictItem::Int(8)),
        ("Filter".to_owned(), name("FlateDecode")),
    ])
}

pub(crate) fn encode(logo: &Logo) -> Result<EncodedLogo> {
    let image = RawImage::decode_from_bytes(&logo.png, &mut Vec::new()).map_err(invalid)?;
    let (w, h) = (image.width, image.height);
    if w == 0 || h == 0 {
        return Err(invalid("it has no pixels"));
    }
    let (colour, rgb, alpha) = samples(image)?;
    let mut dict = image_dict(w, h, if rgb { "DeviceRGB" } else { "DeviceGray" });
    if let Some(alpha) = alpha {
        dict.insert(
            "SMask".to_owned(),
            DictItem::Stream {
                stream: ExternalStream {
                    dict: image_dict(w, h, "DeviceGray"),
                    content: deflate(&alpha)?,
                    compress: false,
                },
            },
        );
    }
    Ok(EncodedLogo {
        png: logo.png.clone(),
        xobject: ExternalXObject {
            stream: ExternalStream {
                dict,
                content: deflate(&colour)?,
                compress: false,
            },
            width: Some(Px(w)),
            height: Some(Px(h)),
            dpi: Some(72.0),
        },
        width_px: w as f32,
        height_px: h as f32,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn rgba_splits_into_colour_and_alpha_and_opaque_alpha_is_dropped() {
        let image = |a: u8| RawImage {
            pixels: RawImageData::U8(vec![10, 20, 30, a, 40, 50, 60, 255]),
            width: 2,
            height: 1,
            data_format: RawImageFormat::RGBA8,
            tag: Vec::new(),
        };
        let (colour, rgb, alpha) = samples(image(0)).unwrap();
        assert_eq!(colour, vec![10, 20, 30, 40, 50, 60]);
        assert!(rgb);
        assert_eq!(alpha, Some(vec![0, 255]));
        assert_eq!(samples(image(255)).unwrap().2, None);
    }

    #[test]
    fn a_short_buffer_is_refused() {
        let bad = RawImage {
            pixels: RawImageData::U8(vec![1, 2, 3]),
            width: 2,
            height: 2,
            data_format: RawImageFormat::RGB8,
            tag: Vec::new(),
        };
        assert_eq!(samples(bad).err().unwrap().code(), Code::LogoInvalid);
    }
}
