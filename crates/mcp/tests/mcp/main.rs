//! The MCP server core against SQLite with the real `rtopacks-db` migrations, seeded with
//! the fixture corpus, driven through `handle` as the worker drives it. One test binary,
//! one module per concern.

mod bad_input;
mod fixture;
mod schemas;
mod tools;
mod transport;
