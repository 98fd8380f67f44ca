//! A synthetic DocFX docset with the statistics of the public Partner Center docset (measured
//! 2026-12-07 on 1,036 pages): pages of 8.3 KB on average (median 6 KB, at most 80 KB), 10.7
//! links per page (median 8), 1.4 images, 1.5 alerts, 0.2 includes and 14 table rows; 44 % of
//! pages with numbered steps (how-to pages, which `[output.runbook.procedure-pages]` makes
//! procedures); 135 include files per 1,036 pages; about 100 KB per image in a `media/` folder
//! beside the pages; a `toc.yml` listing about half of the pages, nested 3 to 4 levels; and a
//! Japanese tree covering a third of the pages, from older revisions (some lists a step short).
//! Scaled to N pages.

use std::fmt::Write as _;
use std::path::Path;

use super::{KOTOBA, WORDS, sentence};

/// Top-level sections (folders and `toc.yml` groups).
const SECTIONS: usize = 12;
/// The bytes of one image, on average.
const IMAGE_BYTES: usize = 98_000;

/// Writes a docset of `n` pages into `out`.
pub fn generate(n: usize, out: &Path, seed: u64) -> std::io::Result<()> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let content = out.join("content");
    std::fs::create_dir_all(content.join("includes"))?;
    std::fs::write(
        out.join("book.toml"),
        "[book]\ntitle = \"Synthetic docset\"\nlanguage = \"en\"\n\n[output.runbook]\nlocales = [\"en\", \"ja\"]\n\n[output.runbook.titles]\nja = \"合成ドキュメント\"\n\n[output.runbook.procedure-pages]\nmetadata = { \"ms.topic\" = [\"how-to\"] }\n",
    )?;
    let includes = (n * 135 / 1036).max(1);
    for k in 0..includes {
        let text = format!(
            "{}.\n\n> [!NOTE]\n> {}.\n",
            sentence(&mut rng, WORDS, 25, " "),
            sentence(&mut rng, WORDS, 12, " ")
        );
        std::fs::write(content.join(format!("includes/include-{k}.md")), text)?;
        if k % 3 == 0 {
            std::fs::create_dir_all(content.join("ja/includes"))?;
            let ja = format!("{}。\n", sentence(&mut rng, KOTOBA, 25, ""));
            std::fs::write(content.join(format!("ja/includes/include-{k}.md")), ja)?;
        }
    }
    let mut image = 0usize;
    let mut pages = Vec::with_capacity(n);
    for i in 0..n {
        let section = i % SECTIONS;
        pages.push((section, format!("section-{section}/page-{i}")));
    }
    for (i, (section, path)) in pages.iter().enumerate() {
        let dir = content.join(format!("section-{section}"));
        std::fs::create_dir_all(dir.join("media"))?;
        let page = page(i, &pages, includes, &mut image, &mut rng);
        for name in &page.images {
            let bytes = image_bytes(&mut rng);
            std::fs::write(dir.join("media").join(name), bytes)?;
        }
        std::fs::write(content.join(format!("{path}.md")), &page.en)?;
        if i % 3 == 0 {
            let ja_dir = content.join(format!("ja/section-{section}"));
            std::fs::create_dir_all(&ja_dir)?;
            std::fs::write(content.join(format!("ja/{path}.md")), &page.ja)?;
        }
    }
    std::fs::write(content.join("toc.yml"), toc(&pages, &mut rng))?;
    Ok(())
}

/// One page in English and its Japanese translation (an older revision), and its images' names.
struct Page {
    en: String,
    ja: String,
    images: Vec<String>,
}

/// A number drawn around `mean` (a geometric distribution: many small, a few large).
fn around(rng: &mut fastrand::Rng, mean: f64) -> usize {
    let mut count = 0;
    let p = 1.0 / (mean + 1.0);
    while rng.f64() > p && count < 60 {
        count += 1;
    }
    count
}

/// An image's bytes: a PNG signature and incompressible filler, about [`IMAGE_BYTES`] long.
fn image_bytes(rng: &mut fastrand::Rng) -> Vec<u8> {
    let len = IMAGE_BYTES / 2 + rng.usize(..IMAGE_BYTES);
    let mut bytes = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
    bytes.extend((0..len).map(|_| rng.u8(..)));
    bytes
}

