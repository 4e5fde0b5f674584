//! The catalogue against SQLite with the real `rtopacks-db` migrations (and D1's
//! 100-parameter limit), seeded with the fixture corpus. One test binary, one module per
//! feature.

mod bad_input;
mod fixture;
mod ladder_verify;
mod lookup;
mod plans;
mod rto;
mod search;
mod stats;
mod wire;
