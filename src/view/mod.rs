//! View models: the case detail, the statistics and the audit trail built once, in one
//! language, as plain blocks of labelled lines and table cells (labels from the [`glossary`]).
//! Pure: depends on `domain` only. The CLI prints a [`View`] (`cli::detail`, `cli::report`) and
//! the desk draws it (`tui::ui::view::draw`). Every value in a view is already sanitised.

pub mod audit;
pub mod detail;
pub mod duration;
pub mod glossary;
pub mod stats;

pub use glossary::Term;

/// One piece of a view, top to bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// The view's heading line (e.g. the case reference and its status).
    Title(String),
    /// A labelled value: `label` from the glossary, `value` sanitised text.
    Field {
        /// The term naming the value.
        label: Term,
        /// The value.
        value: String,
    },
    /// A section heading (e.g. "Follow-ups").
    Section(Term),
    /// One indented line under a section (a follow-up, an audit event, a line of the summary).
    Item(String),
    /// A table: header cells, then rows of cells (the first column is the row's label).
    Table {
        /// The header cells.
        header: Vec<String>,
        /// The rows.
        rows: Vec<Vec<String>>,
    },
    /// An empty line.
    Blank,
}

/// A view model: what one screen or one command shows, in one language.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct View {
    /// The blocks, top to bottom.
    pub blocks: Vec<Block>,
}

impl View {
    /// Adds a labelled value (sanitised here).
    pub fn field(&mut self, label: Term, value: impl AsRef<str>) {
        self.blocks.push(Block::Field { label, value: crate::domain::text::sanitize(value.as_ref()) });
    }

    /// Adds a section heading.
    pub fn section(&mut self, term: Term) {
        self.blocks.push(Block::Section(term));
    }

    /// Adds an indented line (sanitised here).
    pub fn item(&mut self, text: impl AsRef<str>) {
        self.blocks.push(Block::Item(crate::domain::text::sanitize(text.as_ref())));
    }
}
