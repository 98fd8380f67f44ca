#!/usr/bin/env python3
# Latency of `runbook serve`: edit a file → the `reload` event arrives → the changed page is
# fetched again. Median of 20 edits.
#
#   runbook serve --root PROJECT --port 3917 &
#   python3 benches/serve_latency.py 3917 PROJECT/content/check-service-health.md /en/check-service-health.html
import pathlib, socket, statistics, sys, time, urllib.request
port, path, page = int(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3]
original = path.read_text()
s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"GET /__runbook/events HTTP/1.1\r\nHost: x\r\n\r\n")
s.settimeout(10)
head = b""
while b"\r\n\r\n" not in head:
    head += s.recv(4096)
event_ms, reload_ms = [], []
try:
    for i in range(20):
        time.sleep(0.3)
        t0 = time.perf_counter()
        path.write_text(original.replace("\n\n", f"\n\nEdit {i}. ", 1))
        data = b""
        while b"event: reload" not in data:
            data += s.recv(65536)
        t1 = time.perf_counter()
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}{page}").read().decode()
        assert f"Edit {i}." in body, "the reloaded page has the edit"
        event_ms.append((t1 - t0) * 1000)
        reload_ms.append((time.perf_counter() - t0) * 1000)
finally:
    path.write_text(original)
print(f"edit -> reload event: median {statistics.median(event_ms):.1f} ms (max {max(event_ms):.1f}); "
      f"edit -> changed page fetched: median {statistics.median(reload_ms):.1f} ms (max {max(reload_ms):.1f}), {len(event_ms)} edits")
