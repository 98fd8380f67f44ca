//! Translations against their source: stale and unconfirmed translations (per
//! `translations.lock`), and translated pages whose blocks do not match the source's.

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::i18n::segments::Segments;
use crate::i18n::status::{State, state};
use crate::model::Site;

pub(super) fn check(
    site: &Site,
    config: &Config,
    segments: &Segments<'_>,
    out: &mut Vec<Diagnostic>,
) {
    out.extend(segments.diagnostics.iter().cloned());
    let source = config.source_locale();
    for segment in &segments.segments {
        for (locale, piece) in &segment.translations {
            let diagnostic = match state(segment, locale, site.lock.as_ref()) {
                State::Stale => Diagnostic::warning(
                    "stale-translation",
                    format!(
                        "the `{locale}` translation of `{}` was made from an earlier `{source}` text",
                        segment.id
                    ),
                ),
                State::Unconfirmed => Diagnostic::warning(
                    "unconfirmed-translation",
                    format!(
                        "the `{locale}` translation of `{}` has not been confirmed against the `{source}` text",
                        segment.id
                    ),
                ),
                State::Translated | State::Missing => continue,
            };
            out.push(
                diagnostic
                    .at(piece.span.clone())
                    .help(format!(
                        "compare it with the `{source}` text (`runbook build` writes a side-by-side review to review/{locale}.html in the output directory); once it is right, run `runbook i18n confirm --locale {locale} '{}'`",
                        segment.id
                    )),
            );
        }
    }
}
