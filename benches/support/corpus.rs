//! Deterministic, seeded corpus generator for the benchmarks.
//!
//! A corpus of `pages` pages is the shipped content (copied as is, drafts
//! included, so the dev questions still find their pages) plus variants of its
//! live pages until the directory holds `pages` files. A variant keeps the
//! template's structure and vocabulary (rows, FAQ headings, paragraphs) and gets
//! a new slug, a new invented service name (the template's last title word is
//! kept for multi-word titles: "Laser Hair Removal" -> "Kovaremi Removal"), new
//! synonyms and perturbed numbers. The same `(source, pages, seed)` always
//! writes the same bytes.
//!
//! Shared by `benches/answer.rs` and `examples/bench_report.rs` via `#[path]`.

#![allow(dead_code)]

use std::io;
use std::path::{Path, PathBuf};

/// Bumped whenever the generator's output changes, so cached corpora are redone.
const GENERATOR_VERSION: u32 = 2;

/// The seed the benchmarks use.
pub const DEFAULT_SEED: u64 = 0x5eed_f00d;

const SYLLABLES: [&str; 30] = [
    "ka", "lo", "mi", "ve", "ra", "zu", "to", "ne", "si", "da", "po", "li", "mu", "fe", "ri", "sa",
    "no", "gu", "ta", "qui", "bo", "ze", "la", "ko", "xa", "du", "pe", "ro", "ni", "vo",
];

/// SplitMix64: small, fast, good enough for test data, same on every platform.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// The shipped content directory of the crate.
pub fn shipped_content() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("content")
}

/// Where generated corpora are cached: `target/bench-corpora/<pages>-<seed>`.
pub fn cache_dir(pages: usize, seed: u64) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("bench-corpora")
        .join(format!("{pages}-{seed:x}"))
}

/// A corpus of `pages` pages in the cache directory, generated unless an
/// identical one is already there. Returns the content directory.
pub fn cached(pages: usize, seed: u64) -> io::Result<PathBuf> {
    let dir = cache_dir(pages, seed);
    let marker = dir.join("GENERATED");
    let want = format!("v{GENERATOR_VERSION} pages={pages} seed={seed}\n");
    if std::fs::read_to_string(&marker).ok().as_deref() == Some(want.as_str()) {
        return Ok(dir.join("content"));
    }
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    generate(&shipped_content(), &dir.join("content"), pages, seed)?;
    std::fs::write(marker, want)?;
    Ok(dir.join("content"))
}

/// Writes a corpus of `pages` pages made from `src` into `dst` (which must not
/// hold other pages). Returns the number of files written.
pub fn generate(src: &Path, dst: &Path, pages: usize, seed: u64) -> io::Result<usize> {
    let files = frontdesk::content::markdown_files(src)?;
    let mut templates = Vec::new();
    let mut written = 0;
    for file in &files {
        let rel = file.strip_prefix(src).unwrap_or(file);
        let text = std::fs::read_to_string(file)?;
        if written < pages {
            let out = dst.join(rel);
            std::fs::create_dir_all(out.parent().unwrap_or(dst))?;
            std::fs::write(&out, &text)?;
            written += 1;
        }
        if !is_draft(&text) {
            templates.push(text);
        }
    }
    if templates.is_empty() {
        return Ok(written);
    }
    let variants = pages.saturating_sub(written);
    let width = syllables_needed(variants);
    let space = (SYLLABLES.len() as u64).pow(width);
    let gen_dir = dst.join("generated");
    std::fs::create_dir_all(&gen_dir)?;
    for i in 0..variants {
        let text = &templates[i % templates.len()];
        let mut rng = Rng::new(seed ^ (i as u64).wrapping_mul(0x2545_f491_4f6c_dd1d));
        // A bijection of 0..space (7919 is prime, so coprime to 30^k): unique names.
        let code = ((i as u64).wrapping_mul(7919).wrapping_add(seed)) % space;
        let brand = invented_word(code, width);
        let (new_slug, page) = vary(text, &brand, i, &mut rng);
        std::fs::write(gen_dir.join(format!("{new_slug}.md")), page)?;
        written += 1;
    }
    Ok(written)
}

fn is_draft(text: &str) -> bool {
    text.lines().take(40).any(|l| {
        let l = l.replace(' ', "");
        l == "draft:true" || l == "draft=true"
    })
}

fn syllables_needed(n: usize) -> u32 {
    let mut k = 2;
    while (SYLLABLES.len() as u64).pow(k) < n as u64 {
        k += 1;
    }
    k
}

fn invented_word(mut code: u64, width: u32) -> String {
    let mut w = String::new();
    for _ in 0..width {
        w.push_str(SYLLABLES[(code % SYLLABLES.len() as u64) as usize]);
        code /= SYLLABLES.len() as u64;
    }
    capitalize(&w)
}

fn capitalize(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The value of `key` in a YAML (`key: v`) or TOML (`key = v`) front matter line.
fn fm_value<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let rest = line.strip_prefix(key)?.trim_start();
    let rest = rest.strip_prefix(':').or_else(|| rest.strip_prefix('='))?;
    Some(rest.trim().trim_matches('"').trim_matches('\''))
}

