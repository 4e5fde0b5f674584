//! `SEARCH_CACHE`: anonymous catalogue answers kept for `SEARCH_CACHE_TTL` seconds.
//!
//! The namespace is shared by production and dev (the data architecture's rule for cache
//! KVs): **dev writes and reads only `dev:`-prefixed keys; production never sees them.**
//! Every key is built here, by [`Environment::key`], and production's base keys never
//! start with `dev:` (they start with `search:` or `stats:`), so no production read can
//! land on a dev entry. `ENVIRONMENT` decides: exactly `production` is production;
//! anything else (`dev`, missing, misspelt) is treated as dev, so a misconfigured dev
//! worker can only ever miss the cache, never fill production's.
//!
//! Only what internal-api answered 200 to an anonymous visitor is kept (the same for
//! every anonymous visitor), and only as a cache: one KV write per miss, never state.

use rtopacks_domain::keys::sha256_hex;

/// The namespace binding.
pub const SEARCH_CACHE: &str = "SEARCH_CACHE";
/// `production` or `dev`.
pub const ENVIRONMENT: &str = "ENVIRONMENT";
/// Seconds an entry lives.
pub const TTL_VAR: &str = "SEARCH_CACHE_TTL";
/// KV refuses expirations under a minute.
pub const MIN_TTL: u64 = 60;
pub const DEFAULT_TTL: u64 = 3600;
/// The dev prefix.
pub const DEV_PREFIX: &str = "dev:";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Production,
    Dev,
}

impl Environment {
    pub fn from_var(value: Option<&str>) -> Environment {
        match value.map(str::trim) {
            Some("production") => Environment::Production,
            _ => Environment::Dev,
        }
    }

    /// The KV key for `base` in this environment.
    pub fn key(self, base: &str) -> String {
        debug_assert!(!base.starts_with(DEV_PREFIX));
        match self {
            Environment::Production => base.to_owned(),
            Environment::Dev => format!("{DEV_PREFIX}{base}"),
        }
    }
}

/// The TTL from `SEARCH_CACHE_TTL`: whole seconds, at least a minute.
pub fn ttl(value: Option<&str>) -> u64 {
    value
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(DEFAULT_TTL)
        .max(MIN_TTL)
}

/// The base key of the corpus figures.
pub const STATS_KEY: &str = "stats:v1";

/// The base key of a search: a hash of its canonical form (see
/// `pages::search::SearchForm::canonical`), so equivalent searches share one entry and
/// any visitor text stays out of key names.
pub fn search_key(canonical: &str) -> String {
    format!("search:v1:{}", sha256_hex(canonical.as_bytes()))
}

pub use kv::Cache;

mod kv {
    use super::*;
    use serde::de::DeserializeOwned;
    use serde::Serialize;
    use worker::{console_error, Env};

    /// The cache of one request: the namespace, the environment and the TTL.
    pub struct Cache {
        store: Option<worker::kv::KvStore>,
        env: Environment,
        ttl: u64,
    }

    impl Cache {
        pub fn new(env: &Env) -> Cache {
            let var = |name: &str| env.var(name).ok().map(|v| v.to_string());
            let store = env
                .kv(SEARCH_CACHE)
                .map_err(|e| console_error!("site: {SEARCH_CACHE}: {e}"))
                .ok();
            Cache {
                store,
                env: Environment::from_var(var(ENVIRONMENT).as_deref()),
                ttl: ttl(var(TTL_VAR).as_deref()),
            }
        }

        /// The entry under `base`, if present and readable. A failing read is a miss.
        pub async fn get<T: DeserializeOwned>(&self, base: &str) -> Option<T> {
            let store = self.store.as_ref()?;
            let key = self.env.key(base);
            match store.get(&key).text().await {
                Ok(Some(text)) => serde_json::from_str(&text).ok(),
                Ok(None) => None,
                Err(e) => {
                    console_error!("site: cache read {key}: {e}");
                    None
                }
            }
        }

        /// Keep `value` under `base` for the TTL. A failing write only costs a miss later.
        pub async fn put<T: Serialize>(&self, base: &str, value: &T) {
            let Some(store) = self.store.as_ref() else {
                return;
            };
            let key = self.env.key(base);
            let Ok(text) = serde_json::to_string(value) else {
                return;
            };
            let put = match store.put(&key, text) {
                Ok(p) => p.expiration_ttl(self.ttl).execute().await,
                Err(e) => Err(e),
            };
            if let Err(e) = put {
                console_error!("site: cache write {key}: {e}");
            }
        }
    }
}
