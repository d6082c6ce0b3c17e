//! Shared sorts. Every distinct element type and comparison compiles to its own copy
//! of the standard library's stable sort (about 4 KB of WebAssembly each), so sorts
//! of the same kind go through one function here.

/// Sorts `values` ascending by [`f64::total_cmp`] (NaN after every number).
pub fn sort_f64(values: &mut [f64]) {
    values.sort_by(f64::total_cmp);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_ascending_with_nan_last() {
        let mut v = [3.0, f64::NAN, -1.0, 2.5, 0.0];
        sort_f64(&mut v);
        assert_eq!(&v[..4], &[-1.0, 0.0, 2.5, 3.0]);
        assert!(v[4].is_nan());
    }
}