fn page(
    i: usize,
    pages: &[(usize, String)],
    includes: usize,
    image: &mut usize,
    rng: &mut fastrand::Rng,
) -> Page {
    let (section, _) = pages[i];
    let how_to = rng.f64() < 0.44;
    // Page size: log-normal around 6 KB (mean about 8 KB), at most 80 KB.
    let target = (6000.0
        * (rng.f64() * 2.0 - 1.0 + rng.f64() * 2.0 - 1.0)
            .mul_add(0.75, 0.0)
            .exp())
    .clamp(1200.0, 80_000.0) as usize;
    let title = format!("Manage the {}", sentence(rng, WORDS, 3, " "));
    let title_ja = format!("{}を管理する", sentence(rng, KOTOBA, 3, ""));
    let topic = if how_to { "how-to" } else { "conceptual" };
    let mut front = |title: &str| {
        format!(
            "---\ntitle: {title}\ndescription: {}.\nms.date: 11/{:02}/2026\nms.topic: {topic}\n---\n\n# {title}\n\n",
            sentence(rng, WORDS, 10, " "),
            1 + i % 28
        )
    };
    let mut en = front(&title);
    let mut ja = front(&title_ja);
    let links = around(rng, 10.7);
    let images = around(rng, 1.4);
    let alerts = around(rng, 1.5);
    let rows = if rng.f64() < 0.4 {
        around(rng, 35.0)
    } else {
        0
    };
    let mut names = Vec::new();
    let link = |rng: &mut fastrand::Rng| -> String {
        match rng.u8(..10) {
            0..=5 => {
                let (other_section, other) = &pages[rng.usize(..pages.len())];
                let name = other.rsplit('/').next().unwrap_or(other);
                let target = if *other_section == section {
                    format!("{name}.md")
                } else {
                    format!("../section-{other_section}/{name}.md")
                };
                let anchor = if rng.bool() { "#section-2" } else { "" };
                format!("[{}]({target}{anchor})", sentence(rng, WORDS, 2, " "))
            }
            _ => format!(
                "[{}](https://learn.microsoft.com/azure/{})",
                sentence(rng, WORDS, 2, " "),
                WORDS[rng.usize(..WORDS.len())]
            ),
        }
    };
    let mut links_left = links;
    let paragraph = |rng: &mut fastrand::Rng, links_left: &mut usize| -> (String, String) {
        let mut p = sentence(rng, WORDS, 40, " ");
        if *links_left > 0 {
            let _ = write!(p, " See {}", link(rng));
            *links_left -= 1;
        }
        (
            format!("{p}.\n\n"),
            format!("{}。\n\n", sentence(rng, KOTOBA, 40, "、")),
        )
    };
    let (p, q) = paragraph(rng, &mut links_left);
    en.push_str(&p);
    ja.push_str(&q);
    for _ in 0..alerts.min(1) {
        en.push_str("> [!IMPORTANT]\n> Only admins can do this.\n\n");
        ja.push_str("> [!IMPORTANT]\n> 管理者だけが行えます。\n\n");
    }
    if rng.f64() < 0.2 {
        let k = rng.usize(..includes);
        let _ = writeln!(en, "[!INCLUDE [note](../includes/include-{k}.md)]\n");
        let _ = writeln!(ja, "[!INCLUDE [note](../includes/include-{k}.md)]\n");
    }
    let mut section_n = 1;
    while en.len() < target || section_n <= 2 {
        let _ = writeln!(en, "## Section {section_n}\n");
        let _ = writeln!(ja, "## セクション {section_n} {{#section-{section_n}}}\n");
        if how_to && section_n <= 2 {
            // Numbered steps, Learn's way: every item `1.`, an image or a note inside some.
            let steps = 3 + rng.usize(..6);
            // The translation is an older revision: now and then a step short.
            let ja_steps = if rng.f64() < 0.2 { steps - 1 } else { steps };
            for s in 0..steps {
                let _ = writeln!(
                    en,
                    "1. Select **{}**, then {}.",
                    WORDS[rng.usize(..WORDS.len())],
                    sentence(rng, WORDS, 8, " ")
                );
                if s < ja_steps {
                    let _ = writeln!(
                        ja,
                        "1. **[{}]** を選択し、{}。",
                        KOTOBA[rng.usize(..KOTOBA.len())],
                        sentence(rng, KOTOBA, 8, "")
                    );
                }
                if names.len() < images && rng.bool() {
                    let name = format!("image-{}.png", *image);
                    *image += 1;
                    let _ = writeln!(
                        en,
                        "\n   :::image type=\"content\" source=\"media/{name}\" alt-text=\"The {} page.\":::\n",
                        WORDS[rng.usize(..WORDS.len())]
                    );
                    let _ = writeln!(
                        ja,
                        "\n   :::image type=\"content\" source=\"media/{name}\" alt-text=\"画面。\":::\n"
                    );
                    names.push(name);
                }
            }
            en.push('\n');
            ja.push('\n');
        }
        let (p, q) = paragraph(rng, &mut links_left);
        en.push_str(&p);
        ja.push_str(&q);
        if section_n == 2 && rows > 0 {
            en.push_str("| Setting | Value |\n| --- | --- |\n");
            ja.push_str("| 設定 | 値 |\n| --- | --- |\n");
            for r in 0..rows {
                let _ = writeln!(
                    en,
                    "| {} {r} | {} |",
                    WORDS[r % WORDS.len()],
                    sentence(rng, WORDS, 4, " ")
                );
                let _ = writeln!(
                    ja,
                    "| {} {r} | {} |",
                    KOTOBA[r % KOTOBA.len()],
                    sentence(rng, KOTOBA, 4, "")
                );
            }
            en.push('\n');
            ja.push('\n');
        }
        if section_n > 1 && section_n <= alerts {
            en.push_str("> [!NOTE]\n> The change can take an hour to show.\n\n");
            ja.push_str("> [!NOTE]\n> 変更の反映には 1 時間ほどかかる場合があります。\n\n");
        }
        section_n += 1;
    }
    while names.len() < images {
        let name = format!("image-{}.png", *image);
        *image += 1;
        let _ = writeln!(
            en,
            ":::image type=\"content\" source=\"media/{name}\" alt-text=\"The overview.\":::\n"
        );
        let _ = writeln!(
            ja,
            ":::image type=\"content\" source=\"media/{name}\" alt-text=\"概要。\":::\n"
        );
        names.push(name);
    }
    while links_left > 0 {
        let (p, q) = paragraph(rng, &mut links_left);
        en.push_str(&p);
        ja.push_str(&q);
    }
    Page {
        en,
        ja,
        images: names,
    }
}

