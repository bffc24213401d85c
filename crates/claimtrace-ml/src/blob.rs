//! Model files that need no parsing: a header with a version, then blocks at 64-byte
//! offsets, read in place.
//!
//! A model crate writes its file with a [`Writer`]: small values (counts, names, label lists)
//! go into a [`Meta`] block, weight tables into blocks of their own ([`crate::table::Table::write`]).
//! It reads the file back with [`Reader`], block by block in the same order. Over bytes that
//! live for the whole program (the models `include_bytes!`'d into the binary, 64-byte aligned:
//! see [`aligned_bytes!`](crate::aligned_bytes)) every block is a borrowed slice: loading a
//! model costs a checksum pass and the header checks, not a copy of its tables. Other bytes
//! (a file read at run time) are copied once into a 64-byte aligned buffer that the blocks
//! share ([`Bytes`]).
//!
//! Layout (all integers little-endian):
//!
//! ```text
//! 0   magic [8]            the model kind ("CTPARSE\0"…), checked on read
//! 8   version u32          the model crate's format version, checked on read
//! 12  layout u32           LAYOUT (this module's own version)
//! 16  blocks u32           number of blocks
//! 20  reserved u32
//! 24  total length u64     of the whole file (a truncated file is refused)
//! 32  checksum u64         xxh3 of bytes 64.. (a damaged file is refused)
//! 40  reserved [24]
//! 64  directory            per block: offset u64, length u64; padded to 64
//! ..  blocks               each at a multiple of 64, zero-padded
//! ```

use crate::error::{Error, Result};
use std::sync::Arc;

/// Version of the container layout above.
pub const LAYOUT: u32 = 1;
const HEADER: usize = 64;
/// Alignment of every block (one cache line).
pub const ALIGN: usize = 64;

/// Bytes aligned to 64: `include_bytes!` wrapped so that the file's blocks start on cache
/// lines in memory (rows of weight tables then touch the fewest lines).
#[repr(C, align(64))]
pub struct Aligned<B: ?Sized>(pub B);

/// `aligned_bytes!("path")`: the file's bytes as a `&'static [u8]` aligned to 64 (for
/// [`Bytes::from_static`] to borrow instead of copy).
#[macro_export]
macro_rules! aligned_bytes {
    ($path:expr) => {{
        static A: &$crate::blob::Aligned<[u8]> = &$crate::blob::Aligned(*include_bytes!($path));
        &A.0
    }};
}

/// A read-only byte range that a loaded model keeps: borrowed from static bytes (zero copy)
/// or shared from one aligned heap copy of the file. Cloning is cheap.
#[derive(Clone)]
pub struct Bytes {
    inner: Inner,
}

#[derive(Clone)]
enum Inner {
    Static(&'static [u8]),
    Shared(Arc<AlignedBuf>, usize, usize),
}

/// A heap buffer whose used part starts at a 64-byte boundary.
struct AlignedBuf {
    buf: Vec<u8>,
    off: usize,
}

impl std::fmt::Debug for Bytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Bytes({} bytes)", self.len())
    }
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        self.as_slice()
    }
}

impl Default for Bytes {
    fn default() -> Self {
        Bytes {
            inner: Inner::Static(&[]),
        }
    }
}

impl Bytes {
    /// Borrows `b` (no copy) when it starts on a 64-byte boundary, else copies it once.
    pub fn from_static(b: &'static [u8]) -> Bytes {
        if (b.as_ptr() as usize).is_multiple_of(ALIGN) {
            Bytes {
                inner: Inner::Static(b),
            }
        } else {
            Bytes::copy_of(b)
        }
    }

    /// An aligned copy of `b`.
    pub fn copy_of(b: &[u8]) -> Bytes {
        let mut buf = vec![0u8; b.len() + ALIGN];
        // `align_offset` on a pointer is safe; it may return a value that cannot be used, so
        // it is checked.
        let off = buf.as_ptr().align_offset(ALIGN);
        let off = if off < ALIGN { off } else { 0 };
        if let Some(dst) = buf.get_mut(off..off + b.len()) {
            dst.copy_from_slice(b);
        }
        let len = b.len();
        Bytes {
            inner: Inner::Shared(Arc::new(AlignedBuf { buf, off }), 0, len),
        }
    }

