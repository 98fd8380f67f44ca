//! Content paths: `/`-separated, relative to `content/` (or to an output directory), never
//! absolute. The rules every stage shares: resolving a link written in one file (inside
//! `content/`, or lexically with `../` kept above it), and the relative URL from one file to
//! another.

/// Resolves a relative link path written in the file at content path `from` to a content path
/// (extension kept); `None` when it leaves the content root.
pub fn resolve(from: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// A link's target as a path from `content/`, climbing above it with `../` where the link does.
pub fn lexical_path(from: &str, path: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    let mut above = 0;
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    above += 1;
                }
            }
            other => parts.push(other),
        }
    }
    format!("{}{}", "../".repeat(above), parts.join("/"))
}

/// A path to `to` relative to the directory of `from` (both relative to the same root,
/// `/`-separated): `en/a/b.html` → `ja/c.html` is `../../ja/c.html`.
pub fn relative_url(from: &str, to: &str) -> String {
    let from_dirs: Vec<&str> = from.split('/').collect();
    let from_dirs = &from_dirs[..from_dirs.len() - 1];
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dirs
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count()
        .min(to_parts.len() - 1);
    let mut url = "../".repeat(from_dirs.len() - common);
    url.push_str(&to_parts[common..].join("/"));
    url
}
