//! Supersession chains, both ways, from `tga_component_mappings` (`code` was superseded
//! by, or maps to, `mapped_code`).
//!
//! One statement walks both directions with recursive CTEs bounded by depth, so a cycle
//! in upstream data (it happens) ends at the bound instead of looping; the walk in Rust
//! that derives replacements keeps a visited set for the same reason.

use std::collections::{HashMap, VecDeque};

use rtopacks_store::Statement;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::page::Fresh;
use crate::reads::Answers;
use crate::vocab::{Status, COMPONENT_STATUS_SQL};

/// Hops followed in each direction. Real chains are a handful long.
pub const MAX_CHAIN_DEPTH: i64 = 12;

/// One mapping in a chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Link {
    /// The older component.
    pub from: String,
    /// The component that replaced it.
    pub to: String,
    /// Title and status of the far end (`to` going forward, `from` going back).
    pub title: Option<String>,
    pub status: Option<Status>,
    /// Upstream's IsEquivalent: `E` (true) or `N` (false); absent when not published.
    pub is_equivalent: Option<bool>,
    pub equivalence: Option<Equivalence>,
    pub notes: Option<String>,
    pub mapping_date: Option<String>,
    /// Hops from the component asked about (1 = a direct mapping).
    pub depth: i64,
}

/// A component's place in its supersession chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Supersession {
    /// What replaced it, then what replaced those, nearest first.
    pub superseded_by: Vec<Link>,
    /// What it replaced, and what those replaced, nearest first.
    pub supersedes: Vec<Link>,
    /// The walk reached [`MAX_CHAIN_DEPTH`] in some direction (a longer chain, or a cycle).
    pub truncated: bool,
}

/// A component reachable forward whose status is current: what to use instead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Replacement {
    pub code: String,
    pub title: Option<String>,
    pub status: Option<Status>,
    /// Every hop from the asked-about component is equivalent (true), one is not (false),
    /// or some hop does not say (absent).
    pub is_equivalent: Option<bool>,
    pub equivalence: Option<Equivalence>,
    pub hops: i64,
}

#[derive(Deserialize)]
struct Row {
    dir: String,
    from_code: String,
    to_code: String,
    /// Nearest hop at which the walk met this mapping, and the farthest (the bound when
    /// the walk went round a cycle).
    depth: i64,
    reach: i64,
    is_equivalent: Option<i64>,
    notes: Option<String>,
    mapping_date: Option<String>,
    mapped_title: Option<String>,
    far_title: Option<String>,
    far_status: Option<Status>,
    synced_at: String,
    far_synced_at: Option<String>,
}

fn sql() -> String {
    format!(
        "WITH RECURSIVE
           fwd(from_code, to_code, depth) AS (
             SELECT code, mapped_code, 1 FROM tga_component_mappings WHERE code = ?1
             UNION
             SELECT m.code, m.mapped_code, w.depth + 1
             FROM fwd w JOIN tga_component_mappings m ON m.code = w.to_code
             WHERE w.depth < ?2),
           back(from_code, to_code, depth) AS (
             SELECT code, mapped_code, 1 FROM tga_component_mappings WHERE mapped_code = ?1
             UNION
             SELECT m.code, m.mapped_code, w.depth + 1
             FROM back w JOIN tga_component_mappings m ON m.mapped_code = w.from_code
             WHERE w.depth < ?2),
           edges(dir, from_code, to_code, depth, reach, far) AS (
             SELECT 'fwd', from_code, to_code, min(depth), max(depth), to_code
             FROM fwd GROUP BY from_code, to_code
             UNION ALL
             SELECT 'back', from_code, to_code, min(depth), max(depth), from_code
             FROM back GROUP BY from_code, to_code)
         SELECT e.dir, e.from_code, e.to_code, e.depth, e.reach, m.is_equivalent, m.notes, m.mapping_date,
           m.mapped_title, m.synced_at, c.title AS far_title, c.synced_at AS far_synced_at,
           CASE WHEN c.code IS NULL THEN NULL ELSE {COMPONENT_STATUS_SQL} END AS far_status
         FROM edges e
         JOIN tga_component_mappings m ON m.code = e.from_code AND m.mapped_code = e.to_code
         LEFT JOIN tga_training_components c ON c.code = e.far
         ORDER BY e.dir, e.depth, e.to_code, e.from_code"
    )
}

/// Upstream's equivalence mark, spelled as training.gov.au prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Equivalence {
    /// Equivalent: the replacement gives the same outcome.
    E,
    /// Not equivalent.
    N,
}

