#!/usr/bin/env python3
"""The peers' copy of a built runbook project: the same Markdown text as a Hugo site and as
mdBook books, for benches/compare.sh.

    benches/peers.py PROJECT

reads PROJECT/build/markdown/LOCALE/ (the mdBook source per locale that `runbook build` writes)
and writes
  PROJECT/peers/mdbook/LOCALE/   that source, as it is (mdBook builds it unchanged);
  PROJECT/peers/hugo/            one Hugo site with a content directory per locale: every page
                                 with its first heading as front matter title, links to `.md`
                                 files turned into links to the `.html` pages by a render hook,
                                 and layouts (benches/hugo/) whose sidebar lists the root's and
                                 the page's own section's pages, as runbook's does; every other
                                 file of the source (images) as a static file at the same place.
Deterministic; uses only the standard library.
"""
import pathlib
import shutil
import sys


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: peers.py PROJECT")
    project = pathlib.Path(sys.argv[1])
    markdown = project / "build" / "markdown"
    locales = sorted(p.name for p in markdown.iterdir() if p.is_dir())
    peers = project / "peers"
    shutil.rmtree(peers, ignore_errors=True)
    for locale in locales:
        shutil.copytree(markdown / locale, peers / "mdbook" / locale)
    hugo = peers / "hugo"
    shutil.copytree(pathlib.Path(__file__).parent / "hugo", hugo)
    config = ['baseURL = "/"', 'uglyURLs = true', 'relativeURLs = true',
              'defaultContentLanguage = "en"', 'defaultContentLanguageInSubdir = true',
              'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]',
              '[markup.goldmark.renderer]', 'unsafe = true', '[languages]']
    for weight, locale in enumerate(locales, 1):
        book = (markdown / locale / "book.toml").read_text(encoding="utf-8")
        title = next((line.split("=", 1)[1].strip() for line in book.splitlines()
                      if line.startswith("title")), '""')
        config += [f'[languages.{locale}]', f'weight = {weight}', f'title = {title}',
                   f'contentDir = "content/{locale}"', f'languageName = "{locale}"']
        src = markdown / locale / "src"
        for other in sorted(src.rglob("*")):
            if other.is_file() and other.suffix != ".md":
                target = hugo / "static" / locale / other.relative_to(src)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(other, target)
        for page in sorted(src.rglob("*.md")):
            relative = page.relative_to(src)
            if relative.name == "SUMMARY.md":
                continue
            text = page.read_text(encoding="utf-8")
            first, _, body = text.partition("\n")
            title = first.removeprefix("# ").strip() if first.startswith("# ") else relative.stem
            if relative.name == "index.md":
                relative = relative.with_name("_index.md")
            target = hugo / "content" / locale / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            quoted = title.replace("\\", "\\\\").replace('"', '\\"')
            target.write_text(f'---\ntitle: "{quoted}"\n---\n{body}', encoding="utf-8")
    (hugo / "hugo.toml").write_text("\n".join(config) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
