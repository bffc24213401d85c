//! Named-entity recogniser (PER, ORG, LOC) with gazetteer features.
