//! Closed word classes the frames use (several languages in one list: they rarely clash).

pub fn is_stop_left(w: &str) -> bool {
    matches!(
        w,
        "that"
            | "which"
            | "who"
            | "whom"
            | "whose"
            | "where"
            | "when"
            | "while"
            | "as"
            | "because"
            | "if"
            | "but"
            | "so"
            | "than"
            | "then"
            | "however"
            | "or"
            | "nor"
            | "to"
            | "in"
            | "on"
            | "at"
            | "for"
            | "with"
            | "by"
            | "from"
            | "into"
            | "about"
            | "after"
            | "before"
            | "over"
            | "under"
            | "since"
            | "during"
            | "despite"
            | "among"
            | "amid"
            | "without"
            | "is"
            | "was"
            | "are"
            | "were"
            | "be"
            | "been"
            | "being"
            | "has"
            | "have"
            | "had"
            | "will"
            | "would"
            | "could"
            | "should"
            | "may"
            | "might"
            | "must"
            | "can"
            | "did"
            | "does"
            | "do"
            | "not"
            | "never"
            | "also"
            | "although"
            | "though"
            | "yet"
            | "thus"
            | "meanwhile"
            | "moreover"
            | "there"
            | "here"
            | "what"
            | "how"
            | "why"
            | "whether"
            | "once"
            | "until"
            | "unless"
            | "through"
            | "against"
            | "toward"
            | "towards"
            | "que"
            | "qui"
            | "et"
            | "mais"
            | "ou"
            | "donc"
            | "car"
            | "dans"
            | "sur"
            | "pour"
            | "avec"
            | "par"
            | "sans"
            | "est"
            | "sont"
            | "était"
            | "y"
            | "pero"
            | "o"
            | "en"
            | "con"
            | "por"
            | "para"
            | "sin"
            | "es"
            | "son"
            | "fue"
            | "era"
            | "ha"
            | "han"
            | "no"
            | "ne"
            | "pas"
            | "lo"
            | "se"
            | "le"
            | "les"
            | "sus"
            | "su"
            | "ses"
            | "son_"
            | "و"
            | "في"
            | "على"
            | "من"
            | "إلى"
            | "أن"
            | "إن"
            | "التي"
            | "الذي"
            | "لكن"
            | "ثم"
    )
}

pub fn is_det(w: &str) -> bool {
    matches!(
        w,
        "the"
            | "a"
            | "an"
            | "this"
            | "these"
            | "those"
            | "his"
            | "her"
            | "their"
            | "its"
            | "our"
            | "my"
            | "your"
            | "some"
            | "many"
            | "several"
            | "two"
            | "three"
            | "other"
            | "another"
            | "le"
            | "les"
            | "la"
            | "l'"
            | "un"
            | "une"
            | "des"
            | "el"
            | "los"
            | "las"
            | "una"
            | "unos"
            | "unas"
            | "ce"
            | "cette"
            | "ces"
            | "este"
            | "esta"
            | "estos"
            | "estas"
    )
}

pub fn is_of(w: &str) -> bool {
    matches!(w, "of" | "de" | "du" | "del" | "d'" | "for" | "at" | "باسم")
}

/// Personal pronouns that can be a source; the bool says singular person.
pub fn pronoun(w: &str) -> Option<bool> {
    match w {
        "he" | "she" | "il" | "elle" | "él" | "ella" | "هو" | "هي" | "i" | "je" | "yo" => {
            Some(true)
        }
        "they" | "we" | "ils" | "elles" | "ellos" | "ellas" | "nous" | "nosotros" | "هم"
        | "you" => Some(false),
        _ => None,
    }
}

/// Words between a subject and its reporting verb that belong to neither.
pub fn is_adverb_between(w: &str) -> bool {
    matches!(
        w,
        "also"
            | "later"
            | "previously"
            | "earlier"
            | "recently"
            | "again"
            | "further"
            | "then"
            | "reportedly"
            | "allegedly"
            | "repeatedly"
            | "publicly"
            | "privately"
            | "once"
            | "still"
            | "already"
            | "often"
            | "frequently"
            | "separately"
            | "first"
            | "initially"
            | "finally"
            | "even"
            | "only"
            | "just"
            | "quickly"
            | "flatly"
            | "firmly"
            | "strongly"
            | "openly"
            | "angrily"
            | "bluntly"
            | "simply"
            | "specifically"
            | "explicitly"
            | "aussi"
            | "également"
            | "encore"
            | "ya"
            | "también"
            | "además"
    )
}

pub fn is_aux(w: &str) -> bool {
    matches!(w, "has" | "have" | "had" | "will" | "would" | "'s")
}

pub fn is_passive_aux(w: &str) -> bool {
    matches!(
        w,
        "is" | "are" | "was" | "were" | "be" | "been" | "being" | "get" | "got" | "gets"
    )
}

pub fn is_negation(w: &str) -> bool {
    matches!(
        w,
        "not"
            | "never"
            | "without"
            | "n't"
            | "didn't"
            | "doesn't"
            | "don't"
            | "refused"
            | "declined"
            | "to"
            | "sans"
            | "sin"
    )
}

pub fn is_complementizer(w: &str) -> bool {
    matches!(
        w,
        "that"
            | "whether"
            | "if"
            | "que"
            | "qu'"
            | "qu’"
            | "si"
            | "إن"
            | "أن"
            | "بأن"
            | "بان"
            | "ان"
            | "فإن"
            | "وإن"
            | "إنه"
            | "أنه"
            | "إنها"
            | "أنها"
            | "بأنه"
            | "بأنها"
            | "إنهم"
            | "أنهم"
    ) || w.starts_with("qu'")
        || w.starts_with("qu’")
}

