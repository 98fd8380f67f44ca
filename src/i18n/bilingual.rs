//! Pages in the bilingual side-by-side format that large documentation sites publish: each
//! translated sentence in `<span data-ttu-id="ID">…</span>`, followed by its source in
//! `<span class="sxs-lookup"><span data-stu-id="ID">…</span></span>`, with the translation's
//! provenance in `ms.*` front matter fields. [`to_po`] turns such a page into a PO catalog of its
//! aligned pairs, a translation memory that `runbook i18n import` can apply by source text.

use std::collections::BTreeMap;

use ferrocat_po::{Header, MsgStr, PoFile, PoItem, stringify_po};
use html5gum::{Token, Tokenizer};

use crate::markup::split_front_matter;

/// One aligned pair of a bilingual page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pair {
    /// The span id (`data-ttu-id` / `data-stu-id`).
    pub id: String,
    /// The source text (from the `sxs-lookup` span).
    pub source: String,
    /// The translation.
    pub translation: String,
    /// 1-based line of the translation span.
    pub line: usize,
}

/// A bilingual page read.
#[derive(Clone, Debug, Default)]
pub struct Bilingual {
    /// Front matter fields (`ms.contentlocale`, `ms.sourcegitcommit`, ...), as strings.
    pub front: BTreeMap<String, String>,
    /// The pairs, in page order.
    pub pairs: Vec<Pair>,
}

/// What is being captured while walking the tokens.
enum Capture {
    Nothing,
    /// Inside `<span data-ttu-id>`: id, text so far, span nesting depth.
    Translation(String, String, usize),
    /// Inside `<span class="sxs-lookup">`, waiting for the inner `data-stu-id` span.
    Lookup,
    /// Inside the inner `<span data-stu-id>`.
    Source(String, String, usize),
}

