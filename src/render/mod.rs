//! Render: [`Site`] → [`OutputFile`]s put into a [`Sink`], one [`Renderer`] per output format.
//!
//! Renderers hand each file to a sink instead of writing it (only `write` touches the disk),
//! which gives in-memory tests, lets a build stream files to disk without holding the site, and
//! leaves the previous output alone when any renderer fails. They share the
//! locale-resolved [`view`] of the content (fallback text, step numbers, where each step leads) so
//! that HTML and Markdown say the same thing, and they do not know about each other.

pub mod flowchart;
pub mod html;
pub mod markdown;
pub mod memo;

#[cfg(feature = "pdf")]
pub mod pdf;
pub mod print;
pub mod review;
pub mod search;
mod templates;

/// Reads the templates (built-in defaults and the project's overrides) as a build does, to find a
/// broken override before rendering.
///
/// # Errors
/// The first template that cannot be read or parsed.
pub fn check_templates(dir: &std::path::Path) -> Result<(), RenderError> {
    templates::Templates::load(dir).map(|_| ())
}

use crate::config::Config;
use crate::i18n::segments::Segment;
use crate::i18n::status::Marks;
use crate::model::{Page, Procedure, Site};
use crate::source::SourceMap;

pub use memo::Memo;
pub use templates::{Shared, Templates};

use crate::output::{OutputFile, OutputKind, Sink};
use crate::view::LocaleView;

/// What a renderer reads.
#[non_exhaustive]
pub struct RenderContext<'a> {
    /// The validated content.
    pub site: &'a Site,
    /// The project's configuration.
    pub config: &'a Config,
    /// Whether PDFs are rendered (`config.pdf`, unless the build is held in memory).
    pub pdf: bool,
    /// The files read, for text quoted from its source (the PDF's and print's link targets).
    pub sources: &'a SourceMap,
    /// The translation segments, cut once per run and shared with validation.
    pub segments: Vec<Segment<'a>>,
    /// Translations needing review and fallbacks, per locale.
    pub marks: Marks,
    /// The locales whose files are rendered: every locale of the configuration, or those of one
    /// shard (`build --locale`). Files of no locale (the language chooser, stylesheets) are
    /// rendered whatever this says, and so is what one locale says of the others (the language
    /// switcher's targets).
    pub locales: Vec<String>,
    /// The units an earlier build rendered, kept when their inputs are unchanged (off unless
    /// the build sets one).
    pub memo: Memo,
    /// Each guide page as the previous build's search read it, for the pages the memo keeps.
    pub search_pages: std::sync::Mutex<search::PageRecords>,
    /// The SHA-256 of each source file, by index, made the first time a unit asks.
    file_keys: std::sync::OnceLock<Vec<[u8; 32]>>,
    /// Pages' texts, by (locale, content path), whose links or images lead nowhere (findings
    /// the project lowered or baselined), with those shown as text ([`unlinked_texts`]).
    pub unlinked: crate::view::UnlinkedTexts,
}

/// The expanded text of every page, and every YAML text, in every locale that has a link or
/// image `check` found leading nowhere, with those shown as text (`markup::unlink_unresolved`),
/// so that a build tolerating such findings never writes a link to nothing. Texts whose links
/// all resolve are left out.
pub fn unlinked_texts(
    resolver: &crate::validate::links::LinkResolver<'_>,
    site: &Site,
    config: &Config,
    sources: &SourceMap,
) -> crate::view::UnlinkedTexts {
    use rayon::prelude::*;
    let fields = crate::model::fields::text_fields(site);
    let mut unlinked = crate::view::UnlinkedTexts::default();
    for locale in &config.locales {
        let view = LocaleView::new(site, config, locale);
        let note = view.ui.get(crate::ui::UiKey::UnresolvedLink).to_string();
        let pages: Vec<((String, String), String)> = site
            .pages
            .par_iter()
            .filter_map(|page| {
                let (version, _) = view.page_version(page)?;
                let resolves = |d: &str| resolver.resolves(sources, locale, &page.path, d);
                let text = crate::markup::unlink_unresolved(&version.expanded, &resolves, &note);
                (text != version.expanded).then(|| ((locale.clone(), page.path.clone()), text))
            })
            .collect();
        unlinked.pages.extend(pages);
        let source = config.source_locale();
        for field in &fields {
            let Some((markdown, _)) = field.text.value.shown_in(locale, source) else {
                continue;
            };
            let resolves = |d: &str| resolver.resolves(sources, locale, field.from, d);
            let text = crate::markup::unlink_unresolved(markdown, &resolves, &note);
            if text != markdown {
                unlinked
                    .texts
                    .insert((locale.clone(), markdown.as_ptr() as usize), text);
            }
        }
        // A page procedure's steps are its page's text, cut out: links read from the page.
        for procedure in &site.page_procedures {
            let Some(origin) = &procedure.page else {
                continue;
            };
            let texts = procedure.steps_in(locale).iter().flat_map(|step| {
                std::iter::once(&step.title.value).chain(step.text.as_ref().map(|t| &t.value))
            });
            for text in texts {
                let Some((markdown, _)) = text.shown_in(locale, source) else {
                    continue;
                };
                let resolves = |d: &str| resolver.resolves(sources, locale, &origin.page, d);
                let changed = crate::markup::unlink_unresolved(markdown, &resolves, &note);
                if changed != markdown {
                    unlinked
                        .texts
                        .insert((locale.clone(), markdown.as_ptr() as usize), changed);
                }
            }
        }
    }
    unlinked
}

