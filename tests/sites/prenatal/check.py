#!/usr/bin/env python3
"""Validate the Wren Hollow test site (site/) and its question set (questions.yaml).

usage: check.py [--site DIR] [--questions FILE] [--now ISO-DATE] [--fields] [--hugo HUGO_BINARY | --no-hugo]

Adapted from the alpenglow validator for a women's health, prenatal and midwifery clinic.

Site checks
  hugo.toml has baseURL, title, languageCode, defaultContentLanguage = "en" and goldmark unsafe = true.
  data/business.json is a schema.org MedicalBusiness with name, telephone, a PostalAddress and
  openingHoursSpecification covering weekdays and Saturday. Its facts are the virtual page "business"
  with the fields "hours", "phone" and "address".
  Every content/**/*.md has front matter in one of Hugo's three formats (YAML '---', TOML '+++', JSON
  object at the top of the file) with a title. A page's identity is its file stem; for index.md and
  _index.md it is the folder name exactly as written ("Breast Pump Rental", "services"). Identities
  are unique.
  Status follows Hugo: draft (bool, or the strings "true"/"false" that Hugo casts), future
  (publishDate, else date, after --now), expired (expiryDate at or before --now); everything else is
  live. Every page's status must equal EXPECTED_STATUS (the README's table: one draft, one expired,
  one future, the rest live), and the page count must be in PAGE_COUNT.
  With a Hugo binary (--hugo, or the one under /work/newsites/.py if present) the draft / future /
  expired lists from `hugo list` must match too.
  Fields a gold answer may name, per page:
    - the first cell of a table body row, '**' removed (FAQ tables: the question text); a row whose
      first cell is empty continues the row above and is not a field of its own;
    - a Markdown heading's text without the '#'s (any level);
    - the label of a '**Label:** value' line, without the colon;
    - "" (empty string) for an answer that is only in a plain paragraph (the page must have one;
      'Q:' / 'A:' lines are plain paragraphs).
  A field name used twice on one page is an error (a gold answer naming it would be ambiguous).
  The shapes the design calls for must each be present (see SHAPE_RULES).
Question checks
  Each item: non-empty q; exactly one of page / expect; page exists and is live; field (and each
  also) exists on that page exactly as written; expect is fallback | urgent | clarify; clarify has
  options (>= 2 distinct live pages); options only with clarify; no question repeats (case, spacing
  and punctuation ignored); every answer shape gets several questions; counts by kind are within
  KIND_COUNTS.
Exit 1 on any error. Needs Python 3.11+ (tomllib) and PyYAML.
"""
import argparse
import collections
import csv
import datetime as dt
import glob
import io
import json
import os
import re
import subprocess
import sys
import tomllib

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
EXPECT_KINDS = ("fallback", "urgent", "clarify")
ITEM_KEYS = {"q", "page", "field", "also", "expect", "options"}
BUSINESS = "business"
BUSINESS_FIELDS = ("hours", "phone", "address")
ANSWER_SHAPES = ("faq-row", "attribute-row", "heading", "label", "paragraph", "business")
MIN_PER_ANSWER_SHAPE = 5
CLOCK = "2026-12-01T12:00:00+00:00"          # the README's clock (default --now)
PAGE_COUNT = (25, 32)
EXPECTED_STATUS = {                           # every other page must be live at CLOCK
    "doula-support": "draft",
    "spring-reveal-2026": "expired",
    "home-birth": "future",
}
KIND_COUNTS = {"answer": (95, 100), "clarify": (11, 11), "fallback": (16, 16), "urgent": (13, 14)}
TOTAL_COUNT = (130, 145)
DEFAULT_HUGO = "/work/newsites/.py/hugo/binaries/hugo"
MOJIBAKE_RE = re.compile(r"Ã[\x80-\xbf©¨¢§ ]|â€")
QA_RE = re.compile(r"^\s*Q:\s+\S")

