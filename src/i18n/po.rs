//! gettext PO exchange: one catalog per locale, `msgctxt` = segment id, `msgid` = source text,
//! `msgstr` = the translation, `#, fuzzy` for a translation needing review. Reading and writing
//! the format is `ferrocat-po`'s; this module maps it to segments and plans the edits an import
//! makes.

use std::collections::{BTreeMap, HashMap};

use ferrocat_po::{Header, MsgStr, PoFile, PoItem, SerializeOptions, parse_po, stringify_po};

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::i18n::edit::{self, Edit};
use crate::i18n::segments::{FrontField, Origin, Segment, same_text};
use crate::i18n::status::{State, state};
use crate::markup::BlockKind;
use crate::markup::Flavor;
use crate::model::Page;
use crate::model::lock::Lock;
use crate::source::{FileId, SourceMap, Span};

/// The PO catalog of `locale`: every segment with a source text, in file order.
pub fn export(
    segments: &[Segment<'_>],
    config: &Config,
    lock: Option<&Lock>,
    sources: &SourceMap,
    locale: &str,
) -> String {
    let header = |key: &str, value: &str| Header {
        key: key.to_string(),
        value: value.to_string(),
    };
    let mut headers = vec![
        header("Project-Id-Version", &config.title),
        header("Report-Msgid-Bugs-To", ""),
        header("Language-Team", ""),
        header("Last-Translator", ""),
    ];
    if let Some(date) = &config.build_date {
        headers.push(header("PO-Revision-Date", &format!("{date} 00:00+0000")));
    }
    headers.extend([
        header("Language", locale),
        header("MIME-Version", "1.0"),
        header("Content-Type", "text/plain; charset=UTF-8"),
        header("Content-Transfer-Encoding", "8bit"),
        header("Plural-Forms", plural_forms(locale)),
        header("X-Source-Language", config.source_locale()),
        header("X-Generator", "runbook"),
    ]);
    let mut seen = std::collections::HashSet::new();
    let items = segments
        .iter()
        .filter(|segment| !segment.source.text.trim().is_empty())
        .filter(|segment| seen.insert(segment.id.as_str()))
        .map(|segment| {
            let mut item = PoItem::new(1);
            item.msgctxt = Some(segment.id.clone());
            item.msgid = segment.source.text.to_string();
            let span = &segment.source.span;
            let (line, _) = sources.line_column(span.file, span.range.start);
            item.references
                .push(format!("{}:{line}", sources.file(span.file).path));
            item.extracted_comments.push(
                match segment.flavor {
                    Flavor::Inline => "Markdown, one line: keep links and `code` as they are",
                    Flavor::Block => {
                        "Markdown: keep links, `code` and blank lines between paragraphs"
                    }
                }
                .to_string(),
            );
            let translation = segment.translation(locale);
            item.msgstr = MsgStr::from(translation.map(|t| t.text.to_string()).unwrap_or_default());
            match state(segment, locale, lock) {
                State::Stale => {
                    item.flags.push("fuzzy".to_string());
                    item.extracted_comments.push(
                        "stale: the source text changed after this translation was confirmed"
                            .to_string(),
                    );
                }
                State::Unconfirmed => {
                    item.flags.push("fuzzy".to_string());
                    item.extracted_comments
                        .push("unconfirmed: not yet checked against the source text".to_string());
                }
                State::Translated if translation.is_some_and(|t| t.misaligned) => {
                    item.flags.push("fuzzy".to_string());
                    item.extracted_comments.push(
                        "paired across pages of different shapes: check that this translation belongs to this text"
                            .to_string(),
                    );
                }
                State::Translated if translation.is_some_and(|t| t.machine) => {
                    item.flags.push("fuzzy".to_string());
                    item.extracted_comments.push(
                        "machine translation (ms.translationtype: MT): review it before confirming"
                            .to_string(),
                    );
                }
                State::Translated | State::Missing => {}
            }
            item
        })
        .collect();
    let file = PoFile {
        comments: vec![format!(
            "{} translation of \"{}\", exported by runbook.",
            locale, config.title
        )],
        extracted_comments: Vec::new(),
        headers,
        items,
    };
    stringify_po(&file, &serialize_options())
}

/// `Plural-Forms` for a locale: runbook has no plural messages, but tools expect the header.
fn plural_forms(locale: &str) -> &'static str {
    let language = locale.split(['-', '_']).next().unwrap_or(locale);
    match language {
        "ja" | "zh" | "ko" | "vi" | "th" | "id" | "ms" => "nplurals=1; plural=0;",
        "fr" | "pt" => "nplurals=2; plural=(n > 1);",
        _ => "nplurals=2; plural=(n != 1);",
    }
}