    /// The bytes.
    #[inline(always)]
    pub fn as_slice(&self) -> &[u8] {
        match &self.inner {
            Inner::Static(b) => b,
            Inner::Shared(a, s, e) => a.buf.get(a.off + s..a.off + e).unwrap_or(&[]),
        }
    }

    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether these bytes are borrowed from static memory (no copy was made).
    pub fn is_borrowed(&self) -> bool {
        matches!(self.inner, Inner::Static(_))
    }

    /// The sub-range `start..end` (empty when out of range).
    pub fn slice(&self, start: usize, end: usize) -> Bytes {
        let len = self.len();
        let (start, end) = if start <= end && end <= len {
            (start, end)
        } else {
            (0, 0)
        };
        Bytes {
            inner: match &self.inner {
                Inner::Static(b) => Inner::Static(b.get(start..end).unwrap_or(&[])),
                Inner::Shared(a, s, _) => Inner::Shared(a.clone(), s + start, s + end),
            },
        }
    }
}

/// Builds a model file: blocks in order, each padded to 64 bytes.
#[derive(Debug)]
pub struct Writer {
    magic: [u8; 8],
    version: u32,
    blocks: Vec<Vec<u8>>,
}

impl Writer {
    pub fn new(magic: &[u8; 8], version: u32) -> Writer {
        Writer {
            magic: *magic,
            version,
            blocks: Vec::new(),
        }
    }

    /// Appends a block.
    pub fn block(&mut self, b: impl Into<Vec<u8>>) {
        self.blocks.push(b.into());
    }

    /// The file's bytes.
    pub fn finish(self) -> Vec<u8> {
        let n = self.blocks.len();
        let dir = (n * 16).div_ceil(ALIGN) * ALIGN;
        let mut out = vec![0u8; HEADER + dir];
        let mut pos = HEADER + dir;
        let mut entries = Vec::with_capacity(n);
        for b in &self.blocks {
            entries.push((pos as u64, b.len() as u64));
            pos += b.len().div_ceil(ALIGN) * ALIGN;
        }
        for (i, (o, l)) in entries.iter().enumerate() {
            let at = HEADER + i * 16;
            out[at..at + 8].copy_from_slice(&o.to_le_bytes());
            out[at + 8..at + 16].copy_from_slice(&l.to_le_bytes());
        }
        for b in &self.blocks {
            out.extend_from_slice(b);
            out.resize(out.len().div_ceil(ALIGN) * ALIGN, 0);
        }
        let total = out.len() as u64;
        out[0..8].copy_from_slice(&self.magic);
        out[8..12].copy_from_slice(&self.version.to_le_bytes());
        out[12..16].copy_from_slice(&LAYOUT.to_le_bytes());
        out[16..20].copy_from_slice(&(n as u32).to_le_bytes());
        out[24..32].copy_from_slice(&total.to_le_bytes());
        let sum = xxhash_rust::xxh3::xxh3_64(&out[HEADER..]);
        out[32..40].copy_from_slice(&sum.to_le_bytes());
        out
    }

    /// Writes the file to `path`, gzip'd (see [`save_file`]).
    pub fn save(self, path: &std::path::Path) -> Result<()> {
        save_file(path, &self.finish())
    }
}

/// Writes a model file's bytes to `path` gzip'd (creating its directory): the form kept in
/// `models/`. The engine's build script unpacks it, so the binary embeds the plain, aligned
/// file; [`Reader::open_path`] reads either form.
pub fn save_file(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let io = |source| Error::Io {
        path: path.display().to_string(),
        source,
    };
    if let Some(dir) = path.parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let f = std::fs::File::create(path).map_err(io)?;
    let mut gz =
        flate2::write::GzEncoder::new(std::io::BufWriter::new(f), flate2::Compression::default());
    gz.write_all(bytes).map_err(io)?;
    gz.finish().map_err(io)?.flush().map_err(io)
}

/// `bytes` unpacked when gzip'd (a model file as kept in `models/`), else as they are.
pub fn gunzip(bytes: &[u8]) -> std::io::Result<std::borrow::Cow<'_, [u8]>> {
    use std::io::Read;
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes)
            .take(1 << 32)
            .read_to_end(&mut out)?;
        Ok(std::borrow::Cow::Owned(out))
    } else {
        Ok(std::borrow::Cow::Borrowed(bytes))
    }
}

