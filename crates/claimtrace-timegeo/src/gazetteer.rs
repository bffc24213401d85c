//! A compact GeoNames gazetteer: an fst map from normalised names to record ids, plus packed
//! records (id, coordinates, population, country, admin1, kind, name) stored as columns.
//!
//! The index is derived from GeoNames (CC BY 4.0, geonames.org; see `data/NOTICE`) by
//! [`build_index`] and committed gzip'd as `data/gazetteer.bin.gz`, a `claimtrace-ml` blob file
//! (64-byte aligned blocks, no parsing). `build.rs` unpacks it into the build directory and the
//! binary embeds it aligned, so [`Gazetteer::load`] reads it in place: no copy, no decoding, the
//! product needs no shared data at run time.

use claimtrace_ml::blob::{Bytes, Meta, Reader, Writer};
use compact_str::CompactString;
use flate2::read::MultiGzDecoder;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::io::{BufRead, BufReader};
use std::path::Path;

/// The committed index, unpacked by `build.rs` (built by `cargo run --release -p
/// claimtrace-timegeo --example build_gazetteer`).
static EMBEDDED: &[u8] = claimtrace_ml::aligned_bytes!(concat!(env!("OUT_DIR"), "/gazetteer.bin"));

/// Hand-written country names and adjectives in en/fr/es/ar: `lang/mul/countries.tsv`.
fn countries() -> &'static str {
    claimtrace_text::data::file("mul/countries.tsv")
}

const MAGIC: &[u8; 8] = b"CTGAZ\0\0\0";
/// 3: a claimtrace-ml blob of columns (2 was gzip'd postcard).
const FORMAT: u32 = 3;
/// Most candidates kept per name (the most populous).
const MAX_POSTINGS: usize = 48;
/// Places at least this big keep all their Latin- and Arabic-script alternate names (up to
/// [`MAX_ALTERNATES`]); smaller ones keep their name, ASCII variants and one Arabic name.
const BIG_PLACE: u32 = 50_000;
const MAX_ALTERNATES: usize = 16;
/// Places at least this big keep four times as many.
const HUGE_PLACE: u32 = 1_000_000;
/// Places at least this big keep one Arabic-script name.
const SMALL_ARABIC: u32 = 10_000;

#[derive(Debug, thiserror::Error)]
pub enum GazError {
    #[error("gazetteer I/O: {0}")]
    Io(#[from] std::io::Error),
    #[error("gazetteer index: {0}")]
    Format(String),
    #[error("gazetteer index: {0}")]
    Blob(#[from] claimtrace_ml::Error),
}

/// What a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    City,
    Admin1,
    Country,
}

/// One gazetteer record, read in place from the index.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Record<'a> {
    pub geonameid: u32,
    pub name: &'a str,
    pub lat: f32,
    pub lon: f32,
    pub population: u32,
    pub country: &'a str,
    pub admin1: &'a str,
    pub kind: Kind,
}

/// A record while the index is built.
struct Entry {
    geonameid: u32,
    name: CompactString,
    lat: f32,
    lon: f32,
    population: u32,
    country: CompactString,
    admin1: CompactString,
    kind: Kind,
}

fn u32s(v: impl IntoIterator<Item = u32>) -> Vec<u8> {
    v.into_iter().flat_map(u32::to_le_bytes).collect()
}

/// Strings as one byte block and `n + 1` offsets.
fn strings<'a>(v: impl IntoIterator<Item = &'a str>) -> (Vec<u8>, Vec<u8>) {
    let mut bytes = Vec::new();
    let mut offs = vec![0u32];
    for s in v {
        bytes.extend_from_slice(s.as_bytes());
        offs.push(bytes.len() as u32);
    }
    (u32s(offs), bytes)
}