/// Reads the pairs and front matter of a bilingual page.
pub fn read(text: &str) -> Bilingual {
    let (front, body, body_offset) = match split_front_matter(text) {
        Some(split) => (split.front, split.body, split.body_offset),
        None => ("", text, 0),
    };
    let front = serde_saphyr::from_str::<BTreeMap<String, serde_json::Value>>(front)
        .unwrap_or_default()
        .into_iter()
        .map(|(key, value)| {
            let value = match value {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            (key, value)
        })
        .collect();
    let mut translations: Vec<(String, String)> = Vec::new();
    let mut sources: BTreeMap<String, String> = BTreeMap::new();
    let mut capture = Capture::Nothing;
    for Ok(token) in Tokenizer::new(body) {
        capture = match (capture, token) {
            (Capture::Nothing, Token::StartTag(tag)) if tag.name.as_slice() == b"span" => {
                let attribute = |name: &[u8]| {
                    tag.attributes
                        .iter()
                        .find(|(n, _)| n.as_slice() == name)
                        .map(|(_, v)| String::from_utf8_lossy(&v.value).into_owned())
                };
                if let Some(id) = attribute(b"data-ttu-id") {
                    Capture::Translation(id, String::new(), 1)
                } else if attribute(b"class")
                    .is_some_and(|c| c.split_whitespace().any(|c| c == "sxs-lookup"))
                {
                    Capture::Lookup
                } else {
                    Capture::Nothing
                }
            }
            (Capture::Lookup, Token::StartTag(tag)) if tag.name.as_slice() == b"span" => {
                match tag
                    .attributes
                    .iter()
                    .find(|(n, _)| n.as_slice() == b"data-stu-id")
                {
                    Some((_, id)) => Capture::Source(
                        String::from_utf8_lossy(&id.value).into_owned(),
                        String::new(),
                        1,
                    ),
                    None => Capture::Lookup,
                }
            }
            (Capture::Lookup, Token::EndTag(tag)) if tag.name.as_slice() == b"span" => {
                Capture::Nothing
            }
            (Capture::Translation(id, text, depth), token) => match step(text, depth, token) {
                Ok((text, depth)) => Capture::Translation(id, text, depth),
                Err(text) => {
                    translations.push((id, text));
                    Capture::Nothing
                }
            },
            (Capture::Source(id, text, depth), token) => match step(text, depth, token) {
                Ok((text, depth)) => Capture::Source(id, text, depth),
                Err(text) => {
                    sources.entry(id).or_insert(text);
                    Capture::Lookup
                }
            },
            (capture, _) => capture,
        };
    }
    let mut search_from = 0;
    let pairs = translations
        .into_iter()
        .filter_map(|(id, translation)| {
            let source = sources.get(&id)?.trim().to_string();
            let needle = format!("data-ttu-id=\"{id}\"");
            let at = body[search_from..]
                .find(&needle)
                .map_or(search_from, |i| search_from + i);
            search_from = at;
            let line = text[..body_offset + at].matches('\n').count() + 1;
            Some(Pair {
                id,
                source,
                translation: translation.trim().to_string(),
                line,
            })
        })
        .filter(|pair| !pair.source.is_empty())
        .collect();
    Bilingual { front, pairs }
}

/// One token inside a captured span: `Ok` to go on, `Err` with the text when the span closed.
fn step(mut text: String, depth: usize, token: Token) -> Result<(String, usize), String> {
    match token {
        Token::String(s) => {
            text.push_str(&String::from_utf8_lossy(&s));
            Ok((text, depth))
        }
        Token::StartTag(tag) if tag.name.as_slice() == b"span" => Ok((text, depth + 1)),
        Token::EndTag(tag) if tag.name.as_slice() == b"span" => {
            if depth <= 1 {
                Err(text)
            } else {
                Ok((text, depth - 1))
            }
        }
        _ => Ok((text, depth)),
    }
}

/// A PO catalog of a bilingual page's pairs: `msgctxt` is the span id, `#:` the page and line;
/// the header records the page's locale and the source revision it was translated from.
pub fn to_po(page: &Bilingual, file_name: &str) -> String {
    let header = |key: &str, value: &str| Header {
        key: key.to_string(),
        value: value.to_string(),
    };
    let language = page
        .front
        .get("ms.contentlocale")
        .map(String::as_str)
        .unwrap_or_default();
    let mut headers = vec![
        header(
            "Project-Id-Version",
            page.front.get("title").map_or(file_name, |t| t.as_str()),
        ),
        header("Last-Translator", ""),
        header("Language-Team", ""),
        header("Language", language),
        header("MIME-Version", "1.0"),
        header("Content-Type", "text/plain; charset=UTF-8"),
        header("Content-Transfer-Encoding", "8bit"),
        header("X-Generator", "runbook import-bilingual"),
    ];
    for (key, name) in [
        ("ms.sourcegitcommit", "X-Source-Commit"),
        ("ms.openlocfilehash", "X-Source-File-Hash"),
        ("ms.translationtype", "X-Translation-Type"),
    ] {
        if let Some(value) = page.front.get(key) {
            headers.push(header(name, value));
        }
    }
    let mut seen = std::collections::HashSet::new();
    let items = page
        .pairs
        .iter()
        .filter(|pair| seen.insert((pair.id.clone(), pair.source.clone())))
        .map(|pair| {
            let mut item = PoItem::new(1);
            item.msgctxt = Some(pair.id.clone());
            item.msgid = pair.source.clone();
            item.msgstr = MsgStr::from(pair.translation.clone());
            item.references.push(format!("{file_name}:{}", pair.line));
            item
        })
        .collect();
    let file = PoFile {
        comments: vec![format!(
            "Translation memory from the bilingual page {file_name}."
        )],
        extracted_comments: Vec::new(),
        headers,
        items,
    };
    stringify_po(&file, &super::po::serialize_options())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_translation_and_source_spans_by_id() {
        let page = "---\nms.contentlocale: ja-JP\n---\n# <a name=\"x\"></a><span data-ttu-id=\"a-1\">見出し</span><span class=\"sxs-lookup\"><span data-stu-id=\"a-1\">Heading</span></span>\n\n- <span data-ttu-id=\"a-2\">[リンク](b.md) です</span><span class=\"sxs-lookup\"><span data-stu-id=\"a-2\">A [link](b.md)</span></span>\n";
        let read = read(page);
        assert_eq!(
            read.front.get("ms.contentlocale").map(String::as_str),
            Some("ja-JP")
        );
        let pairs: Vec<(&str, &str, &str, usize)> = read
            .pairs
            .iter()
            .map(|p| {
                (
                    p.id.as_str(),
                    p.source.as_str(),
                    p.translation.as_str(),
                    p.line,
                )
            })
            .collect();
        assert_eq!(
            pairs,
            [
                ("a-1", "Heading", "見出し", 4),
                ("a-2", "A [link](b.md)", "[リンク](b.md) です", 6)
            ]
        );
    }
}
