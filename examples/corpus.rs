//! A synthetic `runbook` project for benchmarks, deterministic for a seed. Two shapes:
//!
//! - the default: N procedures in English and Japanese, each with 8 steps (2 decisions, 1
//!   escalation), 3 cross-links with anchors and a page of its own, plus 10 escalation categories
//!   and 3 products;
//! - `--docset`: N Markdown pages shaped like a real DocFX docset (the statistics of the public
//!   Partner Center docset, `docset` below): page sizes, links, images in `media/` folders,
//!   alerts, includes, tables, numbered steps, a nested `toc.yml`, and a Japanese tree of older
//!   revisions covering a third of the pages.
//!
//! ```sh
//! cargo run --release --example corpus -- 5000 /tmp/corpus            # N, output directory[, seed]
//! cargo run --release --example corpus -- --docset 1036 /tmp/docset  # a docset's shape
//! ```

#[path = "corpus/docset.rs"]
mod docset;

use std::fmt::Write as _;
use std::path::Path;

const WORDS: &[&str] = &[
    "service", "tenant", "license", "portal", "request", "outage", "region", "customer", "sign-in",
    "mailbox", "policy", "domain", "billing", "network", "update", "health", "incident", "account",
];
const KOTOBA: &[&str] = &[
    "サービス",
    "テナント",
    "ライセンス",
    "ポータル",
    "要求",
    "障害",
    "地域",
    "顧客",
    "サインイン",
    "メールボックス",
    "ポリシー",
    "ドメイン",
    "請求",
    "ネットワーク",
    "更新",
    "正常性",
    "インシデント",
    "アカウント",
];

/// Procedures per directory (`area-K/`): a page lists its directory's entries in its sidebar.
const AREA: usize = 50;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let shaped_as_docset = args.first().is_some_and(|a| a == "--docset");
    if shaped_as_docset {
        args.remove(0);
    }
    let (Some(n), Some(out)) = (
        args.first().and_then(|n| n.parse::<usize>().ok()),
        args.get(1),
    ) else {
        eprintln!("usage: corpus [--docset] N OUT_DIR [SEED]");
        std::process::exit(2);
    };
    let seed = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    let made = match shaped_as_docset {
        true => docset::generate(n, Path::new(out), seed),
        false => generate(n, Path::new(out), seed),
    };
    if let Err(error) = made {
        eprintln!("corpus: {error}");
        std::process::exit(1);
    }
}

/// Writes the project of `n` procedures into `out`.
pub fn generate(n: usize, out: &Path, seed: u64) -> std::io::Result<()> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let content = out.join("content");
    std::fs::create_dir_all(&content)?;
    std::fs::write(
        out.join("book.toml"),
        "[book]\ntitle = \"Synthetic guide\"\nlanguage = \"en\"\n\n[output.runbook]\nlocales = [\"en\", \"ja\"]\n\n[output.runbook.titles]\nja = \"合成ガイド\"\n",
    )?;
    let mut products = String::from("products:\n");
    for p in 0..3 {
        writeln!(
            products,
            "  - id: product-{p}\n    name: {{ en: Product {p}, ja: 製品 {p} }}"
        )
        .unwrap();
    }
    std::fs::write(content.join("products.yaml"), products)?;
    let mut categories = String::from("categories:\n");
    for c in 0..10 {
        writeln!(
            categories,
            "  - id: category-{c}\n    title: {{ en: Category {c}, ja: カテゴリ {c} }}\n    escalate-to: {{ en: Open a support request., ja: サポート リクエストを送信します。 }}\n    severity: high"
        )
        .unwrap();
    }
    std::fs::write(content.join("categories.yaml"), categories)?;
    for i in 0..n {
        let dir = content.join(format!("area-{}", i / AREA));
        std::fs::create_dir_all(&dir)?;
        std::fs::write(
            dir.join(format!("procedure-{i}.yaml")),
            procedure(i, n, &mut rng),
        )?;
        let (en, ja) = page(i, &mut rng);
        std::fs::write(dir.join(format!("page-{i}.md")), en)?;
        std::fs::write(dir.join(format!("page-{i}.ja.md")), ja)?;
    }
    Ok(())
}

