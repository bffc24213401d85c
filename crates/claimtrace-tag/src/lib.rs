//! UPOS, morphological features and lemmas: averaged-perceptron tagger trained on UD.
