"""The dev/scored split shared by claimtrace's `eval dates` / `eval boilerplate` and the peer
scripts: FNV-1a 64 of the page id (the `file` field); even → dev (tuned on), odd → scored."""


def fnv1a64(s: str) -> int:
    h = 0xCBF29CE484222325
    for b in s.encode("utf-8"):
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def part(page_id: str) -> str:
    return "dev" if fnv1a64(page_id) % 2 == 0 else "scored"
