//! Model files: gzip'd, with a magic string and a version, so a wrong or corrupt file gives a
//! clear error instead of garbage.

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use std::io::{Read, Write};
use std::path::Path;

/// Writes `magic` + `version` then whatever `body` writes, gzip-compressed, to `path`.
pub fn save(
    path: &Path,
    magic: &[u8; 8],
    version: u32,
    body: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let f = std::fs::File::create(path)?;
    let mut gz = GzEncoder::new(std::io::BufWriter::new(f), Compression::best());
    gz.write_all(magic)?;
    gz.write_all(&version.to_le_bytes())?;
    body(&mut gz)?;
    gz.finish()?.flush()
}

/// Opens a model file written by [`save`] and checks its magic and version; returns a reader
/// positioned after the header.
pub fn open_bytes<'a>(
    bytes: &'a [u8],
    magic: &[u8; 8],
    version: u32,
) -> std::io::Result<impl Read + 'a> {
    let mut gz = GzDecoder::new(bytes);
    let mut m = [0u8; 8];
    gz.read_exact(&mut m)?;
    if &m != magic {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "not a {} model file",
                String::from_utf8_lossy(magic).trim_end_matches('\0')
            ),
        ));
    }
    let v = crate::perceptron::read_u32(&mut gz)?;
    if v != version {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "model format version {v}, this build reads version {version}: retrain or update"
            ),
        ));
    }
    Ok(gz)
}

/// Writes a length-prefixed UTF-8 string.
pub fn write_str(w: &mut dyn Write, s: &str) -> std::io::Result<()> {
    w.write_all(&(s.len() as u32).to_le_bytes())?;
    w.write_all(s.as_bytes())
}

/// Reads a string written by [`write_str`] (at most 16 MiB).
pub fn read_str(r: &mut impl Read) -> std::io::Result<String> {
    let n = crate::perceptron::read_u32(r)? as usize;
    if n > 1 << 24 {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "string length is corrupt",
        ));
    }
    let mut b = vec![0u8; n];
    r.read_exact(&mut b)?;
    String::from_utf8(b).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
}
