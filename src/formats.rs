//! The formats layer: the outside world's documents in and out — Route 53's record
//! sets, health checks, change batches and traffic policies ([`aws`]), Terraform
//! ([`terraform`]), share links ([`link`]) — [`detect`], which tells them apart, and
//! [`import`], which picks and combines the importers for a set of files.

pub mod aws;
pub mod detect;
pub mod import;
pub mod link;
pub mod terraform;
