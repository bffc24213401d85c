//! Closed word classes the frames use (several languages in one list: they rarely clash). The
//! lists are files of `lang/mul/attribution/`, read through [`claimtrace_text::data`].

use claimtrace_text::data::WordList;

static STOP_LEFT: WordList = WordList::new("mul/attribution/stop_left.txt");
static DET: WordList = WordList::new("mul/attribution/det.txt");
static OF: WordList = WordList::new("mul/attribution/of.txt");
static ADVERB_BETWEEN: WordList = WordList::new("mul/attribution/adverb_between.txt");
static AUX: WordList = WordList::new("mul/attribution/aux.txt");
static PASSIVE_AUX: WordList = WordList::new("mul/attribution/passive_aux.txt");
static NEGATION: WordList = WordList::new("mul/attribution/negation.txt");
static COMPLEMENTIZER: WordList = WordList::new("mul/attribution/complementizer.txt");
static LINKING_PARTICIPLE: WordList = WordList::new("mul/attribution/linking_participle.txt");
static SUBORDINATOR: WordList = WordList::new("mul/attribution/subordinator.txt");
static NAME_PARTICLE: WordList = WordList::new("mul/attribution/name_particle.txt");
static ORG_WORD: WordList = WordList::new("mul/attribution/org_word.txt");
static MEDIA_WORD: WordList = WordList::new("mul/attribution/media_word.txt");
static TIME_WORD: WordList = WordList::new("mul/attribution/time_word.txt");
static TIME_LEAD: WordList = WordList::new("mul/attribution/time_lead.txt");
static PRONOUN_SINGULAR: WordList = WordList::new("mul/attribution/pronoun_singular.txt");
static PRONOUN_PLURAL: WordList = WordList::new("mul/attribution/pronoun_plural.txt");
static ANAPHOR_SOURCE: WordList = WordList::new("mul/attribution/anaphor_source.txt");
static POSTPOSITION: WordList = WordList::new("mul/attribution/postposition.txt");
static AS_WORD: WordList = WordList::new("mul/attribution/as_word.txt");
static ANAPHOR_OBJECT: WordList = WordList::new("mul/attribution/anaphor_object.txt");
static ANAPHOR_MEDIA: WordList = WordList::new("mul/attribution/anaphor_media.txt");

pub fn is_stop_left(w: &str) -> bool {
    STOP_LEFT.contains(w)
}

pub fn is_det(w: &str) -> bool {
    DET.contains(w)
}

pub fn is_of(w: &str) -> bool {
    OF.contains(w)
}

/// Personal pronouns that can be a source; the bool says singular person.
pub fn pronoun(w: &str) -> Option<bool> {
    if PRONOUN_SINGULAR.contains(w) {
        Some(true)
    } else if PRONOUN_PLURAL.contains(w) {
        Some(false)
    } else {
        None
    }
}

/// Words between a subject and its reporting verb that belong to neither.
pub fn is_adverb_between(w: &str) -> bool {
    ADVERB_BETWEEN.contains(w)
}

pub fn is_aux(w: &str) -> bool {
    AUX.contains(w)
}

pub fn is_passive_aux(w: &str) -> bool {
    PASSIVE_AUX.contains(w)
}

pub fn is_negation(w: &str) -> bool {
    NEGATION.contains(w)
}

pub fn is_complementizer(w: &str) -> bool {
    COMPLEMENTIZER.contains(w) || w.starts_with("qu'") || w.starts_with("qu’")
}

/// "indicating that", "adding that": participles between a cue and its content.
pub fn is_linking_participle(w: &str) -> bool {
    LINKING_PARTICIPLE.contains(w)
}

pub fn is_comma(w: &str) -> bool {
    matches!(w, "," | "،" | ";" | "—" | "–")
}

pub fn is_sentence_end(w: &str) -> bool {
    matches!(w, "." | "!" | "?" | "…" | "؟")
}

pub fn is_open_quote(w: &str) -> bool {
    matches!(w, "«" | "“" | "„" | "‹" | "「" | "『" | "\"" | "‘")
}

pub fn is_close_quote(w: &str) -> bool {
    matches!(w, "»" | "”" | "“" | "›" | "」" | "』" | "\"" | "’")
}

/// Anaphoric source descriptions: refer back to the last source ("the same source") or the
/// last media source ("the paper").
pub fn anaphor(words: &[&str]) -> Option<&'static str> {
    let j = words.join(" ");
    if ANAPHOR_SOURCE.contains(&j) {
        Some("source")
    } else if ANAPHOR_MEDIA.contains(&j) {
        Some("media")
    } else {
        None
    }
}

/// Subordinators that open a clause ending at the next comma ("Despite rumours suggesting X, …").
pub fn is_subordinator(w: &str) -> bool {
    SUBORDINATOR.contains(w)
}

/// Name-internal particles ("Abu Bakr al Baghdadi", "Charles de Gaulle").
pub fn is_name_particle(w: &str) -> bool {
    NAME_PARTICLE.contains(w)
}

pub fn is_org_word(w: &str) -> bool {
    ORG_WORD.contains(w)
}

/// Words that make a name a news medium ("the Alder Gazette", "Radio Alder").
pub fn is_media_word(w: &str) -> bool {
    MEDIA_WORD.contains(w)
}

/// A time word that can stand between a subject and its verb ("X on Tuesday said").
pub fn is_time_word(w: &str) -> bool {
    TIME_WORD.contains(w)
}

/// Words leading a time phrase ("on Tuesday", "late Monday", "last week", "this morning").
pub fn is_time_lead(w: &str) -> bool {
    TIME_LEAD.contains(w) || is_time_word(w)
}

/// "According to" cues written after their source (de "der Zeitung zufolge").
pub fn is_postposition(w: &str) -> bool {
    POSTPOSITION.contains(w)
}

/// "As" before a reporting clause after its content ("…, wie die dpa meldet").
pub fn is_as_word(w: &str) -> bool {
    AS_WORD.contains(w)
}

/// A pronoun standing for the previous sentence before a reporting verb that opens its
/// sentence ("Lo riferisce l'Ansa.", "Das berichtet X.", "Así lo informó X.").
pub fn is_anaphor_object(w: &str) -> bool {
    ANAPHOR_OBJECT.contains(w)
}
