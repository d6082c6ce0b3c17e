//! The explanation of an answer: one step per group visited and per candidate
//! judged, with a verdict and a plain sentence, and its indented text form (what
//! the CLI's `explain` prints and the query tester shows).

use std::fmt::Write as _;

use crate::route53::zone::{GroupIdx, RecordIdx};

/// How an explain line judged what it describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Entering a group, or a note.
    Info,
    /// A candidate that was taken.
    Taken,
    /// A candidate skipped (unhealthy, or a better one was taken).
    Skipped,
    /// Fail-open: taken although unhealthy.
    FailOpen,
}

/// One step of an explanation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// Nesting depth (0 = the queried group).
    pub depth: usize,
    /// The group visited.
    pub group: GroupIdx,
    /// The record judged, if the step is about one.
    pub record: Option<RecordIdx>,
    /// The judgement.
    pub verdict: Verdict,
    /// The explanation in plain words.
    pub text: String,
}

/// The path through the tree: every group visited, every candidate considered.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Explain {
    /// Steps, in order.
    pub steps: Vec<Step>,
    /// The records chosen on the way to an answer with records, outermost first
    /// (highlighted by the UI); empty for an empty answer.
    pub path: Vec<RecordIdx>,
}

impl Explain {
    /// Renders the explanation as indented text (what the CLI prints).
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for s in &self.steps {
            let mark = match s.verdict {
                Verdict::Info => "•",
                Verdict::Taken => "✓",
                Verdict::Skipped => "✗",
                Verdict::FailOpen => "!",
            };
            let _ = writeln!(out, "{}{} {}", "  ".repeat(s.depth), mark, s.text);
        }
        out
    }
}
