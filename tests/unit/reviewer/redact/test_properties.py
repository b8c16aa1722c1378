"""Whatever the input, spans are sorted, disjoint and inside the text, and redaction
replaces exactly them."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer.redact import KnownIdentifiers, KnownPerson, apply_redaction, suggest_spans

PIECES = st.sampled_from([
    "Maria", "Иванову", " ", ", ", "王伟", "أحمد", "ولأحمد", "14 March 2024", "+7 916 123-45-67",
    "a@b.org", "Mr.", "rue", "12", "ул.", "д. 5", "年", "Sr.", "@x_y", "\u0301", "ـ", "\n",
])
KNOWN = KnownIdentifiers(persons=(KnownPerson(name="Maria Ivanova"), KnownPerson(name="أحمد منصور"),
                                  KnownPerson(name="王伟")))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=12),
       st.sampled_from(["ar", "zh", "en", "fr", "ru", "es"]))
def test_spans_are_sorted_disjoint_and_in_bounds(pieces: list[str], lang: str) -> None:
    text = "".join(pieces)
    spans = suggest_spans(text, lang=lang, known=KNOWN, country="RU")
    previous_end = 0
    for span in spans:
        assert previous_end <= span.start < span.end <= len(text)
        assert text[span.start : span.end].strip() == text[span.start : span.end]
        previous_end = span.end
    result = apply_redaction(text, spans)
    rebuilt = result.redacted
    for _, placeholder in result.spans_with_placeholders:
        assert placeholder in rebuilt
    kept = sum(s.end - s.start for s in spans)
    added = sum(len(p) for _, p in result.spans_with_placeholders)
    assert len(rebuilt) == len(text) - kept + added


def test_a_long_narrative_stays_fast_enough_to_review() -> None:
    paragraph = (
        "On 14 March 2024 Maria Ivanova spoke in Geneva; Colonel Bosco Ilunga called "
        "+7 916 123-45-67. Марию Иванову вызвали 12 марта 2023 года. أحمد منصور اعتقل. "
        "王伟在2023年6月15日被带走。 Write to a@b.org, see www.example.org. "
    )
    text = paragraph * 60  # about 14,000 characters
    spans = suggest_spans(text, lang="en", known=KNOWN, country="RU")
    assert len(spans) >= 60 * 8
