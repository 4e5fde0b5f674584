//! Data tables and the pager under them.

use maud::{html, Markup};

use crate::form::{Query, CURSOR};

/// One table row: its cells (built with `html!`, so already escaped) and whether it is
/// dimmed (old runs in the observatory).
#[derive(Debug, Clone)]
pub struct Row {
    pub cells: Vec<Markup>,
    pub dim: bool,
}

impl Row {
    pub fn new(cells: Vec<Markup>) -> Row {
        Row { cells, dim: false }
    }

    pub fn dim(self, dim: bool) -> Row {
        Row { dim, ..self }
    }
}

/// A table with a caption and `scope="col"` headers, in a wrapper that scrolls
/// sideways on narrow screens rather than breaking the page.
pub fn table(caption: &str, headers: &[&str], rows: &[Row]) -> Markup {
    html! {
        div.table-wrap {
            table {
                caption { (caption) }
                thead {
                    tr {
                        @for h in headers {
                            th scope="col" { (h) }
                        }
                    }
                }
                tbody {
                    @for row in rows {
                        tr class=[row.dim.then_some("dim")] {
                            @for cell in &row.cells {
                                td { (cell) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Seek paging: "Next page" to `path` with this query's `cursor` replaced by
/// `next_cursor` (other parameters kept), and "First page" once past the first. Empty
/// when there is only one page.
pub fn pager(path: &str, query: &Query, next_cursor: Option<&str>) -> Markup {
    let first = query.get(CURSOR).map(|_| query.without(CURSOR).href(path));
    let next = next_cursor
        .filter(|c| !c.is_empty())
        .map(|c| query.with(CURSOR, c).href(path));
    if first.is_none() && next.is_none() {
        return html! {};
    }
    html! {
        nav.pager aria-label="Pagination" {
            @if let Some(href) = first {
                a href=(href) { "First page" }
            }
            @if let Some(href) = next {
                a href=(href) rel="next" { "Next page" }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::components::hostile;

    #[test]
    fn tables_have_captions_and_scoped_headers() {
        let rows = [
            Row::new(vec![
                html! { "r1" },
                html! { a href="/runs/r1" { "detail" } },
            ]),
            Row::new(vec![html! { "r0" }, html! { "old" }]).dim(true),
        ];
        let html = table("Recent runs", &["Run", "Status"], &rows).into_string();
        assert_eq!(
            html,
            "<div class=\"table-wrap\"><table><caption>Recent runs</caption>\
             <thead><tr><th scope=\"col\">Run</th><th scope=\"col\">Status</th></tr></thead>\
             <tbody><tr><td>r1</td><td><a href=\"/runs/r1\">detail</a></td></tr>\
             <tr class=\"dim\"><td>r0</td><td>old</td></tr></tbody></table></div>"
        );
    }

    #[test]
    fn the_pager_keeps_other_parameters() {
        let q = Query::parse("q=diploma+of+business&type=qualification");
        let html = pager("/search", &q, Some("c2/+=")).into_string();
        assert_eq!(
            html,
            "<nav class=\"pager\" aria-label=\"Pagination\">\
             <a href=\"/search?q=diploma+of+business&amp;type=qualification&amp;cursor=c2%2F%2B%3D\" \
             rel=\"next\">Next page</a></nav>"
        );
        let q = q.with(CURSOR, "c2");
        let html = pager("/search", &q, None).into_string();
        assert!(html.contains(
            "<a href=\"/search?q=diploma+of+business&amp;type=qualification\">First page</a>"
        ));
        assert!(!html.contains("Next page"));
        assert_eq!(pager("/search", &Query::default(), None).into_string(), "");
        assert_eq!(
            pager("/search", &Query::default(), Some("")).into_string(),
            ""
        );
    }

    #[test]
    fn hostile_values_stay_text() {
        for h in hostile::INPUTS {
            let rows = [Row::new(vec![html! { (h) }])];
            hostile::assert_inert(&table(h, &[h], &rows).into_string(), h);
            let q = Query::from_pairs([("q", h)]).with(CURSOR, h);
            hostile::assert_inert(&pager(h, &q, Some(h)).into_string(), h);
        }
    }
}
