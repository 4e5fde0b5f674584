//! The VET language and the platform's rules. Pure: no I/O, no `worker`, no clock reads
//! (time always comes in as an argument).

pub mod email;
pub mod observatory;
pub mod time;
