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

#[test]
fn a_logo_file_one_byte_over_the_limit_is_refused_and_one_at_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let over = dir.path().join("over.png");
    std::fs::write(&over, vec![7u8; logo::MAX_FILE_BYTES + 1]).unwrap();
    let err = logo::read_file(&over).unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        (Code::LogoTooLarge, Some("logo"))
    );
    let at = dir.path().join("at.png");
    std::fs::write(&at, vec![7u8; logo::MAX_FILE_BYTES]).unwrap();
    assert_eq!(logo::read_file(&at).unwrap().len(), logo::MAX_FILE_BYTES);
    let missing = logo::read_file(&dir.path().join("missing.png")).unwrap_err();
    assert_eq!(missing.code(), Code::LogoInvalid);
}

#[test]
fn a_huge_sparse_logo_file_is_refused_without_reading_it() {
    // 64 GiB of holes: reading it whole would exhaust memory or take minutes.
    let dir = tempfile::tempdir().unwrap();
    let huge = dir.path().join("huge.png");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(64 << 30)
        .unwrap();
    let started = std::time::Instant::now();
    let err = logo::read_file(&huge).unwrap_err();
    assert_eq!(err.code(), Code::LogoTooLarge);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn an_endless_source_is_read_only_up_to_the_limit() {
    let err = logo::read_limited(std::io::repeat(0)).unwrap_err();
    assert_eq!(err.code(), Code::LogoTooLarge);
    let small = logo::read_limited(&b"\x89PNG"[..]).unwrap();
    assert_eq!(small, b"\x89PNG");
}
