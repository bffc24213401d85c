//! Transition-based dependency parser trained on UD.
