//! Readers: HTML, WARC, JSONL, text, directories and stdin, with charsets and limits.
