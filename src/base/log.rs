//! An append-only list whose copies share what was written before the last seal.
//!
//! A run keeps a copy of itself every simulated minute (its checkpoints), and
//! what it has recorded so far (the trace, each probe's observations) only grows.
//! Copying those lists into every checkpoint made building a run's checkpoints
//! quadratic in its length. A [`Log`] is written into its `tail`; [`Log::seal`] turns
//! the tail into a shared, read-only chunk, so a copy made after sealing costs one
//! reference count per chunk instead of a copy of every entry. Entries keep their
//! order; reading goes through the chunks, then the tail.
//!
//! A general persistent vector (the `im` or `rpds` crates) would do the same with a
//! tree per list and more code in the page; this needs only "append, seal, read in
//! order".

use std::sync::Arc;

/// An append-only list (see the module's docs).
#[derive(Clone, Debug)]
pub struct Log<T> {
    /// Sealed chunks, oldest first, shared between copies.
    sealed: Vec<Arc<[T]>>,
    /// Entries in the sealed chunks.
    sealed_len: usize,
    /// Entries written since the last seal.
    tail: Vec<T>,
}

impl<T> Default for Log<T> {
    fn default() -> Self {
        Log { sealed: Vec::new(), sealed_len: 0, tail: Vec::new() }
    }
}

impl<T> Log<T> {
    /// An empty log.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends `x`.
    pub fn push(&mut self, x: T) {
        self.tail.push(x);
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.sealed_len + self.tail.len()
    }

    /// No entries?
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every entry, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &T> + '_ {
        self.sealed.iter().flat_map(|c| c.iter()).chain(self.tail.iter())
    }

    /// Makes everything written so far a shared chunk: copies made from now on share
    /// it instead of copying it.
    pub fn seal(&mut self) {
        if !self.tail.is_empty() {
            let chunk: Arc<[T]> = std::mem::take(&mut self.tail).into();
            self.sealed_len += chunk.len();
            self.sealed.push(chunk);
        }
    }
}

impl<T: Clone> Log<T> {
    /// Every entry, copied into one vector.
    pub fn to_vec(&self) -> Vec<T> {
        self.iter().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_in_order_across_seals() {
        let mut log = Log::new();
        log.push(1);
        log.push(2);
        log.seal();
        log.seal(); // nothing new: no empty chunk
        log.push(3);
        log.seal();
        log.push(4);
        assert_eq!(log.to_vec(), [1, 2, 3, 4]);
        assert_eq!(log.len(), 4);
        assert_eq!(log.sealed.len(), 2);
    }

    #[test]
    fn a_copy_shares_sealed_entries_and_goes_its_own_way() {
        let mut log: Log<String> = Log::new();
        log.push("a".into());
        log.push("b".into());
        log.seal();
        let mut copy = log.clone();
        assert!(Arc::ptr_eq(&log.sealed[0], &copy.sealed[0]), "shared, not copied");
        copy.push("c".into());
        log.push("x".into());
        assert_eq!(copy.to_vec(), ["a", "b", "c"]);
        assert_eq!(log.to_vec(), ["a", "b", "x"]);
    }

    #[test]
    fn an_empty_log_stays_empty_when_sealed() {
        let mut log = Log::<u8>::new();
        log.seal();
        assert!(log.is_empty());
        assert!(log.sealed.is_empty());
        log.push(7);
        assert!(!log.is_empty());
    }
}