/// Reads the blocks of a model file in the order they were written.
#[derive(Debug)]
pub struct Reader {
    bytes: Bytes,
    dir: Vec<(usize, usize)>,
    next: usize,
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

impl Reader {
    /// Checks the header (magic, version, length, checksum) and reads the directory.
    pub fn open(bytes: Bytes, magic: &[u8; 8], version: u32) -> Result<Reader> {
        Reader::open_with(bytes, magic, version, true)
    }

    fn open_with(bytes: Bytes, magic: &[u8; 8], version: u32, verify: bool) -> Result<Reader> {
        let b = bytes.as_slice();
        if b.get(0..8) != Some(&magic[..]) {
            return Err(Error::Magic {
                expected: String::from_utf8_lossy(magic)
                    .trim_end_matches('\0')
                    .to_string(),
            });
        }
        let short = || Error::corrupt("truncated header");
        let v = u32_at(b, 8).ok_or_else(short)?;
        if v != version {
            return Err(Error::Version {
                found: v,
                expected: version,
            });
        }
        let layout = u32_at(b, 12).ok_or_else(short)?;
        if layout != LAYOUT {
            return Err(Error::Version {
                found: layout,
                expected: LAYOUT,
            });
        }
        let n = u32_at(b, 16).ok_or_else(short)? as usize;
        let total = u64_at(b, 24).ok_or_else(short)?;
        if total != b.len() as u64 || b.len() < HEADER {
            return Err(Error::corrupt(format!(
                "length {} where the header says {total}",
                b.len()
            )));
        }
        let sum = u64_at(b, 32).ok_or_else(short)?;
        if verify && xxhash_rust::xxh3::xxh3_64(&b[HEADER..]) != sum {
            return Err(Error::corrupt("checksum mismatch"));
        }
        if n > (b.len() - HEADER) / 16 {
            return Err(Error::corrupt("block count"));
        }
        let mut dir = Vec::with_capacity(n);
        for i in 0..n {
            let o = u64_at(b, HEADER + i * 16).ok_or_else(short)?;
            let l = u64_at(b, HEADER + i * 16 + 8).ok_or_else(short)?;
            let end = o.checked_add(l).filter(|&e| e <= b.len() as u64);
            if end.is_none() || !o.is_multiple_of(ALIGN as u64) {
                return Err(Error::corrupt(format!("block {i} out of range")));
            }
            dir.push((o as usize, (o + l) as usize));
        }
        Ok(Reader {
            bytes,
            dir,
            next: 0,
        })
    }

    /// [`Reader::open`] over static bytes (borrowed when aligned, see [`Bytes::from_static`]),
    /// without the checksum pass: these are the models compiled into the binary, and reading
    /// every page of a 50 MB file only to hash it would cost what reading in place saves. The
    /// header and every block's bounds are still checked, and every read is bounds-checked.
    pub fn open_static(b: &'static [u8], magic: &[u8; 8], version: u32) -> Result<Reader> {
        Reader::open_with(Bytes::from_static(b), magic, version, false)
    }

    /// [`Reader::open`] over a file's bytes, gzip'd or not (copied once, aligned).
    pub fn open_bytes(bytes: &[u8], magic: &[u8; 8], version: u32) -> Result<Reader> {
        let b = gunzip(bytes).map_err(|e| Error::corrupt(format!("gzip: {e}")))?;
        Reader::open(Bytes::copy_of(&b), magic, version)
    }

    /// [`Reader::open`] over the file at `path`, gzip'd or not (read and copied once,
    /// aligned).
    pub fn open_path(path: &std::path::Path, magic: &[u8; 8], version: u32) -> Result<Reader> {
        let io = |source| Error::Io {
            path: path.display().to_string(),
            source,
        };
        let b = std::fs::read(path).map_err(io)?;
        let b = gunzip(&b).map_err(io)?;
        Reader::open(Bytes::copy_of(&b), magic, version)
    }

    /// The next block.
    pub fn block(&mut self) -> Result<Bytes> {
        let &(s, e) = self
            .dir
            .get(self.next)
            .ok_or_else(|| Error::corrupt(format!("block {} missing", self.next)))?;
        self.next += 1;
        Ok(self.bytes.slice(s, e))
    }

    /// The next block read as a [`Meta`] block.
    pub fn meta(&mut self) -> Result<MetaReader> {
        Ok(MetaReader {
            b: self.block()?,
            pos: 0,
        })
    }

