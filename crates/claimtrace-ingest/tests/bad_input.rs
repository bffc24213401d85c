//! Bad input never crashes a batch: each case gives a clear error naming the input (and the
//! record or line), and the other inputs go on. Nasty inputs are generated here, not committed.

use claimtrace_core::InputError;
use claimtrace_ingest::warc::WarcWriter;
use claimtrace_ingest::{Body, Options, RawDoc, read_inputs, read_path, read_stream};
use std::io::Write;
use std::path::Path;

type Item = Result<RawDoc, InputError>;

fn read(path: &Path, opts: &Options) -> Vec<Item> {
    read_path(&path.display().to_string(), opts).collect()
}

fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).ok();
    e.finish().unwrap_or_default()
}

fn page(i: usize) -> String {
    format!(
        "<!DOCTYPE html><html><head><title>Story {i}</title></head><body><article><h1>Story {i}</h1>\
         <p>The mayor said on Monday that the bridge number {i} would reopen in May, officials confirmed.</p>\
         </article></body></html>"
    )
}

/// A WARC with `n` HTML responses plus warcinfo and request records.
fn warc(n: usize, gzip: bool) -> Vec<u8> {
    let mut w = WarcWriter::new(Vec::new(), gzip);
    w.warcinfo("2026-05-01T00:00:00Z", "software: test\r\n")
        .ok();
    for i in 0..n {
        w.record(
            &[
                ("WARC-Type", "request"),
                ("WARC-Target-URI", "https://news.example/"),
            ],
            b"GET / HTTP/1.1\r\nHost: news.example\r\n\r\n",
        )
        .ok();
        w.html_response(
            &format!("https://news.example/story/{i}"),
            "2026-05-01T00:00:00Z",
            page(i).as_bytes(),
            Some("utf-8"),
        )
        .ok();
    }
    w.into_inner()
}

fn oks(items: &[Item]) -> usize {
    items.iter().filter(|r| r.is_ok()).count()
}

fn errs(items: &[Item]) -> Vec<&InputError> {
    items.iter().filter_map(|r| r.as_ref().err()).collect()
}

fn html_of(d: &RawDoc) -> String {
    match &d.body {
        Body::Html { bytes, charset } => {
            claimtrace_ingest::charset::decode_html(bytes, charset.as_deref(), d.url.as_deref())
        }
        Body::Text(t) => t.clone(),
    }
}

#[test]
fn warc_plain_and_gzip() {
    for gzip in [false, true] {
        let data = warc(5, gzip);
        let items: Vec<Item> = read_stream(
            "t.warc",
            Box::new(std::io::Cursor::new(data)),
            &Options::default(),
        )
        .collect();
        assert_eq!(items.len(), 5, "gzip={gzip}: {items:?}");
        let first = items[0].as_ref().ok();
        assert_eq!(
            first.and_then(|d| d.url.as_deref()),
            Some("https://news.example/story/0")
        );
        assert_eq!(
            first.and_then(|d| d.fetched.as_deref()),
            Some("2026-05-01T00:00:00Z")
        );
        assert!(first.is_some_and(|d| html_of(d).starts_with("<!DOCTYPE html>")));
        // Locations are byte offsets of records.
        assert!(items.iter().all(|r| {
            r.as_ref()
                .is_ok_and(|d| d.location.starts_with("record at byte "))
        }));
    }
}

#[test]
fn truncated_warc_record() {
    for gzip in [false, true] {
        let mut data = warc(3, gzip);
        data.truncate(data.len() - 60);
        let items: Vec<Item> = read_stream(
            "cut.warc",
            Box::new(std::io::Cursor::new(data)),
            &Options::default(),
        )
        .collect();
        assert_eq!(oks(&items), 2, "gzip={gzip}: {items:?}");
        let e = errs(&items);
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].reason.contains("truncated"), "{}", e[0]);
        assert_eq!(e[0].input, "cut.warc");
        assert!(e[0].location.contains("byte"), "{}", e[0]);
    }
}

