//! Loading and checking a project: the configuration, the content, every relation, and the
//! template overrides, as a build would read them.

use super::Error;
use crate::i18n::segments::{Segments, segments};
use crate::{config, load, render, source, validate};

use std::path::Path;

use crate::baseline::Baseline;
use crate::config::Config;
use crate::diagnostic::{Diagnostic, has_errors};
use crate::model::Site;
use crate::source::SourceMap;
use crate::validate::links::LinkResolver;

/// The project loaded and validated, with every diagnostic.
pub struct Checked {
    /// The configuration.
    pub config: Config,
    /// The content.
    pub site: Site,
    /// The files read.
    pub sources: SourceMap,
    /// Every problem found, at the project's lint levels and less the baselined ones; the site
    /// is only usable when none is an error.
    pub diagnostics: Vec<Diagnostic>,
    /// The findings the project's baseline tolerates (`runbook-baseline.json`).
    pub baselined: Vec<Diagnostic>,
}

/// Loads and validates the project at `root` without writing anything.
///
/// # Errors
/// Only a configuration that cannot be read ([`Error::Content`]); content problems are in
/// [`Checked::diagnostics`].
pub fn check(root: &Path) -> Result<Checked, Error> {
    check_with(root, BaselineUse::Read)
}

/// Whether a check tolerates what the project's baseline records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BaselineUse {
    /// Read the baseline: its findings are [`Checked::baselined`], not diagnostics.
    Read,
    /// Leave it unread (`check --write-baseline`, which replaces it): every finding is reported.
    Ignore,
}

/// [`check`], reading the baseline or not.
///
/// # Errors
/// As [`check`].
pub fn check_with(root: &Path, baseline: BaselineUse) -> Result<Checked, Error> {
    let mut checked = read_project(root, false)?;
    let found = segments(&checked.site, &checked.config);
    let links = LinkResolver::new(&checked.site, &checked.config);
    let diagnostics = validate_project(
        &checked.site,
        &checked.config,
        &mut checked.sources,
        &found,
        &links,
    );
    drop((links, found));
    checked.diagnostics.extend(diagnostics);
    if checked.config.site_url.is_none() {
        checked.diagnostics.push(without_site_url());
    }
    checked.baselined = settle(
        &checked.config,
        &mut checked.sources,
        &mut checked.diagnostics,
        baseline,
    );
    Ok(checked)
}

/// The findings at the project's lint levels (`[output.runbook.lints]`), less those its
/// baseline records, which are returned. A baseline that cannot be read is an
/// `invalid-baseline` error among the diagnostics, never ignored.
pub(crate) fn settle(
    config: &Config,
    sources: &mut SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
    baseline: BaselineUse,
) -> Vec<Diagnostic> {
    config.lints.apply(diagnostics);
    let path = config.root.join(&config.baseline);
    if baseline == BaselineUse::Ignore || !path.exists() {
        return Vec::new();
    }
    let name = config.baseline.to_string_lossy().replace('\\', "/");
    let text = if config::is_inside(&config.root, &path) {
        std::fs::read_to_string(&path).map_err(|error| error.to_string())
    } else {
        Err("it leads outside the project".to_string())
    };
    let text = match text {
        Ok(text) => text,
        Err(error) => {
            diagnostics.push(
                Diagnostic::error("invalid-baseline", format!("cannot read the baseline `{name}`: {error}"))
                    .help("restore it from version control, or write it again with `runbook check --write-baseline`"),
            );
            return Vec::new();
        }
    };
    let file = sources.add(name, text);
    match Baseline::parse(&sources.file(file).text, file) {
        Ok(known) => {
            let baselined = known.apply(diagnostics, sources).baselined;
            // The notes of entries fixed since follow the levels too (`baseline-fixed = "deny"`).
            config.lints.apply(diagnostics);
            baselined
        }
        Err(problem) => {
            diagnostics.push(problem);
            Vec::new()
        }
    }
}

/// What a site built without `site-url` leaves out: everything that needs absolute URLs.
fn without_site_url() -> Diagnostic {
    Diagnostic::note(
        "no-site-url",
        "without `[output.runbook] site-url` the site has no sitemap.xml, robots.txt, canonical or hreflang links, and its 404 pages work only at their own address",
    )
    .help("set `site-url` in `[output.runbook]` to the address the site is published at, e.g. `site-url = \"https://docs.example.com/guide/\"`")
}

