//! Logo uploads, made safe: the type is read from the content (never from a file name or a
//! declared type), the size and the pixel dimensions are limited before anything is decoded,
//! and the image is decoded and re-encoded, so what is stored and served is pixels the portal
//! wrote itself: no trailing script, no metadata, no second format hiding in the file.

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::{DynamicImage, ImageFormat, ImageReader, Limits};
use portal_types::ParseError;
use std::io::Cursor;

/// The largest upload, in bytes.
pub const MAX_BYTES: usize = 512 * 1024;
/// The widest and tallest logo, in pixels.
pub const MAX_SIDE: u32 = 2048;
/// The most memory a decoder may ask for: one RGBA image at the largest size, twice over.
const MAX_DECODER_ALLOC: u64 = 2 * 4 * (MAX_SIDE as u64) * (MAX_SIDE as u64);
/// The largest re-encoded logo (a lossy upload can grow when it is stored without loss).
const MAX_STORED_BYTES: usize = 2 * 1024 * 1024;

/// A logo ready to store: the bytes the portal encoded, and what they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanLogo {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    pub width: u32,
    pub height: u32,
    /// Lower-case hex SHA-256 of `bytes`.
    pub sha256: String,
}

fn refused(message: impl Into<String>) -> ParseError {
    ParseError::new("logo", message)
}

/// Checks, decodes and re-encodes an uploaded logo. CPU-bound: run it off the async threads.
pub fn clean(upload: &[u8]) -> Result<CleanLogo, ParseError> {
    if upload.is_empty() {
        return Err(refused("The file is empty."));
    }
    if upload.len() > MAX_BYTES {
        return Err(refused(format!(
            "The logo is larger than {} KB.",
            MAX_BYTES / 1024
        )));
    }
    let format = image::guess_format(upload)
        .ok()
        .filter(|f| matches!(f, ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP))
        .ok_or_else(|| refused("A logo must be a PNG, JPEG or WebP image."))?;

    // The header alone first: a file that declares a huge image is refused before any
    // decoder allocates for it.
    let (width, height) = reader(upload, format, None)
        .into_dimensions()
        .map_err(|_| refused("The image could not be read; it may be damaged."))?;
    if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
        return Err(refused(format!(
            "The logo is {width} × {height} pixels; at most {MAX_SIDE} × {MAX_SIDE} is allowed."
        )));
    }
    let image = reader(upload, format, Some(MAX_SIDE))
        .decode()
        .map_err(|_| refused("The image could not be read; it may be damaged or truncated."))?;
    // A file that goes on after its image ends is a polyglot: the rest is for some other
    // reader (an HTML page, an archive).
    if !ends_where_the_image_ends(upload, format) {
        return Err(refused(
            "The file holds more than an image; export it again as a plain PNG, JPEG or WebP.",
        ));
    }
    let bytes = encode(&image, format)?;
    if bytes.len() > MAX_STORED_BYTES {
        return Err(refused(
            "The logo is too detailed to store; try a smaller image or a PNG.",
        ));
    }
    let sha256 = crate::secret::sha256_hex(&bytes);
    Ok(CleanLogo {
        content_type: format.to_mime_type(),
        width,
        height,
        bytes,
        sha256,
    })
}

/// Whether `upload` ends with its image's closing marker (PNG, JPEG; JPEG encoders may pad
/// with zeros) or, for WebP, its RIFF container is exactly as long as the file.
fn ends_where_the_image_ends(upload: &[u8], format: ImageFormat) -> bool {
    const PNG_END: [u8; 12] = [0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82];
    match format {
        ImageFormat::Png => upload.ends_with(&PNG_END),
        ImageFormat::Jpeg => {
            let end = upload.len() - upload.iter().rev().take_while(|&&b| b == 0).count();
            upload[..end].ends_with(&[0xFF, 0xD9])
        }
        ImageFormat::WebP => upload.get(4..8).is_some_and(|size| {
            let size = u32::from_le_bytes([size[0], size[1], size[2], size[3]]) as usize;
            size + 8 == upload.len() || size + 9 == upload.len()
        }),
        _ => false,
    }
}

/// A reader of `upload` as `format`, with decoder limits: no allocation larger than a logo
/// may need and, when `max_side` is given, no image wider or taller, whatever its header
/// claims. (Without it, the header can be read to say how large the image claims to be.)
fn reader(upload: &[u8], format: ImageFormat, max_side: Option<u32>) -> ImageReader<Cursor<&[u8]>> {
    let mut limits = Limits::default();
    limits.max_image_width = max_side;
    limits.max_image_height = max_side;
    limits.max_alloc = Some(MAX_DECODER_ALLOC);
    let mut reader = ImageReader::with_format(Cursor::new(upload), format);
    reader.limits(limits);
    reader
}

/// The image, written anew in the format it came in (WebP without loss: the encoder the
/// image crate has).
fn encode(image: &DynamicImage, format: ImageFormat) -> Result<Vec<u8>, ParseError> {
    let mut out = Vec::new();
    let written = match format {
        ImageFormat::Jpeg => {
            let rgb = DynamicImage::ImageRgb8(image.to_rgb8());
            rgb.write_with_encoder(JpegEncoder::new_with_quality(&mut out, 90))
        }
        ImageFormat::WebP => {
            let rgba = DynamicImage::ImageRgba8(image.to_rgba8());
            rgba.write_with_encoder(WebPEncoder::new_lossless(&mut out))
        }
        _ => image.write_with_encoder(PngEncoder::new(&mut out)),
    };
    written.map_err(|_| refused("The image could not be re-encoded."))?;
    Ok(out)
}
