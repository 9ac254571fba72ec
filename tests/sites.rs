//! Whole clinic sites in the shapes real Hugo sites use (`tests/sites/*`),
//! each written independently of the engine with its own questions.
//!
//! Two checks per site: ingestion (every unit a gold answer names is in the
//! index, under the name the site gives it, with clean text) and accuracy
//! floors (scored exactly as the outside `score.py`).

mod common;

use frontdesk::{eval, Config, Engine};
use std::path::{Path, PathBuf};

fn site_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/sites")
        .join(name)
}

/// An engine over a whole site root with the built-in (neutral) defaults,
/// as a clinic that has set nothing but `[paths] site` gets it.
fn engine(name: &str) -> (tempfile::TempDir, Engine) {
    let tmp = tempfile::tempdir().unwrap();
    let mut c = Config::default();
    c.site.now = common::CLOCK.into();
    c.paths.index = tmp.path().join("index");
    c.paths.data = tmp.path().join("data");
    c.set_site(site_dir(name).join("site"));
    let (engine, _, err) = Engine::open_or_build(c).expect("site indexes");
    assert!(err.is_none(), "{err:?}");
    (tmp, engine)
}

/// Every answer question's unit is in the index with clean text, and so is
/// every other unit of the site.
fn ingestion(site: &str) {
    let (_tmp, engine) = engine(site);
    let items = eval::load(&site_dir(site).join("questions.yaml")).unwrap();
    let mut missing = Vec::new();
    for item in items.iter().filter(|i| i.page.is_some()) {
        let page = item.page.as_deref().unwrap();
        let Some(units) = engine.page_units(page) else {
            missing.push(format!("page {page} (q: {})", item.q));
            continue;
        };
        for field in item.field.iter().chain(&item.also) {
            if !units
                .iter()
                .any(|u| &u.field == field && !u.text.is_empty())
            {
                missing.push(format!("{page}/{field} (q: {})", item.q));
            }
        }
    }
    assert!(missing.is_empty(), "{site}: not in the index: {missing:#?}");
    for s in engine.services() {
        for u in engine.page_units(&s.slug).unwrap() {
            common::assert_clean(&format!("{site}/{}", s.slug), &u.field);
            common::assert_clean(&format!("{site}/{}", s.slug), &u.text);
        }
    }
}

/// Accuracy, answer precision and urgent recall floors for a site.
fn floors(site: &str, min_accuracy: f64, min_precision: f64, min_urgent: f64) {
    let (_tmp, engine) = engine(site);
    let r = eval::run(
        &engine,
        &eval::load(&site_dir(site).join("questions.yaml")).unwrap(),
    );
    common::assert_floors(site, &r, min_accuracy, min_precision, min_urgent);
}

#[test]
fn alpenglow_units_are_all_indexed_clean() {
    ingestion("alpenglow");
}

/// Floors at what the engine reaches today (a little below, so an unrelated
/// change does not trip them); they go up, and one comes down only with a
/// reason stated beside it (a general rule that costs that site a question
/// while others gain, as on sleep).
#[test]
fn alpenglow_accuracy_floor() {
    floors("alpenglow", 0.74, 0.88, 1.0);
}

#[test]
fn physio_accuracy_floor() {
    floors("physio", 0.56, 0.76, 1.0);
}

#[test]
fn dermspa_accuracy_floor() {
    floors("dermspa", 0.64, 0.80, 1.0);
}

#[test]
fn physio_units_are_all_indexed_clean() {
    ingestion("physio");
}

#[test]
fn dermspa_units_are_all_indexed_clean() {
    ingestion("dermspa");
}

/// Kept out of all tuning in the session that added it (first run: 35.6%
/// accuracy, 38.7% precision, urgent 9/13); a development site since.
#[test]
fn dental_units_are_all_indexed_clean() {
    ingestion("dental");
}

#[test]
fn dental_accuracy_floor() {
    floors("dental", 0.60, 0.77, 1.0);
}

#[test]
fn eyecare_units_are_all_indexed_clean() {
    ingestion("eyecare");
}

#[test]
fn eyecare_accuracy_floor() {
    floors("eyecare", 0.58, 0.79, 1.0);
}

