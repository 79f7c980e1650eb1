//! The shop logo: PNG or JPEG, checked and scaled down; anything else refused with nothing stored.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Cursor;

use common::*;
use rapportino_core::reports::logo;
use rapportino_core::Code;

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbaImage::from_fn(w, h, |x, y| {
        image::Rgba([(x % 255) as u8, (y % 255) as u8, 90, 200])
    });
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

#[test]
fn a_png_is_scaled_down_and_stored() {
    let (mut s, _) = store();
    let stored = logo::set(&mut s, &png(1200, 300)).unwrap();
    assert_eq!((stored.width, stored.height), (600, 150));
    let back = logo::get(s.conn()).unwrap().unwrap();
    assert_eq!(back, stored);
    logo::clear(&mut s).unwrap();
    assert!(logo::get(s.conn()).unwrap().is_none());
}

#[test]
fn a_jpeg_is_accepted_as_png() {
    let (mut s, _) = store();
    let img = image::RgbImage::from_pixel(100, 40, image::Rgb([10, 60, 160]));
    let mut jpg = Vec::new();
    img.write_to(&mut Cursor::new(&mut jpg), image::ImageFormat::Jpeg)
        .unwrap();
    let stored = logo::set(&mut s, &jpg).unwrap();
    assert_eq!((stored.width, stored.height), (100, 40));
    assert!(stored.png.starts_with(b"\x89PNG"));
}

#[test]
fn not_an_image_too_big_or_truncated_is_refused() {
    let (mut s, _) = store();
    let before = snapshot(&s);
    let mut truncated = png(50, 50);
    truncated.truncate(60);
    let cases: Vec<(Vec<u8>, Code)> = vec![
        (b"%PDF-1.7 not an image".to_vec(), Code::LogoInvalid),
        (b"GIF89a......".to_vec(), Code::LogoInvalid),
        (truncated, Code::LogoInvalid),
        (png(7000, 10), Code::LogoTooLarge),
        (vec![0u8; logo::MAX_FILE_BYTES + 1], Code::LogoTooLarge),
    ];
    for (bytes, code) in cases {
        let err = logo::set(&mut s, &bytes).unwrap_err();
        assert_eq!((err.code(), err.field()), (code, Some("logo")));
    }
    assert_eq!(snapshot(&s), before);
    assert!(logo::get(s.conn()).unwrap().is_none());
}
