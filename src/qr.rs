//! QR codes of otpauth URIs, as PNG bytes and as an SVG document.
use qrcode::QrCode;
use qrcode::render::svg;

/// Pixels per QR module in the PNG.
const PNG_SCALE: usize = 6;
/// Quiet zone around the code, in modules (the standard asks for 4).
const QUIET_ZONE: usize = 4;

#[derive(Debug, thiserror::Error)]
#[error("could not render the QR code")]
pub struct QrError;

/// The QR code of `data` as (PNG bytes, SVG text).
pub fn render(data: &str) -> Result<(Vec<u8>, String), QrError> {
    let code = QrCode::new(data.as_bytes()).map_err(|_| QrError)?;
    let svg = code
        .render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    Ok((png(&code)?, svg))
}

fn png(code: &QrCode) -> Result<Vec<u8>, QrError> {
    let modules = code.width();
    let colors = code.to_colors();
    let side = (modules + 2 * QUIET_ZONE) * PNG_SCALE;
    let mut pixels = vec![255u8; side * side];
    for (i, color) in colors.iter().enumerate() {
        if *color != qrcode::Color::Dark {
            continue;
        }
        let (mx, my) = (i % modules + QUIET_ZONE, i / modules + QUIET_ZONE);
        for y in my * PNG_SCALE..(my + 1) * PNG_SCALE {
            pixels[y * side + mx * PNG_SCALE..y * side + (mx + 1) * PNG_SCALE].fill(0);
        }
    }
    let side = u32::try_from(side).map_err(|_| QrError)?;
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|_| QrError)?;
    writer.write_image_data(&pixels).map_err(|_| QrError)?;
    writer.finish().map_err(|_| QrError)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_png_and_svg() {
        let (png, svg) =
            render("otpauth://totp/tollgate:alice?secret=JBSWY3DPEHPK3PXP&issuer=tollgate")
                .unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert!(svg.contains("<svg"));
    }
}
