//! Undo and redo over whole designs: every edit keeps the design it replaced, up to
//! a depth, and a new edit after an undo drops what could have been redone (the
//! usual editor rule). Designs are small, so keeping copies is simpler and safer
//! than inverting each edit.

use std::collections::VecDeque;

/// Edits kept for undo by default.
pub const UNDO_DEPTH: usize = 100;

/// Earlier states (to undo to) and undone ones (to redo), newest last.
#[derive(Clone, Debug, PartialEq)]
pub struct History<T> {
    undo: VecDeque<T>,
    redo: Vec<T>,
    depth: usize,
}

impl<T> Default for History<T> {
    fn default() -> Self {
        History::new(UNDO_DEPTH)
    }
}

impl<T> History<T> {
    /// An empty history keeping at most `depth` edits to undo (at least one).
    pub fn new(depth: usize) -> History<T> {
        History { undo: VecDeque::new(), redo: Vec::new(), depth: depth.max(1) }
    }

    /// Records an edit: `before` is the state it replaced. The oldest state goes
    /// past the depth, and nothing can be redone any more.
    pub fn record(&mut self, before: T) {
        self.undo.push_back(before);
        if self.undo.len() > self.depth {
            self.undo.pop_front();
        }
        self.redo.clear();
    }

    /// Steps back: returns the state to show instead of `current`, which can then
    /// be redone; `None` (and `current` is dropped) when there is nothing to undo.
    pub fn undo(&mut self, current: T) -> Option<T> {
        let prev = self.undo.pop_back()?;
        self.redo.push(current);
        Some(prev)
    }

    /// Re-applies the last undone edit: returns the state to show instead of
    /// `current`, which can then be undone again; `None` when nothing was undone.
    pub fn redo(&mut self, current: T) -> Option<T> {
        let next = self.redo.pop()?;
        self.undo.push_back(current);
        Some(next)
    }

    /// Is there an edit to undo?
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Is there an edit to redo?
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undo_and_redo_walk_the_edits_both_ways() {
        let mut h = History::default();
        let mut cur = 0;
        for next in 1..=3 {
            h.record(cur);
            cur = next;
        }
        assert!(h.can_undo() && !h.can_redo());
        cur = h.undo(cur).unwrap();
        cur = h.undo(cur).unwrap();
        assert_eq!(cur, 1);
        assert!(h.can_redo());
        cur = h.redo(cur).unwrap();
        assert_eq!(cur, 2);
        cur = h.undo(cur).unwrap();
        cur = h.undo(cur).unwrap();
        assert_eq!(cur, 0);
        assert_eq!(h.undo(cur), None, "nothing before the first state");
        assert!(!h.can_undo());
    }

    #[test]
    fn a_new_edit_drops_the_redo_list_and_the_depth_is_kept() {
        let mut h = History::new(2);
        h.record(0);
        h.record(1);
        assert_eq!(h.undo(2), Some(1));
        h.record(1);
        assert!(!h.can_redo(), "an edit after an undo cannot be followed by a redo");
        h.record(5);
        // Depth 2: the two newest states are kept, the oldest is gone.
        assert_eq!(h.undo(6), Some(5));
        assert_eq!(h.undo(5), Some(1));
        assert_eq!(h.undo(1), None);
        assert_eq!(History::<u8>::new(0).depth, 1);
    }
}
