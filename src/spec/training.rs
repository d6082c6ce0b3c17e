//! What a scenario carries for teaching: a guided session (`guide`, steps a trainer
//! walks through) and, in the view state, a trainee's committed prediction and the
//! presenter flag. Plain serde data; every field is optional in a document, so files
//! and links made before these existed still open.

use serde::{Deserialize, Serialize};

/// One step of a guided session: a moment of the run, what the page shows there and
/// a short text read aloud or on a projector.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuideStep {
    /// The playhead this step moves to, ms from the start of the run.
    pub at_ms: u64,
    /// The panel the step brings into view (see [`PANELS`]); empty for none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub panel: String,
    /// The narration of the step (plain text, never markup).
    #[serde(default)]
    pub text: String,
    /// The record the step selects in the tree, as `name` or `name/set_id`; empty
    /// for none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub select: String,
}

/// The panels a step can bring into view, as `panel` names them, with the label the
/// page shows for each.
pub const PANELS: [(&str, &str); 6] = [
    ("timeline", "Timeline"),
    ("tree", "Routing tree"),
    ("traffic", "Traffic and faults"),
    ("probe", "Probe log"),
    ("trials", "Trials"),
    ("query", "What does this resolver get?"),
];

/// A trainee's guess, committed before the run shows the answer, ms.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prediction {
    /// The probe's switch time: fault → first success from another region.
    pub switch_ms: u64,
    /// The 95th percentile of the clients' error windows, if guessed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_window_p95_ms: Option<u64>,
}
