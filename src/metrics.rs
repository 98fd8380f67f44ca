//! Text measurement with the font runbook ships (IPAex Gothic), so that flowchart boxes fit their
//! labels in every script: a Japanese character is about twice as wide as a Latin one.

use std::sync::OnceLock;

/// The font embedded in the binary: IPAex Gothic (IPA Font License v1.0, see assets/fonts/).
pub const FONT: &[u8] = include_bytes!("../assets/fonts/ipaexg.ttf");

/// The family name of [`FONT`], as SVG and typst name it.
pub const FONT_FAMILY: &str = "IPAexGothic";

/// Advance widths of the shipped font, parsed once.
struct Metrics {
    face: ttf_parser::Face<'static>,
    units_per_em: f32,
}

fn metrics() -> Option<&'static Metrics> {
    static METRICS: OnceLock<Option<Metrics>> = OnceLock::new();
    METRICS
        .get_or_init(|| {
            let face = ttf_parser::Face::parse(FONT, 0).ok()?;
            let units_per_em = f32::from(face.units_per_em());
            Some(Metrics { face, units_per_em })
        })
        .as_ref()
}

/// The width of `text` set at `size` (in the same unit as `size`).
pub fn text_width(text: &str, size: f32) -> f32 {
    text.chars().map(|c| char_width(c, size)).sum()
}

/// The advance of one character at `size`; characters the font lacks count as one em.
pub fn char_width(c: char, size: f32) -> f32 {
    let Some(metrics) = metrics() else {
        return size;
    };
    metrics
        .face
        .glyph_index(c)
        .and_then(|glyph| metrics.face.glyph_hor_advance(glyph))
        .map_or(size, |advance| {
            f32::from(advance) / metrics.units_per_em * size
        })
}

/// Whether the shipped font has a glyph for `c`.
pub fn has_glyph(c: char) -> bool {
    metrics().is_some_and(|m| m.face.glyph_index(c).is_some())
}

/// Breaks `text` into lines no wider than `max_width` at `size`: between words for spaced
/// scripts, between any two characters of Japanese (which has no spaces).
pub fn wrap(text: &str, size: f32, max_width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut width = 0.0;
    for piece in pieces(text) {
        let piece_width = text_width(&piece, size);
        if width + piece_width > max_width && !line.trim().is_empty() {
            lines.push(line.trim_end().to_string());
            line = piece.trim_start().to_string();
            width = text_width(&line, size);
        } else {
            line.push_str(&piece);
            width += piece_width;
        }
    }
    if !line.trim().is_empty() {
        lines.push(line.trim_end().to_string());
    }
    lines
}

/// Units a line may break between: a word with its following space, or one wide character.
fn pieces(text: &str) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        let wide = c > '\u{2E80}';
        if wide {
            if !current.is_empty() {
                pieces.push(std::mem::take(&mut current));
            }
            pieces.push(c.to_string());
        } else {
            current.push(c);
            if c == ' ' {
                pieces.push(std::mem::take(&mut current));
            }
        }
    }
    if !current.is_empty() {
        pieces.push(current);
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_is_about_twice_as_wide_as_latin() {
        let latin = text_width("abcd", 10.0);
        let japanese = text_width("確認する", 10.0);
        assert!(japanese > 1.6 * latin, "{japanese} vs {latin}");
        assert!((text_width("確", 10.0) - 10.0).abs() < 0.5);
        assert!(has_glyph('確') && has_glyph('a'));
    }

    #[test]
    fn wrapping_keeps_lines_within_the_width() {
        for text in [
            "Look for known problems in service health",
            "サービス正常性で既知の問題を調べる",
        ] {
            let lines = wrap(text, 13.0, 120.0);
            assert!(lines.len() > 1, "{lines:?}");
            for line in &lines {
                assert!(text_width(line, 13.0) <= 120.0 + 13.0, "{line}");
            }
            assert_eq!(lines.concat().replace(' ', ""), text.replace(' ', ""));
        }
    }
}
