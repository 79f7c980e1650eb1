//! The shop's logo printed on reports and statements: a PNG or JPEG, checked, scaled down once and
//! kept as PNG in the settings (so it syncs like the rest of the shop's data).

use std::io::{Cursor, Read};
use std::path::Path;

use image::{ImageFormat, ImageReader};
use serde::{Deserialize, Serialize};

use crate::error::{Code, Error, Result};
use crate::reports::document::Logo;
use crate::store::settings::{get_setting_conn, to_json_text};
use crate::store::{Entity, Store};

/// Largest file accepted.
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;
/// Largest pixel size accepted (each side) — beyond it the file is a photo, not a logo.
pub const MAX_SIDE_PX: u32 = 6_000;
/// The stored logo fits in this box (about 45 × 18 mm at 340 dpi): crisp in print, small in PDFs.
const STORED_MAX_W: u32 = 600;
const STORED_MAX_H: u32 = 240;

const KEY: &str = "shop_logo";

#[derive(Serialize, Deserialize)]
struct StoredLogo {
    png_hex: String,
    width: u32,
    height: u32,
}

/// Checks `bytes` (PNG or JPEG, at most 5 MB and 6,000 px a side), scales it down to fit 600×240
/// and stores it. LOGO_INVALID for anything that is not a decodable PNG/JPEG, LOGO_TOO_LARGE for
/// an oversized file or picture; nothing is stored on error.
pub fn set(store: &mut Store, bytes: &[u8]) -> Result<Logo> {
    let logo = normalise(bytes)?;
    let stored = StoredLogo {
        png_hex: hex::encode(&logo.png),
        width: logo.width,
        height: logo.height,
    };
    store.write(|tx| {
        tx.upsert(
            Entity::Setting,
            KEY,
            vec![("value", to_json_text(&stored)?)],
        )
    })?;
    Ok(logo)
}

/// Removes the logo (documents print the shop's name alone).
pub fn clear(store: &mut Store) -> Result<()> {
    if get(store.conn())?.is_none() {
        return Ok(());
    }
    store.write(|tx| tx.delete(Entity::Setting, KEY))
}

pub fn get(conn: &rusqlite::Connection) -> Result<Option<Logo>> {
    let Some(stored) = get_setting_conn::<StoredLogo>(conn, KEY)? else {
        return Ok(None);
    };
    Ok(hex::decode(&stored.png_hex).ok().map(|png| Logo {
        png,
        width: stored.width,
        height: stored.height,
    }))
}

fn invalid(msg: impl Into<String>) -> Error {
    Error::invalid(Code::LogoInvalid, "logo", msg)
}

fn too_large(msg: impl Into<String>) -> Error {
    Error::invalid(Code::LogoTooLarge, "logo", msg)
}

/// Reads a logo file, stopping one byte past [`MAX_FILE_BYTES`]: a huge (or endless, or sparse)
/// file is refused with LOGO_TOO_LARGE after reading at most that much, never loaded whole.
/// LOGO_INVALID when it cannot be opened or read.
pub fn read_file(path: &Path) -> Result<Vec<u8>> {
    let cannot = |e: std::io::Error| invalid(format!("cannot read {}: {e}", path.display()));
    let file = std::fs::File::open(path).map_err(cannot)?;
    read_limited(file).map_err(|e| match e {
        Error::Io(e) => cannot(e),
        other => other,
    })
}

/// Reads at most [`MAX_FILE_BYTES`] from `source`; LOGO_TOO_LARGE when there is more.
pub fn read_limited(source: impl Read) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    source
        .take(MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(too_large(format!(
            "the logo is over the limit of {} MB",
            MAX_FILE_BYTES / 1_048_576
        )));
    }
    Ok(bytes)
}

/// Validates, decodes and scales a logo to the stored PNG.
pub fn normalise(bytes: &[u8]) -> Result<Logo> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(too_large(format!(
            "the logo is {:.1} MB; the limit is {} MB",
            bytes.len() as f64 / 1_048_576.0,
            MAX_FILE_BYTES / 1_048_576
        )));
    }
    let reader = || {
        ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|e| invalid(e.to_string()))
    };
    match reader()?.format() {
        Some(ImageFormat::Png | ImageFormat::Jpeg) => {}
        _ => return Err(invalid("the logo must be a PNG or JPEG image")),
    }
    let (w, h) = reader()?
        .into_dimensions()
        .map_err(|e| invalid(format!("the logo cannot be read: {e}")))?;
    if w > MAX_SIDE_PX || h > MAX_SIDE_PX {
        return Err(too_large(format!(
            "the logo is {w}×{h} pixels; the limit is {MAX_SIDE_PX} a side"
        )));
    }
    if w == 0 || h == 0 {
        return Err(invalid("the logo has no pixels"));
    }
    let img = reader()?
        .decode()
        .map_err(|e| invalid(format!("the logo cannot be decoded: {e}")))?;
    let img = if w > STORED_MAX_W || h > STORED_MAX_H {
        img.resize(
            STORED_MAX_W,
            STORED_MAX_H,
            image::imageops::FilterType::Triangle,
        )
    } else {
        img
    };
    let mut png = Vec::new();
    img.write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .map_err(|e| invalid(format!("the logo cannot be re-encoded: {e}")))?;
    Ok(Logo {
        width: img.width(),
        height: img.height(),
        png,
    })
}