/// The index file's bytes (unpacked): a meta block (format, record count, country codes), then
/// the columns ids, lats, lons (degrees × 10⁴, i32), populations, country indices (u8), kinds
/// (u8), name offsets and bytes, admin1 offsets and bytes, postings (u32) and the fst.
fn write_index(records: &[Entry], postings: &[u32], fst: Vec<u8>) -> Vec<u8> {
    let mut countries: Vec<&str> = records.iter().map(|r| r.country.as_str()).collect();
    countries.sort();
    countries.dedup();
    let cidx = |c: &str| countries.binary_search(&c).unwrap_or(0) as u8;
    let q = |x: f32| (x as f64 * 1e4).round() as i32;
    let mut w = Writer::new(MAGIC, FORMAT);
    let mut meta = Meta::default();
    meta.u32(records.len() as u32).u32(countries.len() as u32);
    for c in &countries {
        meta.str(c);
    }
    w.block(meta);
    w.block(u32s(records.iter().map(|r| r.geonameid)));
    w.block(u32s(records.iter().map(|r| q(r.lat) as u32)));
    w.block(u32s(records.iter().map(|r| q(r.lon) as u32)));
    w.block(u32s(records.iter().map(|r| r.population)));
    w.block(
        records
            .iter()
            .map(|r| cidx(&r.country))
            .collect::<Vec<u8>>(),
    );
    w.block(
        records
            .iter()
            .map(|r| match r.kind {
                Kind::City => 0u8,
                Kind::Admin1 => 1,
                Kind::Country => 2,
            })
            .collect::<Vec<u8>>(),
    );
    let (o, b) = strings(records.iter().map(|r| r.name.as_str()));
    w.block(o);
    w.block(b);
    let (o, b) = strings(records.iter().map(|r| r.admin1.as_str()));
    w.block(o);
    w.block(b);
    w.block(u32s(postings.iter().copied()));
    w.block(fst);
    w.finish()
}

/// The `i`-th little-endian u32 of `b`.
#[inline]
fn u32_at(b: &[u8], i: usize) -> Option<u32> {
    let at = i.checked_mul(4)?;
    Some(u32::from_le_bytes(*b.get(at..)?.first_chunk::<4>()?))
}

/// A string column: `n + 1` offsets into `bytes`.
struct Strings {
    offs: Bytes,
    bytes: Bytes,
}

impl Strings {
    fn read(r: &mut Reader, n: usize) -> Result<Strings, GazError> {
        let offs = r.block()?;
        let bytes = r.block()?;
        if offs.len() != 4 * (n + 1) {
            return Err(GazError::Format("string column of another length".into()));
        }
        // Every offset within the bytes, in order, on character boundaries (checked once, so
        // that reading never fails later).
        let s = std::str::from_utf8(bytes.as_slice())
            .map_err(|_| GazError::Format("string column not UTF-8".into()))?;
        let mut last = 0;
        for i in 0..=n {
            let o = u32_at(offs.as_slice(), i).unwrap_or(u32::MAX) as usize;
            if o < last || o > s.len() || !s.is_char_boundary(o) {
                return Err(GazError::Format("string offsets".into()));
            }
            last = o;
        }
        Ok(Strings { offs, bytes })
    }

    fn get(&self, i: usize) -> &str {
        let o = self.offs.as_slice();
        let (Some(a), Some(b)) = (u32_at(o, i), u32_at(o, i + 1)) else {
            return "";
        };
        self.bytes
            .as_slice()
            .get(a as usize..b as usize)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("")
    }
}

/// The gazetteer: look names up with [`Gazetteer::lookup`].
pub struct Gazetteer {
    n: usize,
    ids: Bytes,
    lats: Bytes,
    lons: Bytes,
    pops: Bytes,
    country_idx: Bytes,
    kinds: Bytes,
    names: Strings,
    admin1: Strings,
    country_codes: Vec<CompactString>,
    postings: Bytes,
    map: fst::Map<Bytes>,
    /// Country code → index of its country record.
    countries: FxHashMap<CompactString, u32>,
    /// Normalised country name or adjective → (country code, is adjective, needs all caps).
    pub(crate) country_names: FxHashMap<String, (CompactString, bool, bool)>,
}

/// The lookup key of a name (one home: [`claimtrace_text::norm::name_key`]).
pub use claimtrace_text::norm::name_key as key;

fn keep_alternate(a: &str) -> bool {
    let n = a.chars().count();
    if !(2..=60).contains(&n) {
        return false;
    }
    // Codes (IATA "SHA", "BJS") are all-caps ASCII and short.
    if n <= 4 && a.chars().all(|c| c.is_ascii_uppercase()) {
        return false;
    }
    a.chars().all(|c| {
        c.is_ascii()
            || ('\u{00C0}'..='\u{024F}').contains(&c)
            || ('\u{1E00}'..='\u{1EFF}').contains(&c)
            || ('\u{0600}'..='\u{06FF}').contains(&c)
            || matches!(c, '’' | 'ʼ' | 'ʻ' | '‘')
    })
}

