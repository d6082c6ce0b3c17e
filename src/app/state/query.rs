//! The query tester's question — a resolver's city and, optionally, an ECS client's
//! — and Route 53's answer to it at the playhead, read from the run's one
//! [`crate::failover::moment::Moment`]. The tree marks the answer's path from here.

use leptos::prelude::*;

use super::run::Run;
use crate::failover::playback::Tested;

/// The question and its answer.
#[derive(Clone, Copy)]
pub struct Query {
    from: RwSignal<String>,
    ecs: RwSignal<Option<String>>,
    tested: Memo<Option<Result<Tested, String>>>,
    path: Memo<Vec<usize>>,
}

/// The page's query tester.
pub fn use_query() -> Query {
    expect_context::<Query>()
}

impl Query {
    /// A resolver in Washington, DC, without ECS, asking `run`'s scenario.
    pub fn new(run: Run) -> Query {
        let from = RwSignal::new(String::from("washington-dc"));
        let ecs = RwSignal::new(None::<String>);
        let tested = Memo::new(move |_| {
            let m = run.moment()?;
            let (from, ecs) = (from.get(), ecs.get());
            run.with_current(|p| m.query(p, &from, ecs.as_deref()))
        });
        let path = Memo::new(move |_| match tested.get() {
            Some(Ok(t)) => t.path,
            _ => Vec::new(),
        });
        Query { from, ecs, tested, path }
    }

    /// The resolver's city id (tracked).
    pub fn from(&self) -> String {
        self.from.get()
    }

    /// Asks from the city `id`.
    pub fn set_from(&self, id: String) {
        self.from.set(id);
    }

    /// The ECS client's city id, if ECS is sent (tracked).
    pub fn ecs(&self) -> Option<String> {
        self.ecs.get()
    }

    /// Sends ECS for a client in `city` (or none).
    pub fn set_ecs(&self, city: Option<String>) {
        self.ecs.set(city);
    }

    /// The answer, explained; `None` while the scenario cannot run (tracked).
    pub fn tested(&self) -> Option<Result<Tested, String>> {
        self.tested.get()
    }

    /// The records on the answer's path, changing only when the path does.
    pub fn path(&self) -> Memo<Vec<usize>> {
        self.path
    }
}