fn equivalence(e: Option<bool>) -> Option<Equivalence> {
    e.map(|e| if e { Equivalence::E } else { Equivalence::N })
}

/// The statement that reads the chain both ways from `code` (read it back with [`read`]).
pub(crate) fn statement(code: &str) -> Statement {
    Statement::new(sql()).bind(code).bind(MAX_CHAIN_DEPTH)
}

/// The chain, from the answer to [`statement`].
pub(crate) fn read(answers: &mut Answers, fresh: &mut Fresh) -> Result<Supersession> {
    let rows: Vec<Row> = answers.rows()?;
    let mut s = Supersession {
        superseded_by: Vec::new(),
        supersedes: Vec::new(),
        truncated: false,
    };
    for r in rows {
        fresh.tga(Some(&r.synced_at));
        fresh.tga(r.far_synced_at.as_deref());
        s.truncated |= r.reach >= MAX_CHAIN_DEPTH;
        let forward = r.dir == "fwd";
        let is_equivalent = r.is_equivalent.map(|e| e == 1);
        let link = Link {
            title: r.far_title.or(if forward { r.mapped_title } else { None }),
            status: r.far_status,
            from: r.from_code,
            to: r.to_code,
            is_equivalent,
            equivalence: equivalence(is_equivalent),
            notes: r.notes,
            mapping_date: r.mapping_date,
            depth: r.depth,
        };
        if forward {
            s.superseded_by.push(link);
        } else {
            s.supersedes.push(link);
        }
    }
    Ok(s)
}

impl Supersession {
    /// The current components `start` leads to, nearest first, each with the equivalence
    /// of the whole path (breadth-first, so the shortest path decides; cycle-safe).
    pub fn replacements(&self, start: &str) -> Vec<Replacement> {
        let mut out_edges: HashMap<&str, Vec<&Link>> = HashMap::new();
        for l in &self.superseded_by {
            out_edges.entry(l.from.as_str()).or_default().push(l);
        }
        // node → (hops, path equivalence)
        let mut seen: HashMap<&str, (i64, Option<bool>)> = HashMap::new();
        seen.insert(start, (0, Some(true)));
        let mut queue = VecDeque::from([start]);
        let mut out = Vec::new();
        while let Some(node) = queue.pop_front() {
            let (hops, eq) = seen[node];
            for l in out_edges.get(node).into_iter().flatten() {
                if seen.contains_key(l.to.as_str()) {
                    continue;
                }
                let path_eq = match (eq, l.is_equivalent) {
                    (Some(false), _) | (_, Some(false)) => Some(false),
                    (Some(true), Some(true)) => Some(true),
                    _ => None,
                };
                seen.insert(&l.to, (hops + 1, path_eq));
                queue.push_back(&l.to);
                if l.status == Some(Status::Current) {
                    out.push(Replacement {
                        code: l.to.clone(),
                        title: l.title.clone(),
                        status: l.status,
                        is_equivalent: path_eq,
                        equivalence: equivalence(path_eq),
                        hops: hops + 1,
                    });
                }
            }
        }
        out
    }

    /// The direct successors (one hop).
    pub fn direct(&self) -> impl Iterator<Item = &Link> {
        self.superseded_by.iter().filter(|l| l.depth == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(from: &str, to: &str, eq: Option<bool>, status: Status) -> Link {
        Link {
            from: from.into(),
            to: to.into(),
            title: None,
            status: Some(status),
            is_equivalent: eq,
            equivalence: equivalence(eq),
            notes: None,
            mapping_date: None,
            depth: 1,
        }
    }

    #[test]
    fn replacements_carry_the_equivalence_of_the_whole_path_and_survive_cycles() {
        let s = Supersession {
            superseded_by: vec![
                link("A", "B", Some(true), Status::Superseded),
                link("B", "C", Some(false), Status::Current),
                link("B", "D", Some(true), Status::Current),
                link("C", "A", Some(true), Status::Superseded), // a cycle back to the start
            ],
            supersedes: vec![],
            truncated: false,
        };
        let r = s.replacements("A");
        let got: Vec<(&str, Option<bool>, i64)> = r
            .iter()
            .map(|r| (r.code.as_str(), r.is_equivalent, r.hops))
            .collect();
        assert_eq!(got, vec![("C", Some(false), 2), ("D", Some(true), 2)]);
        assert_eq!(r[1].equivalence, Some(Equivalence::E));
    }
}
