#!/usr/bin/env python3
"""One author's edit of a benchmark corpus file, a new one each call (hyperfine --prepare).

    benches/edit.py page FILE.md        adds a line at the end of a Markdown page
    benches/edit.py step FILE.yaml      adds a word at the start of the first step text in English
    benches/edit.py step FILE.md        adds a word to the first numbered step of a procedure page
"""
import sys

kind, path = sys.argv[1], sys.argv[2]
with open(path, encoding="utf-8") as f:
    text = f.read()
if kind == "page":
    text += "\nOne more line.\n"
elif kind == "step" and path.endswith(".md"):
    marker = "\n1. "
    if marker not in text:
        sys.exit(f"edit.py: no numbered step in {path}")
    text = text.replace(marker, marker + "Then ", 1)
elif kind == "step":
    marker = '      en: "'
    if marker not in text:
        sys.exit(f"edit.py: no English step text in {path}")
    text = text.replace(marker, marker + "Then ", 1)
else:
    sys.exit(f"edit.py: unknown kind {kind!r} (page or step)")
with open(path, "w", encoding="utf-8") as f:
    f.write(text)