FENCE_RE = re.compile(r"^\s*(```|~~~)")
TABLE_LINE_RE = re.compile(r"^\s*\|")
SEP_RE = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
HEAD_RE = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
LABEL_RE = re.compile(r"^\s*\*\*([^*]+?):\*\*\s*(.*)$")
SHORTCODE_RE = re.compile(r"\{\{[<%]\s*([A-Za-z][\w-]*)")
ENTITY_RE = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);")
BR_RE = re.compile(r"<br\s*/?>", re.I)
MDLINK_RE = re.compile(r"\[[^\]]+\]\([^)]+\)")
LIST_RE = re.compile(r"^\s*([-*+]|\d+\.)\s+")
FAQ_HEADERS = {"faq", "faqs", "question", "questions", "q"}


def strip_bold(s):
    s = s.strip()
    while s.startswith("**") and s.endswith("**") and len(s) >= 4:
        s = s[2:-2].strip()
    return s


def split_cells(line):
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    return [c.strip() for c in re.split(r"(?<!\\)\|", s)]


def to_datetime(v):
    """Front-matter date value -> aware datetime (naive = UTC), or None."""
    if v is None or v == "":
        return None
    if isinstance(v, dt.datetime):
        d = v
    elif isinstance(v, dt.date):
        d = dt.datetime(v.year, v.month, v.day)
    elif isinstance(v, str):
        try:
            d = dt.datetime.fromisoformat(v.strip().replace("Z", "+00:00"))
        except ValueError:
            return "bad"
    else:
        return "bad"
    return d if d.tzinfo else d.replace(tzinfo=dt.timezone.utc)


def hugo_bool(v):
    """Hugo casts draft with cast.ToBool: real booleans, and strings like "true"/"false"/"1"/"0"."""
    if isinstance(v, bool):
        return v
    if isinstance(v, str) and v.strip().lower() in ("true", "false", "1", "0", "t", "f"):
        return v.strip().lower() in ("true", "1", "t")
    if isinstance(v, int):
        return v != 0
    return None


class Field:
    def __init__(self, name, kind, line, value, table=None):
        self.name, self.kind, self.line, self.value, self.table = name, kind, line, value, table
        self.continuations = 0


