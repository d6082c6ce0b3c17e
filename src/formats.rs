//! The formats layer: the outside world's documents in and out — Route 53's record
//! sets, health checks, change batches and traffic policies ([`aws`]), Terraform
//! ([`terraform`]), share links ([`link`]) — and [`detect`], which tells them apart.

pub mod aws;
pub mod detect;
pub mod link;
pub mod terraform;
