//! A compact, flat copy of the parsed DOM: nodes in document (pre-)order, each with its parent
//! and the end of its subtree, so every later pass is a loop, never a recursion.

use dom_query::{Document, NodeData, NodeId, NodeRef};
use regex::Regex;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    Root,
    Text,
    Other,
    A,
    P,
    Div,
    Section,
    Article,
    Main,
    Li,
    List,
    H1,
    H,
    Blockquote,
    Pre,
    Cell,
    Row,
    Table,
    Br,
    Nav,
    Aside,
    Footer,
    Header,
    Form,
    Button,
    Figure,
    Figcaption,
    Input,
    Head,
    Title,
    Meta,
    Link,
    Time,
    Html,
    Body,
    Dl,
    Dd,
    Dt,
    Hr,
    Menu,
    Dialog,
    Address,
    Media,
    Label,
    Caption,
    Span,
    Inline,
}

impl Tag {
    fn from_name(n: &str) -> Tag {
        match n {
            "a" => Tag::A,
            "p" => Tag::P,
            "div" => Tag::Div,
            "section" => Tag::Section,
            "article" => Tag::Article,
            "main" => Tag::Main,
            "li" => Tag::Li,
            "ul" | "ol" => Tag::List,
            "h1" => Tag::H1,
            "h2" | "h3" | "h4" | "h5" | "h6" | "hgroup" => Tag::H,
            "blockquote" => Tag::Blockquote,
            "pre" => Tag::Pre,
            "td" | "th" => Tag::Cell,
            "tr" => Tag::Row,
            "table" | "tbody" | "thead" | "tfoot" => Tag::Table,
            "br" => Tag::Br,
            "nav" => Tag::Nav,
            "aside" => Tag::Aside,
            "footer" => Tag::Footer,
            "header" => Tag::Header,
            "form" => Tag::Form,
            "button" => Tag::Button,
            "figure" => Tag::Figure,
            "figcaption" => Tag::Figcaption,
            "input" | "select" | "textarea" | "option" | "optgroup" | "fieldset" | "legend" => {
                Tag::Input
            }
            "head" => Tag::Head,
            "title" => Tag::Title,
            "meta" => Tag::Meta,
            "link" => Tag::Link,
            "time" => Tag::Time,
            "html" => Tag::Html,
            "body" => Tag::Body,
            "dl" => Tag::Dl,
            "dd" => Tag::Dd,
            "dt" => Tag::Dt,
            "hr" => Tag::Hr,
            "menu" => Tag::Menu,
            "dialog" => Tag::Dialog,
            "address" => Tag::Address,
            "video" | "audio" | "img" | "picture" | "source" | "embed" | "map" | "area"
            | "track" | "svg" | "canvas" | "iframe" | "object" | "noscript" | "script"
            | "style" | "template" | "math" => Tag::Media,
            "label" => Tag::Label,
            "caption" | "summary" | "details" | "center" | "dir" | "output" => Tag::Caption,
            "span" => Tag::Span,
            "b" | "i" | "em" | "strong" | "u" | "small" | "sup" | "sub" | "abbr" | "cite" | "q"
            | "mark" | "code" | "font" | "s" | "del" | "ins" | "big" | "tt" | "var" | "kbd"
            | "samp" | "dfn" | "bdi" | "bdo" | "data" | "nobr" | "strike" | "wbr" => Tag::Inline,
            _ => Tag::Other,
        }
    }

    /// Starts a new paragraph when entered or left.
    pub fn is_block(self) -> bool {
        matches!(
            self,
            Tag::P
                | Tag::Div
                | Tag::Section
                | Tag::Article
                | Tag::Main
                | Tag::Li
                | Tag::List
                | Tag::H1
                | Tag::H
                | Tag::Blockquote
                | Tag::Pre
                | Tag::Cell
                | Tag::Row
                | Tag::Table
                | Tag::Nav
                | Tag::Aside
                | Tag::Footer
                | Tag::Header
                | Tag::Form
                | Tag::Figure
                | Tag::Figcaption
                | Tag::Body
                | Tag::Dl
                | Tag::Dd
                | Tag::Dt
                | Tag::Hr
                | Tag::Menu
                | Tag::Dialog
                | Tag::Address
                | Tag::Caption
                | Tag::Html
                | Tag::Root
        )
    }
}

