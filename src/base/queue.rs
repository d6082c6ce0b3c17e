//! The event queue: a min-heap ordered by (time, sequence). Equal times run in the
//! order they were scheduled (FIFO), so a run is a total order and replays exactly.
//! Sequence numbers go up in steps of two, so an event can be slotted in later as if
//! it had been scheduled right after a given one ([`EventQueue::schedule_after`]).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::base::time::SimTime;

/// A deterministic event queue.
#[derive(Clone, Debug)]
pub struct EventQueue<E: Ord> {
    heap: BinaryHeap<Reverse<(SimTime, u64, E)>>,
    seq: u64,
    now: SimTime,
}

impl<E: Ord> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue { heap: BinaryHeap::new(), seq: 0, now: SimTime::ZERO }
    }
}

impl<E: Ord> EventQueue<E> {
    /// Schedules `ev` at `at`. Scheduling in the past is a bug.
    pub fn schedule(&mut self, at: SimTime, ev: E) {
        assert!(at >= self.now, "event scheduled in the past: {at} < {}", self.now);
        self.seq += 2;
        self.heap.push(Reverse((at, self.seq, ev)));
    }

    /// The sequence number of the last event scheduled (0 before any).
    pub fn last_seq(&self) -> u64 {
        self.seq
    }

    /// Schedules `ev` at `at` ordered as if it had been scheduled right after the
    /// event numbered `seq` ([`EventQueue::last_seq`] then): at equal times it runs
    /// after that one and everything scheduled before it, and before everything
    /// scheduled after it.
    pub fn schedule_after(&mut self, seq: u64, at: SimTime, ev: E) {
        assert!(at >= self.now, "event scheduled in the past: {at} < {}", self.now);
        self.heap.push(Reverse((at, seq + 1, ev)));
    }

    /// Time of the next event.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().map(|Reverse((t, _, _))| *t)
    }

    /// Pops the next event if it is due at or before `until`, advancing `now`.
    pub fn pop_until(&mut self, until: SimTime) -> Option<(SimTime, E)> {
        if self.peek_time()? > until {
            return None;
        }
        let Reverse((t, _, e)) = self.heap.pop()?;
        self.now = t;
        Some((t, e))
    }

    /// The time of the last event popped (or the last `advance`).
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Moves `now` forward to `t` (never backward).
    pub fn advance(&mut self, t: SimTime) {
        self.now = self.now.max(t);
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// No pending events?
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_slotted_in_later_runs_where_it_would_have_run() {
        let mut q = EventQueue::default();
        q.schedule(SimTime(5), 'a');
        let after_a = q.last_seq();
        q.schedule(SimTime(5), 'c');
        q.pop_until(SimTime(1));
        q.schedule_after(after_a, SimTime(5), 'b');
        let order: Vec<char> = std::iter::from_fn(|| q.pop_until(SimTime(10)).map(|(_, e)| e)).collect();
        assert_eq!(order, ['a', 'b', 'c']);
    }

    #[test]
    fn orders_by_time_then_fifo() {
        let mut q = EventQueue::default();
        q.schedule(SimTime(5), 'c');
        q.schedule(SimTime(1), 'a');
        q.schedule(SimTime(5), 'b'); // same time as 'c', scheduled later: runs after it
        q.schedule(SimTime(3), 'z');
        let order: Vec<char> = std::iter::from_fn(|| q.pop_until(SimTime(10)).map(|x| x.1)).collect();
        assert_eq!(order, ['a', 'z', 'c', 'b']);
        assert_eq!(q.now(), SimTime(5));
    }

    #[test]
    fn pop_until_stops_at_the_horizon() {
        let mut q = EventQueue::default();
        q.schedule(SimTime(5), 1);
        assert_eq!(q.pop_until(SimTime(4)), None);
        assert_eq!(q.pop_until(SimTime(5)), Some((SimTime(5), 1)));
    }
}