/// One message of an imported catalog.
#[derive(Clone, Debug)]
pub struct Entry {
    /// `msgctxt`: the segment id.
    pub id: String,
    /// The source text the translation was made from.
    pub msgid: String,
    /// The translation (empty when untranslated).
    pub msgstr: String,
    /// Marked `#, fuzzy`.
    pub fuzzy: bool,
    /// Where the message is in the PO file.
    pub span: Span,
}

/// A parsed catalog.
pub struct Catalog {
    /// The `Language` header, if any.
    pub language: Option<String>,
    /// Messages with a `msgctxt`, in file order (obsolete ones left out).
    pub entries: Vec<Entry>,
}

/// Reads a PO file's text (`file` is its id in the source map).
///
/// # Errors
/// A file that is not PO, with the position the parser stopped at.
pub fn read(text: &str, file: FileId) -> Result<Catalog, Diagnostic> {
    let parsed = parse_po(text).map_err(|error| {
        let offset = error.position().map_or(0, |p| p.offset()).min(text.len());
        Diagnostic::error("po-syntax", format!("not a valid PO file: {}", error.message()))
            .at(Span::new(file, offset..offset))
            .help("check the file with `msgfmt --check FILE.po`, or export a fresh one with `runbook i18n export`")
    })?;
    let language = parsed
        .headers
        .iter()
        .find(|h| h.key.eq_ignore_ascii_case("Language"))
        .map(|h| h.value.trim().to_string())
        .filter(|l| !l.is_empty());
    let mut search_from = 0;
    let entries = parsed
        .items
        .into_iter()
        .filter(|item| !item.obsolete)
        .filter_map(|item| {
            let id = item.msgctxt?;
            let needle = format!("msgctxt {}", serde_json::to_string(&id).unwrap_or_default());
            // The context as JSON usually reads as it is written in PO; when it does not (other
            // escapes), the entry is placed where the previous one ended.
            let found = text
                .get(search_from..)
                .and_then(|rest| rest.find(&needle))
                .map(|i| search_from + i);
            let range = match found {
                Some(start) => {
                    search_from = start + needle.len();
                    start..search_from
                }
                None => search_from..search_from,
            };
            Some(Entry {
                fuzzy: item.flags.iter().any(|f| f == "fuzzy"),
                msgstr: item.msgstr.first().unwrap_or_default().to_string(),
                msgid: item.msgid,
                id,
                span: Span::new(file, range),
            })
        })
        .collect();
    Ok(Catalog { language, entries })
}

/// What an import changes.
#[derive(Default)]
pub struct ImportPlan {
    /// New text of each changed or created file, by path relative to the project root.
    pub files: BTreeMap<String, String>,
    /// The lock after the import.
    pub lock: Lock,
    /// Problems found (nothing is written when one is an error).
    pub diagnostics: Vec<Diagnostic>,
    /// Translations written.
    pub written: usize,
    /// Translations already in the content.
    pub unchanged: usize,
    /// Translations imported as needing review (fuzzy, or made from an older source).
    pub needs_review: usize,
    /// Messages with no translation.
    pub untranslated: usize,
    /// Translations matched by source text rather than id (from a translation memory), written
    /// as needing review.
    pub memory: usize,
}

/// How PO files are written: strings are not folded at a width, because ferrocat-po 3.4.2's
/// folding can split a run of backslash escapes and write a file that does not read back (found
/// by the `bilingual` fuzz target); lines still break after each `\n`.
pub fn serialize_options() -> SerializeOptions {
    SerializeOptions::default().with_fold_length(0)
}

/// The sentences of a text, each with its closing punctuation: a sentence ends at `。`, `！`,
/// `？` (and their half-width forms) or, followed by white space or the end, at `.`, `!`, `?`
/// (a closing quote or bracket stays with it).
pub fn split_sentences(text: &str) -> Vec<String> {
    let text = normalize(text);
    let chars: Vec<char> = text.chars().collect();
    let mut sentences = Vec::new();
    let mut current = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        current.push(c);
        let ends = match c {
            '。' | '！' | '？' | '｡' => true,
            '.' | '!' | '?' => chars.get(i + 1).is_none_or(|n| {
                n.is_whitespace() || matches!(n, '"' | '\'' | ')' | '」' | '』' | '”')
            }),
            _ => false,
        };
        if ends {
            while let Some(&next) = chars.get(i + 1) {
                if matches!(next, '"' | '\'' | ')' | '」' | '』' | '”' | '）') {
                    current.push(next);
                    i += 1;
                } else {
                    break;
                }
            }
            let sentence = current.trim().to_string();
            if !sentence.is_empty() {
                sentences.push(sentence);
            }
            current.clear();
        }
        i += 1;
    }
    let rest = current.trim();
    if !rest.is_empty() {
        sentences.push(rest.to_string());
    }
    sentences
}