/// Class/id or attributes say "boilerplate".
pub const F_NEG: u16 = 1;
/// Class/id says "article body".
pub const F_POS: u16 = 2;
/// Hidden by attribute or inline style.
pub const F_HIDDEN: u16 = 4;
/// Inside an `<a>` (inherited).
pub const F_IN_LINK: u16 = 8;
/// Inside `<pre>` (inherited): whitespace kept.
pub const F_IN_PRE: u16 = 16;
/// Weaker boilerplate hint (metadata lines, bylines, captions).
pub const F_META: u16 = 32;
/// Page-level comment section or other strong boilerplate.
pub const F_STRONG_NEG: u16 = 64;
/// `itemprop=articleBody` or similar explicit body markers.
pub const F_BODY: u16 = 128;

#[derive(Debug, Clone)]
pub struct Node {
    pub tag: Tag,
    pub parent: u32,
    /// Exclusive end of this node's subtree in `Dom::nodes`.
    pub end: u32,
    /// For text nodes: byte range in `Dom::text`.
    pub start_text: u32,
    pub end_text: u32,
    pub flags: u16,
}

/// Metadata-relevant attributes met while flattening.
#[derive(Debug, Default)]
pub struct RawMeta {
    pub html_lang: Option<String>,
    pub title_node: Option<u32>,
    /// (key, content) from `<meta name|property|itemprop|http-equiv=... content=...>`.
    pub metas: Vec<(String, String)>,
    pub canonical: Option<String>,
    /// `<time datetime>` values (first few), with a flag for `itemprop=datePublished`/pubdate.
    pub times: Vec<(String, bool)>,
    /// Elements naming an author: rel=author links, itemprop=author, byline classes.
    pub author_nodes: Vec<(u32, u8)>,
    /// `content`/`datetime` of elements with `itemprop` (non-meta), e.g. datePublished.
    pub itemprops: Vec<(String, String)>,
    /// Elements whose class/id names a date (`date`, `datum`, `posted`, `published`,
    /// `dateline`, `byline`, post-meta…) and `<time>` elements, in document order (first 32):
    /// their text is read for written dates.
    pub date_nodes: Vec<u32>,
}

pub struct Dom {
    pub nodes: Vec<Node>,
    pub text: String,
    pub meta: RawMeta,
}

static NEG_STRONG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"comment([^a]|a[^r]|$)|disqus|share|sharing|social|cookie|consent|gdpr|newsletter|related|recommend|",
        r"outbrain|taboola|advert|sponsor|promo|sidebar|side-bar|breadcrumb|footer|navbar|navigation|",
        r"(^|[\s_-])nav([\s_-]|$)|(^|[\s_-])menu|popup|modal|subscribe|signup|sign-up|trending|",
        r"most-?popular|most-?read|more-?stories|read-?more|also-?read|read-?next|widget|banner|",
        r"(^|[\s_-])ads?([\s_-]|$)|adslot|ad-slot|ad-container|ad-wrapper|dfp|teaser|jump-?link|",
        r"skip-?link|pagination|pager|toolbar|print-?only|visually-?hidden|sr-only|screen-?reader|",
        r"(^|[\s_-])tags([\s_-]|$)|(^|\s)tag(\s|$)|tag-?(list|cloud|links)|(^|\s)topics|keywords|rating|login|register|masthead|",
        r"(^|\s)(is-|u-)?hidden(\s|$)|carousel|slideshow|gallery|follow|donate|newsletter|",
        r"author-?bio|about-?the-?author|bio-?box|signature|more-from|partner|feedback|survey|",
        r"(^|[\s_-])header([\s_-]|$)|site-header|page-header|top-?bar|flyout|dropdown|",
        r"(^|[\s_-])byline|dateline|timestamp|(^|[\s_-])date(\s|_|$|-(header|info|time|stamp|meta|published|updated|line|wrap|wrapper|box|block|author)\b)|(^|[\s_-])meta([\s_-]|$)|article-?meta|post-?meta|entry-?meta|",
        r"caption|credit|(^|[\s_-])wp-caption|inline-?media|video|player|embed"
    ))
    .expect("static regex")
});

