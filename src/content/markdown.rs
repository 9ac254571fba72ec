//! The body of a page as Hugo renders it, turned into units.
//!
//! pulldown-cmark (CommonMark + GFM tables, which agree with Hugo's goldmark
//! on tables, headings, entities and inline text) reads the blocks; each
//! becomes units with the line it starts on:
//! - a table row: first cell names it, the other cells are its text; header
//!   rows are not units; a row with an empty first cell continues the row
//!   above; a row whose name is a question (or any row of a table headed
//!   `FAQ`/`Question`) is an FAQ entry;
//! - a `##`..`######` section: its heading labels the text under it, up to the
//!   next heading; a question heading makes an FAQ entry; a heading directly
//!   followed by a sub-heading is a container and no unit;
//! - a `**Label:** value` line and a `Q:` / `A:` pair, wherever they stand;
//! - any other paragraph or list outside a section.
//!
//! Markup never reaches a unit: shortcodes are removed (the text between a
//! paired shortcode's tags stays), entities decoded, `<br>` and list items
//! become line breaks, emphasis and links become their text.

use super::{Unit, UnitKind};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use std::ops::Range;

/// Parses the body into units. `first_line` is the page line the body starts
/// on, so every unit can point staff to the exact line.
pub fn parse(body: &str, first_line: usize) -> Vec<Unit> {
    let src = strip_shortcodes(body);
    let lines = LineIndex::new(&src, first_line);
    let mut out = Units::default();
    for block in blocks(&src) {
        match block {
            Block::Heading { level, text, at } => {
                out.close_section();
                if level >= 2 && !text.is_empty() {
                    out.open_section(text, lines.line(at));
                }
            }
            Block::Text { src: range } => {
                for piece in pieces(&src[range.clone()], lines.line(range.start)) {
                    out.piece(piece);
                }
            }
            Block::List { items } => {
                let mut plain = Vec::new();
                let mut plain_line = 0;
                for range in items {
                    for piece in pieces(&src[range.clone()], lines.line(range.start)) {
                        match piece {
                            Piece::Plain { text, line } => {
                                if plain.is_empty() {
                                    plain_line = line;
                                }
                                plain.push(text);
                            }
                            other => out.piece(other),
                        }
                    }
                }
                if !plain.is_empty() {
                    out.piece(Piece::Plain {
                        text: plain.join("\n"),
                        line: plain_line,
                    });
                }
            }
            Block::Html { text, at } => {
                let text = clean(&html_text(&text));
                if !text.is_empty() {
                    out.piece(Piece::Plain {
                        text,
                        line: lines.line(at),
                    });
                }
            }
            // A table under a heading: its rows are units of their own, and
            // text around it stays the section's.
            Block::Table { head, rows } => out.table(&head, rows, &lines),
        }
    }
    out.close_section();
    out.units
}

/// Markdown inline text as a client reads it: emphasis, code marks, link
/// targets, images and tags removed, entities decoded, `<br>` a line break.
pub fn inline_text(md: &str) -> String {
    let src = strip_shortcodes(md);
    let mut text = String::new();
    let mut image = 0;
    for event in Parser::new_ext(&src, options()) {
        match event {
            Event::Start(Tag::Image { .. }) => image += 1,
            Event::End(TagEnd::Image) => image -= 1,
            Event::Text(t) | Event::Code(t) if image == 0 => text.push_str(&t),
            Event::SoftBreak => text.push(' '),
            Event::HardBreak => text.push('\n'),
            Event::InlineHtml(h) | Event::Html(h) => push_html(&mut text, &h),
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::Heading(_)) => text.push('\n'),
            _ => {}
        }
    }
    clean(&text)
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_HEADING_ATTRIBUTES
}

/// A table row: where it starts and its cells.
type Row = (usize, Vec<String>);

/// What the body is made of, before it becomes units.
enum Block {
    Heading {
        level: usize,
        text: String,
        at: usize,
    },
    /// A paragraph: its source, so `**Label:**` lines can be told apart.
    Text {
        src: Range<usize>,
    },
    /// A list: the source of each item.
    List {
        items: Vec<Range<usize>>,
    },
    Html {
        text: String,
        at: usize,
    },
    Table {
        head: Vec<String>,
        rows: Vec<(usize, Vec<String>)>,
    },
}

