//! Main-text extraction on the flat DOM.
//!
//! 1. Aggregate text and link-text lengths per subtree (one reverse pass).
//! 2. Prune boilerplate subtrees (tags such as `nav`/`aside`/`footer`, class/id hints, hidden
//!    elements), unless a subtree holds most of the page's paragraph text.
//! 3. Cut the rest into paragraphs at block boundaries; score each paragraph (length, link
//!    density, punctuation) and add the score to every ancestor of its block.
//! 4. The container with the best total (with bonuses for explicit body markers) is the
//!    article; its paragraphs that pass a per-paragraph filter are the text.

use crate::dom::*;

/// A paragraph: text run between block boundaries.
#[derive(Debug, Clone)]
pub struct Para {
    pub text: String,
    pub chars: usize,
    pub link_chars: usize,
    /// Innermost block element holding it.
    pub owner: u32,
    pub tag: Tag,
    /// Flags of the nearest ancestors (F_META / F_NEG within kept regions).
    pub flags: u16,
    /// Link characters before the first non-link text (a headline link opening a teaser).
    pub lead_link: usize,
}

#[derive(Debug, Clone, Copy)]
pub struct Params {
    pub penalty: f32,
    pub link_weight: f32,
    pub pos_bonus: f32,
    pub min_keep_chars: usize,
    pub max_link_density: f32,
    pub debug: bool,
    pub div_mult: f32,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            penalty: 25.0,
            link_weight: 1.0,
            pos_bonus: 1.2,
            min_keep_chars: 1,
            max_link_density: 0.5,
            debug: false,
            div_mult: 1.0,
        }
    }
}

fn drop_tag(t: Tag) -> bool {
    matches!(
        t,
        Tag::Nav
            | Tag::Aside
            | Tag::Footer
            | Tag::Header
            | Tag::Form
            | Tag::Button
            | Tag::Input
            | Tag::Head
            | Tag::Title
            | Tag::Meta
            | Tag::Link
            | Tag::Menu
            | Tag::Dialog
            | Tag::Media
            | Tag::Label
            | Tag::Figcaption
    )
}

pub struct BodyResult {
    pub paras: Vec<Para>,
    /// All paragraphs before container choice (for debugging).
    pub all: Vec<Para>,
    pub container: u32,
}

