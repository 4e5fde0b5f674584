//! The VET language and the platform's rules. Pure: no I/O, no `worker`, no clock reads
//! (time always comes in as an argument).

pub mod anomaly;
pub mod codes;
pub mod cricos;
pub mod email;
pub mod events;
pub mod keys;
pub mod observatory;
pub mod sentinel;
pub mod signin;
pub mod sync;
pub mod tga;
pub mod time;
