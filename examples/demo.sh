#!/usr/bin/env sh
# The whole job on the bundled fictional samples: every claim of an article with its source,
# cue and certainty; then a four-outlet story in a store, its provenance and what drifted.
set -eu
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin claimtrace
ct() { cargo run --release --quiet --bin claimtrace -- "$@"; }

echo "== 1. Claims in one article: source ─cue→ content [certainty]"
ct claims examples/en-harbour-spill.html

db="$(mktemp -d)/demo.db"
echo
echo "== 2. Four outlets re-report one story (en, es): ingest them into a store"
ct ingest --db "$db" examples/story/aldervik-spill.jsonl
ct stories --db "$db" --no-ids

echo
echo "== 3. Provenance: the origin, who re-reported whom, and what drifted on the way"
ct trace --db "$db" --article story-wire-0001 --format tree

echo
echo "Open it in a browser:  cargo run --release --bin claimtrace -- serve --db $db"