fn blocks(src: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut heading: Option<(usize, usize, String)> = None;
    let mut list_depth = 0;
    let mut items: Vec<Range<usize>> = Vec::new();
    let mut html: Option<(usize, String)> = None;
    let mut table: Option<(Vec<String>, Vec<Row>)> = None;
    let mut row: Option<(usize, Vec<String>)> = None;
    let mut cell: Option<String> = None;
    let mut quote_or_code = 0;
    let mut image = 0;
    for (event, range) in Parser::new_ext(src, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => quote_or_code += 1,
            Event::End(TagEnd::CodeBlock) => quote_or_code -= 1,
            _ if quote_or_code > 0 => {}
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some((level as usize, range.start, String::new()))
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, at, text)) = heading.take() {
                    out.push(Block::Heading {
                        level,
                        text: clean(&text),
                        at,
                    });
                }
            }
            Event::Start(Tag::List(_)) => list_depth += 1,
            Event::End(TagEnd::List(_)) => {
                list_depth -= 1;
                if list_depth == 0 && !items.is_empty() {
                    out.push(Block::List {
                        items: std::mem::take(&mut items),
                    });
                }
            }
            // Nested lists are flattened: each item is the text up to its
            // first sub-list, and the sub-items follow as items of their own.
            Event::Start(Tag::Item) => {
                if let Some(last) = items.last_mut() {
                    if last.end > range.start {
                        last.end = range.start;
                    }
                }
                items.push(range.clone());
            }
            Event::Start(Tag::Paragraph) if list_depth == 0 && table.is_none() => {
                out.push(Block::Text { src: range })
            }
            Event::Start(Tag::HtmlBlock) => html = Some((range.start, String::new())),
            Event::End(TagEnd::HtmlBlock) => {
                if let Some((at, text)) = html.take() {
                    out.push(Block::Html { text, at });
                }
            }
            Event::Html(h) => {
                if let Some((_, text)) = html.as_mut() {
                    text.push_str(&h);
                }
            }
            Event::Start(Tag::Table(_)) => table = Some((Vec::new(), Vec::new())),
            Event::End(TagEnd::Table) => {
                if let Some((head, rows)) = table.take() {
                    out.push(Block::Table { head, rows });
                }
            }
            Event::Start(Tag::TableHead) => row = Some((range.start, Vec::new())),
            Event::End(TagEnd::TableHead) => {
                if let (Some((_, cells)), Some((head, _))) = (row.take(), table.as_mut()) {
                    *head = cells;
                }
            }
            Event::Start(Tag::TableRow) => row = Some((range.start, Vec::new())),
            Event::End(TagEnd::TableRow) => {
                if let (Some(r), Some((_, rows))) = (row.take(), table.as_mut()) {
                    rows.push(r);
                }
            }
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => {
                if let (Some(c), Some((_, cells))) = (cell.take(), row.as_mut()) {
                    cells.push(cell_text(&c));
                }
            }
            Event::Start(Tag::Image { .. }) => image += 1,
            Event::End(TagEnd::Image) => image -= 1,
            Event::Text(t) | Event::Code(t) if image == 0 => {
                if let Some(c) = cell.as_mut() {
                    c.push_str(&t);
                } else if let Some((_, _, h)) = heading.as_mut() {
                    h.push_str(&t);
                }
            }
            Event::InlineHtml(h) => {
                if let Some(c) = cell.as_mut() {
                    push_html(c, &h);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(c) = cell.as_mut() {
                    c.push(' ');
                } else if let Some((_, _, h)) = heading.as_mut() {
                    h.push(' ');
                }
            }
            _ => {}
        }
    }
    out
}

/// A cell's lines: `<br>` and `- item` lists become one line each.
fn cell_text(raw: &str) -> String {
    raw.split('\n')
        .map(|l| strip_list_marker(l.trim()))
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn strip_list_marker(line: &str) -> &str {
    for marker in ["- ", "* ", "+ ", "• "] {
        if let Some(rest) = line.strip_prefix(marker) {
            return rest;
        }
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 {
        let rest = &line[digits..];
        if let Some(r) = rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") ")) {
            return r;
        }
    }
    line
}