impl<'a> RenderContext<'a> {
    /// A context over a validated site and its translation segments.
    pub fn new(
        site: &'a Site,
        config: &'a Config,
        sources: &'a SourceMap,
        segments: Vec<Segment<'a>>,
    ) -> Self {
        let marks = Marks::new(&segments, config, site.lock.as_ref()).with_page_procedures(site);
        Self {
            site,
            config,
            pdf: config.pdf,
            sources,
            segments,
            marks,
            locales: config.locales.clone(),
            memo: Memo::default(),
            search_pages: std::sync::Mutex::default(),
            file_keys: std::sync::OnceLock::new(),
            unlinked: crate::view::UnlinkedTexts::default(),
        }
    }

    /// Whether `locale`'s files are rendered.
    pub fn renders(&self, locale: &str) -> bool {
        self.locales.iter().any(|l| l == locale)
    }

    /// The SHA-256 of a source file (what a unit's key holds of the files it reads).
    fn file_key(&self, file: crate::source::FileId) -> &[u8] {
        self.file_keys
            .get_or_init(|| crate::fingerprint::of_sources(self.sources))
            .get(file.index())
            .map_or(&[], |key| key.as_slice())
    }

    /// Renders `renderer`'s unit of `procedure` in `locale` through the memo: kept when the
    /// procedure's file and the build-wide inputs are as they were.
    ///
    /// # Errors
    /// As `render`.
    pub fn procedure_unit(
        &self,
        sink: &dyn Sink,
        unit: &str,
        locale: &str,
        procedure: &Procedure,
        render: impl FnOnce(&dyn Sink) -> Result<(), RenderError>,
    ) -> Result<(), RenderError> {
        self.many_unit(sink, unit, locale, (&[procedure], &[]), render)
    }

    /// Renders `renderer`'s unit of `page` in `locale` through the memo: kept when the page's
    /// files in every locale and the build-wide inputs are as they were.
    ///
    /// # Errors
    /// As `render`.
    pub fn page_unit(
        &self,
        sink: &dyn Sink,
        unit: &str,
        locale: &str,
        page: &Page,
        render: impl FnOnce(&dyn Sink) -> Result<(), RenderError>,
    ) -> Result<(), RenderError> {
        self.many_unit(sink, unit, locale, (&[], &[page]), render)
    }

    /// Renders a unit that reads several procedures and pages (a bound runbook and its
    /// appendices, the review of a locale) through the memo: kept when their files and the
    /// build-wide inputs are as they were.
    ///
    /// # Errors
    /// As `render`.
    pub fn many_unit(
        &self,
        sink: &dyn Sink,
        unit: &str,
        locale: &str,
        (procedures, pages): (&[&Procedure], &[&Page]),
        render: impl FnOnce(&dyn Sink) -> Result<(), RenderError>,
    ) -> Result<(), RenderError> {
        if !self.memo.is_on() {
            return render(sink);
        }
        let mut inputs: Vec<&[u8]> = vec![unit.as_bytes(), locale.as_bytes()];
        // A file's "last updated" date may come from outside its text (git).
        let updated = |file| {
            self.site
                .updated
                .get(&file)
                .map_or(&[][..], |d| d.as_bytes())
        };
        for procedure in procedures {
            inputs.push(procedure.path.as_bytes());
            inputs.push(self.file_key(procedure.file));
            inputs.push(updated(procedure.file));
            // A page's procedure reads the page in every locale.
            let page = procedure
                .page
                .as_ref()
                .and_then(|o| self.site.page(&o.page));
            for version in page.iter().flat_map(|page| page.versions.values()) {
                inputs.push(self.file_key(version.file));
            }
        }
        for page in pages {
            inputs.push(page.path.as_bytes());
            for (version_locale, version) in &page.versions {
                inputs.push(version_locale.as_bytes());
                inputs.push(self.file_key(version.file));
                inputs.push(updated(version.file));
            }
        }
        self.memo.unit(sink, &inputs, render)
    }

