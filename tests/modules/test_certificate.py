from __future__ import annotations

import io
import random
import re
from datetime import date

import pytest
from pydantic import ValidationError
from pypdf import PdfReader

from modules.certificate import (
    VERIFICATION_ALPHABET,
    CertificateDetails,
    certificate_pdf,
    date_text,
    new_verification_code,
    percent_text,
)

A4_LANDSCAPE_PT = (841.89, 595.28)


def details(**changes: object) -> CertificateDetails:
    values: dict[str, object] = {
        "code": "SA-7K3Q-9XPM",
        "staff_name": "Elif Yılmaz",
        "module_title": "Handling complaints by phone and e-mail",
        "module_version": 3,
        "policy_version": 2,
        "score": 0.92,
        "pass_mark": 0.8,
        "issued_on": date(2026, 11, 23),
        "organisation": "Nordlicht Home & Garden",
    }
    values.update(changes)
    return CertificateDetails.model_validate(values)


def read(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


@pytest.mark.parametrize("name", ["Elif Yılmaz", "Jānis Bērziņš", "Đurđica Šćepanović", "רות כהן"])
def test_the_certificate_is_one_a4_landscape_page_that_says_who_did_what(name: str) -> None:
    pdf = certificate_pdf(details(staff_name=name))

    assert pdf.startswith(b"%PDF-")
    reader = read(pdf)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(A4_LANDSCAPE_PT, abs=0.1)
    text = reader.pages[0].extract_text()
    for expected in (
        "Nordlicht Home & Garden",
        "Certificate of completion",
        name,
        "has completed the training module",
        "Handling complaints by phone and e-mail",
        "Module version 3 · Policy version 2",
        "Score 92% (pass mark 80%)",
        "23 November 2026",
        "Verification code: SA-7K3Q-9XPM",
        "Verify a certificate",
    ):
        assert expected in text


def test_the_metadata_names_the_certificate_and_the_organisation() -> None:
    meta = read(certificate_pdf(details())).metadata

    assert meta is not None
    assert meta.author == "Nordlicht Home & Garden"
    assert meta.title is not None
    assert "Elif Yılmaz" in meta.title
    assert "Handling complaints by phone and e-mail" in meta.title
    assert meta.creation_date is not None
    assert meta.creation_date.date() == date(2026, 11, 23)


def test_the_same_details_give_the_same_bytes_and_other_details_do_not() -> None:
    first = certificate_pdf(details())

    assert certificate_pdf(details()) == first
    assert certificate_pdf(details(code="SA-7K3Q-9XPN")) != first


def test_a_long_name_and_title_stay_on_the_page() -> None:
    name = "Maximilian Alexander Wolfgang von Hohenzollern-Sigmaringen-Brandenburg"
    title = (
        "Handling complaints, refunds and compensation offers by phone, e-mail and live chat "
        "under the 2026 policy"
    )
    reader = read(certificate_pdf(details(staff_name=name, module_title=title)))

    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert name in text
    assert title in text
    assert "Verification code: SA-7K3Q-9XPM" in text


def test_no_certificate_for_a_score_below_the_pass_mark() -> None:
    with pytest.raises(ValidationError, match="below the pass mark"):
        details(score=0.79, pass_mark=0.8)


@pytest.mark.parametrize(
    "change",
    [{"score": 1.2}, {"pass_mark": -0.1}, {"module_version": 0}, {"staff_name": ""}, {"x": 1}],
)
def test_impossible_details_are_refused(change: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        details(**change)


def test_details_are_frozen() -> None:
    with pytest.raises(ValidationError):
        details().staff_name = "Someone else"


def test_dates_and_percentages_are_written_as_people_read_them() -> None:
    assert date_text(date(2026, 11, 23)) == "23 November 2026"
    assert date_text(date(2027, 1, 5)) == "5 January 2027"
    assert percent_text(0.92) == "92%"
    assert percent_text(0.29) == "29%"
    assert percent_text(0.925) == "93%"
    assert percent_text(1.0) == "100%"


def test_verification_codes_have_the_documented_shape() -> None:
    pattern = re.compile(rf"^SA-[{VERIFICATION_ALPHABET}]{{4}}-[{VERIFICATION_ALPHABET}]{{4}}$")
    codes = [new_verification_code() for _ in range(500)]

    assert all(pattern.match(code) for code in codes)
    assert len(set(codes)) == len(codes)


def test_verification_codes_avoid_look_alike_characters() -> None:
    assert not set("0O1IL") & set(VERIFICATION_ALPHABET)
    assert len(set(VERIFICATION_ALPHABET)) == len(VERIFICATION_ALPHABET)
    used = {c for _ in range(2000) for c in new_verification_code().replace("-", "")[2:]}
    assert used <= set(VERIFICATION_ALPHABET)


def test_a_seeded_generator_gives_reproducible_codes() -> None:
    assert new_verification_code(random.Random(7)) == new_verification_code(random.Random(7))
    assert new_verification_code(random.Random(7)) != new_verification_code(random.Random(8))