/// One unit-sized piece of a paragraph or list item.
enum Piece {
    Plain {
        text: String,
        line: usize,
    },
    /// A `Q:` whose answer is not in the same paragraph (it may be the next).
    Question {
        question: String,
        line: usize,
    },
    /// An `A:` with no question before it in the same paragraph.
    Answer {
        text: String,
        line: usize,
    },
    Label {
        label: String,
        text: String,
        line: usize,
    },
    Faq {
        question: String,
        answer: String,
        line: usize,
    },
}

/// Splits a paragraph's (or list item's) source into pieces: `**Label:**`
/// lines with the lines that follow them, `Q:`/`A:` pairs, and plain text.
fn pieces(src: &str, first_line: usize) -> Vec<Piece> {
    enum Open {
        None,
        Plain(usize, Vec<String>),
        Label(usize, String, Vec<String>),
        Question(usize, String, Vec<String>),
        Answer(usize, Vec<String>),
    }
    fn close(open: Open, out: &mut Vec<Piece>) {
        match open {
            Open::None => {}
            Open::Plain(line, parts) => {
                let text = inline_text(&parts.join("\n"));
                if !text.is_empty() {
                    out.push(Piece::Plain { text, line });
                }
            }
            Open::Label(line, label, parts) => {
                let text = inline_text(&parts.join("\n"));
                if !text.is_empty() {
                    out.push(Piece::Label { label, text, line });
                }
            }
            Open::Question(line, question, parts) => {
                let answer = inline_text(&parts.join("\n"));
                out.push(if answer.is_empty() {
                    Piece::Question { question, line }
                } else {
                    Piece::Faq {
                        question,
                        answer,
                        line,
                    }
                });
            }
            Open::Answer(line, parts) => {
                let text = inline_text(&parts.join("\n"));
                if !text.is_empty() {
                    out.push(Piece::Answer { text, line });
                }
            }
        }
    }
    let mut out = Vec::new();
    let mut open = Open::None;
    for (i, raw) in src.lines().enumerate() {
        let line_no = first_line + i;
        let line = strip_list_marker(raw.trim());
        if let Some((label, value)) = label_line(line) {
            let label = inline_text(label);
            match qa(&label) {
                Some(Qa::Q) => {
                    close(std::mem::replace(&mut open, Open::None), &mut out);
                    open = Open::Question(line_no, inline_text(value), Vec::new());
                }
                Some(Qa::A) => match &mut open {
                    Open::Question(_, _, parts) => parts.push(value.to_string()),
                    _ => {
                        close(std::mem::replace(&mut open, Open::None), &mut out);
                        open = Open::Answer(line_no, vec![value.to_string()]);
                    }
                },
                None => {
                    close(std::mem::replace(&mut open, Open::None), &mut out);
                    open = Open::Label(line_no, label, vec![value.to_string()]);
                }
            }
            continue;
        }
        match &mut open {
            Open::None => open = Open::Plain(line_no, vec![line.to_string()]),
            Open::Plain(_, parts) | Open::Label(_, _, parts) | Open::Answer(_, parts) => {
                parts.push(line.to_string())
            }
            Open::Question(_, q, parts) => {
                if parts.is_empty() {
                    // The question goes on over a second line.
                    q.push(' ');
                    q.push_str(&inline_text(line));
                } else {
                    parts.push(line.to_string());
                }
            }
        }
    }
    close(open, &mut out);
    out
}

enum Qa {
    Q,
    A,
}

fn qa(label: &str) -> Option<Qa> {
    match label.trim().to_ascii_lowercase().as_str() {
        "q" | "question" => Some(Qa::Q),
        "a" | "answer" => Some(Qa::A),
        _ => None,
    }
}

