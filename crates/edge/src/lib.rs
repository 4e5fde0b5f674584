//! Glue shared by every worker: binding names, the JSON error envelope, the injectable
//! clock, the observatory step writer, the email layer and the d1-warmer's duties.
//! Everything that touches data is generic over [`rtopacks_store::Db`], so it runs in
//! native tests against SQLite exactly as it runs in a worker against D1.
#![allow(async_fn_in_trait)]

pub mod access_jwt;
pub mod archive;
pub mod auth;
pub mod bindings;
pub mod chain;
pub mod clock;
pub mod email;
pub mod error;
pub mod gate;
pub mod internal;
pub mod keys_kv;
pub mod notify;
pub mod observatory;
pub mod outbound;
pub mod surface;
#[cfg(target_arch = "wasm32")]
pub mod sync_worker;
pub mod warmer;
