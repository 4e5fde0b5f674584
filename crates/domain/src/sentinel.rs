//! SENTINEL-02: a cycle's end totals against its start-of-cycle baselines. A sharp drop
//! means the upstream answered short (a partial outage), not that the sector shrank: the
//! run is marked `partial`, the drop leads the cycle email, and nothing is mass-deleted.

use serde::Serialize;

/// The default threshold: a drop of more than 10% between baseline and end total.
pub const DEFAULT_DROP_THRESHOLD_PCT: f64 = 10.0;

/// A drop beyond the threshold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VolumeDrop {
    pub metric: String,
    pub baseline: i64,
    pub observed: i64,
    pub drop_pct: f64,
    pub threshold_pct: f64,
}

/// `Some` when `observed` fell more than `threshold_pct` percent below `baseline`.
/// A zero baseline (first ever cycle) never fires.
pub fn check(metric: &str, baseline: i64, observed: i64, threshold_pct: f64) -> Option<VolumeDrop> {
    if baseline <= 0 || observed >= baseline {
        return None;
    }
    let drop_pct = (baseline - observed) as f64 * 100.0 / baseline as f64;
    (drop_pct > threshold_pct).then(|| VolumeDrop {
        metric: metric.to_owned(),
        baseline,
        observed,
        drop_pct: (drop_pct * 100.0).round() / 100.0,
        threshold_pct,
    })
}

/// One RTO's scope: an enrichment that lists far fewer scope rows than the RTO holds is
/// more likely a short upstream answer than a regulator removing most of a scope at once.
/// Below this many held rows, swings are ordinary and the sweep always runs.
pub const SCOPE_GUARD_MIN_HELD: u64 = 20;
/// ... and the drop (percent of the held rows) beyond which the sweep is withheld.
pub const SCOPE_GUARD_DROP_PCT: f64 = 50.0;

/// `Some(reason)` when an enrichment listing `listed` scope rows must not sweep away the
/// `held` ones (the stale-scope delete is skipped; new rows are still written).
pub fn scope_guard(held: u64, listed: u64) -> Option<String> {
    if held < SCOPE_GUARD_MIN_HELD {
        return None;
    }
    let drop = check(
        "rto_scope",
        held as i64,
        listed as i64,
        SCOPE_GUARD_DROP_PCT,
    )?;
    Some(format!(
        "upstream listed {listed} scope rows where {held} are held ({:.0}% fewer): the held \
         scope is kept, not swept (SENTINEL); the next enrichment looks again",
        drop.drop_pct
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_forty_percent_drop_fires_and_small_moves_do_not() {
        let d = check(
            "tga_organisations",
            12_500,
            7_500,
            DEFAULT_DROP_THRESHOLD_PCT,
        )
        .unwrap();
        assert_eq!(d.drop_pct, 40.0);
        assert!(check(
            "tga_organisations",
            12_500,
            12_400,
            DEFAULT_DROP_THRESHOLD_PCT
        )
        .is_none());
        assert!(check(
            "tga_organisations",
            12_500,
            13_000,
            DEFAULT_DROP_THRESHOLD_PCT
        )
        .is_none());
        assert!(check("tga_organisations", 0, 0, DEFAULT_DROP_THRESHOLD_PCT).is_none());
        assert!(check("x", 100, 89, 10.0).is_some());
        assert!(check("x", 100, 90, 10.0).is_none());
    }

    #[test]
    fn scope_guard_keeps_a_large_scope_from_an_empty_or_halved_answer() {
        assert!(
            scope_guard(500, 0).is_some(),
            "an empty answer for a big scope"
        );
        assert!(scope_guard(500, 240).is_some());
        assert!(scope_guard(500, 260).is_none(), "a 48% cut is believed");
        assert!(scope_guard(19, 0).is_none(), "small scopes swing");
        assert!(scope_guard(0, 0).is_none());
        assert!(scope_guard(100, 150).is_none());
    }
}
