"""The report form of DESIGN.md §4, as data: one definition drives the page, the no-JS parser
and the JavaScript that gathers the fields, so the three can never drift apart.

A report's plaintext ``fields`` object (what gets padded, encrypted and sealed) is
``{"form_version": 1, "<section>": {"<field>": value, ...}, "incidents": [{...}, ...]}``;
values are strings, lists of strings (multi-selects, links) or booleans (check boxes).
Empty answers are left out: "not said" and "prefer not to say" are different answers.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from haven.taxonomy import load_taxonomy

FORM_VERSION = 1

YES_NO = ("no", "yes", "dont_know", "prefer_not")
CHOICE_LABELS = {
    "no": _l("No"),
    "yes": _l("Yes"),
    "dont_know": _l("I don't know"),
    "prefer_not": _l("Prefer not to say"),
}

# Scopes that stay blocked until the targeted person's own consent exists (DESIGN.md §4):
# everything that sends the case to the UN or the State, or publishes it.
VICTIM_ONLY_SCOPES = frozenset(
    {
        "un_confidential",
        "un_report_named",
        "un_report_anonymous",
        "state_transmission",
        "casebase_anonymized",
        "casebase_named",
        "public_advocacy",
    }
)

SCOPE_EXPLANATIONS = {
    "contact": _l(
        "Reviewers may write to you through Haven's encrypted inbox. They can only reach you "
        "if you come back with your receipt."
    ),
    "un_confidential": _l(
        "Verified details, including the identity you give for verifying staff, may be passed "
        "in confidence to UN human rights staff. They may raise the case with the State, which "
        "then learns the details."
    ),
    "un_report_named": _l(
        "The case may appear, with the person's name, in the UN Secretary-General's annual "
        "report on reprisals. The report is public and the State is asked to respond."
    ),
    "un_report_anonymous": _l(
        "The case may appear without a name in the annual report. The State may still "
        "recognise the person from the details."
    ),
    "state_transmission": _l(
        "The UN may send the allegation to the government concerned and ask it to respond. "
        "The government then learns what is alleged."
    ),
    "aggregate_statistics": _l(
        "The case may be counted in statistics (for example, the number of cases per country "
        "and year). Small counts are never published."
    ),
    "casebase_anonymized": _l(
        "A record written by reviewers without names or identifying details may enter a case "
        "base shared with partner organisations and, for some fields, the public."
    ),
    "casebase_named": _l(
        "A record with the person's name may enter the shared case base."
    ),
    "public_advocacy": _l(
        "The case may be used publicly in campaigns and statements by the organisations "
        "running Haven."
    ),
}


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # text | textarea | date | choice | multi | check | file | audio | links
    label: object  # lazy string
    why: object = ""
    choices: tuple[str, ...] = ()
    vocabulary: str = ""  # taxonomy vocabulary for choice/multi
    required: bool = False
    max_length: int = 2000

    def options(self) -> list[tuple[str, str]]:
        """(value, label) pairs for choice and multi fields."""
        if self.vocabulary:
            vocabulary = load_taxonomy().vocabulary(self.vocabulary)
            return [(term, _translated(label)) for term, label in vocabulary.items()]
        return [(value, str(CHOICE_LABELS.get(value, value))) for value in self.choices]


@dataclass(frozen=True)
class Section:
    id: str
    title: object
    intro: object
    fields: tuple[Field, ...]
    repeat: int = 0  # >0: a list of this many blocks without JS ("incidents")
    sealed_apart: bool = False  # the "real identity" and "contact route" sections


def _translated(label: str) -> str:
    from flask_babel import gettext

    return gettext(label)


_WHY_OPTIONAL = _l("Optional. It helps reviewers verify what happened.")

SECTIONS: tuple[Section, ...] = (
    Section(
        "danger",
        _l("Are you in danger now?"),
        _l("If you or the person targeted is in immediate danger, get help first."),
        (
            Field("danger_now", "choice", _l("Is anyone in immediate danger now?"),
                  _l("If yes, we show emergency contacts first and you can send a short "
                     "urgent report now and complete it later."),
                  choices=("no", "yes", "prefer_not")),
        ),
    ),
    Section(
        "un_link",
        _l("The link with the United Nations"),
        _l("Haven collects reprisals for cooperating, or trying to cooperate, with the UN."),
        (
            Field("linked", "choice", _l("Is what happened linked to cooperation with the UN?"),
                  _l("This decides whether Haven is the right place for this report."),
                  choices=("yes", "no", "dont_know"), required=True),
            Field("mechanisms", "multi", _l("Which UN body or mechanism?"), _WHY_OPTIONAL,
                  vocabulary="mechanisms"),
            Field("official", "text", _l("Which UN official or office, if any?"), _WHY_OPTIONAL),
            Field("when", "text", _l("When was the contact with the UN (exact or approximate)?"),
                  _WHY_OPTIONAL, max_length=100),
            Field("how", "multi", _l("How did the cooperation take place?"), _WHY_OPTIONAL,
                  choices=("testimony", "submission", "communication", "attendance", "other")),
            Field("engagement", "choice", _l("Was the cooperation actual, attempted or perceived?"),
                  _WHY_OPTIONAL, vocabulary="engagement"),
            Field("references", "text",
                  _l("References (session, UPR cycle, communication number, document symbol)"),
                  _WHY_OPTIONAL),
            Field("reason", "textarea", _l("Why do you believe the acts are linked to the UN?"),
                  _l("Optional. 'I don't know' is a valid answer."), max_length=10000),
        ),
    ),
    Section(
        "person",
        _l("The person targeted"),
        _l("The person targeted may be you, someone else, or an organisation."),
        (
            Field("reporter", "choice", _l("Who is reporting?"),
                  _l("The person targeted and the person reporting may differ."),
                  choices=("self", "someone_else", "organisation", "prefer_not")),
            Field("kind", "choice", _l("Who was targeted?"), _WHY_OPTIONAL,
                  choices=("individual", "group", "organisation", "prefer_not")),
            Field("gender", "choice", _l("Gender"), _l("Optional. Used only in statistics."),
                  vocabulary="genders"),
            Field("age_band", "choice", _l("Age"),
                  _l("Optional. Minors need a guardian's consent."),
                  vocabulary="age_bands"),
            Field("roles", "multi", _l("Role"), _WHY_OPTIONAL, vocabulary="roles"),
            Field("work", "textarea", _l("Their human rights work"), _WHY_OPTIONAL),
            Field("nationality", "text", _l("Nationality"), _WHY_OPTIONAL, max_length=100),
            Field("city", "text", _l("City of residence"), _WHY_OPTIONAL, max_length=100),
            Field("country", "text", _l("Country of residence"), _WHY_OPTIONAL, max_length=100),
            Field("relatives_targeted", "choice", _l("Were relatives also targeted?"),
                  _WHY_OPTIONAL, choices=YES_NO),
            Field("name_to_publish", "text", _l("Name to publish, if any"),
                  _l("None by default. Only used where you consent to a named publication."),
                  max_length=200),
        ),
    ),
    Section(
        "identity",
        _l("Real identity, for verifying staff and UN staff only"),
        _l("Sealed apart from the rest of the report. Never published."),
        (
            Field("real_name", "text", _l("Full name of the person targeted"),
                  _l("Optional. Verifiers may need it to confirm the case."), max_length=200),
            Field("contact", "textarea", _l("A safe way to reach them"),
                  _l("Optional. Only if it is safe to be contacted."), max_length=1000),
        ),
        sealed_apart=True,
    ),
    Section(
        "incidents",
        _l("What happened"),
        _l("Describe each incident. Approximate dates are fine."),
        (
            Field("date", "text", _l("Date (exact or approximate)"), _WHY_OPTIONAL, max_length=60),
            Field("place", "text", _l("Place"), _WHY_OPTIONAL, max_length=200),
            Field("acts", "multi", _l("What was done"), _WHY_OPTIONAL, vocabulary="acts"),
            Field("perpetrator_kind", "choice", _l("Perpetrator"), _WHY_OPTIONAL,
                  choices=("state", "non_state", "dont_know")),
            Field("perpetrators", "multi", _l("Which institution or group"), _WHY_OPTIONAL,
                  vocabulary="perpetrators"),
            Field("unit", "text", _l("Institution or unit, if known"), _WHY_OPTIONAL),
        ),
        repeat=3,
    ),
    Section(
        "situation",
        _l("The situation now"),
        _l("The State allegedly responsible may differ from where it happened."),
        (
            Field("state_responsible", "text", _l("State allegedly responsible"), _WHY_OPTIONAL,
                  max_length=100),
            Field("detention_place", "text", _l("Place of detention, if detained"), _WHY_OPTIONAL),
            Field("charges", "text", _l("Charges, if any"), _WHY_OPTIONAL),
            Field("lawyer_access", "choice", _l("Access to a lawyer?"), _WHY_OPTIONAL,
                  choices=YES_NO),
            Field("travel_ban", "choice", _l("Travel ban?"), _WHY_OPTIONAL, choices=YES_NO),
            Field("ongoing", "choice", _l("Is it still going on?"), _WHY_OPTIONAL, choices=YES_NO),
            Field("narrative", "textarea", _l("In your own words"),
                  _l("Required, unless you record audio below instead."), max_length=100000),
            Field("audio", "audio", _l("Or record your account as audio"),
                  _l("A full alternative to typing. The recording is encrypted like a file.")),
        ),
    ),
    Section(
        "remedies",
        _l("Remedies and earlier records"),
        _l("What has already been tried helps decide what can be done."),
        (
            Field("domestic_complaint", "choice", _l("Was a complaint made in the country?"),
                  _WHY_OPTIONAL, choices=YES_NO),
            Field("domestic_outcome", "text", _l("Outcome of that complaint"), _WHY_OPTIONAL),
            Field("raised_with_un", "choice", _l("Was the case already raised with a UN body?"),
                  _WHY_OPTIONAL, choices=YES_NO),
            Field("cited_sg_report", "choice",
                  _l("Was it cited in an earlier Secretary-General report?"), _WHY_OPTIONAL,
                  choices=YES_NO),
        ),
    ),
    Section(
        "risk",
        _l("Risk now"),
        _l("Urgent cases go to a separate queue with shorter timers."),
        (
            Field("further_reprisal", "choice", _l("At risk of further reprisal?"), _WHY_OPTIONAL,
                  choices=YES_NO),
            Field("detained", "choice", _l("Detained now?"), _WHY_OPTIONAL, choices=YES_NO),
            Field("urgent_protection", "check", _l("Urgent protection is needed"), _WHY_OPTIONAL),
            Field("urgent_appeal", "check", _l("An urgent appeal is wanted"), _WHY_OPTIONAL),
        ),
    ),
    Section(
        "evidence",
        _l("Evidence"),
        _l("Photos, documents, audio or video, up to 500 MB each. Files are encrypted on "
           "your device before they are sent; their names stay inside the encryption."),
        (
            Field("files", "file", _l("Attach files"), _WHY_OPTIONAL),
            Field("links", "links", _l("Links (one per line)"), _WHY_OPTIONAL, max_length=10000),
        ),
    ),
    Section(
        "consent",
        _l("Consent"),
        _l("Every choice is 'no' until you change it. You can withdraw any of them later with "
           "your receipt; withdrawal stops future use, scope by scope."),
        (
            Field("giver", "choice", _l("Who gives consent?"),
                  _l("Until the person targeted consents, nothing goes to the UN or is "
                     "published."),
                  vocabulary="consent_givers", required=True),
            Field("risks_explained", "choice", _l("Were the risks explained to them?"),
                  _WHY_OPTIONAL, choices=("no", "yes")),
            Field("risks_explained_when", "text", _l("When were the risks explained?"),
                  _WHY_OPTIONAL, max_length=60),
            Field("risks_explained_how", "text", _l("How were the risks explained?"),
                  _WHY_OPTIONAL, max_length=500),
            Field("scopes", "multi", _l("What may be done with this report"),
                  _l("Tick only what you agree to."), vocabulary="consent_scopes"),
        ),
    ),
    Section(
        "next",
        _l("What happens next"),
        _l("If you will not come back with your receipt, you can leave a route for reviewers."),
        (
            Field("contact_route", "textarea",
                  _l("Optional contact route (a trusted organisation, a secure messenger)"),
                  _l("Sealed apart, read only by verifying staff."), max_length=1000),
        ),
        sealed_apart=True,
    ),
)

SECTIONS_BY_ID = {section.id: section for section in SECTIONS}


def input_name(section: Section, field: Field, index: int | None = None) -> str:
    """The HTML name of a field: ``section.field`` or ``incidents.0.date``."""
    if index is None:
        return f"{section.id}.{field.name}"
    return f"{section.id}.{index}.{field.name}"

