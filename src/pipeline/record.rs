//! `runbook record`: a run record read, checked against the project and rendered.

use super::Error;
use super::project::{Checked, load_leniently};
use crate::{fingerprint, record, render, source, view};

use std::path::Path;

use crate::diagnostic::{Diagnostic, has_errors};
#[cfg(feature = "pdf")]
use crate::render::RenderError;
use crate::render::Templates;

/// A run record read and checked against a project (`runbook record check`).
pub struct RecordChecked {
    /// The record, when it could be read.
    pub record: Option<record::RunRecord>,
    /// The project (its diagnostics are the record's).
    pub project: Checked,
}

/// Reads the run record at `path` and checks it against the project at `root`: its shape, then
/// what it says (see [`record::check`]). The record's problems are in `project.diagnostics`,
/// pointing into the record.
///
/// # Errors
/// A project that does not load ([`Error::Content`]).
pub fn check_record(root: &Path, path: &Path) -> Result<RecordChecked, Error> {
    // Known problems the baseline records do not stop a record from being read, as they do
    // not stop a build; any other error does.
    let mut project = load_leniently(root)?;
    if has_errors(&project.diagnostics) {
        return Err(Error::Content {
            sources: project.sources,
            diagnostics: project.diagnostics,
        });
    }
    project.diagnostics.clear();
    let shown_path = path.display().to_string();
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) => {
            project.diagnostics.push(
                Diagnostic::error(
                    "run-record-unreadable",
                    format!("cannot read the run record `{shown_path}`: {error}"),
                )
                .help("give the path of a JSON file downloaded from the guide's run mode"),
            );
            return Ok(RecordChecked {
                record: None,
                project,
            });
        }
    };
    let file = project.sources.add(shown_path, text);
    let read = record::read(&project.sources.file(file).text);
    let record = match read {
        Ok(record) => {
            let found = record::check::check(
                &record,
                file,
                &project.sources,
                &project.site,
                &project.config,
            );
            project.diagnostics.extend(found);
            Some(record)
        }
        Err(error) => {
            let message = if error.pointer.is_empty() {
                error.message
            } else {
                format!("`{}`: {}", error.pointer, error.message)
            };
            project.diagnostics.push(
                Diagnostic::error("run-record", message)
                    .at(source::Span::new(file, error.range))
                    .help("the format is documented by `runbook schema run-record` and docs/run-mode.md"),
            );
            None
        }
    };
    Ok(RecordChecked { record, project })
}

/// What `runbook record render` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordFormat {
    /// Markdown for a ticket: the same text as the guide's "Copy as Markdown".
    Markdown,
    /// The checklist filled in, as one self-contained HTML file for print.
    Html,
    /// The checklist filled in, as PDF.
    Pdf,
}

/// A run record rendered: its bytes, and the record's warnings.
pub struct RecordRendered {
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// The project, whose diagnostics are the record's warnings and notes.
    pub project: Checked,
}

/// Renders the run record at `path` against the project at `root`, in the record's language.
///
/// # Errors
/// A record with errors or a project that does not load ([`Error::Content`]), a template that
/// fails, or PDF asked of a runbook built without it.
pub fn render_record(
    root: &Path,
    path: &Path,
    format: RecordFormat,
) -> Result<RecordRendered, Error> {
    let RecordChecked { record, project } = check_record(root, path)?;
    let Some(record) = record.filter(|_| !has_errors(&project.diagnostics)) else {
        return Err(Error::Content {
            sources: project.sources,
            diagnostics: project.diagnostics,
        });
    };
    let Some(procedure) = project.site.runnable(&record.procedure) else {
        return Err(Error::Content {
            sources: project.sources,
            diagnostics: project.diagnostics,
        });
    };
    let view = view::LocaleView::new(&project.site, &project.config, &record.locale);
    let procedure = &*procedure.as_shown_in(&record.locale);
    let version = fingerprint::of_text(&project.sources.file(procedure.file).text);
    let bytes = match format {
        RecordFormat::Markdown => record::markdown(&record, &view, procedure).into_bytes(),
        RecordFormat::Html => {
            let templates = Templates::load(&project.config.templates_dir())?;
            let fill = record::filled(&record, &view, procedure, &version);
            render::print::filled_checklist(&templates, &project.sources, &view, procedure, &fill)?
                .into_bytes()
        }
        #[cfg(feature = "pdf")]
        RecordFormat::Pdf => {
            let fill = record::filled(&record, &view, procedure, &version);
            render::pdf::filled_checklist(&project.sources, &project.site, &view, procedure, &fill)
                .map_err(|message| RenderError::Template {
                    template: "PDF".to_string(),
                    page: record.procedure.clone(),
                    message,
                })?
        }
        #[cfg(not(feature = "pdf"))]
        RecordFormat::Pdf => return Err(Error::NoPdf),
    };
    Ok(RecordRendered { bytes, project })
}