static POS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"article-?body|articlebody|article__body|story-?body|post-?body|entry-?content|post-?content|",
        r"article-?content|story-?content|content-?body|main-?content|article-?text|body-?text|",
        r"story-?text|post-?text|rich-?text|article__content|articletext|storytext|field-?body|",
        r"text-?body|article-?main|(^|[\s_-])prose([\s_-]|$)|entry-?body|blog-?post|single-?post"
    ))
    .expect("static regex")
});

static META_HINT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(^|[\s_-])byline|dateline|timestamp|(^|[\s_-])date(\s|_|$|-(header|info|time|stamp|meta|published|updated|line|wrap|wrapper|box|block|author)\b)|(^|[\s_-])meta([\s_-]|$)|article-?meta|post-?meta|entry-?meta|caption|credit|(^|[\s_-])header([\s_-]|$)")
        .expect("static regex")
});

static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(^|[\s_-])byline|(^|[\s_-])author([\s_-]|s?$|name)|contributor|(^|[\s_-])by-?line")
        .expect("static regex")
});

static DATE_HINT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"date|datum|time|posted|publish|byline|fecha|tanggal|(^|[\s_-])(post|entry|article)?-?meta([\s_-]|$)|(^|[\s_-])(post|entry|article)-?(info|meta)")
        .expect("static regex")
});

/// Not a node flag: marks a byline-like class in [`classify_hint`]'s result.
const HINT_BYLINE: u16 = 1 << 15;
/// Not a node flag: marks a date-like class in [`classify_hint`]'s result.
const HINT_DATE: u16 = 1 << 14;

/// Flags implied by a lowercased `class id` string.
fn classify_hint(hint: &str) -> u16 {
    let mut f = 0;
    if POS.is_match(hint) {
        f |= F_POS;
    }
    if NEG_STRONG.is_match(hint) {
        f |= F_NEG;
        if META_HINT.is_match(hint) {
            f |= F_META;
        }
        // "commentary" is an opinion article, not a comment section.
        let h = hint.replace("commentary", "");
        if [
            "comment", "related", "cookie", "consent", "outbrain", "taboola",
        ]
        .iter()
        .any(|k| h.contains(k))
        {
            f |= F_STRONG_NEG;
        }
    }
    if BYLINE.is_match(hint) {
        f |= HINT_BYLINE;
    }
    if DATE_HINT.is_match(hint) {
        f |= HINT_DATE;
    }
    f
}

fn push_collapsed(buf: &mut String, s: &str, pre: bool) {
    if pre {
        buf.push_str(s);
        return;
    }
    let mut ws = false;
    for c in s.chars() {
        if c.is_whitespace() {
            ws = true;
        } else {
            if ws {
                buf.push(' ');
                ws = false;
            }
            buf.push(c);
        }
    }
    if ws {
        buf.push(' ');
    }
}

