//! The resolvers layer: how recursive resolvers and clients behave, shared by both
//! simulations (the failover timeline and the deployment waves) — each resolver
//! kind's cache rules (TTL floors and caps, negative and failure caching, TTL
//! extenders) and how it picks which of a zone's name servers to query, as its
//! source code does it. Sources and status: `docs/model.md` ("Resolvers").

pub mod caching;
pub mod selection;
