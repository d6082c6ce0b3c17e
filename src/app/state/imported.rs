//! The last import's report: what was read as what, and the importer's notes (what
//! was modelled, skipped or assumed), shown beside the tree until dismissed or
//! replaced by the next import.

use leptos::prelude::*;

/// What one import said about itself.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportReport {
    /// What was read as what, in one sentence.
    pub summary: String,
    /// What was modelled, skipped or assumed, each naming its place in the input.
    pub notes: Vec<String>,
}

/// The report shown, if any.
#[derive(Clone, Copy)]
pub struct ImportNotes(RwSignal<Option<ImportReport>>);

/// The page's import notes.
pub fn use_import_notes() -> ImportNotes {
    expect_context::<ImportNotes>()
}

impl ImportNotes {
    /// No report shown.
    pub fn new() -> ImportNotes {
        ImportNotes(RwSignal::new(None))
    }

    /// Shows `report` (replacing the one shown).
    pub fn show(&self, report: ImportReport) {
        self.0.set(Some(report));
    }

    /// Hides the report.
    pub fn dismiss(&self) {
        self.0.set(None);
    }

    /// The report shown (tracked).
    pub fn get(&self) -> Option<ImportReport> {
        self.0.get()
    }
}

impl Default for ImportNotes {
    fn default() -> ImportNotes {
        ImportNotes::new()
    }
}
