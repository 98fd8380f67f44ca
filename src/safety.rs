//! What content may put into a page: the allow-list of raw HTML authors may write inside
//! Markdown, the sanitizer every rendered fragment holding raw HTML passes through, and the
//! Content-Security-Policy every generated page carries.
//!
//! Three layers, so that no single mistake lets text in the content become script: `check`
//! refuses raw HTML outside [`RAW_HTML_TAGS`] and [`RAW_HTML_ATTRIBUTES`] (and `javascript:`,
//! `vbscript:` and `data:` links), [`sanitize`] (ammonia) removes whatever is not allowed from
//! rendered Markdown anyway, and `verify` refuses an output page with an inline script, an event
//! handler attribute, a script URL or no policy.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use html5gum::{Token, Tokenizer};

/// An HTML tokenizer's emitter that reports no parse errors. The tokens are the same; the
/// tokenizer only stops checking every character for errors, which runbook never reads (it
/// tokenizes its own output and content it has already validated).
pub struct WithoutErrors<E>(pub E);

impl<E: html5gum::Emitter> html5gum::ForwardingEmitter for WithoutErrors<E> {
    type Token = E::Token;

    fn inner(&mut self) -> &mut impl html5gum::Emitter<Token = Self::Token> {
        &mut self.0
    }

    #[inline]
    fn should_emit_errors(&mut self) -> bool {
        false
    }
}

/// Elements authors may write as raw HTML inside Markdown (`<kbd>`, `<details>`, tables): text-level,
/// disclosure and table elements, anchors (`<a id>`, `<a name>`, never with `href`) and images
/// (whose `src` `check` follows like a Markdown image). Links must be Markdown, so that `check`
/// sees them.
pub const RAW_HTML_TAGS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "bdi",
    "bdo",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
    "var",
    "wbr",
];

/// Elements that can run script, load another document, take input or change how the page is
/// read (`<base>`, `<meta>`): raw HTML holding one is refused (`unsafe-html`). Any other element
/// outside [`RAW_HTML_TAGS`] (`<center>`, `<font>`, a misspelt tag) is harmless: the sanitizer
/// drops the tag and keeps its content, and `check` warns (`dropped-html`).
pub const UNSAFE_TAGS: &[&str] = &[
    "applet",
    "base",
    "body",
    "button",
    "embed",
    "form",
    "frame",
    "frameset",
    "head",
    "html",
    "iframe",
    "input",
    "link",
    "math",
    "meta",
    "noembed",
    "noframes",
    "noscript",
    "object",
    "option",
    "param",
    "plaintext",
    "portal",
    "script",
    "select",
    "style",
    "svg",
    "template",
    "textarea",
    "title",
    "xmp",
];

/// Attributes allowed on every one of those elements. `id` is an anchor that `check` knows; no
/// `style`, no event handlers.
pub const RAW_HTML_ATTRIBUTES: &[&str] =
    &["class", "datetime", "dir", "id", "lang", "open", "title"];

/// Attributes allowed on one element only.
pub const RAW_HTML_ELEMENT_ATTRIBUTES: &[(&str, &[&str])] = &[
    ("a", &["name", "href", "data-raw-source"]),
    ("img", &["src", "alt", "width", "height"]),
    // A side-by-side translation's segment ids (Microsoft's localization format).
    ("span", &["data-ttu-id", "data-stu-id"]),
    ("td", &["colspan", "rowspan", "headers", "align"]),
    ("th", &["colspan", "rowspan", "headers", "scope", "align"]),
    ("col", &["span", "width"]),
    ("colgroup", &["span", "width"]),
    ("ol", &["start", "type"]),
];

/// The elements the Markdown renderer itself writes, kept by the sanitizer beside the raw ones.
const MARKDOWN_TAGS: &[&str] = &[
    "a",
    "blockquote",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "img",
    "input",
    "li",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
];

/// URL schemes a sanitized link may have (relative links pass too).
const URL_SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// The policy of every generated HTML page: scripts, styles and fonts only from the site's own
/// files, images from the site or any https address (an image cannot run script, and `check`
/// accepts https images), no inline script or style, no plug-ins, no `<base>`, no forms.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self' https:; font-src 'self'; connect-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'none'";