    /// The content as `locale` shows it, with translations needing review marked.
    pub fn view(&'a self, locale: &'a str) -> LocaleView<'a> {
        LocaleView::new(self.site, self.config, locale)
            .with_marks(&self.marks)
            .with_unlinked(&self.unlinked)
    }
}

/// One output format.
///
/// # Contract
/// `render` reads the context (and files the renderer was built with) and puts every file of
/// its format into `sink`, with paths relative to the format's directory; the caller places them
/// under `name()/`. Files may be put from several threads and in any order; the same context
/// gives the same set of byte-identical files.
pub trait Renderer {
    /// The format's name, also its directory in the output (`html`, `markdown`).
    fn name(&self) -> &'static str;

    /// Renders every file of this format into `sink`.
    ///
    /// # Errors
    /// A template that fails to render, or the sink refusing a file.
    fn render(&self, cx: &RenderContext<'_>, sink: &dyn Sink) -> Result<(), RenderError>;
}

/// A renderer failed.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A template failed to render a page.
    #[error("template `{template}` failed while rendering `{page}`: {message}")]
    Template {
        /// The template's name.
        template: String,
        /// The output file being rendered.
        page: String,
        /// Tera's explanation.
        message: String,
    },
    /// Two sources rendered to the same file (validation should have refused the content).
    #[error("internal error: two sources render to `{path}`; please report this")]
    DuplicateOutput {
        /// The output path.
        path: String,
    },
    /// A rendered file could not be written.
    #[error(transparent)]
    Write(#[from] crate::output::WriteError),
    /// A template file could not be read or parsed.
    #[error("template `{template}`: {message}")]
    TemplateLoad {
        /// The template's name or path.
        template: String,
        /// What went wrong.
        message: String,
    },
}

/// The content's assets copied under `dir/` (a locale's root in one output), so relative links
/// from pages find them. A file whose bytes runbook holds (markup checked for script) is
/// written from those bytes, so that what is published is what was checked; any other is copied
/// from `content/` when written.
pub fn copy_assets(site: &Site, dir: &str, locale: &str) -> Vec<OutputFile> {
    site.assets
        .iter()
        .map(|asset| asset_file(asset, format!("{dir}/{}", asset.path), Some(locale)))
        .collect()
}

/// The output file at `path` of a content file (see [`copy_assets`]).
pub fn asset_file(asset: &crate::model::Asset, path: String, locale: Option<&str>) -> OutputFile {
    OutputFile {
        copy_of: asset.bytes.is_none().then(|| asset.file.clone()),
        path,
        locale: locale.map(str::to_string),
        kind: OutputKind::Asset,
        source: Some(format!("content/{}", asset.path)),
        bytes: asset.bytes.clone().unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_published_from_the_bytes_checked_and_images_are_copied() {
        let asset = |path: &str, bytes: Option<&str>| crate::model::Asset {
            path: path.to_string(),
            file: std::path::PathBuf::from("content").join(path),
            fingerprint: [0; 32],
            bytes: bytes.map(|b| b.as_bytes().to_vec()),
        };
        let svg = asset_file(
            &asset("logo.svg", Some("<svg/>")),
            "en/logo.svg".into(),
            None,
        );
        assert_eq!((svg.bytes.as_slice(), svg.copy_of), (&b"<svg/>"[..], None));
        let png = asset_file(
            &asset("media/a.png", None),
            "en/media/a.png".into(),
            Some("en"),
        );
        assert!(png.bytes.is_empty());
        assert_eq!(
            png.copy_of,
            Some(std::path::PathBuf::from("content/media/a.png"))
        );
        assert_eq!(png.source.as_deref(), Some("content/media/a.png"));
    }
}
