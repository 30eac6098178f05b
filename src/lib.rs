//! idcdb copies an AWS IAM Identity Center configuration into one SQLite
//! file, a point-in-time snapshot, and answers audit questions from it.
//!
//! The binary is a thin layer over this library: [`sync`] reads AWS through
//! [`aws`] and writes through [`store`]; [`report`] runs bundled and ad hoc
//! SQL against a snapshot opened read-only.

pub mod aws;
pub mod cli;
pub mod model;
pub mod policy;
pub mod report;
pub mod store;
pub mod sync;