/// Kept out of all tuning in the session that added it (first run: 44.9%
/// accuracy, 64.4% precision, urgent 7/13; at the end: 53.7%, 72.3%, 7/13).
/// Since then only its summary line is read: judging the pages of a choice
/// alone cost it one answer (52.9%, 69.7%); at the end of the next session
/// 55.1%, 72.7%, 7/13; at the end of the one after, 56.6%, 77.8%, 8/13;
/// at the end of the next, 56.6%, 79.0%, 8/13, and the floors follow.
/// Precision floor 0.79 -> 0.78: reading only typing slips as typos
/// (`text::slip`: "lost" is no longer "last") gives it one more wrong
/// answer; over all 13 sets that change keeps the right count and gives
/// one wrong answer fewer.
#[test]
fn chiro_units_are_all_indexed_clean() {
    ingestion("chiro");
}

#[test]
fn chiro_accuracy_floor() {
    floors("chiro", 0.60, 0.78, 0.92);
}

#[test]
fn podiatry_units_are_all_indexed_clean() {
    ingestion("podiatry");
}

/// Kept out of all tuning in the session that added it: run once, at the
/// end (44.9% accuracy, 66.1% precision, urgent 9/13; the session's
/// starting engine scored 41.9%, 66.0%, 9/13 on it). Since then only its
/// summary line is read: at the end of the next session 48.5%, 68.9%,
/// 10/13; at the end of the one after, 49.3%, 69.4%, 10/13, and the floors
/// follow.
#[test]
fn podiatry_accuracy_floor() {
    floors("podiatry", 0.50, 0.70, 1.0);
}

/// Written this session without the engine in view. Its first run, on the
/// engine the session started with (`e20e892`), scored 29.2% accuracy,
/// 45.2% precision, urgent 4/14; the failures were then read, and it is a
/// development site since.
#[test]
fn hearing_units_are_all_indexed_clean() {
    ingestion("hearing");
}

#[test]
fn hearing_accuracy_floor() {
    floors("hearing", 0.48, 0.70, 1.0);
}

/// Written in the session that added it without the engine in view, and
/// kept out of all tuning: run once, at the end (43.5% accuracy, 62.3%
/// precision, urgent 9/13). The session's starting engine could not finish
/// it (one question overflowed the stack; counting that one as a fallback,
/// 42.0%, 67.4%, 9/13). Only the crash was looked into, not the failures.
#[test]
fn allergy_accuracy_floor() {
    floors("allergy", 0.44, 0.62, 0.92);
}

/// The sleep clinic, written this session by a helper who never saw the
/// engine and held out of all tuning. First run, on the engine as the
/// session found it (its answers unchanged by this session's speed work):
/// 30.9% accuracy, 65.8% precision, urgent 5/14. The floors are the final
/// engine's (33.1%, 65.8%, 8/14), after default urgent rules for self-harm,
/// overdose, an unresponsive person and a crash just now; those four
/// groups were among the examples the helper was given for urgent
/// questions, so the urgent gain here is not an independent measure. No
/// ingestion test: one gold unit is not in the index (only the count was
/// looked at, to keep the site held out), as on allergy. Floors 0.34 and
/// 0.64: offering the services a shared name word names ("do you do
/// rehab") turned one right answer here into a choice (counts only), while
/// allergy gained one.
#[test]
fn sleep_accuracy_floor() {
    floors("sleep", 0.34, 0.64, 0.92);
}

/// A travel medicine and vaccination clinic, written on the session's last
/// day by a helper who never saw the engine (given the page shapes and the
/// kinds of questions only), and run once, at the end, on the final engine:
/// 44.3% accuracy, 83.3% answer precision, urgent 12/14 (bm25 32.1%,
/// tantivy 34.3%). The floors are that first run; no failure was read. No
/// ingestion test, to keep its gold units unread.
#[test]
fn travel_accuracy_floor() {
    floors("travel", 0.44, 0.83, 0.85);
}

/// A women's health, prenatal and midwifery clinic, written and run the
/// same way as the travel clinic: first run 50.7% accuracy, 71.2% answer
/// precision, urgent 13/14 (bm25 30.7%, tantivy 30.7%).
#[test]
fn prenatal_accuracy_floor() {
    floors("prenatal", 0.50, 0.71, 0.92);
}
