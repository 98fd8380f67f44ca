//! Markdown pages: front matter (YAML between `---` lines) and body.

use crate::diagnostic::Diagnostic;
use crate::load::yaml;
use crate::markup::split_front_matter;
use crate::model::{FrontMatter, PageVersion};
use crate::source::{FileId, Span};

/// Parses one page file, or records why it cannot be read.
pub fn parse_page(
    text: &str,
    file: FileId,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<PageVersion> {
    let Some(split) = split_front_matter(text) else {
        diagnostics.push(
            Diagnostic::error("missing-front-matter", "page has no front matter")
                .at(Span::new(
                    file,
                    0..text.find(['\r', '\n']).unwrap_or(text.len()),
                ))
                .help("start the page with `---`, a line `title: ...`, and `---`"),
        );
        return None;
    };
    // Any key is metadata (DocFX writes many), so a misspelt `title` or `description` would
    // pass silently: reported here, at its place.
    let mut offset = 0;
    for line in split.front.split_inclusive('\n') {
        let key = line.split_once(':').map_or("", |(key, _)| key);
        if !key.is_empty()
            && !key.starts_with([' ', '\t', '-', '#'])
            && !key.contains('.')
            && key.len() > 3
            && let Some(known) = crate::diagnostic::did_you_mean(key, ["title", "description"])
        {
            let start = split.front_offset + offset;
            diagnostics.push(
                Diagnostic::warning(
                    "unknown-field",
                    format!("unknown field `{key}`, kept as metadata"),
                )
                .at(Span::new(file, start..start + key.len()))
                .help(format!("did you mean `{known}`? keys are case-sensitive")),
            );
        }
        offset += line.len();
    }
    let front: FrontMatter = yaml::parse(split.front, file, split.front_offset, diagnostics)?;
    Some(PageVersion {
        file,
        front,
        front_offset: split.front_offset,
        body: split.body.to_string(),
        body_offset: split.body_offset,
        expanded: String::new(),
        heading: None,
    })
}

/// Reads an include file: its text after any front matter (include files may carry metadata,
/// which is not shown).
pub fn parse_include(text: &str, file: FileId) -> crate::model::IncludeVersion {
    let (body, body_offset) = match split_front_matter(text) {
        Some(split) => (split.body, split.body_offset),
        None => (text, 0),
    };
    crate::model::IncludeVersion {
        file,
        body: body.to_string(),
        body_offset,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceMap;

    #[test]
    fn splits_front_matter_and_body_with_offsets() {
        let text = "---\ntitle: X\n---\n# Body\n";
        let split = split_front_matter(text).unwrap();
        assert_eq!(split.front, "title: X\n");
        assert_eq!(split.body, "# Body\n");
        assert_eq!(&text[split.body_offset..], "# Body\n");
        let crlf = "---\r\ntitle: X\r\n---\r\nBody";
        assert_eq!(split_front_matter(crlf).unwrap().body, "Body");
        assert!(split_front_matter("# No front matter\n").is_none());
        assert!(split_front_matter("---\ntitle: X\n").is_none());
    }

    #[test]
    fn missing_title_is_an_error_in_the_page() {
        let text = "---\ndescription: d\n---\nBody\n";
        let mut sources = SourceMap::new();
        let file = sources.add("content/p.md", text);
        let mut diagnostics = Vec::new();
        assert!(parse_page(text, file, &mut diagnostics).is_none());
        assert!(
            diagnostics[0].message.contains("title"),
            "{:?}",
            diagnostics[0]
        );
        let span = diagnostics[0].span.clone().unwrap();
        assert!(sources.line_column(file, span.range.start).0 >= 2);
    }
}
