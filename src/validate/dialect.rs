//! DocFX directives in pages and include files: includes that exist and do not loop, images with
//! alt text, and no directive runbook cannot render (so no reader sees literal syntax).

use std::collections::BTreeSet;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::dialect::{self, Kind};
use crate::markup;
use crate::model::{MarkdownBody, Site};
use crate::paths::resolve;
use crate::source::Span;

pub(super) fn check(site: &Site, config: &Config, out: &mut Vec<Diagnostic>) {
    let mut depths = std::collections::HashMap::new();
    for text in site.markdown_bodies() {
        check_text(site, config, &text, &mut depths, out);
    }
    cycles(site, out);
}

fn check_text(
    site: &Site,
    config: &Config,
    text: &MarkdownBody<'_>,
    depths: &mut std::collections::HashMap<String, usize>,
    out: &mut Vec<Diagnostic>,
) {
    let span = |range: std::ops::Range<usize>| {
        Span::new(
            text.file,
            text.offset + range.start..text.offset + range.end,
        )
    };
    for directive in dialect::directives(text.body) {
        let place = span(directive.target.clone().unwrap_or(directive.range.clone()));
        match &directive.kind {
            Kind::Include { path, .. } => {
                if let Some(problem) = include_problem(site, config, text.from, path) {
                    out.push(problem.at(place));
                } else if let Some(target) = resolve(text.from, path)
                    && 1 + nesting(site, &target, depths, &mut Vec::new())
                        > dialect::MAX_INCLUDE_DEPTH
                {
                    out.push(
                        Diagnostic::error(
                            "include-too-deep",
                            format!(
                                "`{path}` nests includes more than {} deep; the deepest are left out",
                                dialect::MAX_INCLUDE_DEPTH
                            ),
                        )
                        .at(place)
                        .help("include the deeper files directly, or merge them"),
                    );
                }
            }
            Kind::Image {
                source,
                alt,
                image_type,
                ..
            } => {
                if source.trim().is_empty() {
                    out.push(
                        Diagnostic::error("broken-link", "`:::image` without a `source`")
                            .at(place)
                            .help("add `source=\"media/name.png\"`"),
                    );
                }
                if image_type != "icon" && alt.as_deref().is_none_or(|a| a.trim().is_empty()) {
                    out.push(
                        Diagnostic::warning("image-alt", "image without alt text")
                            .at(span(directive.range.clone()))
                            .help("add `alt-text=\"...\"` saying what the image shows, for readers who cannot see it (`type=\"icon\"` for decoration)"),
                    );
                }
            }
            Kind::Video { url } if !crate::paths::has_scheme(url) => out.push(
                Diagnostic::error(
                    "unsupported-directive",
                    format!("the video `{url}` is named by an id of the docs platform, which runbook cannot link"),
                )
                .at(span(directive.range.clone()))
                .help("give the video's address: `> [!VIDEO https://…]`"),
            ),
            Kind::Unsupported { name } => out.push(
                Diagnostic::error(
                    "unsupported-directive",
                    format!("`{name}` is a DocFX directive runbook does not render"),
                )
                .at(span(directive.range.clone()))
                .help("write it in Markdown (code: a fenced block; a button: a link), or leave the page out with `[output.runbook] exclude`"),
            ),
            _ => {}
        }
    }
    for link in markup::links(text.body) {
        let written = &text.body[link.range.clone()];
        if link.image && written.starts_with("![]") {
            out.push(
                Diagnostic::warning("image-alt", "image without alt text")
                    .at(span(link.range.clone()))
                    .help("write what the image shows between the brackets: `![The sign-in form](media/sign-in.png)`"),
            );
        }
    }
}

/// How many levels of includes an include file holds below itself (0 for none), remembered per
/// file; a file already on `open` (a loop, reported on its own) counts as none.
fn nesting(
    site: &Site,
    path: &str,
    depths: &mut std::collections::HashMap<String, usize>,
    open: &mut Vec<String>,
) -> usize {
    if let Some(depth) = depths.get(path) {
        return *depth;
    }
    if open.iter().any(|p| p == path) || open.len() > dialect::MAX_INCLUDE_DEPTH * 2 {
        return 0;
    }
    let Some(include) = site.include(path) else {
        return 0;
    };
    open.push(path.to_string());
    let from = path.strip_suffix(".md").unwrap_or(path).to_string();
    let mut deepest = 0;
    for version in include.versions.values() {
        for directive in dialect::directives(&version.body) {
            if let Kind::Include { path: written, .. } = &directive.kind
                && let Some(next) = resolve(&from, written)
            {
                deepest = deepest.max(1 + nesting(site, &next, depths, open));
            }
        }
    }
    open.pop();
    depths.insert(path.to_string(), deepest);
    deepest
}