/// `**Label:** value`, `**Label**: value`, `Q: ...`, `A: ...` -> (label, value).
fn label_line(line: &str) -> Option<(&str, &str)> {
    for mark in ["**", "__"] {
        if let Some(rest) = line.strip_prefix(mark) {
            let close = rest.find(mark)?;
            let inner = rest[..close].trim();
            let after = rest[close + mark.len()..].trim_start();
            if let Some(label) = inner.strip_suffix(':') {
                return Some((label.trim(), after)).filter(|(l, _)| !l.is_empty());
            }
            if let Some(value) = after.strip_prefix(':') {
                return Some((inner, value.trim_start())).filter(|(l, _)| !l.is_empty());
            }
            return None;
        }
    }
    let (head, value) = line.split_once(':')?;
    qa(head).map(|_| (head, value.trim_start()))
}

/// Units being assembled, with the section heading currently open.
#[derive(Default)]
struct Units {
    units: Vec<Unit>,
    section: Option<Section>,
    /// A `Q:` waiting for its `A:` in the next paragraph.
    question: Option<(String, usize)>,
}

struct Section {
    heading: String,
    line: usize,
    /// Where its unit goes, so units stay in page order.
    slot: usize,
    texts: Vec<String>,
}

impl Units {
    fn open_section(&mut self, heading: String, line: usize) {
        self.section = Some(Section {
            heading,
            line,
            slot: self.units.len(),
            texts: Vec::new(),
        });
    }

    /// Emits the open section (if it has text) and closes it.
    fn close_section(&mut self) {
        if let Some(s) = self.section.take() {
            if !s.texts.is_empty() {
                let kind = if is_question(&s.heading) {
                    UnitKind::Faq
                } else {
                    UnitKind::Row
                };
                self.units.insert(
                    s.slot,
                    Unit {
                        kind,
                        field: Some(s.heading),
                        text: s.texts.join("\n"),
                        line: s.line,
                        plain: false,
                    },
                );
            }
        }
    }

    fn piece(&mut self, piece: Piece) {
        let question = self.question.take();
        match piece {
            Piece::Question { question, line } => self.question = Some((question, line)),
            Piece::Answer { text, line } => match question {
                Some((question, qline)) => self.piece(Piece::Faq {
                    question,
                    answer: text,
                    line: qline,
                }),
                None => self.piece(Piece::Plain { text, line }),
            },
            Piece::Plain { text, line } => match self.section.as_mut() {
                Some(s) => s.texts.push(text),
                None => self.units.push(Unit {
                    kind: UnitKind::Paragraph,
                    field: None,
                    text,
                    line,
                    plain: false,
                }),
            },
            Piece::Label { label, text, line } => self.units.push(Unit {
                kind: if is_question(&label) {
                    UnitKind::Faq
                } else {
                    UnitKind::Row
                },
                field: Some(label),
                text,
                line,
                plain: false,
            }),
            Piece::Faq {
                question,
                answer,
                line,
            } => self.units.push(Unit {
                kind: UnitKind::Faq,
                field: Some(question),
                text: answer,
                line,
                plain: true,
            }),
        }
    }

