//! Tokenizer and sentence splitter (en, fr, es, ar).
