//! Logo cleaning: real PNG, JPEG and WebP images go in and come out re-encoded; an attack
//! corpus of uploads is refused, each with a message a user can act on.

use domain::branding::logo::{MAX_BYTES, MAX_SIDE, clean};
use image::{DynamicImage, ImageFormat, Rgba, RgbaImage};
use std::io::Cursor;

/// A small two-colour image in `format`, as an editor would export it.
fn image_file(format: ImageFormat, width: u32, height: u32) -> Vec<u8> {
    let pixels = RgbaImage::from_fn(width, height, |x, _| {
        if x % 2 == 0 {
            Rgba([200, 30, 30, 255])
        } else {
            Rgba([20, 20, 90, 255])
        }
    });
    let image = match format {
        ImageFormat::Jpeg => DynamicImage::ImageRgb8(DynamicImage::ImageRgba8(pixels).to_rgb8()),
        _ => DynamicImage::ImageRgba8(pixels),
    };
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, format).expect("encode");
    out.into_inner()
}

/// CRC-32 as PNG chunks carry it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A valid PNG whose header (with a correct checksum) claims `width` × `height` pixels.
fn png_declaring(width: u32, height: u32) -> Vec<u8> {
    let mut png = image_file(ImageFormat::Png, 4, 4);
    // Signature (8), IHDR length (4), then "IHDR" and its 13 bytes of data, then the CRC.
    png[16..20].copy_from_slice(&width.to_be_bytes());
    png[20..24].copy_from_slice(&height.to_be_bytes());
    let crc = crc32(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    png
}

fn refusal(upload: &[u8]) -> String {
    match clean(upload) {
        Ok(logo) => panic!(
            "accepted as {}: {} bytes",
            logo.content_type,
            logo.bytes.len()
        ),
        Err(error) => {
            assert_eq!(error.field, "logo");
            error.message
        }
    }
}

#[test]
fn png_jpeg_and_webp_are_re_encoded_in_their_own_format() {
    for (format, mime) in [
        (ImageFormat::Png, "image/png"),
        (ImageFormat::Jpeg, "image/jpeg"),
        (ImageFormat::WebP, "image/webp"),
    ] {
        let upload = image_file(format, 120, 40);
        let logo = clean(&upload).unwrap_or_else(|e| panic!("{format:?}: {e}"));
        assert_eq!(logo.content_type, mime);
        assert_eq!((logo.width, logo.height), (120, 40));
        assert_eq!(image::guess_format(&logo.bytes).expect("format"), format);
        let back = image::load_from_memory(&logo.bytes).expect("decodes");
        assert_eq!((back.width(), back.height()), (120, 40));
        assert_eq!(logo.sha256.len(), 64);
    }
}

#[test]
fn the_largest_allowed_logo_is_accepted() {
    let upload = image_file(ImageFormat::Png, MAX_SIDE, 8);
    assert!(upload.len() <= MAX_BYTES);
    assert_eq!(clean(&upload).expect("accepted").width, MAX_SIDE);
}

#[test]
fn svg_with_script_is_refused() {
    let svg = br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(document.cookie)</script><rect width="10" height="10"/></svg>"#;
    assert!(refusal(svg).contains("PNG, JPEG or WebP"));
}

#[test]
fn html_named_png_is_refused() {
    let html = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>";
    assert!(refusal(html).contains("PNG, JPEG or WebP"));
}

#[test]
fn a_png_declaring_100000_by_100000_pixels_is_refused_before_decoding() {
    let message = refusal(&png_declaring(100_000, 100_000));
    assert!(message.contains("100000 × 100000"), "{message}");
    let message = refusal(&png_declaring(MAX_SIDE + 1, 10));
    assert!(message.contains("at most 2048 × 2048"), "{message}");
}

#[test]
fn a_truncated_png_is_refused() {
    let png = image_file(ImageFormat::Png, 300, 300);
    for cut in [png.len() / 2, png.len() - 13, 40] {
        let message = refusal(&png[..cut]);
        assert!(message.contains("damaged"), "{cut}: {message}");
    }
}

#[test]
fn a_10_mb_file_is_refused_by_size() {
    let mut big = image_file(ImageFormat::Png, 16, 16);
    big.resize(10 * 1024 * 1024, 0);
    assert!(refusal(&big).contains("larger than 512 KB"));
}

#[test]
fn polyglots_are_refused() {
    // A real PNG with an HTML page after its end.
    let mut png_then_html = image_file(ImageFormat::Png, 8, 8);
    png_then_html.extend_from_slice(b"<html><script>alert(1)</script></html>");
    assert!(refusal(&png_then_html).contains("more than an image"));
    // A real JPEG with a ZIP archive after it.
    let mut jpeg_then_zip = image_file(ImageFormat::Jpeg, 8, 8);
    jpeg_then_zip.extend_from_slice(b"PK\x03\x04 rest of an archive");
    assert!(refusal(&jpeg_then_zip).contains("more than an image"));
    // An HTML page with a PNG inside it.
    let mut html_then_png = b"<html><!--".to_vec();
    html_then_png.extend_from_slice(&image_file(ImageFormat::Png, 8, 8));
    assert!(refusal(&html_then_png).contains("PNG, JPEG or WebP"));
}

#[test]
fn empty_and_garbage_files_are_refused() {
    assert!(refusal(b"").contains("empty"));
    assert!(!refusal(&[0x89, b'P', b'N', b'G', 0, 0, 0]).is_empty());
    assert!(!refusal(b"GIF89a\x01\x00\x01\x00").is_empty());
}