/// Builds a record by hand with a chosen Content-Length.
fn lying_record(claimed: usize, payload: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://news.example/liar\r\n\
         Content-Type: application/http; msgtype=response\r\nContent-Length: {claimed}\r\n\r\n"
    )
    .into_bytes();
    r.extend_from_slice(payload);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

#[test]
fn lying_content_length() {
    let http = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n{}",
        page(99)
    );
    for (claimed, gzip) in [
        (http.len() - 40, false),
        (http.len() + 300, false),
        (http.len() - 40, true),
        (http.len() + 300, true),
    ] {
        let good = warc(2, false);
        let bad = lying_record(claimed, http.as_bytes());
        let after = warc(2, false);
        let data: Vec<u8> = if gzip {
            // Re-gzip each part as its own member (records of `good` share one member here).
            [gz(&good), gz(&bad), gz(&after)].concat()
        } else {
            [good, bad, after].concat()
        };
        let items: Vec<Item> = read_stream(
            "liar.warc",
            Box::new(std::io::Cursor::new(data)),
            &Options::default(),
        )
        .collect();
        assert_eq!(oks(&items), 4, "claimed={claimed} gzip={gzip}: {items:?}");
        let e = errs(&items);
        assert_eq!(e.len(), 1, "claimed={claimed} gzip={gzip}: {e:?}");
        assert!(
            e[0].reason.contains("Content-Length") || e[0].reason.contains("truncated"),
            "{}",
            e[0]
        );
    }
}

#[test]
fn corrupt_member_and_garbage_between_members() {
    let mut members: Vec<Vec<u8>> = (0..4)
        .map(|i| {
            let http = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n{}",
                page(i)
            );
            gz(&lying_record(http.len(), http.as_bytes()))
        })
        .collect();
    // Corrupt the deflate data of member 1, and put garbage before member 3.
    let m1 = &mut members[1];
    for b in m1.iter_mut().skip(15).take(20) {
        *b ^= 0x5a;
    }
    members[3].splice(0..0, b"garbage!".iter().copied());
    let data = members.concat();
    let items: Vec<Item> = read_stream(
        "bad.warc.gz",
        Box::new(std::io::Cursor::new(data)),
        &Options::default(),
    )
    .collect();
    assert_eq!(oks(&items), 3, "{items:?}");
    assert_eq!(errs(&items).len(), 2, "{items:?}");
    for e in errs(&items) {
        assert_eq!(e.input, "bad.warc.gz");
        assert!(e.location.contains("byte"), "{e}");
    }
}

#[test]
fn gzip_bomb_is_bounded() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // 200 MB of text compressed to a few hundred KB.
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let chunk = vec![b'a'; 1 << 20];
    e.write_all(b"<html><body><p>").ok();
    for _ in 0..200 {
        e.write_all(&chunk).ok();
    }
    let bomb = e.finish().unwrap_or_default();
    let p = dir.path().join("bomb.html.gz");
    std::fs::write(&p, &bomb).ok();
    let opts = Options {
        max_size: 16 << 20,
        ..Options::default()
    };
    let items = read(&p, &opts);
    assert_eq!(items.len(), 1);
    let e = errs(&items);
    assert!(
        e[0].reason.contains("size limit of 16 MiB") && e[0].reason.contains("--max-size"),
        "{}",
        e[0]
    );

    // In a WARC: the oversized record is skipped without decompressing it, the next one is read.
    let mut rec = b"WARC/1.0\r\nWARC-Type: response\r\nContent-Type: application/http; msgtype=response\r\nWARC-Target-URI: https://bomb.example/\r\nContent-Length: 209715200\r\n\r\nHTTP/1.1 200 OK\r\n\r\n".to_vec();
    rec.extend(std::iter::repeat_n(b'a', 4 << 20));
    let data = [gz(&rec), gz(&warc(1, false))].concat();
    let items: Vec<Item> =
        read_stream("bomb.warc.gz", Box::new(std::io::Cursor::new(data)), &opts).collect();
    assert_eq!(oks(&items), 1, "{items:?}");
    assert!(errs(&items)[0].reason.contains("size limit"), "{items:?}");
}