fn sentence(rng: &mut fastrand::Rng, words: &[&str], len: usize, sep: &str) -> String {
    (0..len)
        .map(|_| words[rng.usize(..words.len())])
        .collect::<Vec<_>>()
        .join(sep)
}

/// A link to procedure `j`'s file from area of procedure `i`.
fn path_to(i: usize, j: usize, name: &str) -> String {
    if i / AREA == j / AREA {
        format!("{name}-{j}.md")
    } else {
        format!("../area-{}/{name}-{j}.md", j / AREA)
    }
}

fn procedure(i: usize, n: usize, rng: &mut fastrand::Rng) -> String {
    let mut y = String::new();
    let title_en = sentence(rng, WORDS, 4, " ");
    let title_ja = sentence(rng, KOTOBA, 4, "");
    writeln!(
        y,
        "title: {{ en: \"Handle {title_en}\", ja: \"{title_ja}に対応する\" }}"
    )
    .unwrap();
    writeln!(y, "applies-to: [product-{}]", i % 3).unwrap();
    let page_link = path_to(i, i, "page");
    let other = path_to(i, (i + 7) % n, "procedure");
    writeln!(
        y,
        "introduction:\n  en: Read [the notes]({page_link}#details) and [the related procedure]({other}#step-3) first.\n  ja: 最初に[メモ]({page_link}#details)と[関連する手順]({other}#step-3)を読みます。"
    )
    .unwrap();
    y.push_str("steps:\n");
    for s in 1..=8 {
        let text_en = sentence(rng, WORDS, 12, " ");
        let text_ja = sentence(rng, KOTOBA, 12, "、");
        writeln!(
            y,
            "  - id: step-{s}\n    title: {{ en: \"Check the {}\", ja: \"{}を確認する\" }}",
            WORDS[s], KOTOBA[s]
        )
        .unwrap();
        match s {
            3 | 6 => {
                writeln!(
                    y,
                    "    decision:\n      branches:\n        - {{ label: {{ en: \"Yes\", ja: \"はい\" }}, goto: step-{} }}\n        - {{ label: {{ en: \"No\", ja: \"いいえ\" }}, goto: step-{} }}",
                    s + 1,
                    s + 2
                )
                .unwrap();
            }
            7 => {
                writeln!(
                    y,
                    "    escalation:\n      categories: [category-{}]\n      submit: {{ en: \"{text_en}\", ja: \"{text_ja}\" }}",
                    i % 10
                )
                .unwrap();
            }
            _ => {
                // Procedures sit in `area-K/`; the categories page is at the root.
                let categories = "../";
                writeln!(
                    y,
                    "    text:\n      en: \"{text_en}; see [the category]({categories}categories.md#category-{}).\"\n      ja: \"{text_ja}。[カテゴリ]({categories}categories.md#category-{})を参照。\"",
                    i % 10,
                    i % 10
                )
                .unwrap();
            }
        }
    }
    y
}

fn page(i: usize, rng: &mut fastrand::Rng) -> (String, String) {
    let mut en = format!("---\ntitle: Notes {i}\n---\n\n");
    let mut ja = format!("---\ntitle: メモ {i}\n---\n\n");
    for (k, (heading_en, heading_ja)) in [
        ("Summary", "概要"),
        ("Details", "詳細"),
        ("History", "履歴"),
    ]
    .iter()
    .enumerate()
    {
        writeln!(
            en,
            "## {heading_en}\n\n{}.\n",
            sentence(rng, WORDS, 30, " ")
        )
        .unwrap();
        let id = if k == 1 { " {#details}" } else { "" };
        writeln!(
            ja,
            "## {heading_ja}{id}\n\n{}。\n",
            sentence(rng, KOTOBA, 30, "、")
        )
        .unwrap();
    }
    writeln!(en, "Back to [the procedure](procedure-{i}.md#step-2).").unwrap();
    writeln!(ja, "[手順](procedure-{i}.md#step-2)に戻ります。").unwrap();
    (en, ja)
}
