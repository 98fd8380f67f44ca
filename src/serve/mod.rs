//! `runbook serve`: builds the site in memory, serves it on 127.0.0.1, watches the project and
//! rebuilds on every change. Open pages reload when their output changed; a failed rebuild
//! shows its error over the page and in the terminal, and the last good site stays served.
//!
//! Nothing is written: the output directory is `runbook build`'s. The HTTP side is axum on a
//! single-threaded tokio runtime; rebuilds run on their own thread (rendering uses every core),
//! woken by a debounced file watcher (notify-debouncer-full).

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::stream::{self, Stream};
use notify_debouncer_full::notify::{EventKind, RecursiveMode};
use tokio::sync::broadcast;

use crate::diagnostic::{self, Diagnostic};
use crate::pipeline::incremental::Cache;
use crate::source::SourceMap;
use crate::{Error, MemoryBuild, build_in_memory_keeping, render};

/// The script every served page loads (see `live.js`).
const LIVE_JS: &str = include_str!("live.js");
/// Where pages load it from, and where it listens for rebuilds.
const LIVE_JS_PATH: &str = "/__runbook/live.js";
const EVENTS_PATH: &str = "/__runbook/events";
/// How long the watcher waits for more changes before rebuilding (editors write in bursts).
const DEBOUNCE: Duration = Duration::from_millis(10);

/// What `serve` serves and where.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// The project root.
    pub root: PathBuf,
    /// The port on 127.0.0.1 (0: any free port).
    pub port: u16,
}

/// What the server reports to the terminal.
pub enum ServeEvent<'a> {
    /// The site is served at this address.
    Listening(SocketAddr),
    /// A build succeeded.
    Built {
        /// Output files whose bytes changed (all of them on the first build).
        changed: usize,
        /// Wall time of the build.
        elapsed: Duration,
        /// Its warnings.
        warnings: &'a [Diagnostic],
        /// The files the warnings point into.
        sources: &'a SourceMap,
    },
    /// A build failed; the last good site is still served.
    Failed(&'a Error),
}

/// What the browser is told.
#[derive(Clone, Debug)]
enum Notice {
    /// These URL paths changed (`/en/x.html`).
    Reload(Arc<Vec<String>>),
    /// The build failed with this message.
    Failed(Arc<str>),
}

/// The served site: the HTML output by URL path, and the last build's error, if it failed.
struct Served {
    files: RwLock<Arc<HashMap<String, Arc<[u8]>>>>,
    error: RwLock<Option<Arc<str>>>,
    notices: broadcast::Sender<Notice>,
    /// What the last build rendered and read, so a rebuild renders only what changed.
    cache: Mutex<Cache>,
}

/// Serves the project until the process is stopped.
///
/// # Errors
/// [`Error::Serve`] when the port cannot be bound or the project cannot be watched. Content
/// errors are not errors here: they are shown, and the server goes on.
pub fn serve(
    options: &ServeOptions,
    report: impl Fn(ServeEvent<'_>) + Send + Sync + 'static,
) -> Result<(), Error> {
    let report: Arc<dyn Fn(ServeEvent<'_>) + Send + Sync> = Arc::new(report);
    let (notices, _) = broadcast::channel(16);
    let served = Arc::new(Served {
        files: RwLock::new(Arc::new(HashMap::new())),
        error: RwLock::new(None),
        notices,
        cache: Mutex::default(),
    });
    rebuild(&options.root, &served, report.as_ref());

    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, options.port));
    let listener = std::net::TcpListener::bind(address)
        .and_then(|listener| listener.set_nonblocking(true).map(|()| listener))
        .map_err(|error| Error::Serve(format!("cannot listen on {address}: {error}")))?;
    let local = listener
        .local_addr()
        .map_err(|error| Error::Serve(error.to_string()))?;

    let _watcher = watch(&options.root, Arc::clone(&served), Arc::clone(&report))?;
    report(ServeEvent::Listening(local));

    let app = Router::new()
        .route(LIVE_JS_PATH, get(live_js))
        .route(EVENTS_PATH, get(events))
        .fallback(get(page))
        .with_state(served);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| Error::Serve(error.to_string()))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|error| Error::Serve(error.to_string()))?;
        axum::serve(listener, app)
            .await
            .map_err(|error| Error::Serve(error.to_string()))
    })
}