/// Every problem in the loaded project's relations, and in its template overrides (read as the
/// build reads them, so a broken one fails `check` too). `segments` are the project's
/// translation segments and `links` its link targets, made once by the caller, which may
/// render with them afterwards.
pub(crate) fn validate_project(
    site: &Site,
    config: &Config,
    sources: &mut SourceMap,
    segments: &Segments<'_>,
    links: &LinkResolver<'_>,
) -> Vec<Diagnostic> {
    // Relations are checked even when some file did not parse: links and references to a file
    // that could not be read are not reported again (`Site::unreadable`), so one broken file
    // hides no other file's problems.
    let mut diagnostics = validate::validate(site, config, sources, segments, links);
    diagnostics.extend(template_problem(config, sources));
    diagnostics
}

/// The first template override that cannot be read or compiled, placed in its own text.
fn template_problem(config: &Config, sources: &mut SourceMap) -> Option<Diagnostic> {
    let error = render::check_templates(&config.templates_dir()).err()?;
    {
        let text = error.to_string();
        let mut lines = text.lines();
        let message = lines.next().unwrap_or_default().trim().to_string();
        // Tera names the place as `--> NAME:LINE:COLUMN`: shown in the override's own text.
        let place = lines.find_map(|l| l.trim().strip_prefix("--> ").map(str::to_string));
        let mut diagnostic = Diagnostic::error("template-syntax", message)
            .help("fix the template in templates/, or remove it to use the built-in one");
        if let Some(place) = place {
            let mut parts = place.rsplitn(3, ':');
            let column: usize = parts.next().and_then(|c| c.parse().ok()).unwrap_or(1);
            let line: usize = parts.next().and_then(|l| l.parse().ok()).unwrap_or(1);
            let name = parts.next().unwrap_or_default();
            let path = config.templates_dir().join(name);
            if let Ok(template) = std::fs::read_to_string(&path) {
                let start = template
                    .split_inclusive('\n')
                    .take(line.saturating_sub(1))
                    .map(str::len)
                    .sum::<usize>();
                let offset = template
                    .get(start..)
                    .and_then(|rest| rest.char_indices().nth(column.saturating_sub(1)))
                    .map_or(start, |(i, _)| start + i);
                let file = sources.add(format!("templates/{name}"), template);
                diagnostic = diagnostic.at(source::Span::new(file, offset..offset + 1));
            }
        }
        Some(diagnostic)
    }
}

/// Loads the project at `root` without validating relations between files: what the
/// translation commands need.
///
/// # Errors
/// A configuration or content file that cannot be read or parsed ([`Error::Content`]).
pub fn load_project(root: &Path) -> Result<Checked, Error> {
    let checked = read_project(root, false)?;
    if has_errors(&checked.diagnostics) {
        return Err(Error::Content {
            sources: checked.sources,
            diagnostics: checked.diagnostics,
        });
    }
    Ok(checked)
}

/// The project as far as it loads, its loader's findings at the project's lint levels and less
/// its baseline's: what is left as an error is a file the caller goes without.
///
/// # Errors
/// A configuration that cannot be read ([`Error::Content`]).
pub(crate) fn load_leniently(root: &Path) -> Result<Checked, Error> {
    let mut project = read_project(root, false)?;
    project.baselined = settle(
        &project.config,
        &mut project.sources,
        &mut project.diagnostics,
        BaselineUse::Read,
    );
    Ok(project)
}

/// Reads the configuration and content (PDFs asked for when `pdf`); the diagnostics are the
/// loader's.
pub(crate) fn read_project(root: &Path, pdf: bool) -> Result<Checked, Error> {
    let mut sources = SourceMap::new();
    let mut config = match config::load(root, &mut sources) {
        Ok(config) => config,
        Err(diagnostics) => {
            return Err(Error::Content {
                sources,
                diagnostics,
            });
        }
    };
    config.pdf |= pdf;
    let loaded = load::load(&config, &mut sources);
    Ok(Checked {
        config,
        site: loaded.site,
        sources,
        diagnostics: loaded.diagnostics,
        baselined: Vec::new(),
    })
}
