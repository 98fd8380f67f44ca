//! Validate: [`Site`] → `Vec<Diagnostic>`.
//!
//! Checks what no single file can know: that ids are unique, that references (products,
//! categories, steps, procedures) point at something, that output paths do not collide, and that
//! localized text is written in known locales. Validation reports; it never fails and does no IO.

mod dialect;
mod flow;
mod html;
pub mod links;
mod references;
pub mod texts;
mod translations;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::i18n::segments::Segments;
use crate::model::Site;
use crate::source::{FileId, SourceMap, Span};

/// Every problem in `site` under `config`, in a stable order (by check, then by file order).
/// `sources` holds the files' text, to place links written inside YAML scalars; `segments` are
/// the site's translation segments (cut once per run, shared with rendering); `links` are the
/// site's link targets (made once per run, shared with rendering).
pub fn validate(
    site: &Site,
    config: &Config,
    sources: &SourceMap,
    segments: &Segments<'_>,
    links: &links::LinkResolver<'_>,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    references::check(site, &mut diagnostics);
    texts::check(site, config, &mut diagnostics);
    flow::check(site, &mut diagnostics);
    links::check(links, sources, &mut diagnostics);
    html::check(site, config, sources, &mut diagnostics);
    dialect::check(site, config, &mut diagnostics);
    translations::check(site, config, segments, &mut diagnostics);
    diagnostics
}

/// Where a Markdown text is in its file: exactly at an offset (page bodies), or somewhere after
/// one (YAML scalars, whose escapes and folding move characters).
#[derive(Clone, Copy)]
enum Base {
    Exact(usize),
    After(usize),
}

impl Base {
    /// The span of `needle`, written at `range` of `markdown`, in the file `file`.
    fn span(
        self,
        file: FileId,
        sources: &SourceMap,
        markdown: &str,
        range: std::ops::Range<usize>,
        needle: &str,
    ) -> Span {
        match self {
            Base::Exact(offset) => {
                let written = markdown.get(range.clone()).unwrap_or_default();
                let start = offset + range.start + written.find(needle).unwrap_or(0);
                Span::new(file, start..start + needle.len())
            }
            Base::After(offset) => {
                let text = &sources.file(file).text;
                let start = text
                    .get(offset..)
                    .and_then(|rest| rest.find(needle))
                    .map_or(offset, |i| offset + i);
                Span::new(file, start..start + needle.len())
            }
        }
    }
}
