use super::*;

fn units(body: &str) -> Vec<Unit> {
    parse(body, 1)
}

fn find<'a>(units: &'a [Unit], field: &str) -> &'a Unit {
    units
        .iter()
        .find(|u| u.field.as_deref() == Some(field))
        .unwrap_or_else(|| panic!("no unit {field:?} in {units:#?}"))
}

const REFERENCE: &str = "Intro paragraph with **bold** and a [link](http://x).\n\n| Attribute | Details |\n|:---|---|\n| **Downtime** | Minimal, with some redness |\n|**Cost**|$100 to $700|\n\n## Frequently Asked Questions\n\n### Does it hurt?\n\nA quick pinch.\nMost clients are fine.\n\n### Empty heading\n\n### Can I fly?\n\nYes.\n";

#[test]
fn reference_shapes_rows_faq_and_paragraphs() {
    let u = parse(REFERENCE, 10);
    assert_eq!(u[0].kind, UnitKind::Paragraph);
    assert_eq!(u[0].text, "Intro paragraph with bold and a link.");
    let rows: Vec<_> = u.iter().filter(|u| u.kind == UnitKind::Row).collect();
    assert_eq!(rows.len(), 2, "the header row is not a unit: {u:#?}");
    assert_eq!(rows[0].field.as_deref(), Some("Downtime"));
    assert_eq!(rows[0].text, "Minimal, with some redness");
    assert_eq!(rows[0].line, 14);
    assert_eq!(rows[1].field.as_deref(), Some("Cost"));
    let faqs: Vec<_> = u.iter().filter(|u| u.kind == UnitKind::Faq).collect();
    assert_eq!(faqs.len(), 2, "a heading without text is no unit");
    assert_eq!(faqs[0].field.as_deref(), Some("Does it hurt?"));
    assert_eq!(faqs[0].text, "A quick pinch. Most clients are fine.");
    assert_eq!(faqs[1].field.as_deref(), Some("Can I fly?"));
    assert!(
        !u.iter()
            .any(|u| u.field.as_deref() == Some("Frequently Asked Questions")),
        "a container heading is no unit"
    );
}

#[test]
fn continuation_rows_plain_names_and_lists_in_cells() {
    let u = units("| Detail | Info |\n|---|---|\n| **Benefits** | - Firmer skin |\n|   | - Smoother contours |\n| Cost Range | $500<br>$900 for two |\n| Areas | see [our map](/map/) &amp; *more* |\n");
    assert_eq!(find(&u, "Benefits").text, "Firmer skin\nSmoother contours");
    assert_eq!(find(&u, "Cost Range").text, "$500\n$900 for two");
    assert_eq!(find(&u, "Areas").text, "see our map & more");
    assert_eq!(u.len(), 3);
}

#[test]
fn faq_tables_hold_faq_entries() {
    let u = units("| **Question** | **Answer** |\n|---|---|\n| **How long do the effects last?** | Results typically last 3-4 months |\n| Is it safe | Yes |\n");
    assert_eq!(u.len(), 2);
    assert!(u.iter().all(|u| u.kind == UnitKind::Faq), "{u:#?}");
    assert_eq!(
        find(&u, "How long do the effects last?").text,
        "Results typically last 3-4 months"
    );
    let u = units("| Attribute | Details |\n|---|---|\n| Can I switch brands? | Yes, at your next visit |\n| Downtime | None |\n");
    assert_eq!(find(&u, "Can I switch brands?").kind, UnitKind::Faq);
    assert_eq!(find(&u, "Downtime").kind, UnitKind::Row);
}

#[test]
fn three_column_tables_label_their_cells() {
    let u = units("| Drip | What's in it | Price |\n|---|---|---|\n| Myers' Cocktail | B vitamins, magnesium | $175 |\n");
    assert_eq!(
        find(&u, "Myers' Cocktail").text,
        "What's in it: B vitamins, magnesium\nPrice: $175"
    );
}

#[test]
fn prose_sections_are_units_labelled_by_their_heading() {
    let u = units("Intro.\n\n## Cost\n\nPackages start at $1,200.\n\nA second paragraph.\n\n## Aftercare\n\n- Drink water\n- Walk daily\n\n### Does it hurt?\n\nA little.\n\n#### Small print\n\nNone.\n");
    assert_eq!(u[0].kind, UnitKind::Paragraph);
    let cost = find(&u, "Cost");
    assert_eq!(cost.kind, UnitKind::Row);
    assert_eq!(cost.text, "Packages start at $1,200.\nA second paragraph.");
    assert_eq!(cost.line, 3);
    assert_eq!(find(&u, "Aftercare").text, "Drink water\nWalk daily");
    assert_eq!(find(&u, "Does it hurt?").kind, UnitKind::Faq);
    assert_eq!(find(&u, "Small print").text, "None.");
}

#[test]
fn label_lines_and_question_answer_pairs() {
    let u = units("**Session length:** 45 minutes\n\n**Cost**: $90\n**Best for:** tired skin\n\nQ: Can I drive home?\nA: Yes, right away.\n\n**Q:** Is it vegan?\n\n**A:** Every ingredient is.\n");
    assert_eq!(find(&u, "Session length").text, "45 minutes");
    assert_eq!(find(&u, "Cost").text, "$90");
    assert_eq!(find(&u, "Best for").text, "tired skin");
    let drive = find(&u, "Can I drive home?");
    assert_eq!(drive.kind, UnitKind::Faq);
    assert_eq!(drive.text, "Yes, right away.");
    assert_eq!(drive.line, 6);
    assert!(drive.plain && !find(&u, "Cost").plain);
    assert_eq!(find(&u, "Is it vegan?").text, "Every ingredient is.");
    assert_eq!(u.len(), 5, "{u:#?}");
}

#[test]
fn shortcodes_entities_and_html_never_reach_a_unit() {
    let u = units("{{< figure src=\"/img/a.jpg\" caption=\"Room\" >}}\n\nWe use {{< tooltip \"rare\" >}} only the best &amp; safest tools.<br>Really.\n\n{{< button href=\"/book/\" >}}Book now{{< /button >}}\n\n<div class=\"note\">Call &quot;us&quot;</div>\n");
    let texts: Vec<_> = u.iter().map(|u| u.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "We use rare only the best & safest tools.\nReally.",
            "Book now",
            "Call \"us\""
        ]
    );
}

#[test]
fn shortcode_stripping_keeps_lines() {
    let s = strip_shortcodes("a {{< x \"y\"\n  z=1 >}}\nb {{% z %}}c{{% /z %}}d");
    assert_eq!(s.lines().count(), 3);
    assert_eq!(
        s.split_whitespace().collect::<Vec<_>>(),
        ["a", "b", "c", "d"]
    );
}

#[test]
fn inline_text_renders_markup_as_text() {
    assert_eq!(
        inline_text("*light* and __bold__ `code` [pricing](/pricing/)"),
        "light and bold code pricing"
    );
    assert_eq!(inline_text("R&amp;D &lt;3"), "R&D <3");
}
