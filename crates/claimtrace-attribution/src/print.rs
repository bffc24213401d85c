//! One line per attribution, indented by nesting:
//! `the Guardian  ─according to→  Abu Bakr al Baghdadi survived … [asserted]`.

use claimtrace_core::Doc;

fn squash(s: &str, max: usize) -> String {
    let mut out = String::new();
    for (i, w) in s.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(w);
    }
    if out.chars().count() > max {
        let mut t: String = out.chars().take(max).collect();
        t.push('…');
        t
    } else {
        out
    }
}

/// The `claims` listing of a document (empty string if it has no attributions).
pub fn claims(doc: &Doc, max_content: usize) -> String {
    let n = doc.attributions.len();
    let mut depth = vec![0usize; n];
    for (i, d) in depth.iter_mut().enumerate() {
        let mut p = doc.attributions.get(i).and_then(|a| a.parent);
        let mut k = 0;
        while let Some(pi) = p {
            k += 1;
            if k > 16 {
                break;
            }
            p = doc.attributions.get(pi as usize).and_then(|a| a.parent);
        }
        *d = k;
    }
    // children right after their parent
    let mut order: Vec<usize> = Vec::with_capacity(n);
    fn visit(doc: &Doc, i: usize, order: &mut Vec<usize>, seen: &mut [bool]) {
        if seen.get(i).copied().unwrap_or(true) {
            return;
        }
        if let Some(s) = seen.get_mut(i) {
            *s = true;
        }
        order.push(i);
        for (j, a) in doc.attributions.iter().enumerate() {
            if a.parent == Some(i as u32) {
                visit(doc, j, order, seen);
            }
        }
    }
    let mut seen = vec![false; n];
    for (i, a) in doc.attributions.iter().enumerate() {
        if a.parent.is_none_or(|p| p as usize >= n) {
            visit(doc, i, &mut order, &mut seen);
        }
    }
    for i in 0..n {
        visit(doc, i, &mut order, &mut seen);
    }
    let mut out = String::new();
    for i in order {
        let Some(a) = doc.attributions.get(i) else {
            continue;
        };
        let mention = a.source.map(|s| doc.span_text(s)).unwrap_or("");
        let entity = a
            .source_id
            .and_then(|s| doc.sources.get(s as usize))
            .map(|s| s.entity.as_str())
            .unwrap_or("");
        let mut who = if !entity.is_empty() {
            if !mention.is_empty() && !mention.to_lowercase().contains(&entity.to_lowercase()) {
                format!("{entity} («{}»)", squash(mention, 40))
            } else {
                entity.to_owned()
            }
        } else if !mention.is_empty() {
            if a.source_type == "person" {
                format!("«{}» (unknown)", squash(mention, 40))
            } else {
                squash(mention, 60)
            }
        } else {
            "(no source)".into()
        };
        if let Some(ch) = &a.channel {
            who.push_str(&format!(" via {ch}"));
        }
        let cue = a
            .cue
            .map(|c| squash(doc.span_text(c), 30))
            .unwrap_or_default();
        let content = squash(doc.span_text(a.content), max_content);
        let cert = match a.hedge {
            Some(h) => format!("[{}: {}]", a.certainty, squash(doc.span_text(h), 30)),
            None => format!("[{}]", a.certainty),
        };
        let cert = match &a.act {
            Some(act) => format!("{cert} {{{act}}}"),
            None => cert,
        };
        let indent = "    ".repeat(depth.get(i).copied().unwrap_or(0));
        out.push_str(&format!(
            "{indent}{who}  ─{cue}→  {content} {cert} ({})\n",
            a.kind
        ));
    }
    out
}
