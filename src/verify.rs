//! Verify: the rendered site checks itself before it is written.
//!
//! Every `href` and `src` in every HTML output file must resolve to a file of the output and, with
//! a `#fragment`, to an element id in it. Content links are checked by `validate` before
//! rendering, so a failure here is a bug in a template (or in runbook) and stops the build. Pure:
//! reads `OutputFile`s, writes nothing.

use std::collections::{HashMap, HashSet};

use html5gum::{Token, Tokenizer};
use rayon::prelude::*;

use crate::render::OutputFile;

/// A link of the output that leads nowhere.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokenOutputLink {
    /// The output file holding the link.
    pub file: String,
    /// 1-based line of the link in that file.
    pub line: usize,
    /// The link as written.
    pub link: String,
    /// Why it is broken.
    pub reason: String,
}

impl std::fmt::Display for BrokenOutputLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: `{}` {}",
            self.file, self.line, self.link, self.reason
        )
    }
}

/// The ids and links of one HTML file.
#[derive(Default)]
struct Scanned {
    ids: HashSet<String>,
    /// (link, byte offset of its tag).
    links: Vec<(String, usize)>,
}

fn scan(html: &str) -> Scanned {
    let mut scanned = Scanned::default();
    let mut offset_hint = 0;
    for Ok(token) in Tokenizer::new(html) {
        let Token::StartTag(tag) = token else {
            continue;
        };
        for (name, value) in &tag.attributes {
            let value = String::from_utf8_lossy(&value.value).into_owned();
            match name.as_slice() {
                b"id" => {
                    scanned.ids.insert(value);
                }
                b"name" if tag.name.as_slice() == b"a" => {
                    scanned.ids.insert(value);
                }
                b"href" | b"src" => {
                    // The tokenizer reports no positions here; find the value from the last one.
                    let at = html[offset_hint..]
                        .find(value.as_str())
                        .map_or(offset_hint, |i| offset_hint + i);
                    offset_hint = at;
                    scanned.links.push((value, at));
                }
                _ => {}
            }
        }
    }
    scanned
}

/// Every broken link of the HTML output files, in file order.
pub fn verify(files: &[OutputFile]) -> Vec<BrokenOutputLink> {
    let by_path: HashMap<&str, &OutputFile> = files.iter().map(|f| (f.path.as_str(), f)).collect();
    let html: Vec<&OutputFile> = files.iter().filter(|f| f.path.ends_with(".html")).collect();
    // Files are scanned, then checked, on every core; the result keeps file order.
    let scanned: HashMap<&str, Scanned> = html
        .par_iter()
        .map(|f| (f.path.as_str(), scan(&String::from_utf8_lossy(&f.bytes))))
        .collect();
    html.par_iter()
        .flat_map_iter(|file| {
            let scanned = &scanned;
            let by_path = &by_path;
            scanned[file.path.as_str()]
                .links
                .iter()
                .filter_map(move |(link, offset)| {
                    let reason = check(&file.path, link, by_path, scanned)?;
                    let text = String::from_utf8_lossy(&file.bytes);
                    Some(BrokenOutputLink {
                        file: file.path.clone(),
                        line: text[..(*offset).min(text.len())].matches('\n').count() + 1,
                        link: link.clone(),
                        reason,
                    })
                })
        })
        .collect()
}

/// Why `link` in output file `from` is broken, or `None`.
fn check(
    from: &str,
    link: &str,
    files: &HashMap<&str, &OutputFile>,
    scanned: &HashMap<&str, Scanned>,
) -> Option<String> {
    if link.starts_with("//") || has_scheme(link) {
        return None;
    }
    let (path, fragment) = link.split_once('#').unwrap_or((link, ""));
    let path = path.split('?').next().unwrap_or(path);
    let target = if path.is_empty() {
        from.to_string()
    } else if path.starts_with('/') {
        return Some("is an absolute path: the site must work from any folder".into());
    } else {
        let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
        let mut parts: Vec<&str> = from.split('/').collect();
        parts.pop();
        for part in decoded.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    if parts.pop().is_none() {
                        return Some("leads outside the output".into());
                    }
                }
                other => parts.push(other),
            }
        }
        let mut target = parts.join("/");
        if decoded.ends_with('/') || target.is_empty() {
            target.push_str(if target.is_empty() {
                "index.html"
            } else {
                "/index.html"
            });
        }
        target
    };
    if !files.contains_key(target.as_str()) {
        return Some(format!(
            "leads to `{target}`, which the build does not write"
        ));
    }
    let fragment = percent_encoding::percent_decode_str(fragment).decode_utf8_lossy();
    if fragment.is_empty() {
        return None;
    }
    match scanned.get(target.as_str()) {
        Some(target_scan) if !target_scan.ids.contains(fragment.as_ref()) => Some(format!(
            "leads to `#{fragment}`, which `{target}` has no element for"
        )),
        _ => None,
    }
}

fn has_scheme(link: &str) -> bool {
    link.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::OutputKind;

    fn html(path: &str, body: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            locale: None,
            kind: OutputKind::Page,
            source: None,
            bytes: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn finds_missing_files_and_ids() {
        let files = [
            html(
                "html/en/a.html",
                "<p id=\"top\">\n<a href=\"b.html#there\">b</a>\n<a href=\"#top\">up</a>\n<a href=\"c.html\">c</a>\n<a href=\"b.html#nowhere\">x</a>\n<a href=\"https://example.com\">e</a>",
            ),
            html(
                "html/en/b.html",
                "<h2 id=\"there\">B</h2><img src=\"../assets/i.png\" alt=\"\">",
            ),
            html("html/assets/i.png", ""),
        ];
        let broken = verify(&files);
        let found: Vec<(usize, &str)> = broken.iter().map(|b| (b.line, b.link.as_str())).collect();
        assert_eq!(found, [(4, "c.html"), (5, "b.html#nowhere")], "{broken:?}");
    }

    #[test]
    fn has_scheme_tells_urls_from_paths() {
        assert!(has_scheme("https://x"));
        assert!(has_scheme("mailto:a@b.c"));
        assert!(!has_scheme("a.html#x:y"));
    }
}
