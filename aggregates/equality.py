"""Equality monitoring answers as codes (CAR; SCAR Q7 recommends asking on the Sanctuary
referral form; SCAR Q15 and DBC 14 count them): each protected characteristic of the Equality
Act 2010 with the answers a caseworker can pick, and the communication needs the council can
meet (SCAR Q7, "Disability" and "Race": Braille, audio tape, large print, British Sign Language
interpreting, Relay UK, translated documents, telephone and face-to-face interpreting).

Answers follow the ONS 2021 Census harmonised categories where there is one [guidance: the
seeds name the characteristics, not the categories]: age in ten-year bands from 16 (the DA Act
2021 s1 age), sex, whether gender identity is the same as sex registered at birth, disability
as the Census's "limited a lot / a little / not", the five high-level ethnic groups (the ones
SCAR Q5 quotes for Dartford), religion, sexual orientation and legal partnership status.
Pregnancy and maternity has no Census question: its answers follow the Equality Act's
protected period (pregnant, or a baby born in the last 26 weeks) [guidance].

Every answer is optional and each characteristic may be answered "Prefer not to say". Shapes:
an answer is a code (`str`); `protected_characteristics` is {characteristic code: answer code}
holding only those given; `communication_needs` a tuple of `CommunicationNeed` codes.

`OWN_WORDS` is the code of an answer recorded before answers were coded, in the victim's own
words: it is never offered and never parsed from the words (aggregates/sanctuary.py upcasts).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from aggregates.errors import RuleViolation

EQUALITY = "CAR; SCAR Q7"
PREFER_NOT_TO_SAY = "prefer_not_to_say"
OWN_WORDS = "own_words"       # recorded in the victim's words before answers were coded
NOT_GIVEN = "not_given"       # a report row: a household referred without this answer


class ProtectedCharacteristic(StrEnum):
    """The nine characteristics of the Equality Act 2010 (the codes stored since issue 13)."""

    AGE = "age"
    DISABILITY = "disability"
    GENDER_REASSIGNMENT = "gender_reassignment"
    MARRIAGE_OR_CIVIL_PARTNERSHIP = "marriage_or_civil_partnership"
    PREGNANCY_OR_MATERNITY = "pregnancy_or_maternity"
    RACE = "race"
    RELIGION_OR_BELIEF = "religion_or_belief"
    SEX = "sex"
    SEXUAL_ORIENTATION = "sexual_orientation"


P = ProtectedCharacteristic
# The question each characteristic asks, in plain words, as the form and the reports show it.
QUESTIONS: Mapping[ProtectedCharacteristic, str] = {
    P.AGE: "Age",
    P.DISABILITY: "Disability",
    P.GENDER_REASSIGNMENT: "Gender identity the same as sex registered at birth",
    P.MARRIAGE_OR_CIVIL_PARTNERSHIP: "Marriage or civil partnership",
    P.PREGNANCY_OR_MATERNITY: "Pregnancy or maternity",
    P.RACE: "Ethnic group",
    P.RELIGION_OR_BELIEF: "Religion or belief",
    P.SEX: "Sex",
    P.SEXUAL_ORIENTATION: "Sexual orientation",
}
class Age(StrEnum):
    AGED_16_24 = "16_24"
    AGED_25_34 = "25_34"
    AGED_35_44 = "35_44"
    AGED_45_54 = "45_54"
    AGED_55_64 = "55_64"
    AGED_65_74 = "65_74"
    AGED_75_PLUS = "75_plus"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY


class Disability(StrEnum):
    LIMITED_A_LOT = "limited_a_lot"
    LIMITED_A_LITTLE = "limited_a_little"
    NOT_DISABLED = "not_disabled"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY


class GenderIdentity(StrEnum):
    """Is the gender the victim identifies with the same as their sex registered at birth?"""

    SAME = "same"
    NOT_SAME = "not_same"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY


class Partnership(StrEnum):
    NEVER = "never"
    MARRIED_OR_CIVIL_PARTNERSHIP = "married_or_civil_partnership"
    SEPARATED = "separated"
    DIVORCED_OR_DISSOLVED = "divorced_or_dissolved"
    WIDOWED = "widowed"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY


class PregnancyOrMaternity(StrEnum):
    PREGNANT = "pregnant"
    BABY_IN_26_WEEKS = "baby_in_26_weeks"
    NEITHER = "neither"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY


class EthnicGroup(StrEnum):
    ASIAN = "asian"
    BLACK = "black"
    MIXED = "mixed"
    WHITE = "white"
    OTHER = "other"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY


class Religion(StrEnum):
    NO_RELIGION = "no_religion"
    CHRISTIAN = "christian"
    BUDDHIST = "buddhist"
    HINDU = "hindu"
    JEWISH = "jewish"
    MUSLIM = "muslim"
    SIKH = "sikh"
    OTHER = "other"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY


class SexualOrientation(StrEnum):
    STRAIGHT = "straight"
    GAY_OR_LESBIAN = "gay_or_lesbian"
    BISEXUAL = "bisexual"
    OTHER = "other"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY


# Each characteristic's answers, in the order offered ("Prefer not to say" last).
ANSWER_SETS: Mapping[ProtectedCharacteristic, type[StrEnum]] = {
    P.AGE: Age, P.DISABILITY: Disability, P.GENDER_REASSIGNMENT: GenderIdentity,
    P.MARRIAGE_OR_CIVIL_PARTNERSHIP: Partnership,
    P.PREGNANCY_OR_MATERNITY: PregnancyOrMaternity, P.RACE: EthnicGroup,
    P.RELIGION_OR_BELIEF: Religion, P.SEX: Sex, P.SEXUAL_ORIENTATION: SexualOrientation,
}
_WORDS: Mapping[ProtectedCharacteristic, tuple[str, ...]] = {
    P.AGE: ("16 to 24", "25 to 34", "35 to 44", "45 to 54", "55 to 64", "65 to 74",
            "75 or over"),
    P.DISABILITY: ("Disabled: day-to-day activities limited a lot",
                   "Disabled: day-to-day activities limited a little", "Not disabled"),
    P.GENDER_REASSIGNMENT: ("Yes, the same", "No, not the same"),
    P.MARRIAGE_OR_CIVIL_PARTNERSHIP: (
        "Never married and never in a civil partnership", "Married or in a civil partnership",
        "Separated, but still legally married or in a civil partnership",
        "Divorced or civil partnership dissolved", "Widowed or surviving civil partner"),
    P.PREGNANCY_OR_MATERNITY: ("Pregnant", "Had a baby in the last 26 weeks", "Neither"),
    P.RACE: ("Asian, Asian British or Asian Welsh",
             "Black, Black British, Black Welsh, Caribbean or African",
             "Mixed or multiple ethnic groups", "White", "Another ethnic group"),
    P.RELIGION_OR_BELIEF: ("No religion", "Christian", "Buddhist", "Hindu", "Jewish", "Muslim",
                           "Sikh", "Another religion or belief"),
    P.SEX: ("Female", "Male"),
    P.SEXUAL_ORIENTATION: ("Straight or heterosexual", "Gay or lesbian", "Bisexual",
                           "Another sexual orientation"),
}
# (code, words) of each characteristic's answers, in the order offered.
CHOICES: Mapping[ProtectedCharacteristic, tuple[tuple[str, str], ...]] = {
    c: tuple(zip([a.value for a in ANSWER_SETS[c]], (*_WORDS[c], "Prefer not to say"),
                 strict=True))
    for c in ProtectedCharacteristic}
OWN_WORDS_WORDS = "Given in own words (not coded)"
NOT_GIVEN_WORDS = "Not given"


class CommunicationNeed(StrEnum):
    """Communication support the council offers (SCAR Q7: alternative formats and
    interpreting); "other" for a need not on the list."""

    BRAILLE = "braille"
    AUDIO = "audio"
    LARGE_PRINT = "large_print"
    BSL_INTERPRETER = "bsl_interpreter"
    RELAY_UK = "relay_uk"
    TRANSLATED_DOCUMENTS = "translated_documents"
    SPOKEN_LANGUAGE_INTERPRETER = "spoken_language_interpreter"
    OTHER = "other"


NEED_WORDS: Mapping[str, str] = {
    CommunicationNeed.BRAILLE: "Braille",
    CommunicationNeed.AUDIO: "Audio versions of documents",
    CommunicationNeed.LARGE_PRINT: "Large print",
    CommunicationNeed.BSL_INTERPRETER: "British Sign Language interpreter",
    CommunicationNeed.RELAY_UK: "Relay UK",
    CommunicationNeed.TRANSLATED_DOCUMENTS: "Documents translated into another language",
    CommunicationNeed.SPOKEN_LANGUAGE_INTERPRETER:
        "Telephone or face-to-face language interpreter",
    CommunicationNeed.OTHER: "Another communication need",
    OWN_WORDS: OWN_WORDS_WORDS,
}


def answer_words(characteristic: str, code: str) -> str:
    """The words of an answer code (an unknown code is shown as itself, never hidden)."""
    if code == OWN_WORDS:
        return OWN_WORDS_WORDS
    try:
        return dict(CHOICES[ProtectedCharacteristic(characteristic)]).get(code, code)
    except ValueError:
        return code


def check_answers(answers: Mapping[ProtectedCharacteristic, str]) -> dict[str, str]:
    """{characteristic: answer code} with blank answers left out (never required: CAR); a code
    not offered for its characteristic raises `RuleViolation` "equality_answer_is_offered"
    naming the field and the codes allowed."""
    given: dict[str, str] = {}
    for characteristic, code in answers.items():
        if not code.strip():
            continue
        allowed = [c for c, _ in CHOICES[characteristic]]
        if code not in allowed:
            raise RuleViolation(
                "equality_answer_is_offered", f"choose one of {allowed}",
                field=f"protected_characteristics.{characteristic.value}", section=EQUALITY)
        given[characteristic.value] = code
    return given


def check_needs(needs: list[str]) -> tuple[str, ...]:
    """The communication needs as codes, each once, in the order of `CommunicationNeed`; an
    unknown code raises `RuleViolation` "communication_need_is_offered"."""
    for need in needs:
        if need not in set(CommunicationNeed):
            raise RuleViolation(
                "communication_need_is_offered",
                f"choose from {[n.value for n in CommunicationNeed]}",
                field="communication_needs", section=EQUALITY)
    return tuple(n.value for n in CommunicationNeed if n.value in needs)