#[test]
fn raised_limit_reads_big_page() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // A 100 MB page (generated, not committed).
    let mut html = String::with_capacity(101 << 20);
    html.push_str("<html><head><title>Big</title></head><body><article>");
    let para = "<p>The council said the works would take two more years, according to a report seen by the paper.</p>\n";
    while html.len() < 100 << 20 {
        html.push_str(para);
    }
    html.push_str("</article></body></html>");
    let p = dir.path().join("big.html");
    std::fs::write(&p, &html).ok();
    let items = read(&p, &Options::default());
    assert!(
        errs(&items)[0]
            .reason
            .contains("over the size limit of 64 MiB"),
        "{items:?}"
    );
    let opts = Options {
        max_size: 128 << 20,
        ..Options::default()
    };
    let items = read(&p, &opts);
    assert_eq!(oks(&items), 1);
    assert!(items[0].as_ref().is_ok_and(|d| d.size() == html.len()));
}

#[test]
fn files_of_every_kind_in_a_directory() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let d = dir.path();
    let w = |name: &str, data: &[u8]| std::fs::write(d.join(name), data).ok();
    w(
        "a-binary.html",
        b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00garbage\x00\x01\x02",
    );
    w("b-empty.txt", b"");
    w(
        "c-latin1.txt",
        b"Le pr\xe9sident d\xe9ment\n\nIl a d\xe9clar\xe9 \xabnon\xbb \xe0 la presse.",
    );
    w("d-truncated.html.gz", &gz(page(1).as_bytes())[..40]);
    w("e-ok.html.gz", &gz(page(2).as_bytes()));
    w(
        "f.jsonl",
        b"{\"id\":\"x1\",\"text\":\"Body.\"}\n{oops\n{\"id\":\"x2\",\"html\":\"<p>hi</p>\"}\n",
    );
    w("g-cp1252.html", b"<html><head><meta charset=windows-1252></head><body><p>\x93Quoted,\x94 she said \x96 twice.</p></body></html>");
    w("README.md", b"not an input");
    std::fs::create_dir(d.join("sub")).ok();
    std::fs::write(d.join("sub/h.warc"), warc(2, false)).ok();
    let opts = Options::default();
    let items: Vec<Item> = read_inputs(
        &[d.display().to_string(), "/nonexistent/x.html".into()],
        &opts,
    )
    .collect();
    let names: Vec<String> = items
        .iter()
        .map(|r| match r {
            Ok(d) => Path::new(&d.input)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            Err(e) => format!(
                "ERR {}",
                Path::new(&e.input)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            ),
        })
        .collect();
    assert_eq!(
        names,
        [
            "ERR a-binary.html",
            "ERR b-empty.txt",
            "c-latin1.txt",
            "ERR d-truncated.html.gz",
            "e-ok.html.gz",
            "f.jsonl",
            "ERR f.jsonl",
            "f.jsonl",
            "g-cp1252.html",
            "h.warc",
            "h.warc",
            "ERR x.html",
        ]
    );
    let reason = |i: usize| {
        items[i]
            .as_ref()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    assert!(reason(0).contains("binary"), "{}", reason(0));
    assert!(reason(1).contains("empty file"), "{}", reason(1));
    assert!(
        reason(3).contains("truncated or corrupt gzip"),
        "{}",
        reason(3)
    );
    assert!(
        reason(6).contains("line 2") && reason(6).contains("invalid JSON"),
        "{}",
        reason(6)
    );
    assert!(reason(11).contains("cannot open"), "{}", reason(11));
    // Invalid UTF-8 (Latin-1) text is decoded by guessing.
    let latin = items[2].clone().and_then(|r| r.into_doc(&opts));
    let latin = latin.unwrap_or_default();
    assert_eq!(latin.title.as_deref(), Some("Le président dément"));
    assert_eq!(latin.text, "Il a déclaré «non» à la presse.");
    // windows-1252 from <meta>.
    let cp = items[8].as_ref().map(html_of).unwrap_or_default();
    assert!(
        cp.contains("\u{201c}Quoted,\u{201d} she said \u{2013} twice."),
        "{cp}"
    );
}

