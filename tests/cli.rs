//! The command line as staff and outside checks use it.

mod common;

use assert_cmd::Command;
use predicates::prelude::*;

fn frontdesk(tmp: &std::path::Path) -> Command {
    let mut cmd = Command::cargo_bin("frontdesk").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("FRONTDESK_NOW", common::CLOCK)
        .arg("--index")
        .arg(tmp.join("index"));
    cmd
}

#[test]
fn ask_builds_the_index_when_missing_and_answers() {
    let tmp = tempfile::tempdir().unwrap();
    frontdesk(tmp.path())
        .args(["ask", "how long is microneedling downtime"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("Microneedling")
                .and(predicate::str::contains("Minimal, with some redness")),
        )
        .stderr(predicate::str::contains("indexed 38 pages"));
    // Second run: index present and fresh, nothing rebuilt.
    frontdesk(tmp.path())
        .args(["ask", "botox price"])
        .assert()
        .success()
        .stderr(predicate::str::contains("indexed").not());
}

#[test]
fn ask_json_keeps_the_contract() {
    let tmp = tempfile::tempdir().unwrap();
    let out = frontdesk(tmp.path())
        .args(["ask", "--json", "dysport cost"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in [
        "question",
        "kind",
        "page",
        "title",
        "field",
        "answer",
        "confidence",
        "options",
        "source",
    ] {
        assert!(v.get(key).is_some(), "missing {key} in {v}");
    }
    assert_eq!(v["kind"], "answer");
    assert_eq!(v["page"], "dysport");
    assert_eq!(v["field"], "Price");
    assert!(v["options"].as_array().unwrap().is_empty());
}

#[test]
fn ask_reads_a_batch_from_stdin_in_order() {
    let tmp = tempfile::tempdir().unwrap();
    let input = "how much is prp\ni cant breathe and my throat feels tight after my iv\n\ndo you do liposuction\n\"AND( title:\n";
    let out = frontdesk(tmp.path())
        .args(["ask", "--json"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines.len(),
        5,
        "one JSON line per input line, blank ones included"
    );
    let kinds: Vec<&str> = lines.iter().map(|l| l["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["clarify", "urgent", "fallback", "fallback", "fallback"]
    );
    assert!(lines[0]["options"].as_array().unwrap().len() >= 2);
    assert_eq!(
        lines[1]["question"],
        "i cant breathe and my throat feels tight after my iv"
    );
}

#[test]
fn explain_shows_the_reasoning() {
    let tmp = tempfile::tempdir().unwrap();
    frontdesk(tmp.path())
        .args(["ask", "--explain", "microneedeling price?"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("name: microneedling")
                .and(predicate::str::contains("kind: answer")),
        );
}

#[test]
fn eval_reports_and_gates_on_accuracy() {
    let tmp = tempfile::tempdir().unwrap();
    frontdesk(tmp.path())
        .args(["eval", "tests/questions.yaml", "--min-accuracy", "0.9"])
        .assert()
        .success()
        .stdout(predicate::str::contains("urgent").and(predicate::str::contains("accuracy=")));
    frontdesk(tmp.path())
        .args(["eval", "tests/questions.yaml", "--min-accuracy", "1.01"])
        .assert()
        .code(1);
    let out = frontdesk(tmp.path())
        .args(["eval", "--json", "tests/questions.yaml"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["accuracy"].as_f64().unwrap() >= 0.9);
    // Every answer given is in one confidence band, and the top band (0.9
    // and up) holds most of them on the dev questions.
    let bands = v["calibration"].as_array().unwrap();
    let given: u64 = bands.iter().map(|b| b["given"].as_u64().unwrap()).sum();
    assert_eq!(given, v["answers_given"].as_u64().unwrap());
    let top = bands.last().unwrap();
    assert_eq!(top["from"].as_f64(), Some(0.9));
    assert!(top["given"].as_u64().unwrap() * 2 > given, "{bands:?}");
}

#[test]
fn index_prints_a_summary_and_check_lints() {
    let tmp = tempfile::tempdir().unwrap();
    frontdesk(tmp.path())
        .arg("index")
        .assert()
        .success()
        .stdout(
            predicate::str::contains("indexed 38 pages")
                .and(predicate::str::contains("1 unpublished pages skipped")),
        )
        .stdout(predicate::str::contains("mojibake"));
    // The new generation's answer tables are already cached for `ask`.
    let gen = frontdesk::index::current(&tmp.path().join("index")).unwrap();
    assert!(gen.join("derived.bin").exists(), "{gen:?}");
    frontdesk(tmp.path())
        .arg("check")
        .assert()
        .success()
        .stdout(
            predicate::str::contains("thread-lift.md:1: draft; not published")
                .and(predicate::str::contains("0 errors")),
        );
    frontdesk(tmp.path())
        .args(["--content", "tests/fixtures/broken-site", "check"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("services/broken.md"));
}

#[test]
fn bad_config_names_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = tmp.path().join("bad.toml");
    std::fs::write(&cfg, "[answer]\nanswer_threshold = 7\n").unwrap();
    frontdesk(tmp.path())
        .arg("--config")
        .arg(&cfg)
        .args(["ask", "hi"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("bad.toml").and(predicate::str::contains("answer_threshold")),
        );
}

/// A config for `tmp`: the shipped content, everything written under `tmp`.
fn tmp_config(tmp: &std::path::Path) -> std::path::PathBuf {
    let cfg = tmp.join("config.toml");
    std::fs::write(
        &cfg,
        format!(
            "[paths]\nindex = {:?}\ndata = {:?}\nlearned = {:?}\n",
            tmp.join("index"),
            tmp.join("data"),
            tmp.join("learned.yaml")
        ),
    )
    .unwrap();
    cfg
}

#[test]
fn learn_teaches_a_question_and_review_lists_candidates() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = tmp_config(tmp.path());
    let q = "do you do liposuction on knees";
    let before = frontdesk(tmp.path())
        .args(["--config"])
        .arg(&cfg)
        .args(["ask", "--json", q])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&before.stdout).unwrap();
    assert_eq!(v["kind"], "fallback");
    // Staff see the question with its candidates, as `learn` takes them.
    std::fs::create_dir_all(tmp.path().join("data")).unwrap();
    std::fs::write(
        tmp.path().join("data/feedback.jsonl"),
        format!("{{\"time\":\"2026-12-01T10:00:00Z\",\"question\":\"{q}\",\"kind\":\"fallback\",\"page\":null,\"field\":null,\"vote\":null}}\n"),
    )
    .unwrap();
    frontdesk(tmp.path())
        .arg("--config")
        .arg(&cfg)
        .arg("review")
        .assert()
        .success()
        .stdout(predicate::str::contains(q).and(predicate::str::contains(
            "candidate: --page skin-tightening --field \"Treatment Areas\"",
        )));
    frontdesk(tmp.path())
        .arg("--config")
        .arg(&cfg)
        .args([
            "learn",
            q,
            "--page",
            "skin-tightening",
            "--field",
            "Treatment Areas",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("taught"));
    let learned = std::fs::read_to_string(tmp.path().join("learned.yaml")).unwrap();
    assert!(
        learned.contains(q) && learned.contains("Treatment Areas"),
        "{learned}"
    );
    let after = frontdesk(tmp.path())
        .arg("--config")
        .arg(&cfg)
        .args(["ask", "--json", "Do you do liposuction on knees?"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&after.stdout).unwrap();
    assert_eq!(
        (v["kind"].as_str(), v["page"].as_str(), v["field"].as_str()),
        (
            Some("answer"),
            Some("skin-tightening"),
            Some("Treatment Areas")
        ),
        "{v}"
    );
    // Urgent rules still come first.
    let urgent = frontdesk(tmp.path())
        .arg("--config")
        .arg(&cfg)
        .args([
            "ask",
            "--json",
            "do you do liposuction on knees? i cant breathe",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&urgent.stdout).unwrap();
    assert_eq!(v["kind"], "urgent");
    // A unit that does not exist is refused, naming what there is.
    frontdesk(tmp.path())
        .arg("--config")
        .arg(&cfg)
        .args(["learn", q, "--page", "skin-tightening", "--field", "Nope"])
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("no field \"Nope\"")
                .and(predicate::str::contains("Treatment Areas")),
        );
    // A taught unit that disappears is reported by check and ignored.
    std::fs::write(
        tmp.path().join("learned.yaml"),
        format!("- question: {q}\n  page: gone-page\n  field: Cost\n  date: 2026-12-01\n"),
    )
    .unwrap();
    frontdesk(tmp.path())
        .arg("--config")
        .arg(&cfg)
        .arg("check")
        .assert()
        .stdout(predicate::str::contains("gone-page").and(predicate::str::contains("ignored")));
    let v: serde_json::Value = serde_json::from_slice(
        &frontdesk(tmp.path())
            .arg("--config")
            .arg(&cfg)
            .args(["ask", "--json", q])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(v["kind"], "fallback", "{v}");
}
