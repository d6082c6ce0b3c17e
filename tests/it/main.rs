//! Native integration tests, one binary: each module is one area.

mod architecture; // the core never names a web crate; every module has a `//!` doc