/// [`CONTENT_SECURITY_POLICY`] allowing also the inline `<style>` elements with exactly these
/// texts, by their SHA-256 hash (print documents carry their running footer that way).
pub fn content_security_policy(inline_styles: &[&str]) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    let hashes: String = inline_styles
        .iter()
        .map(|style| {
            let digest = sha2::Sha256::digest(style.as_bytes());
            format!(
                " 'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect();
    CONTENT_SECURITY_POLICY.replacen("style-src 'self'", &format!("style-src 'self'{hashes}"), 1)
}

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .tags(RAW_HTML_TAGS.iter().chain(MARKDOWN_TAGS).copied().collect())
        .generic_attributes(
            RAW_HTML_ATTRIBUTES
                .iter()
                .copied()
                .chain(["role", "data-tab", "data-pivot"])
                .collect(),
        )
        .tag_attributes(HashMap::from([
            ("a", HashSet::from(["href", "title"])),
            (
                "img",
                HashSet::from(["src", "alt", "title", "width", "height"]),
            ),
            ("input", HashSet::from(["type", "checked", "disabled"])),
            ("ol", HashSet::from(["start", "type"])),
            (
                "td",
                HashSet::from(["colspan", "rowspan", "headers", "align"]),
            ),
            (
                "th",
                HashSet::from(["colspan", "rowspan", "headers", "scope", "align"]),
            ),
            ("col", HashSet::from(["span", "width"])),
            ("colgroup", HashSet::from(["span", "width"])),
        ]))
        .url_schemes(URL_SCHEMES.iter().copied().collect())
        .link_rel(None);
    builder
});

/// Whether a URL would run script or carry a document: `javascript:`, `vbscript:` or `data:`,
/// in any case, with the white space and control characters browsers ignore.
pub fn is_script_url(url: &str) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .take(11)
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|scheme| cleaned.starts_with(scheme))
}

/// `html` (rendered Markdown) with every element, attribute and URL outside the allow-lists
/// removed; `<script>` and `<style>` go with their content.
pub fn sanitize(html: &str) -> String {
    SANITIZER.clean(html).to_string()
}

/// The text of a piece of HTML, tags dropped and character references decoded.
pub fn html_text(html: &str) -> String {
    let mut text = String::new();
    for token in Tokenizer::new(html).flatten() {
        if let Token::String(s) = token {
            text.push_str(&String::from_utf8_lossy(&s));
        }
    }
    text
}

/// The start tags of a piece of HTML: lowercased name, and attributes (lowercased names, values
/// as written) in order.
pub fn start_tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    Tokenizer::new(html)
        .flatten()
        .filter_map(|token| match token {
            Token::StartTag(tag) => Some((
                String::from_utf8_lossy(&tag.name).to_ascii_lowercase(),
                tag.attributes
                    .iter()
                    .map(|(k, v)| {
                        (
                            String::from_utf8_lossy(k).to_ascii_lowercase(),
                            String::from_utf8_lossy(v).into_owned(),
                        )
                    })
                    .collect(),
            )),
            _ => None,
        })
        .collect()
}

/// One problem of a piece of raw HTML written in content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawHtmlProblem {
    /// Whether it could run script or load something (`unsafe-html`); otherwise the sanitizer
    /// only drops the tag or attribute and keeps the text (`dropped-html`).
    pub is_unsafe: bool,
    /// One sentence.
    pub message: String,
}

