//! When each page and procedure was last changed, for its "last updated" line and the
//! sitemap's `lastmod`: from a page's front matter (`date`, else `ms.date`), or, with
//! `[output.runbook] dates = "git"`, from the commit that last changed its file. A commit's
//! date is the same on every machine, so the output stays reproducible for a commit.

use std::collections::BTreeMap;
use std::process::Command;

use crate::config::{Config, Dates};
use crate::diagnostic::Diagnostic;
use crate::model::Site;
use crate::source::{FileId, SourceMap, Span};

/// The front matter keys a date is read from, in order.
const FRONT_MATTER_KEYS: [&str; 2] = ["date", "ms.date"];

/// The date (`YYYY-MM-DD`) each content file was last changed, by file, as `config.dates`
/// says; files without one are left out. Problems (a date that does not read, no git history)
/// are warnings: the pages build without a date.
pub fn updated(
    site: &Site,
    config: &Config,
    sources: &SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> BTreeMap<FileId, String> {
    match config.dates {
        Dates::None => BTreeMap::new(),
        Dates::FrontMatter => from_front_matter(site, sources, diagnostics),
        Dates::Git => from_git(site, config, sources, diagnostics),
    }
}

fn from_front_matter(
    site: &Site,
    sources: &SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> BTreeMap<FileId, String> {
    let mut dates = BTreeMap::new();
    for version in site.pages.iter().flat_map(|page| page.versions.values()) {
        let Some((key, value)) = FRONT_MATTER_KEYS
            .iter()
            .find_map(|key| version.front.metadata.get(*key).map(|value| (*key, value)))
        else {
            continue;
        };
        match value.as_str().and_then(read_date) {
            Some(date) => {
                dates.insert(version.file, date);
            }
            None => {
                let text = &sources.file(version.file).text;
                let at = text
                    .get(version.front_offset..)
                    .and_then(|rest| rest.find(key))
                    .map_or(version.front_offset, |i| version.front_offset + i);
                diagnostics.push(
                    Diagnostic::warning(
                        "invalid-date",
                        format!(
                            "`{key}: {}` is not a date: the page shows none",
                            compact(value)
                        ),
                    )
                    .at(Span::new(version.file, at..at + key.len()))
                    .help("write it as YYYY-MM-DD (`2026-03-15`) or, as DocFX does, MM/DD/YYYY"),
                );
            }
        }
    }
    dates
}

/// A front matter value on one line, for a message.
fn compact(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// A date as front matter writes it: `YYYY-MM-DD` (a time after it is ignored) or DocFX's
/// `MM/DD/YYYY`; `None` for anything else or a day that does not exist.
pub fn read_date(text: &str) -> Option<String> {
    let text = text.trim();
    let (year, month, day) = if let Some((month, rest)) = text.split_once('/') {
        let (day, year) = rest.split_once('/')?;
        (year, month, day)
    } else {
        let date = text.get(..10)?;
        if text.len() > 10 && !text[10..].starts_with(['T', 't', ' ']) {
            return None;
        }
        let mut parts = date.split('-');
        (parts.next()?, parts.next()?, parts.next()?)
    };
    let year: i32 = year.parse().ok().filter(|_| year.len() == 4)?;
    let month: u8 = month
        .parse()
        .ok()
        .filter(|_| (1..=2).contains(&month.len()))?;
    let day: u8 = day.parse().ok().filter(|_| (1..=2).contains(&day.len()))?;
    let month = time::Month::try_from(month).ok()?;
    let date = time::Date::from_calendar_date(year, month, day).ok()?;
    Some(format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    ))
}

fn from_git(
    site: &Site,
    config: &Config,
    sources: &SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> BTreeMap<FileId, String> {
    let mut dates = BTreeMap::new();
    let history = match git_history(config) {
        Ok(history) => history,
        Err(reason) => {
            diagnostics.push(
                Diagnostic::warning(
                    "no-git-dates",
                    format!("`dates = \"git\"`, but the commits cannot be read: {reason}; pages show no date"),
                )
                .help("build inside a git checkout with its history (in CI, fetch every commit: `fetch-depth: 0`), or remove `dates` from `[output.runbook]`"),
            );
            return dates;
        }
    };
    let files = site.procedures.iter().map(|p| p.file).chain(
        site.pages
            .iter()
            .flat_map(|p| p.versions.values().map(|v| v.file)),
    );
    for file in files {
        if let Some(date) = history.get(&sources.file(file).path) {
            dates.insert(file, date.clone());
        }
    }
    dates
}

/// Path (relative to the project root) → the date of the last commit that changed it, from
/// one `git log` over the content directory.
fn git_history(config: &Config) -> Result<BTreeMap<String, String>, String> {
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(&config.root)
            .args(["-c", "core.quotepath=off"])
            .args(args)
            .env("GIT_OPTIONAL_LOCKS", "0")
            // The project's own repository, whatever the environment points git at.
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .output()
            .map_err(|error| format!("`git` cannot be run ({error})"))
    };
    let shallow = git(&["rev-parse", "--is-shallow-repository"])?;
    if !shallow.status.success() {
        return Err(String::from_utf8_lossy(&shallow.stderr).trim().to_string());
    }
    if String::from_utf8_lossy(&shallow.stdout).trim() == "true" {
        return Err("the checkout is shallow, so older changes are missing".to_string());
    }
    let log = git(&[
        "log",
        "--format=%x01%cs",
        "--name-only",
        "--no-renames",
        "--relative",
        "--",
        "content",
    ])?;
    if !log.status.success() {
        return Err(String::from_utf8_lossy(&log.stderr).trim().to_string());
    }
    let mut history = BTreeMap::new();
    let mut date = "";
    let text = String::from_utf8_lossy(&log.stdout);
    for line in text.lines() {
        if let Some(commit_date) = line.strip_prefix('\u{1}') {
            // A git too old for `%cs` prints it as written: no date rather than that text.
            date = if read_date(commit_date).is_some() {
                commit_date
            } else {
                ""
            };
        } else if !line.is_empty() && !date.is_empty() {
            // Newest commit first: the first date seen for a file is its last change.
            history
                .entry(line.to_string())
                .or_insert_with(|| date.to_string());
        }
    }
    Ok(history)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_dates_read_as_written_by_hand_and_by_docfx() {
        assert_eq!(read_date("2026-03-15").as_deref(), Some("2026-03-15"));
        assert_eq!(
            read_date("2026-03-15T09:30:00Z").as_deref(),
            Some("2026-03-15")
        );
        // As Microsoft Learn's repositories write `ms.date`.
        assert_eq!(
            read_date("2025-04-09T00:00:00.0000000Z").as_deref(),
            Some("2025-04-09")
        );
        assert_eq!(read_date("03/15/2026").as_deref(), Some("2026-03-15"));
        assert_eq!(read_date("1/11/2021").as_deref(), Some("2021-01-11"));
        assert_eq!(read_date("3/5/2026").as_deref(), Some("2026-03-05"));
        assert_eq!(read_date("2026-02-30"), None);
        assert_eq!(read_date("15/03/2026"), None);
        assert_eq!(read_date("2026-03-15x"), None);
        assert_eq!(read_date("soon"), None);
    }
}