/// "indicating that", "adding that": participles between a cue and its content.
pub fn is_linking_participle(w: &str) -> bool {
    matches!(
        w,
        "indicating"
            | "suggesting"
            | "saying"
            | "adding"
            | "claiming"
            | "noting"
            | "stating"
            | "arguing"
            | "explaining"
            | "insisting"
            | "warning"
            | "alleging"
            | "asserting"
            | "affirmant"
            | "ajoutant"
            | "expliquant"
            | "indiquant"
            | "précisant"
            | "estimant"
            | "afirmando"
            | "añadiendo"
            | "explicando"
            | "indicando"
            | "señalando"
            | "asegurando"
            | "مضيفا"
            | "مشيرا"
            | "موضحا"
            | "مؤكدا"
    )
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
    let j = j.as_str();
    if matches!(
        j,
        "the same source"
            | "same source"
            | "the source"
            | "la même source"
            | "même source"
            | "la misma fuente"
            | "misma fuente"
            | "la fuente"
            | "المصدر نفسه"
            | "المصدر ذاته"
            | "نفس المصدر"
            | "المصدر"
    ) {
        return Some("source");
    }
    if matches!(
        j,
        "the paper"
            | "the newspaper"
            | "the daily"
            | "the agency"
            | "the news agency"
            | "the channel"
            | "the broadcaster"
            | "the outlet"
            | "the website"
            | "the magazine"
            | "le journal"
            | "le quotidien"
            | "l'agence"
            | "la chaîne"
            | "el diario"
            | "el periódico"
            | "la agencia"
            | "la cadena"
            | "الصحيفة"
            | "الوكالة"
            | "القناة"
    ) {
        return Some("media");
    }
    None
}

/// Subordinators that open a clause ending at the next comma ("Despite rumours suggesting X, …").
pub fn is_subordinator(w: &str) -> bool {
    matches!(
        w,
        "despite"
            | "although"
            | "though"
            | "while"
            | "after"
            | "as"
            | "since"
            | "if"
            | "amid"
            | "following"
            | "because"
            | "when"
            | "malgré"
            | "bien"
            | "alors"
            | "pese"
            | "aunque"
            | "mientras"
            | "رغم"
            | "بينما"
    )
}

/// Name-internal particles ("Abu Bakr al Baghdadi", "Charles de Gaulle").
pub fn is_name_particle(w: &str) -> bool {
    matches!(
        w,
        "al" | "el"
            | "bin"
            | "ibn"
            | "de"
            | "da"
            | "van"
            | "von"
            | "der"
            | "la"
            | "le"
            | "abu"
            | "du"
            | "del"
            | "dos"
            | "ben"
            | "bint"
            | "ould"
    )
}

pub fn is_org_word(w: &str) -> bool {
    matches!(
        w,
        "ministry"
            | "department"
            | "agency"
            | "police"
            | "council"
            | "committee"
            | "party"
            | "army"
            | "forces"
            | "company"
            | "inc."
            | "corp."
            | "university"
            | "institute"
            | "commission"
            | "office"
            | "government"
            | "court"
            | "bank"
            | "group"
            | "organization"
            | "organisation"
            | "association"
            | "union"
            | "coalition"
            | "house"
            | "pentagon"
            | "congress"
            | "senate"
            | "campaign"
            | "foundation"
            | "fund"
            | "service"
            | "services"
            | "isis"
            | "nato"
            | "un"
            | "eu"
            | "fbi"
            | "cia"
            | "white"
            | "state"
            | "ministère"
            | "ministerio"
            | "gobierno"
            | "gouvernement"
            | "vaticano"
            | "vatican"
            | "kremlin"
    )
}

/// Words that make a name a news medium ("the Alder Gazette", "Radio Alder").
pub fn is_media_word(w: &str) -> bool {
    matches!(
        w,
        "gazette"
            | "times"
            | "post"
            | "news"
            | "herald"
            | "journal"
            | "tribune"
            | "radio"
            | "tv"
            | "fm"
            | "daily"
            | "telegraph"
            | "chronicle"
            | "observer"
            | "press"
            | "agency"
            | "channel"
            | "magazine"
            | "review"
            | "courier"
            | "mail"
            | "express"
            | "standard"
            | "independent"
            | "guardian"
            | "monde"
            | "diario"
            | "periódico"
            | "journal,"
            | "presse"
            | "newspaper"
            | "broadcaster"
            | "television"
            | "télévision"
            | "televisión"
    )
}

/// A time word that can stand between a subject and its verb ("X on Tuesday said").
pub fn is_time_word(w: &str) -> bool {
    matches!(
        w,
        "monday"
            | "tuesday"
            | "wednesday"
            | "thursday"
            | "friday"
            | "saturday"
            | "sunday"
            | "yesterday"
            | "today"
            | "tonight"
            | "earlier"
            | "week"
            | "month"
            | "year"
            | "night"
            | "morning"
            | "afternoon"
            | "evening"
            | "weekend"
            | "lundi"
            | "mardi"
            | "mercredi"
            | "jeudi"
            | "vendredi"
            | "samedi"
            | "dimanche"
            | "lunes"
            | "martes"
            | "miércoles"
            | "jueves"
            | "viernes"
            | "sábado"
            | "domingo"
    )
}

/// Words leading a time phrase ("on Tuesday", "late Monday", "last week", "this morning").
pub fn is_time_lead(w: &str) -> bool {
    matches!(
        w,
        "on" | "late" | "early" | "last" | "this" | "next" | "earlier" | "le" | "el" | "ce"
    ) || is_time_word(w)
}
