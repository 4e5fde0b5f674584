//! Several independent reads in one round trip.
//!
//! An answer that needs several statements whose inputs are all known up front (a
//! lookup's component row, releases, grid, chain, offering and CRICOS page) sends them as
//! one [`Db::all_batch`]: one D1 round trip and one snapshot, so every part of the answer
//! agrees with every other. Each part's module builds its statements and reads its
//! answers back from [`Answers`] in the same order.

use rtopacks_store::{Db, Statement, StoreError};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::Result;

/// The answers of one batch, taken in the order the statements were given.
pub(crate) struct Answers(std::vec::IntoIter<Vec<Value>>);

impl Answers {
    pub async fn fetch(db: &impl Db, stmts: Vec<Statement>) -> Result<Self> {
        let expected = stmts.len();
        let answers = db.all_batch(stmts).await?;
        if answers.len() != expected {
            return Err(StoreError::Decode(format!(
                "a batch of {expected} reads answered {} result sets",
                answers.len()
            ))
            .into());
        }
        Ok(Answers(answers.into_iter()))
    }

    /// The next statement's rows as `T`.
    pub fn rows<T: DeserializeOwned>(&mut self) -> Result<Vec<T>> {
        self.0
            .next()
            .unwrap_or_default()
            .into_iter()
            .map(|r| {
                serde_json::from_value(r).map_err(|e| StoreError::Decode(e.to_string()).into())
            })
            .collect()
    }

    /// The next statement's first row, if any.
    pub fn first<T: DeserializeOwned>(&mut self) -> Result<Option<T>> {
        Ok(self.rows::<T>()?.into_iter().next())
    }

    /// The next statement's `count(*) AS n`.
    pub fn count(&mut self) -> Result<u64> {
        #[derive(serde::Deserialize)]
        struct N {
            n: i64,
        }
        Ok(self.first::<N>()?.map_or(0, |c| c.n.max(0) as u64))
    }
}