pub fn extract_body(dom: &Dom, title: Option<&str>, p: &Params) -> BodyResult {
    let nodes = &dom.nodes;
    let n = nodes.len();
    if n == 0 {
        return BodyResult {
            paras: Vec::new(),
            all: Vec::new(),
            container: 0,
        };
    }
    // 1. Per-subtree text outside links (bytes).
    let mut p_chars = vec![0u32; n];
    for i in (1..n).rev() {
        let Some(node) = nodes.get(i) else { continue };
        let own = if node.tag == Tag::Text && node.flags & F_IN_LINK == 0 {
            let l = node.end_text.saturating_sub(node.start_text);
            if l >= 60 { l } else { 0 }
        } else {
            0
        };
        let v = p_chars.get(i).copied().unwrap_or(0) + own;
        if let Some(x) = p_chars.get_mut(i) {
            *x = v;
        }
        if let Some(x) = p_chars.get_mut(node.parent as usize) {
            *x += v;
        }
    }
    let total_p = p_chars.first().copied().unwrap_or(0).max(1) as f32;
    // The chain from the root down to the smallest element holding most of the prose: these
    // elements are never pruned by weak hints (a wrapper class such as "has-sidebar").
    let mut on_chain = vec![false; n];
    {
        let mut cur = 0usize;
        let mut steps = 0;
        loop {
            if let Some(x) = on_chain.get_mut(cur) {
                *x = true;
            }
            let end = nodes.get(cur).map_or(0, |x| x.end as usize);
            let mut j = cur + 1;
            let mut next = None;
            while j < end {
                if p_chars.get(j).copied().unwrap_or(0) as f32 >= 0.5 * total_p {
                    next = Some(j);
                    break;
                }
                j = nodes.get(j).map_or(end, |x| (x.end as usize).max(j + 1));
            }
            steps += 1;
            match next {
                Some(c) if steps < 100_000 => cur = c,
                _ => break,
            }
        }
    }

    // Elements holding an explicit body marker (article-body classes, itemprop=articleBody,
    // role=main, <article>, <main>) with a fifth of the prose or more: a weak hint on an
    // ancestor ("has-sidebar" page wrappers, page-builder "widget" columns) does not prune them.
    let mut body_below = vec![false; n];
    for i in (1..n).rev() {
        let Some(node) = nodes.get(i) else { continue };
        let own = (node.flags & (F_POS | F_BODY) != 0
            || matches!(node.tag, Tag::Article | Tag::Main))
            && p_chars.get(i).copied().unwrap_or(0) as f32 >= 0.2 * total_p;
        let v = own || body_below.get(i).copied().unwrap_or(false);
        if let Some(x) = body_below.get_mut(i) {
            *x = v;
        }
        if v && let Some(x) = body_below.get_mut(node.parent as usize) {
            *x = true;
        }
    }

    // 2+3. Walk, pruning, collecting paragraphs.
    let mut paras: Vec<Para> = Vec::new();
    let mut cur = String::new();
    let mut cur_link = 0usize;
    let mut lead_link = 0usize;
    let mut lead_open = true;
    let mut cur_owner = 0u32;
    let mut cur_flags = 0u16;
    // stack of open block elements: (end, index)
    let mut blocks: Vec<(u32, u32)> = vec![(n as u32, 0)];
    // stack of kept-but-flagged regions: (end, flags)
    let mut regions: Vec<(u32, u16)> = Vec::new();
    let mut i = 0usize;
    let flush = |paras: &mut Vec<Para>,
                 cur: &mut String,
                 cur_link: &mut usize,
                 lead: (&mut usize, &mut bool),
                 owner: u32,
                 flags: u16| {
        let t = cur.trim();
        if !t.is_empty() {
            let chars = t.chars().count();
            let tag = nodes.get(owner as usize).map_or(Tag::Other, |x| x.tag);
            paras.push(Para {
                text: t.to_string(),
                chars,
                link_chars: (*cur_link).min(chars),
                owner,
                tag,
                flags,
                lead_link: *lead.0,
            });
        }
        cur.clear();
        *cur_link = 0;
        *lead.0 = 0;
        *lead.1 = true;
    };
    while i < n {
        // close finished blocks
        while let Some(&(end, _)) = blocks.last() {
            if (i as u32) >= end && blocks.len() > 1 {
                flush(
                    &mut paras,
                    &mut cur,
                    &mut cur_link,
                    (&mut lead_link, &mut lead_open),
                    cur_owner,
                    cur_flags,
                );
                blocks.pop();
                cur_owner = blocks.last().map_or(0, |b| b.1);
            } else {
                break;
            }
        }
        while let Some(&(end, _)) = regions.last() {
            if (i as u32) >= end {
                regions.pop();
            } else {
                break;
            }
        }
        cur_flags = regions.iter().fold(0, |a, r| a | r.1);
        let Some(node) = nodes.get(i) else { break };
        match node.tag {
            Tag::Text => {
                let t = dom.text_of(i);
                let tc = t.trim().chars().count();
                if node.flags & F_IN_LINK != 0 {
                    cur_link += tc;
                    if lead_open {
                        lead_link += tc;
                    }
                } else if tc > 0 && t.trim().chars().any(|c| c.is_alphanumeric()) {
                    lead_open = false;
                }
                cur.push_str(t);
                i += 1;
            }
            Tag::Br => {
                // A double <br> separates paragraphs; one is a line break inside one.
                let next_is_br = nodes.get(i + 1).is_some_and(|x| x.tag == Tag::Br)
                    || (nodes.get(i + 1).is_some_and(|x| {
                        x.tag == Tag::Text && dom.text_of(i + 1).trim().is_empty()
                    }) && nodes.get(i + 2).is_some_and(|x| x.tag == Tag::Br));
                if next_is_br || cur.trim().chars().count() > 0 {
                    flush(
                        &mut paras,
                        &mut cur,
                        &mut cur_link,
                        (&mut lead_link, &mut lead_open),
                        cur_owner,
                        cur_flags,
                    );
                }
                i += 1;
            }
            tag => {
                let share = p_chars.get(i).copied().unwrap_or(0) as f32 / total_p;
                let strong = node.flags & F_STRONG_NEG != 0;
                // Hidden boilerplate (a cookie dialog's policy text) is never the article.
                let hidden_neg = node.flags & F_HIDDEN != 0 && node.flags & F_NEG != 0;
                let protected = total_p > 400.0
                    && on_chain.get(i).copied().unwrap_or(false)
                    && (share > 0.85 || !strong)
                    && !hidden_neg;
                // A <header> holding a fifth of the prose is content (page builders' text blocks).
                let dropping = ((drop_tag(tag) && !(tag == Tag::Header && share >= 0.2))
                    || node.flags & F_HIDDEN != 0
                    || (node.flags & F_NEG != 0
                        && node.flags & (F_POS | F_BODY) == 0
                        && !body_below.get(i).copied().unwrap_or(false)
                        && !matches!(tag, Tag::Article | Tag::Main | Tag::Body | Tag::Html))
                    || strong)
                    && (!protected
                        || matches!(
                            tag,
                            Tag::Head | Tag::Title | Tag::Meta | Tag::Link | Tag::Media
                        ));
                if p.debug && std::env::var("TRACE").is_ok() {
                    eprintln!(
                        "{i} {tag:?} share {share:.2} drop {dropping} flags {} chain {}",
                        node.flags,
                        on_chain.get(i).copied().unwrap_or(false)
                    );
                }
                if dropping {
                    if tag.is_block() || matches!(tag, Tag::Button | Tag::Input | Tag::Label) {
                        flush(
                            &mut paras,
                            &mut cur,
                            &mut cur_link,
                            (&mut lead_link, &mut lead_open),
                            cur_owner,
                            cur_flags,
                        );
                    }
                    i = (node.end as usize).max(i + 1);
                    continue;
                }
                if node.flags & (F_NEG | F_META) != 0 {
                    regions.push((node.end, node.flags & (F_NEG | F_META)));
                }
                if tag.is_block() {
                    flush(
                        &mut paras,
                        &mut cur,
                        &mut cur_link,
                        (&mut lead_link, &mut lead_open),
                        cur_owner,
                        cur_flags,
                    );
                    blocks.push((node.end, i as u32));
                    cur_owner = i as u32;
                }
                i += 1;
            }
        }
    }
    flush(
        &mut paras,
        &mut cur,
        &mut cur_link,
        (&mut lead_link, &mut lead_open),
        cur_owner,
        cur_flags,
    );

    // Teaser cards: a heading that is all link, with the few paragraphs around it in a small
    // enclosing element ("headline + summary + byline" of another story).
    let mut card = vec![false; paras.len()];
    for (k, para) in paras.iter().enumerate() {
        if !(matches!(para.tag, Tag::H1 | Tag::H) && para.link_chars * 10 >= para.chars * 8) {
            continue;
        }
        let mut c = para.owner as usize;
        for _ in 0..4 {
            let Some(up) = nodes.get(c).map(|x| x.parent as usize) else {
                break;
            };
            let Some(upn) = nodes.get(up) else { break };
            let (lo, hi) = (up as u32, upn.end);
            let inside = |q: &Para| q.owner >= lo && q.owner < hi;
            let mut a = k;
            while a > 0 && paras.get(a - 1).is_some_and(inside) {
                a -= 1;
            }
            let mut b = k + 1;
            while paras.get(b).is_some_and(inside) {
                b += 1;
            }
            let total: usize = paras
                .get(a..b)
                .map_or(0, |s| s.iter().map(|q| q.chars).sum());
            if total > 700 {
                break;
            }
            c = up;
            if b - a > 1 {
                for x in card.get_mut(a..b).into_iter().flatten() {
                    *x = true;
                }
            }
        }
    }

    // Runs of paragraphs that open with a headline link followed by a summary.
    for k in 0..paras.len() {
        let is_teaser = |q: Option<&Para>| {
            q.is_some_and(|q| {
                q.lead_link >= 20
                    && q.lead_link + 20 < q.chars
                    && (q.tag != Tag::Li
                        || q.text.ends_with("...")
                        || q.text.ends_with('…')
                        || q.text.ends_with("[…]"))
            })
        };
        if is_teaser(paras.get(k))
            && (is_teaser(paras.get(k + 1)) || (k > 0 && is_teaser(paras.get(k - 1))))
            && let Some(x) = card.get_mut(k)
        {
            *x = true;
        }
    }
    // Stories listed as <li><article>…</article></li>.
    for (k, para) in paras.iter().enumerate() {
        let mut a = para.owner as usize;
        let mut prev = Tag::Other;
        for _ in 0..12 {
            let Some(x) = nodes.get(a) else { break };
            if x.tag == Tag::Li && prev == Tag::Article {
                if let Some(c) = card.get_mut(k) {
                    *c = true;
                }
                break;
            }
            prev = x.tag;
            a = x.parent as usize;
        }
    }

    // 3. Scores per container.
    let mut score = vec![0f32; n];
    for (k, para) in paras.iter().enumerate() {
        let mut w = para_weight(para, p);
        if card.get(k).copied().unwrap_or(false) {
            w = -(para.chars as f32) * 0.5 - p.penalty;
        }
        let mut a = para.owner as usize;
        let mut guard = 0;
        while let Some(x) = score.get_mut(a) {
            *x += w;
            a = nodes.get(a).map_or(u32::MAX, |nn| nn.parent) as usize;
            guard += 1;
            if guard > 10_000 {
                break;
            }
        }
    }
    let mut best = 0usize;
    let mut best_score = f32::MIN;
    for (i, node) in nodes.iter().enumerate() {
        if node.tag == Tag::Text {
            continue;
        }
        let mut s = score.get(i).copied().unwrap_or(0.0);
        if s <= 0.0 {
            continue;
        }
        if node.flags & (F_POS | F_BODY) != 0 || node.tag == Tag::Article {
            s *= p.pos_bonus;
        }
        if p.debug && std::env::var("TRACE").is_ok() && s > 500.0 {
            eprintln!("cand {i} {:?} {s:.0}", node.tag);
        }
        if s >= best_score {
            best_score = s;
            best = i;
        }
    }
    let (lo, hi) = match nodes.get(best) {
        Some(b) => (best as u32, b.end),
        None => (0, n as u32),
    };

    // 4. Filter paragraphs inside the container.
    let title_norm = title.map(norm);
    let all = if p.debug { paras.clone() } else { Vec::new() };
    let out: Vec<Para> = paras
        .into_iter()
        .zip(card)
        .filter(|(_, c)| !c)
        .map(|(para, _)| para)
        .filter(|para| para.owner >= lo && para.owner < hi)
        .filter(|para| keep_para(para, p, title_norm.as_deref()))
        .collect();
    // A section-end heading ("Mehr zum Thema", "Related articles") and the short or
    // link-heavy paragraphs right after it are boilerplate.
    let mut out = out;
    let mut k = 0;
    while k < out.len() {
        let is_end = out
            .get(k)
            .is_some_and(|q| q.chars < 60 && q.link_chars * 2 <= q.chars && section_end(&q.text));
        if !is_end {
            k += 1;
            continue;
        }
        let mut e = k + 1;
        while out
            .get(e)
            .is_some_and(|q| q.chars < 100 || q.link_chars * 2 > q.chars)
            && !out
                .get(e)
                .is_some_and(|q| matches!(q.tag, Tag::H | Tag::H1) && !section_end(&q.text))
        {
            e += 1;
        }
        out.drain(k..e);
    }
    // No article: only headings or scraps left.
    let total: usize = out.iter().map(|x| x.chars).sum();
    let longest = out.iter().map(|x| x.chars).max().unwrap_or(0);
    let out = if total < 120 && longest < 60 {
        Vec::new()
    } else {
        out
    };
    BodyResult {
        paras: out,
        all,
        container: best as u32,
    }
}

fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(|c| c.to_lowercase())
        .collect()
}

fn para_weight(para: &Para, p: &Params) -> f32 {
    let chars = para.chars as f32;
    let link = para.link_chars as f32;
    let mut w = (chars - link) - p.link_weight * link - p.penalty;
    if w > 0.0 {
        w *= match para.tag {
            Tag::P | Tag::Blockquote | Tag::Pre => 1.5,
            Tag::H1 | Tag::H | Tag::Li | Tag::Dd | Tag::Cell => 1.0,
            _ => p.div_mult,
        };
    }
    w
}

fn keep_para(para: &Para, p: &Params, title: Option<&str>) -> bool {
    if para.chars < p.min_keep_chars {
        return false;
    }
    let ld = para.link_chars as f32 / para.chars.max(1) as f32;
    if ld > p.max_link_density {
        return false;
    }
    if let Some(t) = title
        && matches!(para.tag, Tag::H1 | Tag::H)
        && norm(&para.text) == t
    {
        return false;
    }
    if para.text.starts_with('<') && para.text.contains('>') {
        return false;
    }
    if para.chars < 60 && is_boiler_phrase(&para.text) {
        return false;
    }
    true
}

static SECTION_ENDS: std::sync::LazyLock<rustc_hash::FxHashSet<String>> =
    std::sync::LazyLock::new(|| {
        claimtrace_text::data::file("mul/boilerplate/section_ends.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(norm_words)
            .collect()
    });

/// Lowercase words, punctuation dropped ("Das könnte Dich auch interessieren …" →
/// "das könnte dich auch interessieren").
fn norm_words(s: &str) -> String {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

fn section_end(s: &str) -> bool {
    SECTION_ENDS.contains(&norm_words(s))
}

fn is_boiler_phrase(s: &str) -> bool {
    let l = s.to_lowercase();
    let l = l.trim_matches(|c: char| !c.is_alphanumeric());
    const EXACT: &[&str] = &[
        "advertisement",
        "advertising",
        "ad",
        "share",
        "share this",
        "share this article",
        "share on facebook",
        "share on twitter",
        "tweet",
        "email",
        "print",
        "comments",
        "read more",
        "continue reading",
        "related",
        "related articles",
        "related stories",
        "sponsored",
        "subscribe",
        "sign up",
        "story continues below advertisement",
        "click to share",
        "skip to content",
        "loading",
        "anzeige",
        "publicité",
        "publicidad",
        "werbung",
    ];
    EXACT.contains(&l)
}
