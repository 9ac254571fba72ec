//! The body of a page: attribute table rows, `### question` FAQ entries and
//! plain paragraphs, each kept with the line it starts on.

use super::{Unit, UnitKind};

/// Removes inline markdown a client should not see: bold/italic markers,
/// backticks, and link targets (`[text](url)` -> `text`).
pub fn strip_inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        match after.find("](").and_then(|close| {
            after[close + 2..]
                .find(')')
                .map(|end| (close, close + 2 + end))
        }) {
            Some((close, end)) => {
                out.push_str(&rest[..open]);
                out.push_str(&after[..close]);
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    let out = out.replace("**", "").replace("__", "").replace('`', "");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_separator(cells: &[&str]) -> bool {
    !cells.is_empty()
        && cells.iter().all(|c| {
            let c = c.trim();
            !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':' | ' '))
        })
}

fn cells(line: &str) -> Vec<&str> {
    let t = line.trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = t.strip_suffix('|').unwrap_or(t);
    t.split('|').collect()
}

/// A `### question` whose answer paragraphs are still being read.
struct OpenFaq {
    heading: String,
    line: usize,
    answer: Vec<String>,
}

/// Parses the body into units. `first_line` is the page line the body starts
/// on, so every unit can point staff to the exact line.
pub fn parse(body: &str, first_line: usize) -> Vec<Unit> {
    let lines: Vec<&str> = body.lines().collect();
    let mut units = Vec::new();
    let mut para: Vec<&str> = Vec::new();
    let mut para_line = 0;
    let mut faq: Option<OpenFaq> = None;
    for (i, line) in lines.iter().enumerate() {
        let no = first_line + i;
        let t = line.trim();
        if t.starts_with('|') {
            close_para(&mut para, para_line, &mut faq, &mut units);
            let row = cells(t);
            let next_is_sep = lines.get(i + 1).is_some_and(|l| is_separator(&cells(l)));
            if !is_separator(&row) && !next_is_sep && row.len() >= 2 {
                let field = strip_inline(row[0]);
                let value = strip_inline(&row[1..].join(" "));
                if !field.is_empty() && !value.is_empty() {
                    units.push(Unit {
                        kind: UnitKind::Row,
                        field: Some(field),
                        text: value,
                        line: no,
                    });
                }
            }
        } else if let Some(h) = t.strip_prefix('#') {
            close_para(&mut para, para_line, &mut faq, &mut units);
            close_faq(&mut faq, &mut units);
            let level = 1 + h.chars().take_while(|&c| c == '#').count();
            let heading = strip_inline(h.trim_start_matches('#').trim());
            if level >= 3 && !heading.is_empty() {
                faq = Some(OpenFaq {
                    heading,
                    line: no,
                    answer: Vec::new(),
                });
            }
        } else if t.is_empty() {
            close_para(&mut para, para_line, &mut faq, &mut units);
        } else {
            if para.is_empty() {
                para_line = no;
            }
            para.push(t);
        }
    }
    close_para(&mut para, para_line, &mut faq, &mut units);
    close_faq(&mut faq, &mut units);
    units
}

fn close_para(para: &mut Vec<&str>, line: usize, faq: &mut Option<OpenFaq>, units: &mut Vec<Unit>) {
    if para.is_empty() {
        return;
    }
    let text = strip_inline(&para.join(" "));
    para.clear();
    if text.is_empty() {
        return;
    }
    match faq {
        Some(open) => open.answer.push(text),
        None => units.push(Unit {
            kind: UnitKind::Paragraph,
            field: None,
            text,
            line,
        }),
    }
}

fn close_faq(faq: &mut Option<OpenFaq>, units: &mut Vec<Unit>) {
    if let Some(open) = faq.take() {
        if !open.answer.is_empty() {
            units.push(Unit {
                kind: UnitKind::Faq,
                field: Some(open.heading),
                text: open.answer.join(" "),
                line: open.line,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "Intro paragraph with **bold** and a [link](http://x).\n\n| Attribute | Details |\n|:---|---|\n| **Downtime** | Minimal, with some redness |\n|**Cost**|$100 to $700|\n\n## Frequently Asked Questions\n\n### Does it hurt?\n\nA quick pinch.\nMost clients are fine.\n\n### Empty heading\n\n### Can I fly?\n\nYes.\n";

    #[test]
    fn rows_drop_bold_markers_and_header() {
        let units = parse(BODY, 10);
        let rows: Vec<_> = units.iter().filter(|u| u.kind == UnitKind::Row).collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].field.as_deref(), Some("Downtime"));
        assert_eq!(rows[0].text, "Minimal, with some redness");
        assert_eq!(rows[0].line, 14);
        assert_eq!(rows[1].field.as_deref(), Some("Cost"));
    }

    #[test]
    fn faq_entries_collect_their_answer() {
        let units = parse(BODY, 1);
        let faqs: Vec<_> = units.iter().filter(|u| u.kind == UnitKind::Faq).collect();
        assert_eq!(faqs.len(), 2, "a heading without an answer is not a unit");
        assert_eq!(faqs[0].field.as_deref(), Some("Does it hurt?"));
        assert_eq!(faqs[0].text, "A quick pinch. Most clients are fine.");
        assert_eq!(faqs[1].field.as_deref(), Some("Can I fly?"));
    }

    #[test]
    fn paragraphs_are_plain_text() {
        let units = parse(BODY, 1);
        assert_eq!(units[0].kind, UnitKind::Paragraph);
        assert_eq!(units[0].text, "Intro paragraph with bold and a link.");
    }
}
