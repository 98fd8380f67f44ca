//! Validate: [`Site`] → `Vec<Diagnostic>`.
//!
//! Checks what no single file can know: that ids are unique, that references (products,
//! categories, steps, procedures) point at something, that output paths do not collide, and that
//! localized text is written in known locales. Validation reports; it never fails and does no IO.

mod flow;
pub mod links;
mod references;
pub mod texts;
mod translations;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::model::Site;
use crate::source::SourceMap;

/// Every problem in `site` under `config`, in a stable order (by check, then by file order).
/// `sources` holds the files' text, to place links written inside YAML scalars.
pub fn validate(site: &Site, config: &Config, sources: &SourceMap) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    references::check(site, &mut diagnostics);
    texts::check(site, config, &mut diagnostics);
    flow::check(site, &mut diagnostics);
    links::check(site, config, sources, &mut diagnostics);
    let segments = crate::i18n::segments::segments(site, config);
    translations::check(site, config, segments, &mut diagnostics);
    diagnostics
}

/// Resolves a relative link path (without fragment) written in the file at content path `from`
/// (e.g. `guides/a`) to a content path (`guides/b.md` → `guides/b`). `None` when it leaves the
/// content root or is not a `.md` link.
pub fn resolve_md_link(from: &str, link: &str) -> Option<String> {
    links::resolve(from, link)?
        .strip_suffix(".md")
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md_links_resolve_relative_to_the_file() {
        assert_eq!(resolve_md_link("a", "b.md").as_deref(), Some("b"));
        assert_eq!(resolve_md_link("g/a", "b.md").as_deref(), Some("g/b"));
        assert_eq!(resolve_md_link("g/a", "../b.md").as_deref(), Some("b"));
        assert_eq!(resolve_md_link("g/a", "./h/b.md").as_deref(), Some("g/h/b"));
        assert_eq!(resolve_md_link("a", "../b.md"), None);
        assert_eq!(resolve_md_link("a", "b.png"), None);
    }
}
