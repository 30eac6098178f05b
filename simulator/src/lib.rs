//! In-process fake of the AWS APIs that `idcdb sync` reads: Organizations,
//! IAM Identity Center admin (sso-admin), Identity Store and STS.
//!
//! [`generate`] builds a deterministic [`Model`] of an organization, and
//! [`Simulator::start`] serves it over HTTP on 127.0.0.1 with the real wire
//! protocols, so the AWS SDK for Rust talks to it unchanged when given
//! [`Simulator::endpoint_url`] as its endpoint URL. [`Options`] add AWS-like
//! rate limits, latency and injected faults.
//!
//! ```no_run
//! # async fn example() -> Result<(), idcdb_simulator::Error> {
//! use idcdb_simulator::{Options, Simulator, Size, generate};
//!
//! let model = generate(7, &Size::demo());
//! let simulator = Simulator::start(model, Options::fast())?;
//! println!("{}", simulator.endpoint_url());
//! simulator.shutdown().await;
//! # Ok(())
//! # }
//! ```

// The simulator returns many errors on purpose; they are built once per
// failing call, so their size does not matter.
#![allow(clippy::result_large_err)]

mod catalog;
mod control;
mod generate;
pub mod model;
mod names;
mod operation;
mod options;
mod server;
mod services;
mod wire;

pub use control::Stats;
pub use generate::{Size, generate};
pub use model::{AccessRow, Model};
pub use operation::Service;
pub use options::{Fault, FaultKind, Latency, Options, RateLimits};
pub use server::{Error, Simulator};