    fn table(&mut self, head: &[String], rows: Vec<Row>, lines: &LineIndex) {
        let faq_table = head.first().is_some_and(|h| {
            matches!(
                crate::text::normalize(h).as_str(),
                "faq" | "faqs" | "q" | "question" | "questions" | "frequently asked questions"
            )
        });
        let labelled = head.len() >= 3 && head[1..].iter().all(|h| !h.is_empty());
        let mut last_row: Option<usize> = None;
        for (at, cells) in rows {
            let Some((first, rest)) = cells.split_first() else {
                continue;
            };
            let value = if labelled {
                rest.iter()
                    .zip(&head[1..])
                    .filter(|(v, _)| !v.is_empty())
                    .map(|(v, h)| format!("{h}: {v}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            } else {
                rest.iter()
                    .filter(|v| !v.is_empty())
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            if value.is_empty() {
                continue;
            }
            let field = first.replace('\n', " ");
            if field.is_empty() {
                if let Some(u) = last_row.and_then(|i| self.units.get_mut(i)) {
                    u.text.push('\n');
                    u.text.push_str(&value);
                }
                continue;
            }
            let kind = if faq_table || is_question(&field) {
                UnitKind::Faq
            } else {
                UnitKind::Row
            };
            last_row = Some(self.units.len());
            self.units.push(Unit {
                kind,
                field: Some(field),
                text: value,
                line: lines.line(at),
                plain: false,
            });
        }
    }
}

/// A label that asks something: the site answering a question in its words.
pub fn is_question(label: &str) -> bool {
    label.trim_end().ends_with('?')
}

/// Removes Hugo shortcode tags (`{{< name args >}}`, `{{% name %}}` and their
/// closing tags), keeping what stands between a pair. A shortcode inside a
/// sentence with a quoted positional argument (`a {{< tooltip "rare" >}}
/// case`) most likely shows that text, so the argument stays. A tag becomes
/// one space (so words on either side stay apart, and no line turns into
/// indented code) plus the newlines it spanned, so line numbers stay true.
pub fn strip_shortcodes(text: &str) -> String {
    if !text.contains("{{") {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        let after = &rest[open + 2..];
        let close = match after.trim_start().chars().next() {
            Some('<') => after.find(">}}"),
            Some('%') => after.find("%}}"),
            _ => None,
        };
        let Some(end) = close else {
            out.push_str(&rest[..open + 2]);
            rest = after;
            continue;
        };
        let tag = &rest[open..open + 2 + end + 3];
        let tail = &rest[open + tag.len()..];
        let line_before = rest[..open].rsplit('\n').next().unwrap_or("");
        let line_after = tail.split('\n').next().unwrap_or("");
        let inline = !line_before.trim().is_empty() || !line_after.trim().is_empty();
        out.push_str(&rest[..open]);
        out.push(' ');
        if let Some(arg) = positional_arg(tag).filter(|_| inline) {
            out.push_str(arg);
            out.push(' ');
        }
        out.extend(tag.chars().filter(|&c| c == '\n'));
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// The first quoted positional argument of a shortcode tag, if it has one
/// and no named arguments (`{{< tooltip "rare" >}}` -> `rare`).
fn positional_arg(tag: &str) -> Option<&str> {
    let inner = tag.get(3..tag.len() - 3)?.trim();
    if inner.starts_with('/') || inner.contains('=') {
        return None;
    }
    let open = inner.find('"')?;
    let close = inner[open + 1..].find('"')? + open + 1;
    Some(inner[open + 1..close].trim()).filter(|a| !a.is_empty())
}

/// Text of raw HTML: tags removed (`<br>` and block ends become line
/// breaks), comments dropped, entities decoded.
fn html_text(html: &str) -> String {
    let mut out = String::new();
    push_html(&mut out, html);
    out
}

fn push_html(out: &mut String, html: &str) {
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&decode_entities(&rest[..open]));
        let tail = &rest[open..];
        if tail.starts_with("<!--") {
            rest = tail.find("-->").map_or("", |e| &tail[e + 3..]);
            continue;
        }
        let Some(end) = tail.find('>') else {
            out.push_str(&decode_entities(tail));
            return;
        };
        let name = tail[1..end]
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if matches!(
            name.as_str(),
            "br" | "p" | "div" | "li" | "tr" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6"
        ) {
            out.push('\n');
        } else if matches!(name.as_str(), "td" | "th") {
            out.push(' ');
        }
        rest = &tail[end + 1..];
    }
    out.push_str(&decode_entities(rest));
}

/// Decodes the HTML entities raw HTML carries (Markdown text is decoded by
/// the parser itself).
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        let decoded = tail.find(';').filter(|&e| e <= 10).and_then(|e| {
            let name = &tail[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                "ndash" => Some('–'),
                "mdash" => Some('—'),
                "rsquo" => Some('’'),
                "lsquo" => Some('‘'),
                "hellip" => Some('…'),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &tail[e + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Trims every line, folds runs of white space, drops empty lines.
fn clean(text: &str) -> String {
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Byte offset -> page line.
struct LineIndex {
    starts: Vec<usize>,
    first_line: usize,
}

impl LineIndex {
    fn new(text: &str, first_line: usize) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { starts, first_line }
    }

    fn line(&self, offset: usize) -> usize {
        self.first_line + self.starts.partition_point(|&s| s <= offset) - 1
    }
}

#[cfg(test)]
mod tests;