/// One parsed line of `lang/mul/countries.tsv`.
pub(crate) struct CountryRow<'a> {
    pub cc: &'a str,
    pub lat: f32,
    pub lon: f32,
    /// (form, is adjective)
    pub forms: Vec<(String, bool)>,
}

fn inflect(lang: usize, base: &str) -> Vec<String> {
    let mut v = vec![base.to_owned()];
    match lang {
        // fr: -en → -enne(s), -ain/-ais/… → +e, +s, +es
        1 => {
            if base.ends_with('e') {
                v.push(format!("{base}s"));
            } else if base.ends_with("en") {
                v.extend([
                    format!("{base}ne"),
                    format!("{base}s"),
                    format!("{base}nes"),
                ]);
            } else if base.ends_with('s') {
                v.extend([format!("{base}e"), format!("{base}es")]);
            } else if base.ends_with('c') {
                v.extend([
                    format!("{base}que"),
                    format!("{base}s"),
                    format!("{base}ques"),
                ]);
            } else {
                v.extend([format!("{base}e"), format!("{base}s"), format!("{base}es")]);
            }
        }
        // es: -o → -a, -os, -as; -í → -íes; -e/-a → +s; -és/-án → -esa, -eses…
        2 => {
            if let Some(stem) = base.strip_suffix('o') {
                v.extend([format!("{stem}a"), format!("{stem}os"), format!("{stem}as")]);
            } else if base.ends_with('í') {
                v.push(format!("{base}es"));
            } else if base.ends_with('e') || base.ends_with('a') {
                v.push(format!("{base}s"));
            } else if let Some(stem) = base.strip_suffix("és") {
                v.extend([
                    format!("{stem}esa"),
                    format!("{stem}eses"),
                    format!("{stem}esas"),
                ]);
            } else if let Some(stem) = base.strip_suffix("án") {
                v.extend([
                    format!("{stem}ana"),
                    format!("{stem}anes"),
                    format!("{stem}anas"),
                ]);
            } else {
                v.extend([format!("{base}a"), format!("{base}es"), format!("{base}as")]);
            }
        }
        // ar: +ة, +ون, +ين, +ة with the article handled at lookup.
        3 => {
            if !base.contains(' ') {
                v.extend([format!("{base}ة"), format!("{base}ون"), format!("{base}ين")]);
            }
        }
        // en: plural "Syrians", "Iraqis"
        _ => {
            if !base.ends_with('s') && !base.ends_with("ese") && !base.ends_with("sh") {
                v.push(format!("{base}s"));
            }
        }
    }
    v
}

pub(crate) fn country_rows() -> Vec<CountryRow<'static>> {
    let mut rows = Vec::new();
    for line in countries().lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let (Some(cc), Some(lat), Some(lon)) = (f.first(), f.get(1), f.get(2)) else {
            continue;
        };
        let mut forms = Vec::new();
        for lang in 0..4 {
            for (col, adj) in [(3 + 2 * lang, false), (4 + 2 * lang, true)] {
                for form in f.get(col).unwrap_or(&"").split(',') {
                    let form = form.trim();
                    if form.is_empty() {
                        continue;
                    }
                    if adj {
                        forms.extend(inflect(lang, form).into_iter().map(|x| (x, true)));
                    } else {
                        forms.push((form.to_owned(), false));
                    }
                }
            }
        }
        rows.push(CountryRow {
            cc,
            lat: lat.parse().unwrap_or(0.0),
            lon: lon.parse().unwrap_or(0.0),
            forms,
        });
    }
    rows
}

fn open_text(path: &Path) -> Result<Box<dyn BufRead>, GazError> {
    let f = std::fs::File::open(path)?;
    if path.extension().is_some_and(|e| e == "gz") {
        Ok(Box::new(BufReader::new(MultiGzDecoder::new(f))))
    } else {
        Ok(Box::new(BufReader::new(f)))
    }
}

