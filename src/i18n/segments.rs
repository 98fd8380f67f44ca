//! Segments: the translatable units of the content, each with a stable id and the text it has in
//! every locale.
//!
//! A segment is a localized YAML field (`escalate.yaml:steps.documented.title`), a page's front
//! matter field (`check-service-health.md:title`), or one block of a page body: a heading
//! (`check-service-health.md#where-to-look`), or a paragraph, list item or table cell counted
//! from the heading above it (`check-service-health.md#where-to-look/2`; `#/1` before the first
//! heading). Ids name structure, not text, so an edit in one section leaves every other section's
//! ids alone. A translated page is matched to its source block by block, by kind.

use std::borrow::Cow;
use std::ops::Range;

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::markup::{self, Anchors, Block, BlockKind, Flavor, blocks};
use crate::model::fields::text_fields;
use crate::model::{LocalizedText, Page, PageVersion, Site, Text};
use crate::source::{FileId, Span};

/// One translatable unit.
#[derive(Debug)]
pub struct Segment<'a> {
    /// Stable id, also the PO `msgctxt`.
    pub id: String,
    /// Inline text (titles, labels, headings, cells) or block Markdown.
    pub flavor: Flavor,
    /// Where the segment lives.
    pub origin: Origin<'a>,
    /// The text in the source locale.
    pub source: Piece<'a>,
    /// The text in each other locale that has one, in locale order.
    pub translations: Vec<(&'a str, Piece<'a>)>,
}

impl<'a> Segment<'a> {
    /// The text in `locale`, when translated.
    pub fn translation(&self, locale: &str) -> Option<&Piece<'a>> {
        self.translations
            .iter()
            .find(|(l, _)| *l == locale)
            .map(|(_, piece)| piece)
    }
}

/// Where a segment lives, for writing a translation back.
#[derive(Clone, Copy, Debug)]
pub enum Origin<'a> {
    /// A localized YAML field in `file`.
    Field {
        /// The YAML file.
        file: FileId,
        /// The field.
        text: &'a LocalizedText,
    },
    /// A front matter field of a page.
    Front {
        /// The page.
        page: &'a Page,
        /// Which field.
        field: FrontField,
    },
    /// A block of a page body.
    Block {
        /// The page.
        page: &'a Page,
        /// The block's kind.
        kind: BlockKind,
    },
}

/// A page front matter field that is translated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrontField {
    /// `title:`.
    Title,
    /// `description:`.
    Description,
}

impl FrontField {
    /// The key as written in front matter.
    pub fn key(self) -> &'static str {
        match self {
            FrontField::Title => "title",
            FrontField::Description => "description",
        }
    }
}

/// The text of a segment in one locale, and the bytes of the file that hold it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece<'a> {
    /// The text: trailing newlines trimmed; for page blocks, continuation lines without their
    /// container prefix (`> `, list indentation). Borrowed from the site unless a prefix was cut.
    pub text: Cow<'a, str>,
    /// Where the text is written.
    pub span: Span,
    /// Whether the page it comes from says it was machine-translated (`ms.translationtype: MT`).
    pub machine: bool,
    /// Whether it was paired with its source across pages whose structures differ (a block
    /// added or missing on one side), so the pairing itself needs a look.
    pub misaligned: bool,
}

/// The segments of the site, in file order, with problems matching translated pages to their
/// source.
pub struct Segments<'a> {
    /// Every segment.
    pub segments: Vec<Segment<'a>>,
    /// Translated pages whose blocks do not match the source's.
    pub diagnostics: Vec<Diagnostic>,
}

