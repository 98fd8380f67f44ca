//! The side-by-side translation review: per translated locale, one HTML page listing every
//! segment's source text beside its translation, stale and unconfirmed ones highlighted and
//! missing ones flagged. Written to `review/LOCALE.html`, outside the published site.

use serde_json::{Value, json};

use crate::i18n::segments::Segment;
use crate::i18n::status::{self, State, file_of};
use crate::output::{OutputFile, OutputKind, Sink};
use crate::render::{RenderContext, RenderError, Renderer, Shared, Templates};
use crate::ui::{UiKey, UiStrings};

/// Renders `review/LOCALE.html` for each locale other than the source.
pub struct ReviewRenderer<'a> {
    templates: &'a Templates,
}

impl<'a> ReviewRenderer<'a> {
    /// A renderer using `templates` (`review.html`, `review.css`).
    pub fn new(templates: &'a Templates) -> Self {
        Self { templates }
    }
}

impl Renderer for ReviewRenderer<'_> {
    fn name(&self) -> &'static str {
        "review"
    }

    fn render(&self, cx: &RenderContext<'_>, sink: &dyn Sink) -> Result<(), RenderError> {
        let source = cx.config.source_locale();
        if cx.config.locales.iter().all(|l| l == source) {
            return Ok(());
        }
        let locales: Vec<&String> = cx.locales.iter().filter(|l| *l != source).collect();
        sink.put(OutputFile {
            copy_of: None,
            path: "review.css".to_string(),
            locale: None,
            kind: OutputKind::Asset,
            source: None,
            bytes: self
                .templates
                .render("review.css", &json!({}), "review.css")?
                .into_bytes(),
        })?;
        let procedures: Vec<_> = cx.site.procedures.iter().collect();
        let pages: Vec<_> = cx.site.pages.iter().collect();
        for locale in locales {
            // The review shows every segment of the content.
            let read = (procedures.as_slice(), pages.as_slice());
            cx.many_unit(sink, "review", locale, read, |sink| {
                let path = format!("{locale}.html");
                let (context, sections, ui) = self.context(cx, &cx.segments, locale, &path)?;
                let html = self.templates.render_with(
                    "review.html",
                    &context,
                    &[("sections", &sections), ("ui", &ui)],
                    &path,
                )?;
                Ok(sink.put(OutputFile {
                    copy_of: None,
                    path,
                    locale: Some(locale.clone()),
                    kind: OutputKind::Review,
                    source: None,
                    bytes: html.into_bytes(),
                })?)
            })?;
        }
        Ok(())
    }
}

impl ReviewRenderer<'_> {
    /// The page's context, with its `sections` and `ui` apart (shared). Each file's section is
    /// rendered on its own (`review-file.html`) as its rows are gathered, and the page takes the
    /// sections as one piece of HTML: the review of a large site (tens of megabytes) is never
    /// held as template data.
    fn context(
        &self,
        cx: &RenderContext<'_>,
        found: &[Segment<'_>],
        locale: &str,
        page: &str,
    ) -> Result<(Value, Shared, Shared), RenderError> {
        let source = cx.config.source_locale();
        let ui = UiStrings::resolve(locale, &cx.site.ui);
        let source_ui = UiStrings::resolve(source, &cx.site.ui);
        let report = status::report(
            found,
            cx.config,
            cx.site.lock.as_ref(),
            &[locale.to_string()],
        );
        let counts = report.locales.first().map(|l| l.total).unwrap_or_default();
        let common = json!({
            "lang": locale,
            "source": source,
            "language_name": ui.get(UiKey::LanguageName),
            "source_name": source_ui.get(UiKey::LanguageName),
        });
        let ui_strings = Shared::new(&ui.for_templates())?;
        let mut files: Vec<Value> = Vec::new();
        let mut sections = String::new();
        let mut current: Option<(String, Vec<Value>, usize)> = None;
        let mut end_file = |done: (String, Vec<Value>, usize), files: &mut Vec<Value>| {
            let (name, rows, attention) = done;
            let file = json!({
                "name": name,
                "anchor": format!("f{}", files.len()),
                "attention": attention,
            });
            let mut context = common.clone();
            context["file"] = file.clone();
            context["file"]["rows"] = Value::Array(rows);
            sections.push_str(&self.templates.render_with(
                "review-file.html",
                &context,
                &[("ui", &ui_strings)],
                page,
            )?);
            files.push(file);
            Ok::<(), RenderError>(())
        };
        for (index, segment) in found.iter().enumerate() {
            let state = status::state(segment, locale, cx.site.lock.as_ref());
            let file = file_of(&segment.id).to_string();
            if current.as_ref().is_none_or(|(name, _, _)| *name != file) {
                if let Some(done) = current.take() {
                    end_file(done, &mut files)?;
                }
                current = Some((file, Vec::new(), 0));
            }
            if let Some((_, rows, attention)) = &mut current {
                if state != State::Translated {
                    *attention += 1;
                }
                rows.push(json!({
                    "id": segment.id,
                    "anchor": format!("s{index}"),
                    "state": state_name(state),
                    "source": segment.source.text,
                    "translation": segment.translation(locale).map(|t| t.text.as_ref()),
                }));
            }
        }
        if let Some(done) = current.take() {
            end_file(done, &mut files)?;
        }
        let mut context = common;
        context["site_title"] = json!(cx.config.title_in(locale));
        context["counts"] = json!(counts);
        context["files"] = Value::Array(files);
        // Placed in the page's context at the cost of a reference count, not a copy.
        let sections = Shared::new(&sections)?;
        Ok((context, sections, ui_strings))
    }
}

/// The CSS class and flag of a state.
fn state_name(state: State) -> &'static str {
    match state {
        State::Translated => "translated",
        State::Stale => "stale",
        State::Unconfirmed => "unconfirmed",
        State::Missing => "missing",
    }
}