/// Builds the index bytes (unpacked; [`claimtrace_ml::blob::save_file`] writes them gzip'd, the
/// committed form) from a GeoNames folder holding `cities1000.tsv.gz`, `countries.tsv` and
/// `admin1CodesASCII.txt`.
pub fn build_index(dir: &Path) -> Result<Vec<u8>, GazError> {
    let mut records: Vec<Entry> = Vec::new();
    let mut names: Vec<(String, u32)> = Vec::new();
    let push_name = |names: &mut Vec<(String, u32)>, n: &str, i: usize| {
        let k = key(n);
        if !k.is_empty() {
            names.push((k, i as u32));
        }
    };
    // Cities.
    let mut admin_sum: FxHashMap<String, (f64, f64, u64, u32)> = FxHashMap::default();
    let mut country_sum: FxHashMap<String, (f64, f64, u32, u64)> = FxHashMap::default();
    for (ln, line) in open_text(&dir.join("cities1000.tsv.gz"))?
        .lines()
        .enumerate()
    {
        let line = line?;
        if ln == 0 && line.starts_with("geonameid") {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 8 {
            continue;
        }
        let (Ok(id), Ok(lat), Ok(lon)) = (f[0].parse(), f[2].parse::<f32>(), f[3].parse::<f32>())
        else {
            continue;
        };
        let pop: u32 = f[6].parse().unwrap_or(0);
        let i = records.len();
        records.push(Entry {
            geonameid: id,
            name: f[1].into(),
            lat,
            lon,
            population: pop,
            country: f[4].into(),
            admin1: f[5].into(),
            kind: Kind::City,
        });
        push_name(&mut names, f[1], i);
        let own = key(f[1]);
        // Alternates most likely to be en/fr/es/ar spellings first: ASCII, then Latin-1, then
        // Arabic, then other Latin letters.
        let mut alts: Vec<(u8, &str)> = f
            .get(8)
            .unwrap_or(&"")
            .split('|')
            .filter(|a| keep_alternate(a))
            .map(|a| {
                let rank = if a.is_ascii() {
                    0
                } else if a
                    .chars()
                    .all(|c| (c as u32) < 0x100 || matches!(c, '’' | 'ʼ'))
                {
                    1
                } else if a.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)) {
                    2
                } else {
                    3
                };
                (rank, a)
            })
            .collect();
        alts.sort_by_key(|x| x.0);
        let cap = if pop >= HUGE_PLACE {
            4 * MAX_ALTERNATES
        } else {
            MAX_ALTERNATES
        };
        let (mut latin, mut arabic) = (0, 0);
        for (rank, a) in alts {
            let k = key(a);
            if k == own {
                continue;
            }
            let is_ar = rank == 2;
            let keep = if pop >= BIG_PLACE {
                if is_ar { arabic < 8 } else { latin < cap }
            } else if is_ar {
                arabic < 2 && pop >= SMALL_ARABIC
            } else {
                // Small places: only their name (folded: "Hajīn" is found as "Hajin").
                false
            };
            if keep {
                if is_ar {
                    arabic += 1;
                } else {
                    latin += 1;
                }
                names.push((k, i as u32));
            }
        }
        let e = admin_sum.entry(format!("{}.{}", f[4], f[5])).or_default();
        e.0 += lat as f64;
        e.1 += lon as f64;
        e.2 += pop as u64;
        e.3 += 1;
        let e = country_sum.entry(f[4].to_owned()).or_default();
        e.0 += lat as f64;
        e.1 += lon as f64;
        e.2 += 1;
        e.3 += pop as u64;
    }
    // First-level divisions: centre = mean of their places.
    for line in open_text(&dir.join("admin1CodesASCII.txt"))?.lines() {
        let line = line?;
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 4 {
            continue;
        }
        let Some((cc, code)) = f[0].split_once('.') else {
            continue;
        };
        let Some(&(la, lo, pop, n)) = admin_sum.get(f[0]) else {
            continue;
        };
        let i = records.len();
        records.push(Entry {
            geonameid: f[3].parse().unwrap_or(0),
            name: f[1].into(),
            lat: (la / n as f64) as f32,
            lon: (lo / n as f64) as f32,
            population: pop.min(u32::MAX as u64) as u32,
            country: cc.into(),
            admin1: code.into(),
            kind: Kind::Admin1,
        });
        push_name(&mut names, f[1], i);
        push_name(&mut names, f[2], i);
    }
    // Countries: names from GeoNames and from the hand-written table, centres from the table
    // (else the mean of the country's places).
    let rows = country_rows();
    let by_cc: FxHashMap<&str, &CountryRow> = rows.iter().map(|r| (r.cc, r)).collect();
    for (ln, line) in open_text(&dir.join("countries.tsv"))?.lines().enumerate() {
        let line = line?;
        let f: Vec<&str> = line.split('\t').collect();
        if ln == 0 || f.len() < 10 {
            continue;
        }
        let cc = f[2];
        let (lat, lon) = match (by_cc.get(cc), country_sum.get(cc)) {
            (Some(r), _) => (r.lat, r.lon),
            (None, Some(&(la, lo, n, _))) if n > 0 => {
                ((la / n as f64) as f32, (lo / n as f64) as f32)
            }
            _ => continue,
        };
        let i = records.len();
        records.push(Entry {
            geonameid: f[0].parse().unwrap_or(0),
            name: f[1].into(),
            lat,
            lon,
            population: f[9].parse().unwrap_or(0),
            country: cc.into(),
            admin1: CompactString::default(),
            kind: Kind::Country,
        });
        push_name(&mut names, f[1], i);
        if let Some(r) = by_cc.get(cc) {
            for (form, adj) in &r.forms {
                if !adj {
                    push_name(&mut names, form, i);
                }
            }
        }
    }
    names.sort_unstable();
    names.dedup();
    let mut postings: Vec<u32> = Vec::new();
    let mut builder = fst::MapBuilder::memory();
    let mut i = 0;
    while i < names.len() {
        let k = &names[i].0;
        let mut j = i;
        while j < names.len() && &names[j].0 == k {
            j += 1;
        }
        let mut ids: Vec<u32> = names[i..j].iter().map(|x| x.1).collect();
        // Countries and divisions first, then by population.
        ids.sort_by_key(|&r| {
            let rec = &records[r as usize];
            let rank = match rec.kind {
                Kind::Country => 0,
                Kind::Admin1 => 1,
                Kind::City => 2,
            };
            (rank, std::cmp::Reverse(rec.population))
        });
        ids.truncate(MAX_POSTINGS);
        // Low bit set: a single record index; clear: an offset into `postings`.
        let v = if ids.len() == 1 {
            ((ids[0] as u64) << 1) | 1
        } else {
            let off = postings.len() as u64;
            postings.push(ids.len() as u32);
            postings.extend(&ids);
            off << 1
        };
        builder
            .insert(k.as_bytes(), v)
            .map_err(|e| GazError::Format(e.to_string()))?;
        i = j;
    }
    let fst = builder
        .into_inner()
        .map_err(|e| GazError::Format(e.to_string()))?;
    Ok(write_index(&records, &postings, fst))
}