/// Every segment of `site`: YAML fields first (in the order `check` reports them), then pages.
pub fn segments<'a>(site: &'a Site, config: &'a Config) -> Segments<'a> {
    let source = config.source_locale();
    let mut out = Segments {
        segments: Vec::new(),
        diagnostics: Vec::new(),
    };
    for field in text_fields(site) {
        let file_path = field_file_path(field.from);
        let Some(source_piece) = field_piece(&field.text.value, source, source, &field) else {
            continue;
        };
        let translations = config
            .locales
            .iter()
            .filter(|locale| locale.as_str() != source)
            .filter_map(|locale| {
                field_piece(&field.text.value, locale, source, &field)
                    .map(|piece| (locale.as_str(), piece))
            })
            .collect();
        out.segments.push(Segment {
            id: format!("{file_path}:{}", field.key),
            flavor: field.flavor,
            origin: Origin::Field {
                file: field.file,
                text: field.text,
            },
            source: source_piece,
            translations,
        });
    }
    // Pages are cut on every core and put together in page order.
    let pages: Vec<Segments<'a>> = site
        .pages
        .par_iter()
        .map(|page| {
            let mut found = Segments {
                segments: Vec::new(),
                diagnostics: Vec::new(),
            };
            page_segments(page, config, &mut found);
            found
        })
        .collect();
    for found in pages {
        out.segments.extend(found.segments);
        out.diagnostics.extend(found.diagnostics);
    }
    out
}

/// The content file path (`escalate.yaml`) of a YAML field's file.
fn field_file_path(from: &str) -> String {
    match from {
        "products" => "products.yaml".to_string(),
        crate::paths::CATEGORIES_PATH => "categories.yaml".to_string(),
        path => format!("{path}.yaml"),
    }
}

/// A YAML field's text in `locale` (a plain string is the source locale's).
fn field_piece<'a>(
    text: &'a Text,
    locale: &str,
    source: &str,
    field: &crate::model::fields::TextField<'a>,
) -> Option<Piece<'a>> {
    match text {
        Text::Source(value) => (locale == source).then(|| Piece {
            text: Cow::Borrowed(value.trim_end()),
            span: field.text.span(field.file, 0),
            machine: false,
            misaligned: false,
        }),
        Text::Localized(map) => map.get(locale).map(|value| Piece {
            text: Cow::Borrowed(value.value.trim_end()),
            span: value.span(field.file, 0),
            machine: false,
            misaligned: false,
        }),
    }
}

/// The segments of one page: front matter fields, then body blocks, matched across locales.
fn page_segments<'a>(page: &'a Page, config: &Config, out: &mut Segments<'a>) {
    let source_locale = config.source_locale();
    let Some(source) = page.versions.get(source_locale) else {
        return;
    };
    let path = format!("{}.md", page.path);
    for field in [FrontField::Title, FrontField::Description] {
        let Some(source_piece) = front_piece(source, field) else {
            continue;
        };
        let translations = page
            .versions
            .iter()
            .filter(|(locale, _)| locale.as_str() != source_locale)
            .filter_map(|(locale, version)| {
                front_piece(version, field).map(|piece| (locale.as_str(), piece))
            })
            .collect();
        out.segments.push(Segment {
            id: format!("{path}:{}", field.key()),
            flavor: Flavor::Inline,
            origin: Origin::Front { page, field },
            source: source_piece,
            translations,
        });
    }
    let source_blocks = blocks(&source.body);
    let ids = block_ids(&path, &source.body, &source_blocks);
    let mut matched: Vec<Vec<(&'a str, Piece<'a>)>> = vec![Vec::new(); source_blocks.len()];
    for (locale, version) in &page.versions {
        if locale == source_locale {
            continue;
        }
        let translated = blocks(&version.body);
        let pairs = align(&source_blocks, &translated);
        let misaligned = pairs.len() < source_blocks.len().max(translated.len());
        if misaligned {
            out.diagnostics.push(structure_mismatch(
                version,
                &source_blocks,
                &translated,
                &pairs,
                locale,
                source_locale,
            ));
        }
        for (s, t) in pairs {
            let mut piece = body_piece(version, &translated[t]);
            piece.misaligned = misaligned;
            matched[s].push((locale.as_str(), piece));
        }
    }
    for ((block, id), translations) in source_blocks.iter().zip(ids).zip(matched) {
        out.segments.push(Segment {
            id,
            flavor: Flavor::Inline,
            origin: Origin::Block {
                page,
                kind: block.kind,
            },
            source: body_piece(source, block),
            translations,
        });
    }
}

