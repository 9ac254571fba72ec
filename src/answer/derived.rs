//! What a snapshot derives from a generation's catalog, cached beside it.
//!
//! Stemming every page name and reading every row name through the field
//! lexicon is most of opening a large site (10k pages: ~100 ms). None of it
//! changes until the content or the settings it reads do, so the first open
//! of a generation writes the result to `derived.bin` in the generation's
//! directory, and later opens read it back instead. The file carries a key
//! made from the settings it was derived with and the binary that derived
//! it; any other key, or an unreadable file, means "derive again" (and
//! rewrite), never a wrong table.

use super::names::NameMatcher;
use super::Tables;
use crate::config::Config;
use serde::{Deserialize, Serialize};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

/// File name inside a generation directory.
const FILE: &str = "derived.bin";

/// The derived tables, as written and read back.
#[derive(Serialize, Deserialize)]
pub(crate) struct Derived {
    key: u64,
    pub names: NameMatcher,
    pub tables: Tables,
}

/// Where a generation's derived tables live.
pub(crate) fn path(gen_dir: &Path) -> PathBuf {
    gen_dir.join(FILE)
}

/// The key of tables derived with `config` (after the site's facts filled
/// it) by this very binary: the settings the tables read (clinic name,
/// answer settings, terms, field lexicon) and the executable's size and
/// modification time, so a rebuilt engine never reads an older one's tables.
pub(crate) fn key(config: &Config) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    env!("CARGO_PKG_VERSION").hash(&mut h);
    format!(
        "{:?}{:?}{:?}{:?}",
        config.clinic, config.answer, config.terms, config.fields
    )
    .hash(&mut h);
    if let Some(meta) = std::env::current_exe()
        .ok()
        .and_then(|p| std::fs::metadata(p).ok())
    {
        meta.len().hash(&mut h);
        meta.modified().ok().hash(&mut h);
    }
    h.finish()
}

/// Reads the tables at `file`; `None` when missing or unreadable. The key is
/// checked by the caller, which knows the settings only once the catalog
/// (and the site facts in it) is read.
pub(crate) fn read(file: &Path) -> Option<Derived> {
    let bytes = std::fs::read(file).ok()?;
    postcard::from_bytes(&bytes).ok()
}

impl Derived {
    /// Tables just derived under `key`.
    pub fn new(key: u64, names: NameMatcher, tables: Tables) -> Derived {
        Derived { key, names, tables }
    }

    /// These tables when they were derived under `key`.
    pub fn keyed(self, key: u64) -> Option<Derived> {
        (self.key == key).then_some(self)
    }
}

/// Writes the tables (to a temporary file, then renamed, so a reader never
/// sees half a file). Best effort: a read-only index directory only means
/// the next open derives them again.
pub(crate) fn write(file: &Path, tables: &Derived) {
    let Ok(bytes) = postcard::to_allocvec(tables) else {
        return;
    };
    let tmp = file.with_extension(format!("tmp{}", std::process::id()));
    let ok = std::fs::write(&tmp, bytes).is_ok() && std::fs::rename(&tmp, file).is_ok();
    if !ok {
        let _ = std::fs::remove_file(&tmp);
        tracing::debug!("could not cache derived tables at {}", file.display());
    }
}
