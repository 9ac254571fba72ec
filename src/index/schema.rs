//! The tantivy schema: the only place that names index fields.
//!
//! One document per answer unit. Text that is searched is indexed in its
//! normalised form (see [`crate::text`]) with tantivy's `en_stem` analyzer, so
//! index terms and the engine's own query terms ([`crate::text::stems`]) are the
//! same tokens; what is shown to clients is stored separately, untouched.

use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, STORED, STRING,
};

/// Handles to every field of the unit schema.
#[derive(Clone)]
pub struct Fields {
    /// Page slug (file stem), exact; for fetching a page's units.
    pub slug: Field,
    /// `row`, `faq` or `paragraph`, exact.
    pub kind: Field,
    /// Field name as the page writes it (or FAQ heading), stored for display.
    pub field: Field,
    /// The unit's text as written, stored for display.
    pub text: Field,
    /// Field name, searchable.
    pub field_terms: Field,
    /// Unit text, searchable.
    pub text_terms: Field,
    /// The page's names (title, Name row, synonyms, slug), searchable, so
    /// naming a service boosts all its units.
    pub name_terms: Field,
    /// `path:line` of the unit, stored, so staff can find the source.
    pub source: Field,
    /// Stems of the field name and of the text, space-separated, stored so
    /// that answering never re-stems a unit.
    pub field_stems: Field,
    pub text_stems: Field,
}

/// The analyzer used for every searchable field (tantivy built-in).
pub const ANALYZER: &str = "en_stem";

/// Builds the schema and its field handles.
pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let searchable = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        slug: b.add_text_field("slug", STRING | STORED),
        kind: b.add_text_field("kind", STRING | STORED),
        field: b.add_text_field("field", STORED),
        text: b.add_text_field("text", STORED),
        field_terms: b.add_text_field("field_terms", searchable.clone()),
        text_terms: b.add_text_field("text_terms", searchable.clone()),
        name_terms: b.add_text_field("name_terms", searchable),
        source: b.add_text_field("source", STORED),
        field_stems: b.add_text_field("field_stems", STORED),
        text_stems: b.add_text_field("text_stems", STORED),
    };
    (b.build(), fields)
}

/// Field handles of an opened index (schema built the same way).
pub fn fields_of(schema: &Schema) -> crate::Result<Fields> {
    let get = |name: &str| {
        schema.get_field(name).map_err(|_| crate::Error::Index {
            path: Default::default(),
            message: format!("index has no `{name}` field: it was built by another version; run `frontdesk index`"),
        })
    };
    Ok(Fields {
        slug: get("slug")?,
        kind: get("kind")?,
        field: get("field")?,
        text: get("text")?,
        field_terms: get("field_terms")?,
        text_terms: get("text_terms")?,
        name_terms: get("name_terms")?,
        source: get("source")?,
        field_stems: get("field_stems")?,
        text_stems: get("text_stems")?,
    })
}