/// The names of a page that its text uses for itself: title, the table's
/// `Name` row and its parts around parentheses.
/// Not the slug's words: on general pages they are common words ("payment").
fn page_names(text: &str) -> (String, Vec<String>) {
    let mut title = String::new();
    let mut names = Vec::new();
    for line in text.lines() {
        if title.is_empty() {
            if let Some(t) = fm_value(line, "title") {
                title = t.to_string();
                names.push(title.clone());
            }
        }
        if let Some(rest) = line.trim_start().strip_prefix("| **Name**") {
            let value = rest
                .trim()
                .trim_start_matches('|')
                .trim_end_matches('|')
                .trim();
            names.push(value.to_string());
            for part in value.split(['(', ')']) {
                if part.trim().len() > 2 {
                    names.push(part.trim().to_string());
                }
            }
        }
    }
    // Longest first, so "Botox for Excessive Sweating" goes before "Botox".
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    names.dedup();
    (title, names)
}

/// One variant of the page `text`, named after `brand`.
fn vary(text: &str, brand: &str, i: usize, rng: &mut Rng) -> (String, String) {
    let (title, names) = page_names(text);
    let last = title
        .split_whitespace()
        .last()
        .filter(|_| title.split_whitespace().count() > 1)
        .filter(|w| w.chars().all(|c| c.is_ascii_alphabetic()))
        .unwrap_or("");
    let new_name = if last.is_empty() {
        brand.to_string()
    } else {
        format!("{brand} {last}")
    };
    let new_slug = format!("{}-{i}", new_name.to_lowercase().replace(' ', "-"));
    let mut out = String::with_capacity(text.len() + 64);
    let mut fences = 0;
    let mut in_synonyms = false;
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end();
        if fences < 2 && (bare == "---" || bare == "+++") {
            fences += 1;
            out.push_str(line);
            continue;
        }
        if fences == 1 {
            // Front matter: new title and synonyms, no draft, the rest kept.
            if fm_value(bare, "title").is_some() {
                let sep = if bare.contains(':') { ": " } else { " = " };
                out.push_str(&format!("title{sep}\"{new_name}\"\n"));
                continue;
            }
            if bare.starts_with("synonyms") {
                in_synonyms = true;
                let n = 1 + rng.below(3);
                let syns: Vec<String> = (0..n)
                    .map(|_| {
                        let w = invented_word(rng.next_u64(), 2).to_lowercase();
                        if last.is_empty() {
                            w
                        } else {
                            format!("{w} {}", last.to_lowercase())
                        }
                    })
                    .collect();
                if bare.contains('=') {
                    let quoted: Vec<String> = syns.iter().map(|s| format!("\"{s}\"")).collect();
                    out.push_str(&format!("synonyms = [{}]\n", quoted.join(", ")));
                } else {
                    out.push_str("synonyms:\n");
                    for s in syns {
                        out.push_str(&format!("  - {s}\n"));
                    }
                }
                continue;
            }
            if in_synonyms && bare.trim_start().starts_with('-') {
                continue;
            }
            in_synonyms = false;
            out.push_str(&rename(line, &names, &new_name));
            continue;
        }
        let renamed = rename(line, &names, &new_name);
        out.push_str(&perturb_numbers(&renamed, rng));
    }
    (new_slug, out)
}

/// Replaces every whole-word, case-insensitive occurrence of any of `names`
/// (longest first) with `new_name`.
fn rename(line: &str, names: &[String], new_name: &str) -> String {
    let mut s = line.to_string();
    for name in names {
        if name.len() < 3 {
            continue;
        }
        s = replace_word_ci(&s, name, new_name);
    }
    s
}

fn replace_word_ci(hay: &str, needle: &str, with: &str) -> String {
    let lower = hay.to_ascii_lowercase();
    let n = needle.to_ascii_lowercase();
    if !lower.contains(&n) {
        return hay.to_string();
    }
    let bytes = hay.as_bytes();
    let mut out = String::with_capacity(hay.len());
    let mut i = 0;
    let mut last = 0;
    while let Some(pos) = lower[i..].find(&n) {
        let start = i + pos;
        let end = start + n.len();
        let before_ok = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
        let after_ok = end >= bytes.len() || !bytes[end].is_ascii_alphanumeric();
        if before_ok && after_ok {
            out.push_str(&hay[last..start]);
            out.push_str(with);
            last = end;
        }
        i = end;
    }
    out.push_str(&hay[last..]);
    out
}

/// Changes every free-standing number (not part of a word like "CO2") by up to
/// a quarter of its value, keeping its digit count where it can.
fn perturb_numbers(line: &str, rng: &mut Rng) -> String {
    let bytes = line.as_bytes();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric()) {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let digits = &line[start..i];
            let glued = i < bytes.len() && bytes[i].is_ascii_alphabetic();
            match digits.parse::<u64>() {
                Ok(v) if !glued && digits.len() <= 6 && !digits.starts_with('0') => {
                    let spread = (v / 4).max(1);
                    let nv = v + rng.below(spread + 1);
                    out.push_str(&nv.to_string());
                }
                _ => out.push_str(digits),
            }
        } else {
            let ch = line[i..].chars().next().expect("in bounds");
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}
