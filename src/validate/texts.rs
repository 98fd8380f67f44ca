//! Localized text: locales that are not configured, text missing in the source locale,
//! translations missing in other locales (warnings, or errors under `fallback = "error"`), and
//! block Markdown (lists, headings) where only inline text fits (titles, labels, names).

use crate::config::{Config, Fallback};
use crate::diagnostic::Diagnostic;
use crate::markup::{self, Flavor};
use crate::model::fields::{TextField, text_fields};
use crate::model::{Site, Text};

pub(super) fn check(site: &Site, config: &Config, out: &mut Vec<Diagnostic>) {
    for field in text_fields(site) {
        check_text(&field, config, out);
        if config.pdf {
            let values: Vec<(&str, crate::source::Span)> = match &field.text.value {
                Text::Source(text) => vec![(text.as_str(), field.text.span(field.file, 0))],
                Text::Localized(map) => map
                    .values()
                    .map(|v| (v.value.as_str(), v.span(field.file, 0)))
                    .collect(),
            };
            for (text, span) in values {
                missing_glyphs(text, span, out);
            }
        }
    }
    if config.pdf {
        for page in &site.pages {
            for version in page.versions.values() {
                // The body is a verbatim slice of the file: point at the first such character.
                let first = version.body.char_indices().find(|(_, c)| lacks_glyph(*c));
                if let Some((index, c)) = first {
                    let start = version.body_offset + index;
                    let span = crate::source::Span::new(version.file, start..start + c.len_utf8());
                    missing_glyphs(&version.body, span, out);
                }
                missing_glyphs(
                    &version.front.title,
                    version.front.title.span(version.file, version.front_offset),
                    out,
                );
            }
        }
    }
    for page in &site.pages {
        for locale in &config.locales {
            if !page.versions.contains_key(locale)
                && let Some(source) = page.versions.get(config.source_locale())
            {
                out.push(
                    missing(
                        config,
                        format!("page `{}` has no `{locale}` version", page.path),
                    )
                    .at(source.front.title.span(source.file, source.front_offset))
                    .help(format!(
                        "add `{}.{locale}.md` beside it",
                        page.path.rsplit('/').next().unwrap_or(&page.path)
                    )),
                );
            }
        }
        if !page.versions.contains_key(config.source_locale())
            && !site.unreadable.contains(&page.path)
            && let Some(version) = page.versions.values().next()
        {
            out.push(
                Diagnostic::error(
                    "missing-source",
                    format!(
                        "page `{}` has translations but no `{}` source",
                        page.path,
                        config.source_locale()
                    ),
                )
                .at(version.front.title.span(version.file, version.front_offset))
                .help(format!(
                    "add `{}.md`, the source-locale page",
                    page.path.rsplit('/').next().unwrap_or(&page.path)
                )),
            );
        }
    }
}

fn check_text(field: &TextField<'_>, config: &Config, out: &mut Vec<Diagnostic>) {
    let (file, text) = (field.file, field.text);
    let source = config.source_locale();
    match &text.value {
        Text::Source(value) => inline_only(field, value, text.span(file, 0), out),
        Text::Localized(map) => {
            for (locale, value) in map {
                if !config.has_locale(locale) {
                    out.push(
                        Diagnostic::error(
                            "unknown-locale",
                            format!("`{locale}` is not a configured locale"),
                        )
                        .at(value.span(file, 0))
                        .suggest(locale, config.locales.iter().map(String::as_str))
                        .or_help(format!("configured locales: {}", config.locales.join(", "))),
                    );
                }
                inline_only(field, value, value.span(file, 0), out);
            }
            if !map.contains_key(source) {
                out.push(
                    Diagnostic::error(
                        "missing-source",
                        format!("no `{source}` text (the source locale)"),
                    )
                    .at(text.span(file, 0))
                    .help(format!(
                        "add `{source}: ...`: every text is written in the source locale first"
                    )),
                );
                return;
            }
        }
    }
    for locale in config.locales.iter().skip(1) {
        if text.get(locale, source).is_none() {
            out.push(
                missing(config, format!("no `{locale}` translation"))
                    .at(text.span(file, 0))
                    .help(format!("add `{locale}: ...` to this text")),
            );
        }
    }
}

/// Titles, labels and names are inline: a list or heading there would break the page around it.
fn inline_only(
    field: &TextField<'_>,
    value: &str,
    span: crate::source::Span,
    out: &mut Vec<Diagnostic>,
) {
    if field.flavor == Flavor::Inline && !markup::is_inline(value) {
        out.push(
            Diagnostic::error("block-in-inline-text", "this text must be a single line of inline Markdown")
                .at(span)
                .help("titles, labels and names cannot hold lists, headings or several paragraphs; a leading `1.` or `-` starts a list: escape it as `1\\.`"),
        );
    }
}

/// Characters the PDF font (the shipped IPAex Gothic) has no glyph for: they would print as
/// empty boxes. One warning per text, naming the characters.
fn missing_glyphs(text: &str, span: crate::source::Span, out: &mut Vec<Diagnostic>) {
    let mut missing: Vec<char> = text.chars().filter(|c| lacks_glyph(*c)).collect();
    missing.dedup();
    if missing.is_empty() {
        return;
    }
    let listed: Vec<String> = missing
        .iter()
        .take(8)
        .map(|c| format!("`{c}` (U+{:04X})", u32::from(*c)))
        .collect();
    out.push(
        Diagnostic::warning("missing-glyph", format!("the PDF font has no glyph for {}", listed.join(", ")))
            .at(span)
            .help("these characters print as empty boxes in PDFs: replace them, or remove them from the text"),
    );
}

fn lacks_glyph(c: char) -> bool {
    !c.is_whitespace() && !c.is_control() && !crate::metrics::has_glyph(c)
}

fn missing(config: &Config, message: String) -> Diagnostic {
    match config.fallback {
        Fallback::Source => Diagnostic::warning("missing-translation", message),
        Fallback::Error => Diagnostic::error("missing-translation", message),
    }
}