/// Builds the project and puts the result (or its error) in place, telling the browsers.
fn rebuild(root: &Path, served: &Served, report: &(dyn Fn(ServeEvent<'_>) + Send + Sync)) {
    let started = Instant::now();
    let built = {
        let mut cache = served.cache.lock().unwrap_or_else(PoisonError::into_inner);
        build_in_memory_keeping(root, &mut cache)
    };
    match built {
        Ok(MemoryBuild {
            files,
            warnings,
            sources,
            ..
        }) => {
            let site: HashMap<String, Arc<[u8]>> = files
                .into_iter()
                .filter_map(|file| {
                    let url = file.path.strip_prefix(render::html::DIR)?.to_string();
                    let bytes = match &file.copy_of {
                        Some(original) => std::fs::read(original).ok()?,
                        None => file.bytes,
                    };
                    Some((url, Arc::from(bytes)))
                })
                .collect();
            let previous = served
                .files
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .clone();
            let mut changed: Vec<String> = site
                .iter()
                .filter(|(url, bytes)| previous.get(*url) != Some(bytes))
                .map(|(url, _)| url.clone())
                .collect();
            changed.sort();
            *served.files.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(site);
            *served.error.write().unwrap_or_else(PoisonError::into_inner) = None;
            report(ServeEvent::Built {
                changed: changed.len(),
                elapsed: started.elapsed(),
                warnings: &warnings,
                sources: &sources,
            });
            let _ = served.notices.send(Notice::Reload(Arc::new(changed)));
        }
        Err(error) => {
            let message: Arc<str> = match &error {
                Error::Content {
                    sources,
                    diagnostics,
                } => diagnostic::render(diagnostics, sources, false),
                other => other.to_string(),
            }
            .into();
            *served.error.write().unwrap_or_else(PoisonError::into_inner) = Some(message.clone());
            report(ServeEvent::Failed(&error));
            let _ = served.notices.send(Notice::Failed(message));
        }
    }
}

/// Watches `content/`, `templates/`, `book.toml` and `translations.lock`, rebuilding on changes.
/// The returned watcher stops watching when dropped.
fn watch(
    root: &Path,
    served: Arc<Served>,
    report: Arc<dyn Fn(ServeEvent<'_>) + Send + Sync>,
) -> Result<impl Drop, Error> {
    let root = root.to_path_buf();
    let canonical = std::fs::canonicalize(&root).unwrap_or_else(|_| root.clone());
    let relevant = move |path: &Path| {
        let Ok(relative) = path.strip_prefix(&canonical) else {
            return false;
        };
        relative.starts_with("content")
            || relative.starts_with("templates")
            || relative == Path::new("book.toml")
            || relative == Path::new("translations.lock")
    };
    let build_root = root.clone();
    let mut debouncer = notify_debouncer_full::new_debouncer(
        DEBOUNCE,
        None,
        move |result: notify_debouncer_full::DebounceEventResult| {
            // Reading files is an event too (the rebuild reads them all): only changes count.
            let changed = |event: &notify_debouncer_full::DebouncedEvent| {
                !matches!(event.kind, EventKind::Access(_))
                    && event.paths.iter().any(|p| relevant(p))
            };
            if let Ok(events) = result
                && events.iter().any(changed)
            {
                rebuild(&build_root, &served, report.as_ref());
            }
        },
    )
    .map_err(|error| Error::Serve(format!("cannot watch the project: {error}")))?;
    let watcher = &mut debouncer;
    // The root itself not recursively (its output directory changes on every build), the
    // content and templates recursively.
    watcher
        .watch(&root, RecursiveMode::NonRecursive)
        .map_err(|error| Error::Serve(format!("cannot watch `{}`: {error}", root.display())))?;
    for dir in ["content", "templates"] {
        let path = root.join(dir);
        if path.is_dir() {
            watcher
                .watch(&path, RecursiveMode::Recursive)
                .map_err(|error| {
                    Error::Serve(format!("cannot watch `{}`: {error}", path.display()))
                })?;
        }
    }
    Ok(debouncer)
}

async fn live_js() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        LIVE_JS,
    )
        .into_response()
}

/// Server-sent events: `reload` with the changed paths after each good build, `build-error`
/// with the message after a failed one (also at once, when the last build failed).
async fn events(
    State(served): State<Arc<Served>>,
) -> Sse<impl Stream<Item = Result<Event, std::convert::Infallible>>> {
    let receiver = served.notices.subscribe();
    let current = served
        .error
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .clone()
        .map(Notice::Failed);
    let stream = stream::unfold((current, receiver), |(pending, mut receiver)| async move {
        let notice = match pending {
            Some(notice) => notice,
            None => loop {
                match receiver.recv().await {
                    Ok(notice) => break notice,
                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => return None,
                }
            },
        };
        let event = match notice {
            Notice::Reload(changed) => Event::default()
                .event("reload")
                .data(serde_json::to_string(changed.as_ref()).unwrap_or_default()),
            Notice::Failed(message) => Event::default()
                .event("build-error")
                .data(serde_json::to_string(message.as_ref()).unwrap_or_default()),
        };
        Some((Ok(event), (None, receiver)))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// A file of the HTML output; pages get the live-reload script.
async fn page(State(served): State<Arc<Served>>, uri: Uri) -> Response {
    let mut path = percent_encoding::percent_decode_str(uri.path())
        .decode_utf8_lossy()
        .into_owned();
    if path.ends_with('/') {
        path.push_str("index.html");
    }
    let files = served
        .files
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    let Some(bytes) = files.get(&path) else {
        let body = format!(
            "<!DOCTYPE html><title>Not found</title><p>runbook serve: no page at {}</p>\
             <script src=\"{LIVE_JS_PATH}\"></script>",
            crate::markup::escape_html(&path)
        );
        return (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            body,
        )
            .into_response();
    };
    let content_type = content_type(&path);
    let body: Vec<u8> = if path.ends_with(".html") {
        with_live_reload(bytes)
    } else {
        bytes.to_vec()
    };
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// The page with the live-reload script before `</body>` (or at the end).
fn with_live_reload(html: &[u8]) -> Vec<u8> {
    let tag = format!("<script src=\"{LIVE_JS_PATH}\"></script>\n");
    let at = html
        .windows(7)
        .rposition(|window| window == b"</body>")
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The `Content-Type` of an output file, by extension.
fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("pdf") => "application/pdf",
        Some("md" | "txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_goes_before_the_end_of_the_body() {
        let page = with_live_reload(b"<html><body><p>x</p></body></html>");
        assert_eq!(
            String::from_utf8(page).unwrap(),
            "<html><body><p>x</p><script src=\"/__runbook/live.js\"></script>\n</body></html>"
        );
        let fragment = with_live_reload(b"<p>no body</p>");
        assert!(
            String::from_utf8(fragment)
                .unwrap()
                .ends_with("</script>\n")
        );
    }

    #[test]
    fn content_types_follow_the_extension() {
        assert_eq!(content_type("en/a.html"), "text/html; charset=utf-8");
        assert_eq!(
            content_type("assets/runbook.css"),
            "text/css; charset=utf-8"
        );
        assert_eq!(content_type("en/logo.svg"), "image/svg+xml");
        assert_eq!(content_type("en/blob"), "application/octet-stream");
    }
}