/// A front matter field's text in one version of a page.
fn front_piece(version: &PageVersion, field: FrontField) -> Option<Piece<'_>> {
    let value = match field {
        FrontField::Title => &version.front.title,
        FrontField::Description => version.front.description.as_ref()?,
    };
    Some(Piece {
        text: Cow::Borrowed(value.value.trim_end()),
        span: value.span(version.file, version.front_offset),
        machine: is_machine_translated(version),
        misaligned: false,
    })
}

/// A body block's text and span in the page file.
fn body_piece<'a>(version: &'a PageVersion, block: &Block) -> Piece<'a> {
    Piece {
        text: block_text(&version.body, block.range.clone()),
        span: Span::new(
            version.file,
            version.body_offset + block.range.start..version.body_offset + block.range.end,
        ),
        machine: is_machine_translated(version),
        misaligned: false,
    }
}

/// Whether a page's front matter says it was machine-translated (DocFX's
/// `ms.translationtype: MT`).
pub fn is_machine_translated(version: &PageVersion) -> bool {
    version
        .front
        .metadata
        .get("ms.translationtype")
        .and_then(|v| v.as_str())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("MT"))
}

/// The text of a block: continuation lines lose the prefix their containers give them.
pub fn block_text(body: &str, range: Range<usize>) -> Cow<'_, str> {
    let raw = body.get(range).unwrap_or_default();
    let plain = raw
        .split('\n')
        .skip(1)
        .all(|line| !line.starts_with([' ', '\t', '>']) && !line.ends_with('\r'))
        && !raw.ends_with('\r');
    if plain {
        return Cow::Borrowed(raw);
    }
    let mut lines = raw.split('\n');
    let mut text = lines
        .next()
        .unwrap_or_default()
        .trim_end_matches('\r')
        .to_string();
    for line in lines {
        text.push('\n');
        text.push_str(
            line.trim_end_matches('\r')
                .trim_start_matches([' ', '\t', '>']),
        );
    }
    Cow::Owned(text)
}

/// The ids of a source page's blocks: a heading's anchor, or the heading above and a count.
fn block_ids(path: &str, body: &str, blocks: &[Block]) -> Vec<String> {
    let mut headings = markup::headings(body, &mut Anchors::new()).into_iter();
    let mut section = String::new();
    let mut count = 0;
    blocks
        .iter()
        .map(|block| match block.kind {
            BlockKind::Heading(_) => {
                section = headings.next().map(|h| h.id).unwrap_or_default();
                count = 0;
                format!("{path}#{section}")
            }
            _ => {
                count += 1;
                format!("{path}#{section}/{count}")
            }
        })
        .collect()
}

