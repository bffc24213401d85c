//! Terminal tree and Graphviz renderings of a [`Provenance`].

use crate::model::{NodeKind, Provenance};
use rustc_hash::{FxHashMap, FxHashSet};
use std::fmt::Write;

fn label(p: &Provenance, id: &str) -> String {
    match p.nodes.iter().find(|n| n.id == id) {
        Some(n) if n.kind == NodeKind::External => {
            format!("{} [external: {}]", id, n.outlet.as_deref().unwrap_or("?"))
        }
        Some(n) => format!(
            "{} ({}, {}, {})",
            id,
            n.outlet.as_deref().unwrap_or("?"),
            n.lang.as_deref().unwrap_or("?"),
            n.published.as_deref().unwrap_or("undated")
        ),
        None => id.to_string(),
    }
}

fn short(s: &str, n: usize) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() <= n {
        s
    } else {
        let mut o: String = s.chars().take(n).collect();
        o.push('…');
        o
    }
}

/// A readable tree: from the origin (then any other root) down the "re-reported by" edges,
/// each with its evidence kinds and drift; nodes already shown are referenced, not repeated.
pub fn render_tree(p: &Provenance) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "story {}: {} nodes, {} edges, {} claims; origin: {}",
        p.story,
        p.nodes.len(),
        p.edges.len(),
        p.claims.len(),
        p.origin.as_deref().unwrap_or("-")
    );
    if let Some(ind) = &p.independence {
        let _ = writeln!(out, "independence: {}", ind.summary);
        for r in &ind.articles {
            let what = match r.role {
                crate::independence::Role::Original => "original".to_string(),
                crate::independence::Role::Reprint => {
                    format!("reprint of {}", r.derives_from.join(", "))
                }
                crate::independence::Role::ReReport => {
                    format!("re-reports {}", r.derives_from.join(", "))
                }
            };
            let added = if r.role == crate::independence::Role::Original {
                String::new()
            } else if r.new_reporting {
                let mut new: Vec<String> = r.new_sources.clone();
                new.extend(r.new_quotes.iter().map(|q| format!("quote {q}")));
                format!("; adds new reporting ({})", new.join("; "))
            } else {
                "; only restates".to_string()
            };
            let _ = writeln!(
                out,
                "  {} ({}): {what}{added}; origin {}",
                r.article,
                r.outlet.as_deref().unwrap_or("-"),
                r.origin
            );
        }
        for c in &ind.claims {
            let _ = writeln!(out, "  claim {}: {}", c.claim, c.summary);
        }
    }
    let mut children: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
    let mut has_parent: FxHashSet<&str> = FxHashSet::default();
    for (i, e) in p.edges.iter().enumerate() {
        children.entry(e.from.as_str()).or_default().push(i);
        has_parent.insert(e.to.as_str());
    }
    let mut roots: Vec<&str> = Vec::new();
    if let Some(o) = p.origin.as_deref() {
        roots.push(o);
    }
    for n in &p.nodes {
        if !has_parent.contains(n.id.as_str()) && !roots.contains(&n.id.as_str()) {
            roots.push(n.id.as_str());
        }
    }
    let mut shown: FxHashSet<&str> = FxHashSet::default();
    for r in roots {
        if shown.contains(r) {
            continue;
        }
        let _ = writeln!(out, "{}", label(p, r));
        shown.insert(r);
        walk(p, r, &children, &mut shown, "", &mut out, 0);
    }
    // Nodes only reachable through cycles.
    for n in &p.nodes {
        if !shown.contains(n.id.as_str()) {
            let _ = writeln!(out, "{} (in a cycle)", label(p, &n.id));
        }
    }
    if !p.claims.is_empty() {
        let _ = writeln!(out, "claims:");
        for c in &p.claims {
            let _ = writeln!(
                out,
                "  {} [{} reports, from {}] {}",
                c.id,
                c.members.len(),
                c.origin.as_deref().unwrap_or("-"),
                short(&c.text, 100)
            );
        }
    }
    out
}

fn walk<'a>(
    p: &'a Provenance,
    id: &str,
    children: &FxHashMap<&str, Vec<usize>>,
    shown: &mut FxHashSet<&'a str>,
    prefix: &str,
    out: &mut String,
    depth: usize,
) {
    let Some(kids) = children.get(id) else { return };
    for (k, &ei) in kids.iter().enumerate() {
        let Some(e) = p.edges.get(ei) else { continue };
        let last = k + 1 == kids.len();
        let (branch, cont) = if last {
            ("└─ ", "   ")
        } else {
            ("├─ ", "│  ")
        };
        let mut kinds: Vec<&str> = e.evidence.iter().map(|x| x.kind.as_str()).collect();
        kinds.dedup();
        let seen_before = shown.contains(e.to.as_str());
        let _ = writeln!(
            out,
            "{prefix}{branch}{} [{}]{}",
            label(p, &e.to),
            kinds.join(", "),
            if seen_before { " (see above)" } else { "" }
        );
        let sub = format!("{prefix}{cont}");
        if let Some(x) = e.evidence.first()
            && !x.text.is_empty()
        {
            let _ = writeln!(out, "{sub}  evidence: \"{}\"", short(&x.text, 90));
        }
        for d in &e.drift {
            let _ = writeln!(
                out,
                "{sub}  drift {}: \"{}\" → \"{}\"",
                d.kind.as_str(),
                short(&d.before, 60),
                short(&d.after, 60)
            );
        }
        if !seen_before && depth < 64 {
            shown.insert(e.to.as_str());
            walk(p, &e.to, children, shown, &sub, out, depth + 1);
        }
    }
}

fn dot_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' | '\r' => o.push(' '),
            _ => o.push(c),
        }
    }
    o
}

/// Graphviz: articles as boxes, external outlets as ellipses, the origin in bold; edges
/// labelled with evidence kinds and drift kinds.
pub fn to_dot(p: &Provenance) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "digraph story_{} {{", p.story);
    let _ = writeln!(out, "  rankdir=LR;\n  node [fontsize=10];");
    for n in &p.nodes {
        let shape = match n.kind {
            NodeKind::Article => "box",
            NodeKind::External => "ellipse",
        };
        let bold = if p.origin.as_deref() == Some(n.id.as_str()) {
            ", style=bold, penwidth=2"
        } else {
            ""
        };
        let lab = match n.kind {
            NodeKind::Article => format!(
                "{}\\n{} {}",
                dot_escape(&n.id),
                dot_escape(n.lang.as_deref().unwrap_or("?")),
                dot_escape(n.published.as_deref().unwrap_or("undated"))
            ),
            NodeKind::External => dot_escape(n.outlet.as_deref().unwrap_or(&n.id)),
        };
        let _ = writeln!(
            out,
            "  \"{}\" [shape={shape}, label=\"{lab}\"{bold}];",
            dot_escape(&n.id)
        );
    }
    for e in &p.edges {
        let mut kinds: Vec<&str> = e.evidence.iter().map(|x| x.kind.as_str()).collect();
        kinds.dedup();
        let mut drift: Vec<&str> = e.drift.iter().map(|d| d.kind.as_str()).collect();
        drift.sort_unstable();
        drift.dedup();
        let mut lab = kinds.join(",");
        if !drift.is_empty() {
            lab.push_str("\\n");
            lab.push_str(&drift.join(","));
        }
        let _ = writeln!(
            out,
            "  \"{}\" -> \"{}\" [label=\"{}\"];",
            dot_escape(&e.from),
            dot_escape(&e.to),
            lab
        );
    }
    out.push_str("}\n");
    out
}