    /// Blocks not read yet.
    pub fn remaining(&self) -> usize {
        self.dir.len().saturating_sub(self.next)
    }
}

/// A block of small values (numbers, strings), written in order.
#[derive(Debug, Default, Clone)]
pub struct Meta(pub Vec<u8>);

impl Meta {
    pub fn u8(&mut self, v: u8) -> &mut Self {
        self.0.push(v);
        self
    }
    pub fn u32(&mut self, v: u32) -> &mut Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    pub fn u64(&mut self, v: u64) -> &mut Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    pub fn f32(&mut self, v: f32) -> &mut Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    /// A length-prefixed UTF-8 string.
    pub fn str(&mut self, s: &str) -> &mut Self {
        self.u32(s.len() as u32);
        self.0.extend_from_slice(s.as_bytes());
        self
    }
}

impl From<Meta> for Vec<u8> {
    fn from(m: Meta) -> Vec<u8> {
        m.0
    }
}

/// Reads a [`Meta`] block in the order it was written.
#[derive(Debug)]
pub struct MetaReader {
    b: Bytes,
    pos: usize,
}

impl MetaReader {
    fn take(&mut self, n: usize) -> Result<&[u8]> {
        let s = self
            .b
            .as_slice()
            .get(self.pos..self.pos.saturating_add(n))
            .ok_or_else(|| Error::corrupt("metadata block is short"))?;
        self.pos += n;
        Ok(s)
    }
    pub fn u8(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }
    pub fn u32(&mut self) -> Result<u32> {
        let s = self.take(4)?;
        Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }
    pub fn u64(&mut self) -> Result<u64> {
        let s = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(s);
        Ok(u64::from_le_bytes(a))
    }
    pub fn f32(&mut self) -> Result<f32> {
        Ok(f32::from_bits(self.u32()?))
    }
    /// A count, refused above `max` (so that a damaged count cannot ask for gigabytes).
    pub fn count(&mut self, max: usize) -> Result<usize> {
        let n = self.u32()? as usize;
        if n > max {
            return Err(Error::corrupt(format!("count {n} above {max}")));
        }
        Ok(n)
    }
    pub fn str(&mut self) -> Result<&str> {
        let n = self.count(1 << 28)?;
        std::str::from_utf8(self.take(n)?).map_err(|_| Error::corrupt("string is not UTF-8"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_roundtrip_aligned_and_damage_is_refused() {
        let mut w = Writer::new(b"CTTEST\0\0", 3);
        let mut m = Meta::default();
        m.str("en").u32(7).f32(0.5);
        w.block(m);
        w.block(vec![1u8, 2, 3]);
        w.block(Vec::new());
        let file = w.finish();
        let mut r = Reader::open(Bytes::copy_of(&file), b"CTTEST\0\0", 3).unwrap();
        let mut m = r.meta().unwrap();
        assert_eq!(m.str().unwrap(), "en");
        assert_eq!(m.u32().unwrap(), 7);
        assert_eq!(m.f32().unwrap(), 0.5);
        assert!(m.u32().is_err());
        let b = r.block().unwrap();
        assert_eq!(b.as_slice(), &[1, 2, 3]);
        assert!((b.as_slice().as_ptr() as usize).is_multiple_of(ALIGN));
        assert!(r.block().unwrap().is_empty());
        assert!(r.block().is_err());
        assert!(matches!(
            Reader::open(Bytes::copy_of(&file), b"CTOTHER\0", 3),
            Err(Error::Magic { .. })
        ));
        assert!(matches!(
            Reader::open(Bytes::copy_of(&file), b"CTTEST\0\0", 4),
            Err(Error::Version { .. })
        ));
        for cut in [0, 10, 63, 64, file.len() - 1] {
            assert!(Reader::open(Bytes::copy_of(&file[..cut]), b"CTTEST\0\0", 3).is_err());
        }
        let mut bad = file.clone();
        let last = bad.len() - 70;
        bad[last] ^= 1;
        assert!(Reader::open(Bytes::copy_of(&bad), b"CTTEST\0\0", 3).is_err());
        static FILE: &Aligned<[u8; 4]> = &Aligned(*b"abcd");
        assert!(Bytes::from_static(&FILE.0).is_borrowed());
    }
}
