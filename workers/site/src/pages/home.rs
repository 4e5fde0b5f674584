//! `/`: the corpus at a glance and a search box.
//!
//! The figures are internal-api's `/catalogue/stats` (the newest weekly snapshot), kept
//! in `SEARCH_CACHE` for anonymous visitors: they change once a week, and the home page
//! is the most visited page.

use maud::{html, Markup};
use rtopacks_catalogue::Stats;
use rtopacks_web::components::get_form;
use rtopacks_web::{text, Html};

use crate::cache::STATS_KEY;
use crate::ctx::Ctx;
use crate::pages::search::search_box;
use crate::view::{self, page};

pub async fn show(ctx: &Ctx<'_>) -> Html {
    let cached = if ctx.anonymous() {
        ctx.cache.get::<Stats>(STATS_KEY).await
    } else {
        None
    };
    let stats = match cached {
        Some(s) => Some(s),
        None => match ctx.catalogue::<Stats>("/catalogue/stats").await {
            Ok(s) => {
                // Cached once there is a snapshot: before it, every visit asks again.
                if ctx.anonymous() && s.counted_at.is_some() {
                    ctx.cache.put(STATS_KEY, &s).await;
                }
                Some(s)
            }
            Err(e) => {
                // The search box works without the figures: say so, keep the page.
                worker::console_error!("site: home: stats: {e}");
                None
            }
        },
    };
    let body = html! {
        p.lead {
            "Every qualification, unit of competency, skill set, accredited course and RTO on "
            "Australia's national register of vocational education and training, with CRICOS "
            "courses for international students. Search it, see what replaced what, and who "
            "delivers it."
        }
        (get_form("/search", search_box("")))
        h2 { "What's in the register" }
        (figures(stats.as_ref()))
        h2 { "For RTOs" }
        p {
            "Work at an RTO? Find its page and claim it with your work email address, then sign "
            "in to your RTOpacks workspace to follow your scope and what supersession means for it. "
            a href="/waitlist" { "Join the waitlist" } " to hear when the workspace opens."
        }
    };
    page("/", "Australian VET qualifications, units and RTOs", body)
        .heading("The national VET register, searchable")
        .into_html()
}

fn figures(stats: Option<&Stats>) -> Markup {
    let Some(s) = stats else {
        return html! {
            p.empty { "The figures can't be shown just now. Search works all the same." }
        };
    };
    let items: [(Option<i64>, &str, &str); 7] = [
        (s.qualifications, "qualification", "qualifications"),
        (s.units, "unit of competency", "units of competency"),
        (s.skill_sets, "skill set", "skill sets"),
        (
            s.accredited_courses,
            "accredited course",
            "accredited courses",
        ),
        (
            s.current_rtos,
            "registered training organisation",
            "registered training organisations",
        ),
        (s.cricos_courses, "CRICOS course", "CRICOS courses"),
        (s.training_packages, "training package", "training packages"),
    ];
    html! {
        ul.stats {
            @for (n, one, many) in items {
                @if let Some(n) = n {
                    @let n = n.max(0) as u64;
                    li { strong { (text::count(n)) } (if n == 1 { one } else { many }) }
                }
            }
        }
        @if s.counted_at.is_none() {
            p.empty { "The training.gov.au figures appear once the first weekly sync has finished." }
        }
        (view::freshness(&s.freshness))
    }
}
