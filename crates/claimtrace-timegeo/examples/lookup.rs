//! Prints the gazetteer candidates of each argument: `cargo run --example lookup -- Hajin`.
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let g = claimtrace_timegeo::Gazetteer::load()?;
    for a in std::env::args().skip(1) {
        let k = claimtrace_timegeo::gazetteer::key(&a);
        println!("{a} [{k}]:");
        for i in g.lookup_key(&k).into_iter().take(8) {
            if let Some(r) = g.record(i) {
                println!(
                    "  {} {} {} {} {:?} pop {}",
                    r.geonameid, r.name, r.country, r.admin1, r.kind, r.population
                );
            }
        }
    }
    Ok(())
}
