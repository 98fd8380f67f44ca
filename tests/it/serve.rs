//! `runbook serve` as a user runs it: the served pages, the live-reload events after an edit,
//! and a broken edit reported to the browser while the last good site stays served.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::Project;

/// The server process, stopped when dropped.
struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(project: &Project) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_runbook"))
        .args(["serve", "--port", "0", "--root"])
        .arg(project.root())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let port = loop {
        let line = lines.next().expect("serve printed its address").unwrap();
        if let Some(rest) = line.strip_prefix("serving http://127.0.0.1:") {
            break rest.split('/').next().unwrap().parse().unwrap();
        }
    };
    // Keep reading stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Server { child, port }
}

/// `GET path`: status line and body.
fn get(port: u16, path: &str) -> (String, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    (head.lines().next().unwrap().to_string(), body.to_string())
}

/// The event stream, read event by event.
struct Events(BufReader<TcpStream>);

impl Events {
    fn open(port: u16) -> Self {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(
            stream,
            "GET /__runbook/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(1)))
            .unwrap();
        Self(BufReader::new(stream))
    }

    /// The next event of `kind` and its data, waiting up to 30 s.
    fn next(&mut self, kind: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut current = String::new();
        let mut line = String::new();
        while Instant::now() < deadline {
            line.clear();
            match self.0.read_line(&mut line) {
                Ok(0) => panic!("the event stream ended"),
                Ok(_) => {}
                Err(_) => continue,
            }
            // Chunked transfer: chunk sizes and event lines arrive as lines of their own.
            let line = line.trim_end();
            if let Some(event) = line.strip_prefix("event: ") {
                current = event.to_string();
            } else if let Some(data) = line.strip_prefix("data: ")
                && current == kind
            {
                return data.to_string();
            }
        }
        panic!("no `{kind}` event within 30 s");
    }
}

#[test]
fn serves_the_site_and_reloads_after_an_edit_keeping_the_last_good_site_on_errors() {
    let project = Project::fixture("minimal");
    let server = start(&project);

    let (status, home) = get(server.port, "/");
    assert!(status.contains("200"), "{status}");
    assert!(home.contains("<a href=\"en/index.html\""), "{home}");
    let (_, page) = get(server.port, "/en/status.html");
    assert!(
        page.contains("<script src=\"/__runbook/live.js\"></script>\n</body>"),
        "{page}"
    );
    let (_, script) = get(server.port, "/__runbook/live.js");
    assert!(script.contains("EventSource"), "{script}");
    let (status, _) = get(server.port, "/en/nowhere.html");
    assert!(status.contains("404"), "{status}");

    let mut events = Events::open(server.port);
    let status_md = project.read("content/status.md");
    project.write(
        "content/status.md",
        &status_md.replacen("\n\n", "\n\nFreshly edited. ", 1),
    );
    let changed = events.next("reload");
    assert!(changed.contains("\"/en/status.html\""), "{changed}");
    assert!(!changed.contains("\"/en/handle-outage.html\""), "{changed}");
    let (_, page) = get(server.port, "/en/status.html");
    assert!(page.contains("Freshly edited."), "{page}");

    project.write("content/handle-outage.yaml", "title: [unclosed\n");
    let error = events.next("build-error");
    assert!(error.contains("handle-outage.yaml"), "{error}");
    let (status, page) = get(server.port, "/en/status.html");
    assert!(
        status.contains("200") && page.contains("Freshly edited."),
        "{page}"
    );
    let (_, procedure) = get(server.port, "/en/handle-outage.html");
    assert!(
        procedure.contains("Handle an outage"),
        "the last good site: {procedure}"
    );
    // A client connecting now hears of the failure at once.
    assert!(
        Events::open(server.port)
            .next("build-error")
            .contains("handle-outage.yaml")
    );

    let fixture = crate::util::fixture("minimal");
    let original = std::fs::read_to_string(fixture.join("content/handle-outage.yaml")).unwrap();
    project.write("content/handle-outage.yaml", &original);
    events.next("reload");
}