class Page:
    def __init__(self, path, content_dir, now):
        self.path = path
        self.rel = os.path.relpath(path, content_dir)
        base = os.path.basename(path)
        if base in ("index.md", "_index.md"):
            folder = os.path.basename(os.path.dirname(path))
            self.ident = folder if os.path.dirname(self.rel) else "home"
            self.kind = "bundle" if base == "index.md" else "section-list"
        else:
            self.ident = os.path.splitext(base)[0]
            self.kind = "page"
        self.section = self.rel.split(os.sep)[0] if os.sep in self.rel else "."
        self.fm, self.fm_format, self.errors, self.fields = {}, None, [], []
        self.shapes = set()
        self.has_paragraph = False
        self.status = "live"
        self.text = ""
        self.tables = []  # (header cells, number of columns, kind)
        try:
            text = open(path, encoding="utf-8").read()
        except UnicodeDecodeError as e:
            self.errors.append(f"{self.rel}: not UTF-8 ({e})")
            return
        body, body_line = self._front_matter(text)
        if body is None:
            return
        self._status(now)
        self._body(body, body_line)
        self._fm_shapes()

    # ---------------------------------------------------------------- front matter
    def _front_matter(self, text):
        try:
            if text.startswith("---"):
                m = re.match(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", text, re.S)
                if not m:
                    raise ValueError("no closing '---'")
                self.fm_format, fm, end = "yaml", yaml.safe_load(m.group(1)), m.end()
            elif text.startswith("+++"):
                m = re.match(r"\A\+\+\+[ \t]*\r?\n(.*?)\r?\n\+\+\+[ \t]*(?:\r?\n|\Z)", text, re.S)
                if not m:
                    raise ValueError("no closing '+++'")
                self.fm_format, fm, end = "toml", tomllib.loads(m.group(1)), m.end()
            elif text.startswith("{"):
                fm, end = json.JSONDecoder().raw_decode(text)
                self.fm_format = "json"
            else:
                self.errors.append(f"{self.rel}:1: no front matter ('---' YAML, '+++' TOML or a JSON object)")
                return None, 0
        except (ValueError, yaml.YAMLError, tomllib.TOMLDecodeError) as e:
            self.errors.append(f"{self.rel}: front matter does not parse: " + " ".join(str(e).split()))
            return None, 0
        if not isinstance(fm, dict):
            self.errors.append(f"{self.rel}: front matter is not a mapping")
            return None, 0
        self.fm = {k: v for k, v in fm.items()}
        self.fm_lc = {str(k).lower(): v for k, v in fm.items()}
        if not self.fm_lc.get("title"):
            self.errors.append(f"{self.rel}: front matter has no title")
        self.text = text[end:]
        return text[end:], text[:end].count("\n") + 1

    def _status(self, now):
        fm = self.fm_lc
        self.publish = self.expiry = None
        if "draft" in fm:
            d = hugo_bool(fm["draft"])
            if d is None:
                self.errors.append(f"{self.rel}: draft is {fm['draft']!r}, which Hugo cannot read as true/false")
                d = False
            if isinstance(fm["draft"], str):
                self.shapes.add("fm-draft-as-string")
            if d:
                self.status = "draft"
                return
        dates = {}
        for key in ("date", "publishdate", "expirydate"):
            v = to_datetime(fm.get(key))
            if v == "bad":
                self.errors.append(f"{self.rel}: {key} {fm.get(key)!r} is not a date Hugo reads")
                v = None
            dates[key] = v
        pub = dates["publishdate"] or dates["date"]
        self.publish, self.expiry = pub, dates["expirydate"]
        if pub and pub > now:
            self.status = "future"
        elif dates["expirydate"] and dates["expirydate"] <= now:
            self.status = "expired"

    def _fm_shapes(self):
        self.shapes.add("fm-" + self.fm_format)
        tags = self.fm_lc.get("tags")
        if isinstance(tags, list) and any(t is None or (isinstance(t, str) and not t.strip()) for t in tags):
            self.shapes.add("fm-empty-list-item")
        if self.fm_lc.get("synonyms"):
            self.shapes.add("fm-synonyms")
        if self.fm_lc.get("aliases") or self.fm_lc.get("slug"):
            self.shapes.add("fm-alias-or-slug")
        for key in ("date", "publishdate", "expirydate"):
            v = self.fm_lc.get(key)
            if isinstance(v, (dt.date, dt.datetime)):
                self.shapes.add("fm-toml-datetime" if self.fm_format == "toml" else "fm-unquoted-yaml-date")
        if self.fm_lc.get("categories"):
            self.shapes.add("fm-categories")
        if self.kind == "bundle":
            self.shapes.add("bundle")
            if " " in self.ident:
                self.shapes.add("bundle-folder-with-space")
        if self.kind == "section-list":
            self.shapes.add("section-list")
        if self.status != "live":
            self.shapes.add("status-" + self.status)

    # ---------------------------------------------------------------- body
    def _body(self, body, first_line):
        lines = body.splitlines()
        i, in_fence = 0, False
        while i < len(lines):
            line, n = lines[i], first_line + i
            if FENCE_RE.match(line):
                in_fence = not in_fence
                i += 1
                continue
            if in_fence:
                i += 1
                continue
            for sc in SHORTCODE_RE.findall(line):
                self.shapes.add("shortcode-" + sc)
            if ENTITY_RE.search(line):
                self.shapes.add("html-entity")
            if MOJIBAKE_RE.search(line):
                self.shapes.add("mojibake")
            if QA_RE.match(line) and i + 1 < len(lines) and lines[i + 1].lstrip().startswith("A:"):
                self.shapes.add("qa-pair")
            if TABLE_LINE_RE.match(line):
                j = i
                while j < len(lines) and TABLE_LINE_RE.match(lines[j]):
                    j += 1
                self._table(lines[i:j], first_line + i)
                i = j
                continue
            h = HEAD_RE.match(line)
            if h:
                self._add(Field(h.group(2).strip(), "heading", n, ""))
                self.shapes.add("headings")
            else:
                lab = LABEL_RE.match(line)
                if lab:
                    self._add(Field(lab.group(1).strip(), "label", n, lab.group(2).strip()))
                    self.shapes.add("label-lines")
                elif line.strip() and not LIST_RE.match(line) and not SHORTCODE_RE.match(line.strip()):
                    self.has_paragraph = True
            i += 1
        if any(f.kind == "heading" for f in self.fields) and not self.tables:
            self.shapes.add("prose-headings")
        if self.has_paragraph:
            self.shapes.add("paragraphs")
        if not self.fields and not self.has_paragraph:
            self.errors.append(f"{self.rel}: nothing to answer from (no rows, headings, labels or paragraphs)")

    def _table(self, block, first_line):
        if len(block) < 2 or not SEP_RE.match(block[1]):
            self.errors.append(f"{self.rel}:{first_line}: table without a header separator line")
            return
        header = split_cells(block[0])
        ncol = len(header)
        kind = "faq" if strip_bold(header[0]).lower() in FAQ_HEADERS else "attribute"
        self.tables.append((header, ncol, kind))
        self.shapes.add("faq-table" if kind == "faq" else "attribute-table")
        if ncol >= 3:
            self.shapes.add("three-column-table")
        prev = None
        for k, line in enumerate(block[2:], start=2):
            n = first_line + k
            cells = split_cells(line)
            if len(cells) != ncol:
                self.errors.append(f"{self.rel}:{n}: row has {len(cells)} cells, header has {ncol}")
            first = cells[0]
            value = " | ".join(cells[1:])
            if BR_RE.search(value):
                self.shapes.add("br-in-cell")
            if MDLINK_RE.search(value):
                self.shapes.add("link-in-cell")
            if not first:
                if prev is None:
                    self.errors.append(f"{self.rel}:{n}: continuation row (empty first cell) with no row above")
                else:
                    prev.continuations += 1
                    prev.value += " / " + value
                    self.shapes.add("continuation-row")
                continue
            name = strip_bold(first)
            self.shapes.add("bold-row" if first.startswith("**") else "plain-row")
            prev = Field(name, "faq-row" if kind == "faq" else "attribute-row", n, value, table=len(self.tables))
            self._add(prev)
            if self.kind == "bundle" and self.section == "promotions" and re.search(r"expir", name, re.I):
                self.shapes.add("expiry-row")

    def _add(self, f):
        for g in self.fields:
            if g.name == f.name:
                self.errors.append(f"{self.rel}:{f.line}: field {f.name!r} already on line {g.line}: ambiguous gold")
                return
        self.fields.append(f)

    def field(self, name):
        for f in self.fields:
            if f.name == name:
                return f
        return None

    def text_lc(self):
        return (str(self.fm_lc.get("title", "")) + "\n" + self.text).lower()


# -------------------------------------------------------------------- site-level checks
def check_config(site):
    errors = []
    p = os.path.join(site, "hugo.toml")
    try:
        cfg = tomllib.load(open(p, "rb"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        return [f"hugo.toml: {e}"]
    for k in ("baseURL", "title", "languageCode", "defaultContentLanguage"):
        if not cfg.get(k):
            errors.append(f"hugo.toml: missing {k}")
    if cfg.get("defaultContentLanguage") != "en":
        errors.append("hugo.toml: defaultContentLanguage must be \"en\"")
    if not cfg.get("markup", {}).get("goldmark", {}).get("renderer", {}).get("unsafe"):
        errors.append("hugo.toml: markup.goldmark.renderer.unsafe must be true")
    return errors


def load_business(site):
    errors = []
    p = os.path.join(site, "data", "business.json")
    try:
        b = json.load(open(p, encoding="utf-8"))
    except (OSError, ValueError) as e:
        return None, [f"data/business.json: {e}"]
    if b.get("@type") != "MedicalBusiness":
        errors.append("data/business.json: @type must be MedicalBusiness")
    for k in ("name", "telephone"):
        if not b.get(k):
            errors.append(f"data/business.json: missing {k}")
    a = b.get("address")
    if not isinstance(a, dict) or a.get("@type") != "PostalAddress" or not all(
            a.get(k) for k in ("streetAddress", "addressLocality", "addressRegion", "postalCode")):
        errors.append("data/business.json: address must be a complete PostalAddress")
    days = set()
    for spec in b.get("openingHoursSpecification") or []:
        d = spec.get("dayOfWeek")
        d = [d] if isinstance(d, str) else (d or [])
        if not (spec.get("opens") and spec.get("closes")):
            errors.append(f"data/business.json: opening hours for {d} lack opens/closes")
        days.update(x.split("/")[-1] for x in d)
    weekdays = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"}
    if not weekdays <= days or "Saturday" not in days:
        errors.append(f"data/business.json: openingHoursSpecification must cover weekdays and Saturday (has {sorted(days)})")
    return b, errors


def load_site(site, now):
    content = os.path.join(site, "content")
    pages, errors = {}, []
    paths = sorted(glob.glob(os.path.join(content, "**", "*.md"), recursive=True))
    if not paths:
        errors.append(f"{content}: no pages")
    for p in paths:
        page = Page(p, content, now)
        errors += page.errors
        if page.ident in pages or page.ident == BUSINESS:
            errors.append(f"{page.rel}: identity {page.ident!r} already used by {pages[page.ident].rel if page.ident in pages else 'data/business.json'}")
            continue
        pages[page.ident] = page
    # SEO-noise tags: a tag naming another page's service that this page never mentions
    titles = {i: str(p.fm_lc.get("title", "")).lower() for i, p in pages.items()}
    for ident, page in pages.items():
        for t in page.fm_lc.get("tags") or []:
            if not isinstance(t, str) or not t.strip():
                continue
            tl = t.lower()
            if tl in page.text_lc():
                continue
            if any(tl in titles[o] or tl in pages[o].text_lc() for o in pages if o != ident):
                page.shapes.add("fm-seo-noise-tag")
                page.noise_tags = getattr(page, "noise_tags", []) + [t]
    return pages, errors


SHAPE_RULES = [  # (label in the design, shape, minimum number of pages)
    ("a. FAQ-as-table", "faq-table", 3),
    ("b. attribute table", "attribute-table", 6),
    ("b. bold row names", "bold-row", 3),
    ("b. plain (not bold) row names", "plain-row", 3),
    ("b. continuation rows (empty first cell)", "continuation-row", 3),
    ("b. three-column table", "three-column-table", 2),
    ("c. prose with headings, no table", "prose-headings", 3),
    ("c. Q:/A: paragraph pair", "qa-pair", 1),
    ("d. **Label:** lines", "label-lines", 3),
    ("e. TOML front matter", "fm-toml", 2),
    ("e. JSON front matter", "fm-json", 1),
    ("e. empty list item", "fm-empty-list-item", 1),
    ("e. draft as a string", "fm-draft-as-string", 1),
    ("e. SEO-noise tags", "fm-seo-noise-tag", 8),
    ("e. synonyms list", "fm-synonyms", 2),
    ("e. alias or slug", "fm-alias-or-slug", 2),
    ("e. unquoted YAML date", "fm-unquoted-yaml-date", 1),
    ("e. TOML datetime", "fm-toml-datetime", 1),
    ("e. categories", "fm-categories", 5),
    ("f. page bundles", "bundle", 3),
    ("f. bundle folder with a space", "bundle-folder-with-space", 1),
    ("f. promotion bundle expiry row", "expiry-row", 2),
    ("f. section list pages", "section-list", 2),
    ("g. draft page", "status-draft", 1),
    ("g. expired page", "status-expired", 1),
    ("g. future page", "status-future", 1),
    ("h. button shortcode", "shortcode-button", 2),
    ("h. callout shortcode", "shortcode-callout", 1),
    ("h. HTML entity", "html-entity", 2),
    ("h. mojibake", "mojibake", 1),
    ("h. <br> in a table cell", "br-in-cell", 2),
    ("h. Markdown link in a table cell", "link-in-cell", 2),
]


def check_shapes(pages):
    errors, report = [], []
    for label, shape, minimum in SHAPE_RULES:
        having = sorted(i for i, p in pages.items() if shape in p.shapes)
        report.append(f"  {label:42s} {len(having):2d}  {', '.join(having)}")
        if len(having) < minimum:
            errors.append(f"shape {label!r}: on {len(having)} pages, needs {minimum}")
    yaml_n = sum(p.fm_format == "yaml" for p in pages.values())
    if yaml_n <= len(pages) / 2:
        errors.append(f"YAML front matter should be the majority ({yaml_n} of {len(pages)})")
    syn = sum("fm-synonyms" in p.shapes for p in pages.values())
    if syn >= len(pages) / 2:
        errors.append("synonyms should be on a few pages only")
    if not PAGE_COUNT[0] <= len(pages) <= PAGE_COUNT[1]:
        errors.append(f"{len(pages)} pages; the design wants {PAGE_COUNT[0]}-{PAGE_COUNT[1]}")
    for ident, page in pages.items():
        want = EXPECTED_STATUS.get(ident, "live")
        if page.status != want:
            errors.append(f"{page.rel}: status is {page.status}, README says {want}")
    for ident in EXPECTED_STATUS:
        if ident not in pages:
            errors.append(f"README's {EXPECTED_STATUS[ident]} page {ident!r} is missing")
    for sec in ("services", "promotions"):
        if not any(p.kind == "section-list" and p.ident == sec for p in pages.values()):
            errors.append(f"content/{sec}/_index.md is missing")
    for need in ("cancellation", "payment", "team", "contact", "first-visit"):
        if not any(need in i for i in pages if pages[i].section == "info"):
            errors.append(f"info page about {need} is missing")
    return errors, report


BUILTIN_SHORTCODES = {"figure", "highlight", "ref", "relref", "param", "details", "qr", "youtube", "vimeo", "x", "instagram"}


def check_shortcodes(site, pages):
    errors, have = [], set()
    for d in ("_shortcodes", "shortcodes"):
        folder = os.path.join(site, "layouts", d)
        if os.path.isdir(folder):
            have |= {os.path.splitext(f)[0] for f in os.listdir(folder)}
    for page in pages.values():
        for sc in SHORTCODE_RE.findall(page.text):
            if sc not in have and sc not in BUILTIN_SHORTCODES:
                errors.append(f"{page.rel}: shortcode {sc!r} has no layouts/_shortcodes/{sc}.html")
    return errors


def check_hugo(hugo, site, pages, now):
    """Cross-check draft/future/expired status with Hugo's own reading of the front matter."""
    env = dict(os.environ)
    env.setdefault("HUGO_CACHEDIR", os.path.join("/tmp", "hugo-cache-wren-hollow"))
    clock = now.isoformat()
    out = {}
    for kind in ("drafts", "future", "expired"):
        r = subprocess.run([hugo, "list", kind, "-s", site, "--noBuildLock", "--clock", clock],
                           capture_output=True, text=True, env=env)
        if r.returncode:
            return [f"hugo list {kind} failed: {r.stderr.strip()[-300:]}"]
        rows = list(csv.DictReader(io.StringIO(r.stdout)))
        out[kind] = {row["path"] for row in rows}
    errors = []
    mine = {"drafts": "draft", "future": "future", "expired": "expired"}
    for kind, st in mine.items():
        ours = {os.path.join("content", p.rel) for p in pages.values() if p.status == st}
        if ours != out[kind]:
            errors.append(f"hugo list {kind} = {sorted(out[kind])}, check.py says {sorted(ours)}")
    return errors


# -------------------------------------------------------------------- questions
def norm_q(q):
    return " ".join(re.sub(r"[^\w\s]", " ", q.lower()).split())


def check_questions(path, pages):
    errors, warnings = [], []
    try:
        items = yaml.safe_load(open(path, encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        return None, [f"{path}: cannot read: {e}"], []
    if not isinstance(items, list):
        return None, [f"{path}: top level must be a list"], []
    kinds, shapes = collections.Counter(), collections.Counter()
    cover = collections.defaultdict(collections.Counter)
    seen = {}
    for i, it in enumerate(items, start=1):
        where = f"item {i}"
        if not isinstance(it, dict):
            errors.append(f"{where}: not a mapping"); continue
        q = it.get("q")
        if not isinstance(q, str) or not q.strip():
            errors.append(f"{where}: missing or empty q"); continue
        where += f" {q!r}"
        extra = set(it) - ITEM_KEYS
        if extra:
            errors.append(f"{where}: unknown keys {sorted(extra)}")
        k = norm_q(q)
        if k in seen:
            errors.append(f"{where}: duplicate of item {seen[k]}")
        seen.setdefault(k, i)
        if ("page" in it) == ("expect" in it):
            errors.append(f"{where}: needs exactly one of page / expect"); continue
        if "page" in it:
            ident, field, also = it["page"], it.get("field"), it.get("also", [])
            if "options" in it:
                errors.append(f"{where}: options only go with expect: clarify")
            if not isinstance(field, str):
                errors.append(f"{where}: page needs a field (a string; \"\" for a plain paragraph)"); continue
            if not isinstance(also, list) or not all(isinstance(a, str) for a in also):
                errors.append(f"{where}: also must be a list of field names"); also = []
            if field in also or len(set(also)) != len(also):
                errors.append(f"{where}: also repeats a field")
            if ident == BUSINESS:
                for f in [field] + also:
                    if f not in BUSINESS_FIELDS:
                        errors.append(f"{where}: business has fields {BUSINESS_FIELDS}, not {f!r}")
                kinds["answer"] += 1; shapes["business"] += 1; cover[BUSINESS][field] += 1
                continue
            page = pages.get(ident)
            if page is None:
                errors.append(f"{where}: no page {ident!r}"); continue
            if page.status != "live":
                errors.append(f"{where}: page {ident!r} is {page.status}: gold must be a live page (use expect: fallback)")
            for f in [field] + also:
                if f == "":
                    if not page.has_paragraph:
                        errors.append(f"{where}: field \"\" but {ident} has no plain paragraph")
                elif page.field(f) is None:
                    close = [x.name for x in page.fields if x.name.lower() == f.lower()]
                    hint = f" (did you mean {close[0]!r}?)" if close else ""
                    errors.append(f"{where}: field {f!r} is not on page {ident}{hint}")
            fo = page.field(field)
            shape = "paragraph" if field == "" else (fo.kind if fo else "?")
            kinds["answer"] += 1; shapes[shape] += 1; cover[ident][field or '""'] += 1
        else:
            e = it["expect"]
            if e not in EXPECT_KINDS:
                errors.append(f"{where}: expect must be one of {EXPECT_KINDS}"); continue
            for bad in ("field", "also"):
                if bad in it:
                    errors.append(f"{where}: {bad} only goes with page")
            kinds[e] += 1
            opts = it.get("options")
            if e == "clarify":
                if not isinstance(opts, list) or len(set(opts)) < 2:
                    errors.append(f"{where}: clarify needs options with at least 2 pages"); opts = []
                for o in opts:
                    if o not in pages:
                        errors.append(f"{where}: option {o!r} is not a page")
                    elif pages[o].status != "live":
                        errors.append(f"{where}: option {o!r} is {pages[o].status}")
                    else:
                        cover[o]["(clarify option)"] += 1
            elif opts is not None:
                errors.append(f"{where}: options only go with expect: clarify")
    for k, (lo, hi) in KIND_COUNTS.items():
        if not lo <= kinds[k] <= hi:
            errors.append(f"{kinds[k]} {k} questions; the design wants {lo}-{hi}")
    if not TOTAL_COUNT[0] <= len(items) <= TOTAL_COUNT[1]:
        errors.append(f"{len(items)} questions; the design wants {TOTAL_COUNT[0]}-{TOTAL_COUNT[1]}")
    for s in ANSWER_SHAPES:
        if shapes[s] < MIN_PER_ANSWER_SHAPE:
            errors.append(f"answer shape {s!r} has {shapes[s]} questions, needs {MIN_PER_ANSWER_SHAPE}")
    return dict(items=items, kinds=kinds, shapes=shapes, cover=cover), errors, warnings


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--site", default=os.path.join(HERE, "site"))
    ap.add_argument("--questions", default=os.path.join(HERE, "questions.yaml"))
    ap.add_argument("--now", default=CLOCK, help=f"the date the site is read at (ISO; default: the README's clock {CLOCK})")
    ap.add_argument("--fields", action="store_true", help="list every page's fields")
    ap.add_argument("--hugo", help=f"a hugo binary: cross-check draft/future/expired with 'hugo list' (default: {DEFAULT_HUGO} if present)")
    ap.add_argument("--no-hugo", action="store_true", help="skip the hugo cross-check")
    a = ap.parse_args(argv)
    now = to_datetime(a.now)
    if not a.hugo and not a.no_hugo and os.access(DEFAULT_HUGO, os.X_OK):
        a.hugo = DEFAULT_HUGO
    if now in (None, "bad"):
        ap.error("--now must be an ISO date")

    errors = check_config(a.site)
    business, errs = load_business(a.site)
    errors += errs
    pages, errs = load_site(a.site, now)
    errors += errs
    serr, sreport = check_shapes(pages)
    errors += serr
    errors += check_shortcodes(a.site, pages)
    if a.hugo:
        herr = check_hugo(a.hugo, a.site, pages, now)
        errors += herr
        print(f"hugo cross-check ({a.hugo}): " + ("agrees on drafts, future, expired" if not herr else "DISAGREES"))
    else:
        print("hugo cross-check skipped (no hugo binary)")

    live = [p for p in pages.values() if p.status == "live"]
    fmts = collections.Counter(p.fm_format for p in pages.values())
    print(f"site {a.site} read at {now.date()}: {len(pages)} pages, {len(live)} live; "
          f"front matter {dict(fmts)}; not live: "
          + ", ".join(f"{p.ident} ({p.status})" for p in pages.values() if p.status != "live"))
    print("shapes (pages having each):")
    print("\n".join(sreport))

    res, qerr, qwarn = check_questions(a.questions, pages)
    errors += qerr
    print(f"\npages: identity, status, fields by kind, questions naming it")
    for p in sorted(pages.values(), key=lambda p: p.rel):
        c = collections.Counter(f.kind for f in p.fields)
        asked = sum(res["cover"][p.ident].values()) if res else 0
        print(f"  {p.rel:42s} {p.ident!r:24s} {p.status:8s} "
              + " ".join(f"{k}={v}" for k, v in sorted(c.items())) + f"  asked={asked}")
        if a.fields:
            for f in p.fields:
                extra = f" (+{f.continuations} continuation)" if f.continuations else ""
                print(f"      [{f.kind}] {f.name}{extra}")
    if res:
        k = res["kinds"]
        print(f"\n{os.path.basename(a.questions)}: {len(res['items'])} questions: answer {k['answer']}, "
              f"clarify {k['clarify']}, fallback {k['fallback']}, urgent {k['urgent']}")
        print("  answers by shape: " + ", ".join(f"{s} {res['shapes'][s]}" for s in ANSWER_SHAPES))
        never = sorted(p.ident for p in live if not any(x != "(clarify option)" for x in res["cover"][p.ident]))
        if never:
            qwarn.append("live pages no answer uses: " + ", ".join(never))
        if business and not res["cover"][BUSINESS]:
            qwarn.append("no question is answered from data/business.json")
    if res:
        used = {o for o, c in res["cover"].items() if o in pages and sum(c.values())}
        starts = [(pages[o].publish, o) for o in used if pages[o].publish]
        ends = [(pages[o].expiry, o) for o in used if pages[o].expiry]
        ends += [(p.publish, p.ident) for p in pages.values() if p.status == "future"]
        ends += [(p.expiry, p.ident) for p in pages.values()
                 if p.status == "live" and p.expiry and p.ident not in used]
        lo, hi = max(starts) if starts else None, min(ends) if ends else None
        print(f"  gold holds while the clock is in [{lo[0].date() if lo else '-'} ({lo[1] if lo else ''}), "
              f"{hi[0].date() if hi else '-'} ({hi[1] if hi else ''})): run engines with that clock (hugo --clock)")
    for w in qwarn:
        print("WARNING", w)
    for e in errors:
        print("ERROR", e)
    print("\nFAILED:" if errors else "\nOK:", f"{len(errors)} errors, {len(qwarn)} warnings")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