/// Whether a language writes without spaces between sentences (Japanese, Chinese).
fn is_unspaced_language(locale: &str) -> bool {
    matches!(locale.split('-').next(), Some("ja" | "zh"))
}

/// Source text with white space runs collapsed, to match translation memory entries.
fn normalize(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Plans the import of `entries` into `locale`: edits to the content files and the new lock.
pub fn plan(
    segments: &[Segment<'_>],
    config: &Config,
    lock: Option<&Lock>,
    sources: &SourceMap,
    entries: &[Entry],
    locale: &str,
) -> ImportPlan {
    let source_locale = config.source_locale();
    let by_id: HashMap<&str, &Segment<'_>> = segments.iter().map(|s| (s.id.as_str(), s)).collect();
    let mut plan = ImportPlan {
        lock: lock.cloned().unwrap_or_default(),
        ..ImportPlan::default()
    };
    // Paragraphs filled sentence by sentence from a memory (declared first: placed edits borrow
    // their text).
    let mut filled: Vec<(&Segment<'_>, String, Vec<usize>)> = Vec::new();
    let mut edits: BTreeMap<FileId, Vec<Edit>> = BTreeMap::new();
    let mut new_pages: NewPages<'_, '_> = BTreeMap::new();
    // Source text → segments, for messages whose id is not a segment (a translation memory).
    let mut by_source: HashMap<String, Vec<&Segment<'_>>> = HashMap::new();
    for segment in segments {
        by_source
            .entry(normalize(&segment.source.text))
            .or_default()
            .push(segment);
    }
    let mut placed_ids: std::collections::HashSet<&str> = std::collections::HashSet::new();
    // Memory entries that match no whole segment: normalized source sentence → (translation,
    // index in `unmatched`), and whether a paragraph used each.
    let mut sentence_memory: HashMap<String, (String, usize)> = HashMap::new();
    let mut unmatched: Vec<(&Entry, bool)> = Vec::new();
    for entry in entries {
        let Some(segment) = by_id.get(entry.id.as_str()) else {
            let translation = entry.msgstr.trim_end_matches('\n');
            let from_memory: Vec<&Segment<'_>> = by_source
                .get(&normalize(&entry.msgid))
                .into_iter()
                .flatten()
                .copied()
                .filter(|s| s.translation(locale).is_none() && !placed_ids.contains(s.id.as_str()))
                .collect();
            if !translation.trim().is_empty() && !from_memory.is_empty() {
                // Same source text, untranslated here: use it, to be reviewed.
                for segment in from_memory {
                    placed_ids.insert(segment.id.as_str());
                    plan.memory += 1;
                    plan.needs_review += 1;
                    let placed = place(segment, None, locale, source_locale, translation, sources);
                    if record(placed, segment, translation, &mut edits, &mut new_pages).is_err() {
                        plan.memory -= 1;
                    }
                }
                continue;
            }
            // Perhaps one sentence of a paragraph (side-by-side memories hold sentences):
            // kept for the sentence pass below, reported only if no paragraph uses it.
            if !translation.trim().is_empty() {
                sentence_memory
                    .entry(normalize(&entry.msgid))
                    .or_insert((translation.trim().to_string(), unmatched.len()));
            }
            unmatched.push((entry, false));
            continue;
        };
        let translation = entry.msgstr.trim_end_matches('\n');
        if translation.trim().is_empty() {
            plan.untranslated += 1;
            continue;
        }
        let current = same_text(&entry.msgid, &segment.source.text);
        if !current {
            plan.diagnostics.push(
                Diagnostic::warning(
                    "source-changed",
                    format!(
                        "the `{source_locale}` text of `{}` changed after this file was exported; the translation is imported and marked stale",
                        entry.id
                    ),
                )
                .at(entry.span.clone())
                .help(format!("export again, review the message, then import it or run `runbook i18n confirm --locale {locale} '{}'`", entry.id)),
            );
        }
        let confirm = current && !entry.fuzzy;
        if confirm {
            plan.lock.confirm(
                locale,
                &segment.id,
                &crate::fingerprint::of_source_text(&segment.source.text),
            );
        } else {
            plan.needs_review += 1;
        }
        if !placed_ids.insert(segment.id.as_str()) {
            plan.diagnostics.push(
                Diagnostic::warning(
                    "duplicate-message",
                    format!(
                        "`{}` appears more than once; only the first is imported",
                        entry.id
                    ),
                )
                .at(entry.span.clone()),
            );
            continue;
        }
        let existing = segment.translation(locale);
        if existing.is_some_and(|piece| piece.text == translation) {
            plan.unchanged += 1;
            continue;
        }
        plan.written += 1;
        let placed = place(
            segment,
            existing.map(|p| &p.span),
            locale,
            source_locale,
            translation,
            sources,
        );
        if let Err(message) = record(placed, segment, translation, &mut edits, &mut new_pages) {
            plan.written -= 1;
            plan.diagnostics.push(
                Diagnostic::warning("cannot-place", format!("`{}`: {message}", segment.id))
                    .at(entry.span.clone()),
            );
        }
    }
    // A paragraph none of whose messages matched whole is filled when every one of its
    // sentences is in the memory, to be reviewed.
    let joiner = if is_unspaced_language(locale) {
        ""
    } else {
        " "
    };
    filled.extend(
        segments
            .iter()
            .filter(|segment| {
                !sentence_memory.is_empty()
                    && segment.translation(locale).is_none()
                    && !placed_ids.contains(segment.id.as_str())
            })
            .filter_map(|segment| {
                let sentences = split_sentences(&segment.source.text);
                if sentences.len() < 2 {
                    return None;
                }
                let found: Vec<&(String, usize)> = sentences
                    .iter()
                    .map(|sentence| sentence_memory.get(&normalize(sentence)))
                    .collect::<Option<_>>()?;
                let translation = found
                    .iter()
                    .map(|(text, _)| text.as_str())
                    .collect::<Vec<_>>()
                    .join(joiner);
                Some((
                    segment,
                    translation,
                    found.iter().map(|(_, i)| *i).collect(),
                ))
            }),
    );
    for (segment, translation, used) in &filled {
        let placed = place(segment, None, locale, source_locale, translation, sources);
        if record(placed, segment, translation, &mut edits, &mut new_pages).is_ok() {
            plan.memory += 1;
            plan.needs_review += 1;
            for index in used {
                unmatched[*index].1 = true;
            }
        }
    }
    for (entry, used) in unmatched {
        if !used {
            plan.diagnostics.push(
                Diagnostic::warning(
                    "unknown-segment",
                    format!("no segment `{}` in the content; the message is skipped", entry.id),
                )
                .at(entry.span.clone())
                .help("the text was probably moved or removed since the export; export a fresh file to see the current ids"),
            );
        }
    }
    for (file, file_edits) in edits {
        let path = sources.file(file).path.clone();
        let text = edit::apply(&sources.file(file).text, file_edits);
        plan.files.insert(path, text);
    }
    for (path, (page, translations)) in new_pages {
        let page_segments: Vec<&Segment<'_>> = segments
            .iter()
            .filter(|s| matches!(s.origin, Origin::Front { page: p, .. } | Origin::Block { page: p, .. } if p.path == page.path))
            .collect();
        if page_segments
            .iter()
            .any(|s| !translations.contains_key(s.id.as_str()))
        {
            plan.written -= translations.len();
            plan.diagnostics.push(
                Diagnostic::warning(
                    "page-not-created",
                    format!(
                        "`{path}.md` has {} of {} segments translated into `{locale}`; its `{locale}` page is created once all are",
                        translations.len(),
                        page_segments.len()
                    ),
                )
                .help("translate the remaining messages of this page, then import again"),
            );
            continue;
        }
        let Some(source) = page.versions.get(source_locale) else {
            continue;
        };
        let file_text = &sources.file(source.file).text;
        let page_edits = page_segments
            .iter()
            .filter_map(|s| {
                let value = translations.get(s.id.as_str())?;
                Some(match s.origin {
                    Origin::Block { kind, .. } => edit::page_block(
                        file_text,
                        s.source.span.range.clone(),
                        value,
                        kind != BlockKind::Paragraph && kind != BlockKind::Item,
                    ),
                    _ => edit::replace_scalar(
                        file_text,
                        s.source.span.range.clone(),
                        value,
                        Flavor::Inline,
                    ),
                })
            })
            .collect();
        plan.files.insert(
            format!("content/{path}.{locale}.md"),
            edit::apply(file_text, page_edits),
        );
    }
    plan
}

/// Pages with no version in the locale yet: page path → (page, segment id → translation).
type NewPages<'a, 'e> = BTreeMap<&'a str, (&'a Page, BTreeMap<&'a str, &'e str>)>;

/// Records where a translation goes: an edit of its file, or a part of a page to create.
///
/// # Errors
/// It has no place: why.
fn record<'a, 'e>(
    placed: Placed<'a>,
    segment: &'a Segment<'a>,
    translation: &'e str,
    edits: &mut BTreeMap<FileId, Vec<Edit>>,
    new_pages: &mut NewPages<'a, 'e>,
) -> Result<(), String> {
    match placed {
        Placed::Edit(file, edit) => edits.entry(file).or_default().push(edit),
        Placed::NewPage(page) => {
            new_pages
                .entry(page.path.as_str())
                .or_insert_with(|| (page, BTreeMap::new()))
                .1
                .insert(segment.id.as_str(), translation);
        }
        Placed::Nowhere(message) => return Err(message),
    }
    Ok(())
}

/// Where a translation goes.
enum Placed<'a> {
    /// An edit to an existing file.
    Edit(FileId, Edit),
    /// Into a page that has no version in the locale yet.
    NewPage(&'a Page),
    /// Nowhere: why.
    Nowhere(String),
}

/// Where the translation of `segment` into `locale` is written.
fn place<'a>(
    segment: &Segment<'a>,
    existing: Option<&Span>,
    locale: &str,
    source_locale: &str,
    value: &str,
    sources: &SourceMap,
) -> Placed<'a> {
    match segment.origin {
        Origin::Field { file, text } => {
            let file_text = &sources.file(file).text;
            match edit::yaml_field(
                file_text,
                0,
                text,
                source_locale,
                locale,
                value,
                segment.flavor,
            ) {
                Ok(edit) => Placed::Edit(file, edit),
                Err(message) => Placed::Nowhere(message),
            }
        }
        Origin::Front { page, field } => {
            let Some(version) = page.versions.get(locale) else {
                return Placed::NewPage(page);
            };
            let file_text = &sources.file(version.file).text;
            if let Some(span) = existing {
                return Placed::Edit(
                    version.file,
                    edit::replace_scalar(file_text, span.range.clone(), value, Flavor::Inline),
                );
            }
            match field {
                FrontField::Title => Placed::Nowhere("the page has no title".into()),
                FrontField::Description => {
                    // After the title's value.
                    let title = version.front.title.span(version.file, version.front_offset);
                    let end = title.range.end;
                    Placed::Edit(
                        version.file,
                        Edit {
                            range: end..end,
                            text: format!(
                                "\ndescription: {}",
                                edit::scalar(value, Flavor::Inline, 2)
                            ),
                        },
                    )
                }
            }
        }
        Origin::Block { page, kind } => {
            let Some(version) = page.versions.get(locale) else {
                return Placed::NewPage(page);
            };
            match existing {
                Some(span) => Placed::Edit(
                    version.file,
                    edit::page_block(
                        &sources.file(version.file).text,
                        span.range.clone(),
                        value,
                        matches!(kind, BlockKind::Heading(_) | BlockKind::Cell),
                    ),
                ),
                None => Placed::Nowhere(format!(
                    "the `{locale}` page has no block matching this one; add it to the page by hand, in the same place as in the source"
                )),
            }
        }
    }
}

#[cfg(test)]
mod sentence_tests {
    use super::split_sentences;

    #[test]
    fn sentences_end_at_english_and_japanese_punctuation() {
        assert_eq!(
            split_sentences(
                "Sign in to the portal. Select **Help** (top right).\nThen open a request!"
            ),
            [
                "Sign in to the portal.",
                "Select **Help** (top right).",
                "Then open a request!"
            ]
        );
        assert_eq!(
            split_sentences("ポータルにサインインします。「ヘルプ」を選びます。"),
            ["ポータルにサインインします。", "「ヘルプ」を選びます。"]
        );
        // A dot inside a name or a number does not end a sentence.
        assert_eq!(
            split_sentences("Use version 2.1 of example.com now."),
            ["Use version 2.1 of example.com now."]
        );
    }
}