/// What is wrong with a piece of raw HTML written in content, one problem each (empty when it
/// is allowed). Comments and end tags are always allowed.
pub fn raw_html_problems(html: &str) -> Vec<RawHtmlProblem> {
    let refuse = |message: String| RawHtmlProblem {
        is_unsafe: true,
        message,
    };
    let drop = |message: String| RawHtmlProblem {
        is_unsafe: false,
        message,
    };
    let mut problems = Vec::new();
    for token in Tokenizer::new(html).flatten() {
        let tag = match token {
            Token::StartTag(tag) => tag,
            // A tag the text never closes would swallow what follows in another renderer.
            Token::Error(error) if error.value == html5gum::Error::EofInTag => {
                problems.push(refuse("a tag that is never closed with `>`".to_string()));
                continue;
            }
            _ => continue,
        };
        let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
        let known = RAW_HTML_TAGS.contains(&name.as_str());
        let own = RAW_HTML_ELEMENT_ATTRIBUTES
            .iter()
            .find(|(element, _)| *element == name)
            .map_or(&[][..], |(_, attributes)| *attributes);
        for (attribute, value) in &tag.attributes {
            let attribute = String::from_utf8_lossy(attribute).to_ascii_lowercase();
            let value = String::from_utf8_lossy(value);
            // Styles are refused too: `position: fixed` can lay a fake page over the real one.
            if attribute.starts_with("on") || attribute == "srcdoc" || attribute == "style" {
                problems.push(refuse(format!(
                    "attribute `{attribute}` of `<{name}>` is not allowed"
                )));
            } else if matches!(
                attribute.as_str(),
                "href" | "src" | "action" | "formaction" | "xlink:href" | "data" | "poster"
            ) && is_script_url(&value)
            {
                problems.push(refuse(format!(
                    "a `{attribute}` that is a script or data URL"
                )));
            } else if known
                && !RAW_HTML_ATTRIBUTES.contains(&attribute.as_str())
                && !own.contains(&attribute.as_str())
            {
                problems.push(drop(format!(
                    "attribute `{attribute}` of `<{name}>` is not allowed: it is left out"
                )));
            }
        }
        if UNSAFE_TAGS.contains(&name.as_str()) {
            problems.push(refuse(format!("`<{name}>` is not an allowed HTML element")));
        } else if !known {
            problems.push(drop(format!(
                "`<{name}>` is not an allowed HTML element: the tag is left out and its text shown"
            )));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_raw_html_passes_and_the_rest_is_named() {
        let raw_html_problems = |html: &str| -> Vec<String> {
            raw_html_problems(html)
                .into_iter()
                .filter(|p| p.is_unsafe)
                .map(|p| p.message)
                .collect()
        };
        assert!(raw_html_problems("<kbd>Ctrl</kbd> <!-- note --> <br>").is_empty());
        assert!(raw_html_problems("<details open><summary>x</summary>").is_empty());
        assert_eq!(
            raw_html_problems("<script>alert(1)</script>"),
            ["`<script>` is not an allowed HTML element"]
        );
        assert_eq!(
            raw_html_problems("<span onclick=\"x()\" STYLE=\"color:red\">"),
            [
                "attribute `onclick` of `<span>` is not allowed",
                "attribute `style` of `<span>` is not allowed"
            ]
        );
        assert!(raw_html_problems("<a href=\"x.md\" data-raw-source=\"[x](x.md)\">").is_empty());
        assert!(!raw_html_problems("<a href=\"javascript:x\">").is_empty());
        assert_eq!(
            raw_html_problems("<IMG SRC=x onerror=alert(1)>"),
            ["attribute `onerror` of `<img>` is not allowed"]
        );
        assert!(raw_html_problems("<a name=\"x\"></a><a id=\"y\"></a>").is_empty());
        assert!(raw_html_problems("<table><caption>c</caption><colgroup><col span=\"2\"></colgroup><thead><tr><th scope=\"col\" colspan=\"2\">h</th></tr></thead><tbody><tr><td rowspan=\"2\"><ul><li>x</li></ul></td></tr></tbody></table>").is_empty());
        assert!(!raw_html_problems("<img src=\"javascript:x\">").is_empty());
        assert_eq!(
            raw_html_problems("<span onclick=x"),
            ["a tag that is never closed with `>`"]
        );
    }

    #[test]
    fn harmless_html_is_dropped_not_refused() {
        for html in [
            "<center>x</center>",
            "<font color=\"red\">x</font>",
            "<alt>x</alt>",
        ] {
            let problems = super::raw_html_problems(html);
            assert!(!problems.is_empty(), "{html}");
            assert!(
                problems.iter().all(|p| !p.is_unsafe),
                "{html}: {problems:?}"
            );
        }
        for html in [
            "<pre><code>x</code></pre>",
            "<blockquote>q</blockquote>",
            "<hr>",
            "<h2>T</h2>",
        ] {
            assert!(super::raw_html_problems(html).is_empty(), "{html}");
        }
        // Dropped tags keep their text.
        assert_eq!(sanitize("<center>Kept</center>"), "Kept");
        for html in [
            "<iframe src=x>",
            "<svg>",
            "<form>",
            "<base href=x>",
            "<meta http-equiv=refresh>",
        ] {
            assert!(
                super::raw_html_problems(html).iter().any(|p| p.is_unsafe),
                "{html}"
            );
        }
    }

    #[test]
    fn inline_styles_are_allowed_by_hash() {
        assert_eq!(content_security_policy(&[]), CONTENT_SECURITY_POLICY);
        // The hash browsers compute for `<style>a{}</style>`.
        assert!(
            content_security_policy(&["a{}"])
                .contains("style-src 'self' 'sha256-X1RutGBrXCt9KkSaXMK7tHftWiRscFHOhxsS8tv8hBk='")
        );
    }

    #[test]
    fn the_sanitizer_keeps_markdown_and_removes_script() {
        let kept = "<h2 id=\"a\">A</h2>\n<p><a href=\"b.html#c\">b</a> <kbd>K</kbd></p>\n";
        assert_eq!(sanitize(kept), kept);
        for payload in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<a href=\"JaVaScRiPt&#58;alert(1)\">x</a>",
            "<iframe src=\"https://example.com\"></iframe>",
            "<svg><script>alert(1)</script></svg>",
            "<style>body{}</style>",
            "<object data=\"x.swf\"></object>",
            "<form action=\"https://x\"><input type=\"submit\"></form>",
        ] {
            let clean = sanitize(payload).to_ascii_lowercase();
            for bad in [
                "<script",
                "onerror",
                "javascript",
                "<iframe",
                "<style",
                "<object",
            ] {
                assert!(!clean.contains(bad), "{payload} → {clean}");
            }
        }
    }
}
