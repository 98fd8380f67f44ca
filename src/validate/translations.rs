//! Localized text: locales that are not configured, text missing in the source locale, and
//! translations missing in other locales (warnings, or errors under `fallback = "error"`).

use crate::config::{Config, Fallback};
use crate::diagnostic::Diagnostic;
use crate::model::{LocalizedText, Site, Text};
use crate::source::FileId;

pub(super) fn check(site: &Site, config: &Config, out: &mut Vec<Diagnostic>) {
    let mut texts: Vec<(FileId, &LocalizedText)> = Vec::new();
    if let Some(file) = site.products_file {
        texts.extend(site.products.iter().map(|p| (file, &p.name)));
    }
    if let Some(file) = site.categories_file {
        for category in &site.categories {
            texts.push((file, &category.title));
            texts.extend(category.description.iter().map(|t| (file, t)));
            texts.extend(category.examples.iter().map(|t| (file, t)));
            texts.push((file, &category.escalate_to));
        }
    }
    for procedure in &site.procedures {
        let file = procedure.file;
        texts.push((file, &procedure.title));
        texts.extend(procedure.introduction.iter().map(|t| (file, t)));
        for step in &procedure.steps {
            texts.push((file, &step.title));
            texts.extend(step.text.iter().map(|t| (file, t)));
            texts.extend(step.notes.iter().chain(&step.warnings).map(|t| (file, t)));
            texts.extend(
                step.decision
                    .iter()
                    .flat_map(|d| &d.branches)
                    .map(|b| (file, &b.label)),
            );
            texts.extend(
                step.escalation
                    .iter()
                    .flat_map(|e| &e.submit)
                    .map(|t| (file, t)),
            );
        }
    }
    for (file, text) in texts {
        check_text(file, text, config, out);
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

fn check_text(file: FileId, text: &LocalizedText, config: &Config, out: &mut Vec<Diagnostic>) {
    let source = config.source_locale();
    if let Text::Localized(map) = &text.value {
        for locale in map.keys() {
            if !config.has_locale(locale) {
                out.push(
                    Diagnostic::error(
                        "unknown-locale",
                        format!("`{locale}` is not a configured locale"),
                    )
                    .at(text.span(file, 0))
                    .suggest(locale, config.locales.iter().map(String::as_str))
                    .or_help(format!("configured locales: {}", config.locales.join(", "))),
                );
            }
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

fn missing(config: &Config, message: String) -> Diagnostic {
    match config.fallback {
        Fallback::Source => Diagnostic::warning("missing-translation", message),
        Fallback::Error => Diagnostic::error("missing-translation", message),
    }
}
