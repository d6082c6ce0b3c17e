//! The event queue: a min-heap ordered by (time, sequence). Equal times run in the
//! order they were scheduled (FIFO), so a run is a total order and replays exactly.
//! Sequence numbers leave room between them, so an event can be slotted in later as
//! if it had been scheduled right after a given one ([`EventQueue::schedule_after`]).
//!
//! The heap holds only (time, sequence, slot) — 24 bytes — and the events wait in a
//! slab beside it: a pop moves small entries down the heap instead of whole events,
//! and no two entries ever compare equal, so the events themselves are never compared.
//!
//! Most events schedule another as they run (a request its next one, a probe its
//! next). So a popped entry stays at the top of the heap, marked taken, until the next
//! push overwrites it and sifts down once, instead of a pop sifting down to the bottom
//! and up again and the push sifting up. Keys are unique, so the order events come
//! out in is the same either way.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::base::time::SimTime;

/// The sequence numbers of two events scheduled one after the other are this far
/// apart; the numbers between are for events slotted in after the first.
const SEQ_STEP: u64 = 1 << 20;

/// A deterministic event queue.
#[derive(Clone, Debug)]
pub struct EventQueue<E> {
    /// (time, sequence, slot), earliest first; its top is the last popped entry when
    /// `taken`.
    heap: BinaryHeap<Reverse<(SimTime, u64, u32)>>,
    /// The top of the heap has been popped and waits to be overwritten or removed.
    taken: bool,
    /// The pending events, by slot.
    slots: Vec<Option<E>>,
    /// Slots free for reuse.
    free: Vec<u32>,
    /// The last sequence number given by [`EventQueue::schedule`].
    seq: u64,
    /// Events slotted in so far ([`EventQueue::schedule_after`]).
    slotted: u64,
    now: SimTime,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            taken: false,
            slots: Vec::new(),
            free: Vec::new(),
            seq: 0,
            slotted: 0,
            now: SimTime::ZERO,
        }
    }
}

impl<E> EventQueue<E> {
    /// Schedules `ev` at `at`. Scheduling in the past is a bug.
    pub fn schedule(&mut self, at: SimTime, ev: E) {
        assert!(at >= self.now, "event scheduled in the past: {at} < {}", self.now);
        self.seq += SEQ_STEP;
        self.push(at, self.seq, ev);
    }

    /// The sequence number of the last event scheduled (0 before any).
    pub fn last_seq(&self) -> u64 {
        self.seq
    }

    /// Schedules `ev` at `at` ordered as if it had been scheduled right after the
    /// event numbered `seq` ([`EventQueue::last_seq`] then): at equal times it runs
    /// after that one, everything scheduled before it and everything slotted in after
    /// it earlier, and before everything scheduled after it.
    pub fn schedule_after(&mut self, seq: u64, at: SimTime, ev: E) {
        assert!(at >= self.now, "event scheduled in the past: {at} < {}", self.now);
        self.slotted += 1;
        assert!(self.slotted < SEQ_STEP, "too many events slotted in");
        self.push(at, seq + self.slotted, ev);
    }

    fn push(&mut self, at: SimTime, seq: u64, ev: E) {
        let slot = match self.free.pop() {
            Some(s) => {
                self.slots[s as usize] = Some(ev);
                s
            }
            None => {
                self.slots.push(Some(ev));
                u32::try_from(self.slots.len() - 1).expect("fewer than 2^32 pending events")
            }
        };
        let entry = Reverse((at, seq, slot));
        if self.taken {
            self.taken = false;
            *self.heap.peek_mut().expect("a taken top is in the heap") = entry;
        } else {
            self.heap.push(entry);
        }
    }

    /// Removes a popped entry still at the top.
    fn drop_taken(&mut self) {
        if self.taken {
            self.taken = false;
            self.heap.pop();
        }
    }

    /// Changes each pending event in place (their times and order stay).
    pub fn for_each_pending(&mut self, mut f: impl FnMut(&mut E)) {
        self.slots.iter_mut().flatten().for_each(&mut f);
    }

    /// Time of the next event.
    pub fn peek_time(&self) -> Option<SimTime> {
        if !self.taken {
            return self.heap.peek().map(|Reverse((t, _, _))| *t);
        }
        // The next is the earlier of the taken top's children.
        let h = self.heap.as_slice();
        h.get(1..3.min(h.len()))?.iter().max().map(|Reverse((t, _, _))| *t)
    }

    /// Pops the next event if it is due at or before `until`, advancing `now`.
    pub fn pop_until(&mut self, until: SimTime) -> Option<(SimTime, E)> {
        self.drop_taken();
        if self.peek_time()? > until {
            return None;
        }
        let &Reverse((t, _, slot)) = self.heap.peek()?;
        self.taken = true;
        self.now = t;
        self.free.push(slot);
        let ev = self.slots[slot as usize].take().expect("a pending event's slot holds it");
        Some((t, ev))
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
        self.heap.len() - usize::from(self.taken)
    }

    /// No pending events?
    pub fn is_empty(&self) -> bool {
        self.len() == 0
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
    fn events_slotted_in_after_the_same_one_keep_the_order_they_were_slotted() {
        let mut q = EventQueue::default();
        q.schedule(SimTime(5), 'a');
        let after_a = q.last_seq();
        q.schedule(SimTime(5), 'z');
        q.schedule_after(after_a, SimTime(5), 'b');
        q.schedule_after(after_a, SimTime(5), 'c');
        q.schedule_after(after_a, SimTime(4), 'x');
        let order: Vec<char> = std::iter::from_fn(|| q.pop_until(SimTime(10)).map(|(_, e)| e)).collect();
        assert_eq!(order, ['x', 'a', 'b', 'c', 'z']);
        // Slots are reused once their events have run.
        q.schedule(SimTime(11), 'q');
        assert_eq!(q.slots.len(), 5);
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

    /// Pops with pushes between them (the taken top overwritten) or without (removed)
    /// come out in exactly the order of a sorted list of the same events, and the
    /// queue's length and next time agree with it throughout.
    #[test]
    fn pops_and_pushes_in_any_mix_keep_time_then_fifo_order() {
        let mut rng = crate::base::rng::SimRng::new(5);
        let mut q = EventQueue::default();
        let mut reference: Vec<(SimTime, u64)> = Vec::new();
        let mut id = 0u64;
        for _ in 0..5_000 {
            if rng.below(3) > 0 || reference.is_empty() {
                for _ in 0..rng.below(3) {
                    let at = SimTime(q.now().as_ms() + rng.below(50));
                    q.schedule(at, id);
                    reference.push((at, id));
                    id += 1;
                }
            } else {
                // The earliest, first scheduled among equal times.
                let i = (0..reference.len()).min_by_key(|&i| reference[i]).unwrap();
                let want = reference.remove(i);
                assert_eq!(q.pop_until(SimTime(u64::MAX)), Some(want));
            }
            assert_eq!(q.len(), reference.len());
            assert_eq!(q.peek_time(), reference.iter().map(|e| e.0).min());
        }
    }

    #[test]
    fn pop_until_stops_at_the_horizon() {
        let mut q = EventQueue::default();
        q.schedule(SimTime(5), 1);
        assert_eq!(q.pop_until(SimTime(4)), None);
        assert_eq!(q.pop_until(SimTime(5)), Some((SimTime(5), 1)));
    }
}
