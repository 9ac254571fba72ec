//! Shared helpers for integration tests: an engine over a content directory
//! with its index in a fresh temporary directory.

#![allow(dead_code)]

use frontdesk::{Config, Engine};
use std::path::{Path, PathBuf};

/// The repository's shipped content.
pub fn shipped_content() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("content")
}

/// A fixture directory under tests/fixtures.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The clock every test reads sites at (Hugo's `--clock`), so no result
/// changes on a later date.
pub const CLOCK: &str = "2026-12-01T12:00:00Z";

/// The shipped config.toml (the reference clinic), clock pinned.
pub fn shipped_config() -> Config {
    let mut c = Config::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("config.toml"),
        true,
    )
    .expect("shipped config.toml loads");
    c.site.now = CLOCK.into();
    c
}

/// Config pointing at `content`, with index and data in `tmp`.
pub fn config(content: &Path, tmp: &Path) -> Config {
    let mut c = shipped_config();
    c.paths.content = content.to_path_buf();
    c.paths.index = tmp.join("index");
    c.paths.data = tmp.join("data");
    c
}

/// An engine over `content`, index built into a temp dir kept alive by the guard.
pub fn engine(content: &Path) -> (tempfile::TempDir, Engine) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (engine, _, err) =
        Engine::open_or_build(config(content, tmp.path())).expect("engine opens");
    assert!(err.is_none(), "{err:?}");
    (tmp, engine)
}

/// Copies a directory tree (for tests that edit content).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Markup a client must never see in a unit.
pub const MARKUP: &[&str] = &[
    "{{", "}}", "**", "<br", "&amp;", "&nbsp;", "&quot;", "](", "<div", "</", "| ",
];

/// Panics when `text` (of page `page`) holds markup or raw list lines.
pub fn assert_clean(page: &str, text: &str) {
    for m in MARKUP {
        assert!(!text.contains(m), "{page}: markup {m:?} in {text:?}");
    }
    for line in text.lines() {
        assert!(
            !line.starts_with("- ") && line == line.trim(),
            "{page}: raw list line {line:?}"
        );
    }
}

/// Asserts a scored question set's floors: accuracy, answer precision and
/// urgent recall (`name` says which set failed).
pub fn assert_floors(
    name: &str,
    r: &frontdesk::eval::Report,
    min_accuracy: f64,
    min_precision: f64,
    min_urgent: f64,
) {
    println!("{name}:\n{r}");
    assert!(
        r.accuracy >= min_accuracy,
        "{name}: accuracy {:.3}",
        r.accuracy
    );
    assert!(
        r.answer_precision >= min_precision,
        "{name}: answer precision {:.3}",
        r.answer_precision
    );
    assert!(
        r.recall("urgent") >= min_urgent,
        "{name}: urgent recall {:.3}",
        r.recall("urgent")
    );
}