/// Pairs of (source block, translated block) with the same kind, in order: the longest common
/// subsequence of the two kind sequences, so a block added or removed on one side leaves the rest
/// matched.
fn align(source: &[Block], translated: &[Block]) -> Vec<(usize, usize)> {
    let same = source.len() == translated.len()
        && source.iter().zip(translated).all(|(a, b)| a.kind == b.kind);
    if same {
        return (0..source.len()).map(|i| (i, i)).collect();
    }
    // Pages are small; beyond this size, match by position only.
    const LIMIT: usize = 4_000;
    if source.len() > LIMIT || translated.len() > LIMIT {
        return source
            .iter()
            .zip(translated)
            .enumerate()
            .take_while(|(_, (a, b))| a.kind == b.kind)
            .map(|(i, _)| (i, i))
            .collect();
    }
    let (n, m) = (source.len(), translated.len());
    let mut table = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[i][j] = if source[i].kind == translated[j].kind {
                table[i + 1][j + 1] + 1
            } else {
                table[i + 1][j].max(table[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut pairs = Vec::new();
    while i < n && j < m {
        if source[i].kind == translated[j].kind {
            pairs.push((i, j));
            i += 1;
            j += 1;
        } else if table[i + 1][j] >= table[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    pairs
}

/// The warning for a translated page whose blocks do not match the source's one to one.
fn structure_mismatch(
    version: &PageVersion,
    source: &[Block],
    translated: &[Block],
    pairs: &[(usize, usize)],
    locale: &str,
    source_locale: &str,
) -> Diagnostic {
    let first_unmatched = translated
        .iter()
        .enumerate()
        .find(|(j, _)| !pairs.iter().any(|(_, t)| t == j))
        .map(|(_, block)| block.range.clone())
        .or_else(|| translated.last().map(|b| b.range.clone()))
        .unwrap_or(0..0);
    let span = Span::new(
        version.file,
        version.body_offset + first_unmatched.start..version.body_offset + first_unmatched.end,
    );
    Diagnostic::warning(
        "translation-structure",
        format!(
            "this `{locale}` page has {} blocks where the `{source_locale}` page has {}; {} could be matched",
            translated.len(),
            source.len(),
            pairs.len()
        ),
    )
    .at(span)
    .help(format!(
        "keep one heading, paragraph, list item and table cell per block of the `{source_locale}` page, in the same order, so each translation stays matched to its source"
    ))
}

/// Whether `a` and `b` are the same text but for white space (the fingerprint's equality).
pub fn same_text(a: &str, b: &str) -> bool {
    a.split_whitespace().eq(b.split_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds_and_texts(text: &str) -> Vec<(BlockKind, String)> {
        blocks(text)
            .into_iter()
            .map(|b| (b.kind, block_text(text, b.range).into_owned()))
            .collect()
    }

    #[test]
    fn blocks_are_headings_paragraphs_items_and_cells() {
        let text = "# Title\n\nFirst *para*\nwraps here.\n\n- one\n- two [link](a.md)\n\n> quoted\n> more\n\n```\ncode\n```\n\n| a | b |\n|---|---|\n| c | d |\n";
        assert_eq!(
            kinds_and_texts(text),
            vec![
                (BlockKind::Heading(1), "Title".into()),
                (BlockKind::Paragraph, "First *para*\nwraps here.".into()),
                (BlockKind::Item, "one".into()),
                (BlockKind::Item, "two [link](a.md)".into()),
                (BlockKind::Paragraph, "quoted\nmore".into()),
                (BlockKind::Cell, "a".into()),
                (BlockKind::Cell, "b".into()),
                (BlockKind::Cell, "c".into()),
                (BlockKind::Cell, "d".into()),
            ]
        );
    }

    #[test]
    fn nested_list_items_are_separate_segments() {
        let text = "- outer\n  - inner\n- [ ] task\n";
        assert_eq!(
            kinds_and_texts(text),
            vec![
                (BlockKind::Item, "outer".into()),
                (BlockKind::Item, "inner".into()),
                (BlockKind::Item, "task".into()),
            ]
        );
    }

    #[test]
    fn ids_count_from_the_heading_above() {
        let body = "Intro.\n\n## Where to look\n\nOne.\n\nTwo.\n\n## Where to look\n\nThree.\n";
        let found = blocks(body);
        let ids = block_ids("p.md", body, &found);
        assert_eq!(
            ids,
            [
                "p.md#/1",
                "p.md#where-to-look",
                "p.md#where-to-look/1",
                "p.md#where-to-look/2",
                "p.md#where-to-look-1",
                "p.md#where-to-look-1/1"
            ]
        );
    }

    #[test]
    fn an_edit_in_one_section_keeps_the_ids_of_the_others() {
        let before = "## A\n\nOne.\n\n## B\n\nTwo.\n\nThree.\n";
        let after = "## A\n\nOne.\n\nInserted.\n\n## B\n\nTwo.\n\nThree.\n";
        let ids = |body: &str| block_ids("p.md", body, &blocks(body));
        let (old, new) = (ids(before), ids(after));
        assert!(
            old.iter()
                .filter(|id| id.contains("#b"))
                .all(|id| new.contains(id))
        );
    }

    #[test]
    fn alignment_skips_an_added_block() {
        let source = blocks("# T\n\nOne.\n\n- item\n\nTwo.\n");
        let translated = blocks("# T\n\nOne.\n\nTwo.\n");
        assert_eq!(align(&source, &translated), vec![(0, 0), (1, 1), (3, 2)]);
    }
}
