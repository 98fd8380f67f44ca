//! Raw HTML inside Markdown: only the allow-list of [`crate::safety`] (or none at all under
//! `[output.runbook] raw-html = "refuse"`), each problem at the place it is written.

use crate::config::{Config, RawHtml};
use crate::diagnostic::Diagnostic;
use crate::markup;
use crate::model::fields::text_fields;
use crate::model::{Site, Text};
use crate::safety;
use crate::source::{FileId, SourceMap};
use crate::validate::Base;

/// Reports every raw HTML element or attribute the configuration does not accept.
pub(super) fn check(
    site: &Site,
    config: &Config,
    sources: &SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut check_text = |file: FileId, markdown: &str, base: Base, dialect: bool| {
        // In a page (where DocFX directives are expanded), an image directive's opening line
        // holds attributes (`:::image alt-text="<alt text>":::`), which are escaped as text; its
        // description below is Markdown, checked like the rest.
        let pieces = markup::raw_html(markdown);
        let directives: Vec<std::ops::Range<usize>> = if dialect && !pieces.is_empty() {
            crate::dialect::directives(markdown)
                .into_iter()
                .filter(|d| matches!(d.kind, crate::dialect::Kind::Image { .. }))
                .map(|d| {
                    let line = markdown[d.range.clone()]
                        .find('\n')
                        .unwrap_or(d.range.len());
                    d.range.start..d.range.start + line
                })
                .collect()
        } else {
            Vec::new()
        };
        for piece in pieces {
            if directives
                .iter()
                .any(|d| d.start <= piece.range.start && piece.range.end <= d.end)
            {
                continue;
            }
            let span = base.span(file, sources, markdown, piece.range.clone(), &piece.html);
            let problems = match config.raw_html {
                RawHtml::Refuse => vec![safety::RawHtmlProblem {
                    is_unsafe: true,
                    message: format!(
                        "raw HTML `{}` is refused by `[output.runbook] raw-html = \"refuse\"`",
                        piece.html.trim()
                    ),
                }],
                RawHtml::AllowList => safety::raw_html_problems(&piece.html),
            };
            for problem in problems {
                if !problem.is_unsafe {
                    diagnostics.push(
                        Diagnostic::warning("dropped-html", problem.message)
                            .at(span.clone())
                            .help("remove the tag, or write the formatting in Markdown (obsolete presentational tags such as `<center>` and `<font>` do nothing in a runbook page)"),
                    );
                    continue;
                }
                diagnostics.push(
                    Diagnostic::error("unsafe-html", problem.message)
                        .at(span.clone())
                        .help(match config.raw_html {
                        RawHtml::Refuse => {
                            "write it in Markdown, or set `raw-html = \"allow-list\"` in book.toml"
                                .to_string()
                        }
                        RawHtml::AllowList => format!(
                            "allowed elements: {}; attributes: {}",
                            safety::RAW_HTML_TAGS.join(", "),
                            safety::RAW_HTML_ATTRIBUTES.join(", ")
                        ),
                    }),
                );
            }
        }
    };
    for field in text_fields(site) {
        match &field.text.value {
            Text::Source(text) => {
                check_text(field.file, text, Base::After(field.text.range.start), false);
            }
            Text::Localized(map) => {
                for text in map.values() {
                    check_text(
                        field.file,
                        &text.value,
                        Base::After(text.range.start),
                        false,
                    );
                }
            }
        }
    }
    // Pages, and include files, which end up inside pages.
    for text in site.markdown_bodies() {
        check_text(text.file, text.body, Base::Exact(text.offset), true);
    }
    check_assets(site, diagnostics);
}

/// Assets are published as they are: an HTML file would be a page outside runbook's checks and
/// policy, and an SVG image opened on its own runs the script it holds.
fn check_assets(site: &Site, diagnostics: &mut Vec<Diagnostic>) {
    for asset in &site.assets {
        let extension = asset
            .path
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        let problem = match extension.as_str() {
            "html" | "htm" | "xhtml" | "xht" => Some("is an HTML file: pages are written in Markdown, so that they are checked and carry the site's policy".to_string()),
            // Markup that may hold script (SVG, XML) is what the loader holds the bytes of
            // (`Asset::is_read`), and is published from those bytes.
            _ => asset.bytes.as_deref().and_then(|bytes| {
                let found = crate::verify::unsafe_markup(&String::from_utf8_lossy(bytes));
                (!found.is_empty()).then(|| format!("holds script ({})", found.join("; ")))
            }),
        };
        if let Some(problem) = problem {
            diagnostics.push(
                Diagnostic::error(
                    "unsafe-asset",
                    format!("`content/{}` {problem}", asset.path),
                )
                .help("remove the script, or publish the file elsewhere and link it with https://"),
            );
        }
    }
}