/// Flattens a parsed document, iteratively.
pub fn flatten(doc: &Document) -> Dom {
    let tree = &doc.tree;
    let cap = tree.len();
    let mut nodes: Vec<Node> = Vec::with_capacity(cap);
    let mut text = String::new();
    let mut meta = RawMeta::default();
    // Stack of (node id, parent index in `nodes`).
    let mut stack: Vec<(NodeId, u32)> = vec![(doc.root().id, u32::MAX)];
    let mut hint = String::new();
    let mut cache: rustc_hash::FxHashMap<String, u16> = rustc_hash::FxHashMap::default();
    while let Some((id, parent)) = stack.pop() {
        let idx = nodes.len() as u32;
        let nref = NodeRef::new(id, tree);
        let pflags = nodes
            .get(parent as usize)
            .map_or(0, |p| p.flags & (F_IN_LINK | F_IN_PRE));
        let info = nref.query(|tn| {
            let mut node = Node {
                tag: Tag::Other,
                parent,
                end: 0,
                start_text: 0,
                end_text: 0,
                flags: pflags,
            };
            let mut keep_children = true;
            match &tn.data {
                NodeData::Document | NodeData::Fragment => node.tag = Tag::Root,
                NodeData::Text { contents } => {
                    node.tag = Tag::Text;
                    node.start_text = text.len() as u32;
                    push_collapsed(&mut text, contents, pflags & F_IN_PRE != 0);
                    node.end_text = text.len() as u32;
                }
                NodeData::Element(el) => {
                    let name: &str = el.name.local.as_ref();
                    let tag = Tag::from_name(name);
                    node.tag = tag;
                    hint.clear();
                    let mut itemprop: Option<&str> = None;
                    let mut content: Option<&str> = None;
                    let mut key: Option<&str> = None;
                    let mut rel: Option<&str> = None;
                    let mut href: Option<&str> = None;
                    let mut datetime: Option<&str> = None;
                    for a in &el.attrs {
                        let an: &str = a.name.local.as_ref();
                        let v: &str = &a.value;
                        match an {
                            "class" | "id" => {
                                hint.push(' ');
                                hint.extend(v.chars().map(|c| c.to_ascii_lowercase()));
                            }
                            "hidden" => node.flags |= F_HIDDEN,
                            "aria-hidden" if v.eq_ignore_ascii_case("true") => {
                                node.flags |= F_HIDDEN
                            }
                            "style" => {
                                let l = v.to_ascii_lowercase();
                                let compact: String =
                                    l.chars().filter(|c| !c.is_whitespace()).collect();
                                if compact.contains("display:none")
                                    || compact.contains("visibility:hidden")
                                {
                                    node.flags |= F_HIDDEN;
                                }
                            }
                            "role" => {
                                let l = v.to_ascii_lowercase();
                                if matches!(
                                    l.as_str(),
                                    "navigation"
                                        | "complementary"
                                        | "banner"
                                        | "contentinfo"
                                        | "dialog"
                                        | "alertdialog"
                                        | "menu"
                                        | "menubar"
                                        | "search"
                                        | "toolbar"
                                ) {
                                    node.flags |= F_NEG;
                                } else if l == "article" || l == "main" {
                                    node.flags |= F_BODY;
                                }
                            }
                            "itemprop" => itemprop = Some(v),
                            "content" => content = Some(v),
                            "name" | "property" | "http-equiv"
                                if key.is_none() || an == "property" =>
                            {
                                key = Some(v);
                            }
                            "rel" => rel = Some(v),
                            "href" => href = Some(v),
                            "datetime" => datetime = Some(v),
                            "pubdate" => datetime = datetime.or(Some("")),
                            "lang" | "xml:lang" if tag == Tag::Html && meta.html_lang.is_none() => {
                                meta.html_lang = Some(v.to_string());
                            }
                            _ => {}
                        }
                    }
                    if let Some(ip) = itemprop {
                        let l = ip.to_ascii_lowercase();
                        if l == "articlebody" || l == "text" && tag != Tag::Meta {
                            node.flags |= F_BODY;
                        }
                        if l.contains("author") || l == "creator" {
                            meta.author_nodes.push((idx, 2));
                        }
                        if tag != Tag::Meta
                            && let Some(c) = content.or(datetime)
                        {
                            meta.itemprops.push((l.clone(), c.to_string()));
                        }
                    }
                    if !hint.is_empty() {
                        let bits = match cache.get(hint.as_str()) {
                            Some(b) => *b,
                            None => {
                                let b = classify_hint(&hint);
                                cache.insert(hint.clone(), b);
                                b
                            }
                        };
                        node.flags |= bits & !(HINT_BYLINE | HINT_DATE);
                        if bits & HINT_DATE != 0 && meta.date_nodes.len() < 32 {
                            meta.date_nodes.push(idx);
                        }
                        if bits & HINT_BYLINE != 0 && meta.author_nodes.len() < 16 {
                            meta.author_nodes.push((idx, 1));
                        }
                    }
                    match tag {
                        Tag::A => {
                            node.flags |= F_IN_LINK;
                            if let Some(r) = rel
                                && r.to_ascii_lowercase()
                                    .split_ascii_whitespace()
                                    .any(|t| t == "author")
                            {
                                meta.author_nodes.push((idx, 3));
                            }
                        }
                        Tag::Pre => node.flags |= F_IN_PRE,
                        Tag::Title if meta.title_node.is_none() => meta.title_node = Some(idx),
                        Tag::Meta => {
                            if let (Some(k), Some(c)) = (key.or(itemprop), content) {
                                meta.metas.push((k.to_ascii_lowercase(), c.to_string()));
                            }
                            keep_children = false;
                        }
                        Tag::Link => {
                            if let (Some(r), Some(h)) = (rel, href)
                                && r.eq_ignore_ascii_case("canonical")
                                && meta.canonical.is_none()
                            {
                                meta.canonical = Some(h.to_string());
                            }
                            keep_children = false;
                        }
                        Tag::Time => {
                            if meta.date_nodes.last() != Some(&idx) && meta.date_nodes.len() < 32 {
                                meta.date_nodes.push(idx);
                            }
                            if meta.times.len() < 8
                                && let Some(d) = datetime
                            {
                                let published = itemprop
                                    .is_some_and(|p| p.eq_ignore_ascii_case("datepublished"))
                                    || el.attrs.iter().any(|a| &*a.name.local == "pubdate");
                                meta.times.push((d.to_string(), published));
                            }
                        }
                        _ => {}
                    }
                }
                _ => keep_children = false,
            }
            (node, tn.first_child, tn.next_sibling, keep_children)
        });
        let Some((node, first_child, next_sibling, keep_children)) = info else {
            continue;
        };
        nodes.push(node);
        // Sibling goes under the same parent; push it first so the child subtree comes first.
        if let Some(s) = next_sibling
            && parent != u32::MAX
        {
            stack.push((s, parent));
        }
        if keep_children && let Some(c) = first_child {
            stack.push((c, idx));
        }
    }
    // Subtree ends: sizes accumulated bottom-up.
    let n = nodes.len();
    let mut size = vec![1u32; n];
    for i in (1..n).rev() {
        let p = nodes.get(i).map_or(u32::MAX, |x| x.parent) as usize;
        let s = size.get(i).copied().unwrap_or(1);
        if let Some(ps) = size.get_mut(p) {
            *ps += s;
        }
    }
    for (i, node) in nodes.iter_mut().enumerate() {
        node.end = (i as u32) + size.get(i).copied().unwrap_or(1);
    }
    Dom { nodes, text, meta }
}

impl Dom {
    pub fn text_of(&self, i: usize) -> &str {
        self.nodes
            .get(i)
            .and_then(|n| self.text.get(n.start_text as usize..n.end_text as usize))
            .unwrap_or("")
    }

    /// Collapsed text of a subtree (iterative).
    pub fn subtree_text(&self, i: usize, limit: usize) -> String {
        let mut out = String::new();
        let Some(n) = self.nodes.get(i) else {
            return out;
        };
        let end = (n.end as usize).min(self.nodes.len());
        let mut j = i;
        while j < end {
            if let Some(m) = self.nodes.get(j)
                && m.tag == Tag::Text
            {
                out.push_str(self.text_of(j));
                if out.len() > limit {
                    break;
                }
            }
            j += 1;
        }
        let mut s = String::with_capacity(out.len());
        push_collapsed(&mut s, &out, false);
        s.trim().to_string()
    }
}
