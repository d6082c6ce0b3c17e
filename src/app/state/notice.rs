//! The notice: one message for the user (a bad link, storage full, a refused move…),
//! shown until dismissed or replaced.

use leptos::prelude::*;

/// The message shown, if any.
#[derive(Clone, Copy)]
pub struct Notice(RwSignal<Option<String>>);

/// The page's notice.
pub fn use_notice() -> Notice {
    expect_context::<Notice>()
}

impl Notice {
    /// A notice showing `first`, if any.
    pub fn new(first: Option<String>) -> Notice {
        Notice(RwSignal::new(first))
    }

    /// Shows `message` (replacing what was shown).
    pub fn say(&self, message: impl Into<String>) {
        self.0.set(Some(message.into()));
    }

    /// Hides the notice.
    pub fn clear(&self) {
        self.0.set(None);
    }

    /// The message shown (tracked).
    pub fn get(&self) -> Option<String> {
        self.0.get()
    }

    /// Is a message shown? (tracked)
    pub fn is_shown(&self) -> bool {
        self.0.with(Option::is_some)
    }
}
