//! Small I/O helpers: a counting reader with push-back, bounded reads and bounded lines.

use std::io::{self, BufRead, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// A [`BufRead`] that counts the bytes consumed (its position in the stream), can push bytes
/// back in front of the stream, and can report progress to a shared counter.
pub struct Src<B> {
    pre: Vec<u8>,
    pre_pos: usize,
    inner: B,
    pos: u64,
    progress: Option<Arc<AtomicU64>>,
}

impl<B: BufRead> Src<B> {
    pub fn new(inner: B) -> Self {
        Src {
            pre: Vec::new(),
            pre_pos: 0,
            inner,
            pos: 0,
            progress: None,
        }
    }

    pub fn with_progress(mut self, progress: Option<Arc<AtomicU64>>) -> Self {
        self.progress = progress;
        self
    }

    /// Bytes consumed so far (minus the bytes pushed back).
    pub fn pos(&self) -> u64 {
        self.pos
    }

    /// Puts `bytes` back in front of the stream: they are read again next.
    pub fn unread(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        let mut v = bytes.to_vec();
        v.extend_from_slice(self.pre.get(self.pre_pos..).unwrap_or(&[]));
        self.pre = v;
        self.pre_pos = 0;
        self.pos = self.pos.saturating_sub(bytes.len() as u64);
    }

    pub fn into_inner(self) -> B {
        self.inner
    }

    pub fn get_mut(&mut self) -> &mut B {
        &mut self.inner
    }
}

impl<B: BufRead> Read for Src<B> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = {
            let buf = self.fill_buf()?;
            let n = buf.len().min(out.len());
            if let (Some(dst), Some(src)) = (out.get_mut(..n), buf.get(..n)) {
                dst.copy_from_slice(src);
            }
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl<B: BufRead> BufRead for Src<B> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pre_pos < self.pre.len() {
            return Ok(self.pre.get(self.pre_pos..).unwrap_or(&[]));
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        self.pos += amt as u64;
        if let Some(p) = &self.progress {
            p.fetch_add(amt as u64, Ordering::Relaxed);
        }
        if self.pre_pos < self.pre.len() {
            self.pre_pos = (self.pre_pos + amt).min(self.pre.len());
            if self.pre_pos >= self.pre.len() {
                self.pre.clear();
                self.pre_pos = 0;
            }
        } else {
            self.inner.consume(amt);
        }
    }
}

/// Why a bounded read failed.
#[derive(Debug)]
pub enum LimitError {
    TooBig,
    Io(io::Error),
}

/// Reads everything from `r`, failing with [`LimitError::TooBig`] past `max` bytes (without
/// reading more than `max + 1` bytes).
pub fn read_limited(r: impl Read, max: u64) -> Result<Vec<u8>, LimitError> {
    let mut v = Vec::new();
    r.take(max.saturating_add(1))
        .read_to_end(&mut v)
        .map_err(LimitError::Io)?;
    if v.len() as u64 > max {
        return Err(LimitError::TooBig);
    }
    Ok(v)
}

/// Reads one line (up to and including `\n`) into `buf`, keeping at most `max` bytes of it;
/// the rest of an over-long line is consumed and dropped. Returns (bytes consumed, whether
/// the line was cut). 0 bytes consumed means end of input.
pub fn read_line_limited(
    r: &mut impl BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> io::Result<(u64, bool)> {
    buf.clear();
    let mut consumed = 0u64;
    let mut cut = false;
    loop {
        let (done, used) = {
            let avail = match r.fill_buf() {
                Ok(a) => a,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if avail.is_empty() {
                return Ok((consumed, cut));
            }
            let (done, used) = match avail.iter().position(|&b| b == b'\n') {
                Some(i) => (true, i + 1),
                None => (false, avail.len()),
            };
            let room = max.saturating_sub(buf.len());
            let take = used.min(room);
            if take < used {
                cut = true;
            }
            buf.extend_from_slice(avail.get(..take).unwrap_or(&[]));
            (done, used)
        };
        r.consume(used);
        consumed += used as u64;
        if done {
            return Ok((consumed, cut));
        }
    }
}

/// Human-readable size: `64 MiB`, `1.5 GiB`, `512 bytes`.
pub fn human_size(n: u64) -> String {
    const K: f64 = 1024.0;
    let f = n as f64;
    if n < 1024 {
        format!("{n} bytes")
    } else if f < K * K {
        trim(f / K, "KiB")
    } else if f < K * K * K {
        trim(f / (K * K), "MiB")
    } else {
        trim(f / (K * K * K), "GiB")
    }
}

fn trim(v: f64, unit: &str) -> String {
    if (v - v.round()).abs() < 0.05 {
        format!("{:.0} {unit}", v)
    } else {
        format!("{:.1} {unit}", v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pushback_and_pos() {
        let mut s = Src::new(&b"hello world"[..]);
        let mut b = [0u8; 5];
        s.read_exact(&mut b).ok();
        assert_eq!(&b, b"hello");
        assert_eq!(s.pos(), 5);
        s.unread(b"llo");
        assert_eq!(s.pos(), 2);
        let mut rest = String::new();
        s.read_to_string(&mut rest).ok();
        assert_eq!(rest, "llo world");
        assert_eq!(s.pos(), 11);
    }

    #[test]
    fn limited_lines() {
        let mut r = &b"abcdef\nxy\nz"[..];
        let mut buf = Vec::new();
        assert_eq!(read_line_limited(&mut r, &mut buf, 3).ok(), Some((7, true)));
        assert_eq!(buf, b"abc");
        assert_eq!(
            read_line_limited(&mut r, &mut buf, 3).ok(),
            Some((3, false))
        );
        assert_eq!(buf, b"xy\n");
        assert_eq!(
            read_line_limited(&mut r, &mut buf, 3).ok(),
            Some((1, false))
        );
        assert_eq!(
            read_line_limited(&mut r, &mut buf, 3).ok(),
            Some((0, false))
        );
    }

    #[test]
    fn sizes() {
        assert_eq!(human_size(64 << 20), "64 MiB");
        assert_eq!(human_size(100), "100 bytes");
    }
}