#[test]
fn warc_http_charset_and_encodings() {
    // Shift-JIS declared only in the HTTP header; body gzip-encoded and chunked.
    let body = b"<html><body><p>\x93\xfa\x96\x7b\x82\xcc\x83\x6a\x83\x85\x81\x5b\x83\x58</p></body></html>";
    let z = gz(body);
    let mut http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=Shift_JIS\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    http.extend_from_slice(format!("{:x}\r\n", z.len()).as_bytes());
    http.extend_from_slice(&z);
    http.extend_from_slice(b"\r\n0\r\n\r\n");
    let mut w = WarcWriter::new(Vec::new(), true);
    w.record(
        &[
            ("WARC-Type", "response"),
            ("WARC-Target-URI", "<https://news.example.jp/a>"),
            ("Content-Type", "application/http; msgtype=response"),
        ],
        &http,
    )
    .ok();
    // Not HTML: ignored silently. A redirect: ignored silently.
    w.record(
        &[
            ("WARC-Type", "response"),
            ("WARC-Target-URI", "https://x/img.png"),
            ("Content-Type", "application/http; msgtype=response"),
        ],
        b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n",
    )
    .ok();
    w.record(
        &[
            ("WARC-Type", "response"),
            ("WARC-Target-URI", "https://x/r"),
            ("Content-Type", "application/http; msgtype=response"),
        ],
        b"HTTP/1.1 301 Moved\r\nLocation: /y\r\n\r\n",
    )
    .ok();
    let items: Vec<Item> = read_stream(
        "jp.warc.gz",
        Box::new(std::io::Cursor::new(w.into_inner())),
        &Options::default(),
    )
    .collect();
    assert_eq!(items.len(), 1, "{items:?}");
    let d = items[0].as_ref().ok();
    assert_eq!(
        d.and_then(|d| d.url.as_deref()),
        Some("https://news.example.jp/a")
    );
    assert!(
        d.is_some_and(|d| html_of(d).contains("日本のニュース")),
        "{:?}",
        d.map(html_of)
    );
}

#[test]
fn deep_nesting_and_no_article_do_not_crash() {
    let mut html = String::from("<html><body>");
    for _ in 0..100_000 {
        html.push_str("<div>");
    }
    html.push_str("deep");
    let raw = RawDoc {
        input: "deep.html".into(),
        body: Body::Html {
            bytes: html.into_bytes(),
            charset: None,
        },
        ..RawDoc::default()
    };
    // The CLI extracts on threads with large stacks; do the same here.
    let res = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || raw.into_doc(&Options::default()))
        .map(|h| h.join());
    assert!(
        matches!(res, Ok(Ok(_))),
        "extraction crashed on deep nesting"
    );

    let nav = "<html><body><nav><a href=/>Home</a> <a href=/news>News</a></nav><footer>© 2026</footer></body></html>";
    let raw = RawDoc {
        input: "nav.html".into(),
        body: Body::Html {
            bytes: nav.into(),
            charset: None,
        },
        ..RawDoc::default()
    };
    let e = raw.into_doc(&Options::default()).err();
    assert!(e.is_some_and(|e| e.to_string() == "nav.html: no article text found in the page"));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
    #[test]
    fn random_bytes_never_panic(b in proptest::collection::vec(proptest::num::u8::ANY, 0..2000)) {
        let _: Vec<Item> = read_stream("r", Box::new(std::io::Cursor::new(b)), &Options::default()).collect();
    }

    #[test]
    fn damaged_warc_never_panics(gzip in proptest::bool::ANY, cuts in proptest::collection::vec((0usize..4000, proptest::num::u8::ANY), 1..8)) {
        let mut data = warc(3, gzip);
        for (pos, byte) in cuts {
            let n = data.len();
            if let Some(b) = data.get_mut(pos % n) { *b = byte; }
        }
        let items: Vec<Item> = read_stream("d.warc", Box::new(std::io::Cursor::new(data)), &Options { max_size: 1 << 20, ..Options::default() }).collect();
        proptest::prop_assert!(items.len() <= 20);
    }
}