impl Gazetteer {
    /// The gazetteer embedded in the binary (built from GeoNames cities1000, admin1 codes and
    /// countries), read in place.
    pub fn load() -> Result<Gazetteer, GazError> {
        Gazetteer::open(Reader::open_static(EMBEDDED, MAGIC, FORMAT)?)
    }

    /// A gazetteer from index bytes written by [`build_index`] (gzip'd or not; copied once).
    pub fn from_bytes(bytes: &[u8]) -> Result<Gazetteer, GazError> {
        Gazetteer::open(Reader::open_bytes(bytes, MAGIC, FORMAT)?)
    }

    fn open(mut r: Reader) -> Result<Gazetteer, GazError> {
        let mut meta = r.meta()?;
        let n = meta.count(u32::MAX as usize)?;
        let nc = meta.count(256)?;
        let mut country_codes = Vec::with_capacity(nc);
        for _ in 0..nc {
            country_codes.push(CompactString::from(meta.str()?));
        }
        let mut col = |width: usize| -> Result<Bytes, GazError> {
            let b = r.block()?;
            if b.len() != width * n {
                return Err(GazError::Format("columns of different lengths".into()));
            }
            Ok(b)
        };
        let (ids, lats, lons, pops) = (col(4)?, col(4)?, col(4)?, col(4)?);
        let (country_idx, kinds) = (col(1)?, col(1)?);
        let names = Strings::read(&mut r, n)?;
        let admin1 = Strings::read(&mut r, n)?;
        let postings = r.block()?;
        let map = fst::Map::new(r.block()?).map_err(|e| GazError::Format(e.to_string()))?;
        let mut countries = FxHashMap::default();
        for (i, &k) in kinds.as_slice().iter().enumerate() {
            if k == 2
                && let Some(cc) = country_idx
                    .as_slice()
                    .get(i)
                    .and_then(|&c| country_codes.get(c as usize))
            {
                countries.insert(cc.clone(), i as u32);
            }
        }
        let mut country_names = FxHashMap::default();
        for row in country_rows() {
            for (form, adj) in row.forms {
                let caps = form.chars().filter(|c| c.is_alphabetic()).count() >= 2
                    && form
                        .chars()
                        .filter(|c| c.is_alphabetic())
                        .all(|c| c.is_uppercase());
                country_names
                    .entry(key(&form))
                    .or_insert((CompactString::from(row.cc), adj, caps));
            }
        }
        Ok(Gazetteer {
            n,
            ids,
            lats,
            lons,
            pops,
            country_idx,
            kinds,
            names,
            admin1,
            country_codes,
            postings,
            map,
            countries,
            country_names,
        })
    }

