//! Prints the pre-pass output of one page: `prepass FILE.html.gz`.
use std::io::Read;
fn main() {
    let path = std::env::args().nth(1).expect("file");
    let mut bytes = Vec::new();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(&path).expect("open"))
        .read_to_end(&mut bytes)
        .expect("read");
    let html = String::from_utf8_lossy(&bytes);
    print!("{}", claimtrace_extract::prepass::run(&html).html);
}