/// What is wrong with an include's path, if anything.
fn include_problem(site: &Site, config: &Config, from: &str, written: &str) -> Option<Diagnostic> {
    let Some(target) = resolve(from, written) else {
        return Some(
            Diagnostic::error(
                "link-outside",
                format!("the include `{written}` leads outside `content/`"),
            )
            .help("copy the include file into content/"),
        );
    };
    if site.include(&target).is_some()
        || site
            .unreadable
            .contains(target.strip_suffix(".md").unwrap_or(&target))
    {
        return None;
    }
    let lower = target.to_lowercase();
    if let Some(same) = site
        .includes
        .iter()
        .find(|i| i.path.to_lowercase() == lower)
    {
        return Some(
            Diagnostic::error(
                "link-case",
                format!(
                    "the include `{written}` differs only in case from `{}`",
                    same.path
                ),
            )
            .help(format!(
                "write `{}`: names are case-sensitive on most hosts",
                crate::paths::relative_url(from, &same.path)
            )),
        );
    }
    if target
        .strip_suffix(".md")
        .is_some_and(|page| site.page(page).is_some())
    {
        return Some(
            Diagnostic::error(
                "missing-include",
                format!("`{written}` is a page, not an include file"),
            )
            .help(format!(
                "move it into an include folder ({}), or name its folder in `[output.runbook] include-folders`",
                config.include_folders.join(", ")
            )),
        );
    }
    let help = did_you_mean(&target, site.includes.iter().map(|i| i.path.as_str()))
        .map(|close| {
            format!(
                "did you mean `{}`?",
                crate::paths::relative_url(from, close)
            )
        })
        .unwrap_or_else(|| {
            format!(
                "include files live in a folder named {} (`[output.runbook] include-folders`)",
                config.include_folders.join(", ")
            )
        });
    Some(
        Diagnostic::error(
            "missing-include",
            format!("no include file `{written}` in content/"),
        )
        .help(help),
    )
}

/// Includes that include themselves, directly or through others: reported once per cycle, at the
/// include that closes it.
fn cycles(site: &Site, out: &mut Vec<Diagnostic>) {
    let mut reported = BTreeSet::new();
    for start in &site.includes {
        // Depth-first from each include, following its source-locale text and translations.
        let mut stack: Vec<(String, usize)> = vec![(start.path.clone(), 0)];
        let mut path: Vec<String> = Vec::new();
        let mut seen = BTreeSet::new();
        while let Some((current, depth)) = stack.pop() {
            path.truncate(depth);
            path.push(current.clone());
            let Some(include) = site.include(&current) else {
                continue;
            };
            for version in include.versions.values() {
                for directive in dialect::directives(&version.body) {
                    let Kind::Include { path: written, .. } = &directive.kind else {
                        continue;
                    };
                    let from = current.strip_suffix(".md").unwrap_or(&current);
                    let Some(next) = resolve(from, written) else {
                        continue;
                    };
                    if next == start.path {
                        let mut cycle = path.clone();
                        cycle.sort();
                        if reported.insert(cycle) {
                            let range = directive.target.clone().unwrap_or(directive.range.clone());
                            let shown: Vec<String> =
                                path.iter().map(|p| format!("`{p}`")).collect();
                            out.push(
                                Diagnostic::error(
                                    "include-cycle",
                                    format!(
                                        "includes loop: {} → `{}`",
                                        shown.join(" → "),
                                        start.path
                                    ),
                                )
                                .at(Span::new(
                                    version.file,
                                    version.body_offset + range.start
                                        ..version.body_offset + range.end,
                                ))
                                .help("an include cannot pull in itself; remove one of these includes"),
                            );
                        }
                    } else if seen.insert(next.clone()) && depth < 64 {
                        stack.push((next, depth + 1));
                    }
                }
            }
        }
    }
}