/// A `toc.yml` listing about every second page, in its section, nested 3 to 4 levels.
fn toc(pages: &[(usize, String)], rng: &mut fastrand::Rng) -> String {
    let mut toc = String::from("- name: Synthetic docset\n  href: section-0/page-0.md\n");
    for section in 0..SECTIONS {
        let _ = writeln!(toc, "- name: Section {section}\n  items:");
        let listed: Vec<&String> = pages
            .iter()
            .filter(|(s, _)| *s == section)
            .map(|(_, path)| path)
            .filter(|_| rng.bool())
            .collect();
        for (g, group) in listed.chunks(8).enumerate() {
            let _ = writeln!(toc, "  - name: Group {section}.{g}\n    items:");
            // Every second group nests its second half one level deeper.
            let (direct, nested) = match g % 2 {
                0 => group.split_at(group.len() / 2),
                _ => (group, &[][..]),
            };
            let entry = |toc: &mut String, path: &str, indent: &str| {
                let name = path.rsplit('/').next().unwrap_or(path);
                let _ = writeln!(toc, "{indent}- name: {name}\n{indent}  href: {path}.md");
            };
            for path in direct {
                entry(&mut toc, path, "    ");
            }
            if !nested.is_empty() {
                let _ = writeln!(toc, "    - name: More of group {section}.{g}\n      items:");
                for path in nested {
                    entry(&mut toc, path, "      ");
                }
            }
        }
    }
    toc
}
