//! PolNeAR reading and the CofeNet span metric (filled in below).
