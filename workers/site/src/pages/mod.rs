//! One module per page family.

pub mod claim;
pub mod component;
pub mod home;
pub mod rto;
pub mod search;
pub mod waitlist;
