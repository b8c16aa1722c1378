"""The reviewer app's forms (flask-wtf: every POST carries a CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from haven.taxonomy import load_taxonomy

MAX_TEXT = 20_000
MAX_LINE = 200


def _choices(vocabulary: str, blank: bool = False) -> list[SelectChoice]:
    # Lazy: the label is translated when the form renders, in the reader's language.
    terms = [SelectChoice(term, _l(label)) for term, label in
             load_taxonomy().vocabulary(vocabulary).items()]
    return ([SelectChoice("", "—")] if blank else []) + terms


# Ids shown in selects that are not taxonomy terms, named for the catalogues.
PLAIN_LABELS = {
    "new": _l("New"), "triaged": _l("Triaged"), "under_verification": _l("Being verified"),
    "verified": _l("Verified"), "release_drafted": _l("Release drafted"),
    "released": _l("Released"), "held": _l("Held"), "closed": _l("Closed"),
    "referral": _l("Referral"), "un_request": _l("Request from UN staff"),
    "reply": _l("Reply"), "urgent_appeal": _l("Urgent appeal"), "other": _l("Other"),
    "verifier": _l("Verifier"), "coordinator": _l("Coordinator"), "admin": _l("Administrator"),
    # Reporter and reviewer event types, and record kinds, as the report page lists them.
    "message": _l("Message"), "file_added": _l("File added"),
    "consent_change": _l("Consent change"), "withdrawal": _l("Withdrawal"),
    "reconfirmation": _l("Consent re-confirmed"), "status_ack": _l("Status acknowledged"),
    "receipt_burned": _l("Receipt burned"), "acknowledgement": _l("Acknowledgement"),
    "status": _l("Status"), "withdrawal_ack": _l("Withdrawal acknowledged"),
    "checklist": _l("Checklist"), "triage": _l("Triage"), "label": _l("Label"),
    # Transmission uses, log steps and summary languages (reviewer/unworkflow).
    "confidential": _l("Confidential, for UN staff only"),
    "sg_report_named": _l("Secretary-General's report, named"),
    "sg_report_anonymous": _l("Secretary-General's report, anonymous"),
    "sent": _l("Sent"), "acknowledged": _l("Acknowledged"),
    "reference_received": _l("Reference received"),
    "en": _l("English"), "fr": _l("French"), "es": _l("Spanish"),
    # Kinds of mention the redaction assistant masks (its placeholders, [PERSON-1]…, keep
    # the ids: they are part of the published text), and which recogniser found one.
    "PERSON": _l("Person"), "ORG": _l("Organisation"), "LOCATION": _l("Place"),
    "PHONE": _l("Phone number"), "EMAIL": _l("Email address"), "ID": _l("Identity number"),
    "ADDRESS": _l("Postal address"), "DATE": _l("Date or time"),
    "HANDLE": _l("Online account name"), "URL": _l("Web address"),
    "found_by_known": _l("named elsewhere in the report"), "found_by_pattern": _l("pattern"),
    "found_by_presidio": _l("name recogniser"), "found_by_dateparser": _l("date recogniser"),
    "found_by_heuristic": _l("rule of thumb"), "found_by_reviewer": _l("added by a reviewer"),
}


def _plain(values) -> list[SelectChoice]:  # type: ignore[no-untyped-def]
    return [SelectChoice(v, PLAIN_LABELS.get(v, v.replace("_", " "))) for v in values]


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=MAX_LINE)],
                           render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)],
                             render_kw={"autocomplete": "current-password"})
    totp = StringField(_l("Code from your authenticator app"),
                       validators=[Optional(), Regexp(r"^\s*\d{3}\s?\d{3}\s*$")],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})
    recovery_code = StringField(_l("Or a recovery code"),
                                validators=[Optional(), Length(max=64)],
                                render_kw={"autocomplete": "off"})


class PassphraseForm(FlaskForm):
    passphrase = PasswordField(_l("Key passphrase"), validators=[DataRequired(),
                                                                 Length(max=1024)],
                               render_kw={"autocomplete": "off"})
    next = HiddenField()


class NewKeyForm(FlaskForm):
    passphrase = PasswordField(_l("New key passphrase (12+ characters, not your password)"),
                               validators=[DataRequired(), Length(min=12, max=1024)],
                               render_kw={"autocomplete": "new-password"})
    again = PasswordField(_l("The same passphrase again"),
                          validators=[DataRequired(), EqualTo("passphrase")],
                          render_kw={"autocomplete": "new-password"})


class EmptyForm(FlaskForm):
    """A CSRF token only (logout, lock)."""


class LabelForm(FlaskForm):
    label = StringField(_l("Label"), validators=[DataRequired(), Length(max=64)])
    removed = HiddenField()  # "1" takes the label off (a new record; the old one stays)


class NoteForm(FlaskForm):
    text = TextAreaField(_l("Note"), validators=[DataRequired(), Length(max=MAX_TEXT)])


class TriageForm(FlaskForm):
    country = StringField(_l("Country (ISO code)"),
                          validators=[Optional(), Regexp(r"^[A-Za-z]{2}$")])
    acts = SelectMultipleField(_l("Acts"), choices=_choices("acts"), validators=[Optional()])
    urgent = BooleanField(_l("Urgent track (risk now, urgent appeal wanted)"))


STATUSES = ("new", "triaged", "under_verification", "verified", "release_drafted",
            "released", "held", "closed")


class StatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=_plain(STATUSES))
    verification = SelectField(_l("Verification"), choices=_choices("verification_status",
                                                                      blank=True))
    reliability = SelectField(_l("Source reliability"),
                              choices=_choices("source_reliability", blank=True))
    comment = TextAreaField(_l("Why"), validators=[Optional(), Length(max=MAX_TEXT)])
    tell_reporter = BooleanField(_l("Tell the reporter the new status (sealed to them)"))


CHECKLIST = (
    ("corroboration", _l("Corroborated by an independent source")),
    ("un_link", _l("Link to UN engagement established")),
    ("timing", _l("Timing consistent with the UN engagement")),
    ("identity", _l("Identity confirmed through a trusted channel")),
)


PLAIN_LABELS.update(CHECKLIST)  # a checklist item is named by its question


class ChecklistForm(FlaskForm):
    corroboration = BooleanField(CHECKLIST[0][1])
    un_link = BooleanField(CHECKLIST[1][1])
    timing = BooleanField(CHECKLIST[2][1])
    identity = BooleanField(CHECKLIST[3][1])
    comment = TextAreaField(_l("Notes on the checks"), validators=[Optional(),
                                                                   Length(max=MAX_TEXT)])


class ReplyForm(FlaskForm):
    text = TextAreaField(_l("Reply to the reporter"), validators=[DataRequired(),
                                                                  Length(max=MAX_TEXT)])


class ReconfirmForm(FlaskForm):
    scopes = SelectMultipleField(_l("Scopes to re-confirm"), choices=_choices("consent_scopes"),
                                 validators=[DataRequired()])
    text = TextAreaField(_l("Message"), validators=[Optional(), Length(max=MAX_TEXT)])


class ConsentForm(FlaskForm):
    giver = SelectField(_l("Who gave consent"), choices=_choices("consent_givers"))
    scopes = SelectMultipleField(_l("Scopes consented"), choices=_choices("consent_scopes"),
                                 validators=[Optional()])
    obtained_by = StringField(_l("Obtained by"), validators=[DataRequired(),
                                                             Length(max=MAX_LINE)])
    obtained_day = StringField(_l("Day obtained (YYYY-MM-DD)"),
                               validators=[DataRequired(), Regexp(r"^\d{4}-\d{2}-\d{2}$")])
    channel = StringField(_l("How (channel)"), validators=[DataRequired(),
                                                           Length(max=MAX_LINE)])
    risks_explained = BooleanField(_l("The risks were explained"))


class AssignForm(FlaskForm):
    account_id = SelectField(_l("Assign to"), choices=[])
    passphrase = PasswordField(_l("Your key passphrase"), validators=[DataRequired(),
                                                                      Length(max=1024)])


class RevokeForm(FlaskForm):
    key_id = HiddenField(validators=[DataRequired(), Regexp(r"^[A-Za-z0-9_-]{1,64}$")])


class ApprovalForm(FlaskForm):
    reason = TextAreaField(_l("Written reason"), validators=[DataRequired(),
                                                            Length(max=MAX_TEXT)])
    passphrase = PasswordField(_l("Your key passphrase"), validators=[DataRequired(),
                                                                      Length(max=1024)])


class CaseForm(FlaskForm):
    title = StringField(_l("Case title (internal)"), validators=[DataRequired(),
                                                                 Length(max=MAX_LINE)])
    kind = SelectField(_l("Kind"), choices=_choices("record_kinds"))


class LinkForm(FlaskForm):
    report_id = StringField(_l("Report id"), validators=[DataRequired(), Regexp(
        r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")])


class MergeForm(FlaskForm):
    other_case_id = StringField(_l("Merge this other case into this one (case id)"),
                                validators=[DataRequired(), Regexp(
                                    r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
                                    r"[0-9a-f]{12}$")])


class PersonForm(FlaskForm):
    name = StringField(_l("Name or pseudonym"), validators=[DataRequired(),
                                                            Length(max=MAX_LINE)])
    role = SelectField(_l("Role"), choices=_choices("roles", blank=True))
    gender = SelectField(_l("Gender"), choices=_choices("genders", blank=True))
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=MAX_TEXT)])


class SourceForm(FlaskForm):
    description = StringField(_l("Source"), validators=[DataRequired(),
                                                        Length(max=MAX_LINE)])
    reliability = SelectField(_l("Reliability"), choices=_choices("source_reliability"))


class EvidenceForm(FlaskForm):
    mechanism = SelectField(_l("UN mechanism"), choices=_choices("mechanisms", blank=True))
    engagement = SelectField(_l("Engagement"), choices=_choices("engagement", blank=True))
    reference = StringField(_l("Reference (session, UPR cycle, communication, symbol)"),
                            validators=[Optional(), Length(max=MAX_LINE)])
    day = StringField(_l("Day (YYYY-MM-DD, may be approximate)"),
                      validators=[Optional(), Regexp(r"^\d{4}(-\d{2}(-\d{2})?)?$")])
    reasoning = TextAreaField(_l("Why the acts are linked"), validators=[Optional(),
                                                                         Length(max=MAX_TEXT)])


ACTION_KINDS = ("referral", "un_request", "reply", "urgent_appeal", "other")


class ActionForm(FlaskForm):
    kind = SelectField(_l("Action"), choices=_plain(ACTION_KINDS))
    day = StringField(_l("Day (YYYY-MM-DD)"), validators=[DataRequired(),
                                                          Regexp(r"^\d{4}-\d{2}-\d{2}$")])
    text = TextAreaField(_l("What happened"), validators=[DataRequired(),
                                                          Length(max=MAX_TEXT)])


class ReminderForm(FlaskForm):
    due_day = StringField(_l("Due (YYYY-MM-DD)"), validators=[DataRequired(),
                                                              Regexp(r"^\d{4}-\d{2}-\d{2}$")])
    text = StringField(_l("Reminder"), validators=[DataRequired(), Length(max=MAX_LINE)])


class AccountForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64),
                                                       Regexp(r"^[A-Za-z0-9._-]+$")])
    roles = SelectMultipleField(_l("Roles"), choices=_plain(("verifier", "coordinator", "admin")),
                                validators=[DataRequired()])
    password = PasswordField(_l("Initial password (12+ characters)"),
                             validators=[DataRequired(), Length(min=12, max=1024)])


class RedactionForm(FlaskForm):
    base = HiddenField()  # the version this decision starts from (detects concurrent saves)
    mention = StringField(_l("Add a mention the assistant missed (exact text)"),
                          validators=[Optional(), Length(max=MAX_LINE)])
    mention_type = SelectField(_l("Type"), choices=_plain(("PERSON", "ORG", "LOCATION",
                                                           "PHONE", "EMAIL", "ID", "ADDRESS",
                                                           "DATE", "HANDLE", "URL")))
