//! Trains the learned urgency model the engine ships
//! (`src/answer/urgent_model.tsv`).
//!
//! ```text
//! cargo run --release --example train_urgent          # write the model
//! cargo run --release --example train_urgent -- --cv  # 5-fold check only
//! cargo run --release --example train_urgent -- --cv --l2 0.01
//! ```
//!
//! Data (`urgent_model::training_set`): the urgent message sets in
//! `tests/fixtures/urgent-messages*.yaml` (each message marked urgent or a
//! look-alike) and the questions of the reference site and the development
//! sites (urgent where `expect: urgent`). The held-out sites and the
//! reference site's held-out question files are left out, so they can
//! measure it.

use frontdesk::answer::urgent_model::{training_set, Example, Training, UrgentModel};
use std::path::Path;

/// Five folds: each fifth judged by a model trained on the rest; recall,
/// false urgent among look-alikes and among ordinary questions, per
/// threshold.
fn cross_validate(data: &[Example], t: Training) {
    let thresholds = [0.5f32, 0.6, 0.7, 0.8, 0.9];
    let mut probs = vec![0.0f32; data.len()];
    for fold in 0..5 {
        let train: Vec<(Vec<String>, bool)> = data
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 5 != fold)
            .map(|(_, (f, u, _))| (f.clone(), *u))
            .collect();
        let m = UrgentModel::train(&train, t);
        for (i, (f, _, _)) in data.iter().enumerate().filter(|(i, _)| i % 5 == fold) {
            probs[i] = m.probability(f);
        }
    }
    println!("threshold  recall  false/look-alikes  false/ordinary questions");
    for th in thresholds {
        let (mut rec, mut urg, mut fl, mut nl, mut fo, mut no) = (0, 0, 0, 0, 0, 0);
        for ((_, u, ord), p) in data.iter().zip(&probs) {
            let hit = *p >= th;
            match (u, ord) {
                (true, _) => {
                    urg += 1;
                    rec += hit as usize;
                }
                (false, false) => {
                    nl += 1;
                    fl += hit as usize;
                }
                (false, true) => {
                    no += 1;
                    fo += hit as usize;
                }
            }
        }
        println!("{th:.1}        {rec}/{urg}  {fl}/{nl}  {fo}/{no}");
    }
}

fn main() -> anyhow::Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let data = training_set(root).map_err(anyhow::Error::msg)?;
    let args: Vec<String> = std::env::args().collect();
    let mut t = Training::default();
    if let Some(i) = args.iter().position(|a| a == "--l2") {
        t.l2 = args.get(i + 1).and_then(|v| v.parse().ok()).unwrap_or(t.l2);
    }
    if args.iter().any(|a| a == "--cv") {
        cross_validate(&data, t);
        return Ok(());
    }
    let train: Vec<(Vec<String>, bool)> = data.into_iter().map(|(f, u, _)| (f, u)).collect();
    let model = UrgentModel::train(&train, t);
    let out = root.join("src/answer/urgent_model.tsv");
    std::fs::write(&out, model.to_tsv())?;
    println!(
        "{} examples, {} weights -> {}",
        train.len(),
        model.len(),
        out.display()
    );
    Ok(())
}
