//! Reading an internally tagged enum (`{"do": "stop_region", "region": "us-east-1"}`)
//! in one pass over the object's fields, with serde's own messages for a missing,
//! unknown or duplicate field.
//!
//! serde's derive for `#[serde(tag = "…")]` first buffers the whole object, then runs
//! a separate reader per variant over the buffer: for an enum of many variants that is
//! the largest generated code in the page (the fault actions alone were 34 KB of the
//! WebAssembly). A hand-written visitor collects every field any variant has into
//! `Option`s, then builds the variant named by the tag with these helpers; the result
//! and the messages are the same, the code a fraction of the size. (Objects only: the
//! derive also reads an array with the tag first, a form no scenario is written in.)

use serde::de::Error;

/// Stores a field's value, refusing a second one for the same field.
pub fn put<T, E: Error>(slot: &mut Option<T>, value: T, name: &'static str) -> Result<(), E> {
    if slot.replace(value).is_some() { Err(E::duplicate_field(name)) } else { Ok(()) }
}

/// A field the variant needs.
pub fn need<T, E: Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

/// Refuses the first field that is not one of the variant's `allowed` fields: a key no
/// variant knows (`unknown`, kept as read), else a field of another variant that was
/// given (`given`: each field's name and whether it was present).
pub fn only<E: Error>(
    allowed: &'static [&'static str],
    unknown: Option<&str>,
    given: &[(&'static str, bool)],
) -> Result<(), E> {
    let stray =
        unknown.or_else(|| given.iter().find(|(name, here)| *here && !allowed.contains(name)).map(|(name, _)| *name));
    match stray {
        Some(field) => Err(E::unknown_field(field, allowed)),
        None => Ok(()),
    }
}