    /// Builds the gazetteer in memory from a GeoNames folder (slow: seconds).
    pub fn from_geonames_dir(dir: &Path) -> Result<Gazetteer, GazError> {
        Gazetteer::from_bytes(&build_index(dir)?)
    }

    /// (records, postings entries, fst bytes): for the index builder's report.
    pub fn stats(&self) -> (usize, usize, usize) {
        (
            self.n,
            self.postings.len() / 4,
            self.map.as_fst().as_bytes().len(),
        )
    }

    pub fn len(&self) -> usize {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Whether the index is read in place from the binary (no copy was made).
    pub fn is_borrowed(&self) -> bool {
        self.ids.is_borrowed()
    }

    pub fn record(&self, i: u32) -> Option<Record<'_>> {
        let i = i as usize;
        if i >= self.n {
            return None;
        }
        let deg = |b: &Bytes| (u32_at(b.as_slice(), i).unwrap_or(0) as i32 as f64 / 1e4) as f32;
        Some(Record {
            geonameid: u32_at(self.ids.as_slice(), i)?,
            name: self.names.get(i),
            lat: deg(&self.lats),
            lon: deg(&self.lons),
            population: u32_at(self.pops.as_slice(), i)?,
            country: self
                .country_idx
                .as_slice()
                .get(i)
                .and_then(|&c| self.country_codes.get(c as usize))
                .map_or("", |c| c.as_str()),
            admin1: self.admin1.get(i),
            kind: match self.kinds.as_slice().get(i) {
                Some(2) => Kind::Country,
                Some(1) => Kind::Admin1,
                _ => Kind::City,
            },
        })
    }

    /// Record indices for a normalised key (see [`key`]), countries and divisions first, then
    /// by population.
    pub fn lookup_key(&self, k: &str) -> Vec<u32> {
        let Some(v) = self.map.get(k.as_bytes()) else {
            return Vec::new();
        };
        if v & 1 == 1 {
            return u32::try_from(v >> 1).map(|i| vec![i]).unwrap_or_default();
        }
        let off = (v >> 1) as usize;
        let p = self.postings.as_slice();
        let n = u32_at(p, off).unwrap_or(0) as usize;
        (off + 1..off + 1 + n).map_while(|j| u32_at(p, j)).collect()
    }

    /// Record indices for a surface name.
    pub fn lookup(&self, name: &str) -> Vec<u32> {
        self.lookup_key(&key(name))
    }

    /// Whether any name starts with this key followed by a space (for longest-match scans).
    pub fn has_prefix(&self, k: &str) -> bool {
        use fst::{IntoStreamer, Streamer};
        let mut p = String::with_capacity(k.len() + 1);
        p.push_str(k);
        p.push(' ');
        let mut s = self
            .map
            .range()
            .ge(p.as_bytes())
            .lt(format!("{k}!").as_bytes())
            .into_stream();
        s.next().is_some()
    }

    /// The country record of an ISO code.
    pub fn country(&self, cc: &str) -> Option<u32> {
        self.countries.get(cc).copied()
    }

    /// A country name or adjective: (country code, is adjective, needs all-caps text).
    pub fn country_name(&self, k: &str) -> Option<&(CompactString, bool, bool)> {
        self.country_names.get(k)
    }
}

/// Great-circle distance in km.
pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let r = 6371.0088;
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * r * a.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        assert_eq!(key("Hajīn"), "hajin");
        assert_eq!(key("Deir ez-Zor"), "deir ez zor");
        assert_eq!(key("  São   Paulo "), "sao paulo");
        assert_eq!(key("أفغانستان"), key("افغانستان"));
    }

    #[test]
    fn distances() {
        let d = haversine_km(48.8566, 2.3522, 51.5074, -0.1278);
        assert!((d - 343.5).abs() < 2.0, "{d}");
        assert_eq!(haversine_km(10.0, 10.0, 10.0, 10.0), 0.0);
    }
}
