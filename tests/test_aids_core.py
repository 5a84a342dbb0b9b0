"""The aids' core without Telegram: the catalogue files, eligibility, amounts, CSV cells."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.aids.amounts import parse_amount, safe_cell
from bot.aids.catalogue import AidsFileError, load_catalogue, parse_aids, read_aids_file
from bot.aids.funders import FundersFileError, load_funders, read_funders_file
from bot.aids.model import Frequency, Profile, Situation
from bot.aids.proofs import kind_of
from bot.settings import Settings, describe_settings_error
from tests.conftest import DATA

HEADER = (
    "id,title,description,territoryName,funderName,incentiveType,conditions,paymentMethod,"
    "allocatedAmount"
)
TODAY = date(2026, 11, 23)


def row(**cells: str) -> str:
    values = {
        "id": "a1",
        "title": "T",
        "description": "D",
        "territoryName": "Lot",
        "funderName": "F",
        "incentiveType": "AideTerritoire",
        "conditions": "C",
        "paymentMethod": "P",
        "allocatedAmount": "100 €",
    } | cells
    return ",".join(values.values())


def test_the_shipped_catalogue_has_sources_dates_and_no_ended_bonus() -> None:
    catalogue = load_catalogue()
    assert len(catalogue.aids) == 15
    for aid in catalogue.aids:
        assert aid.source.startswith("http") and (aid.checked_on or aid.check_note), aid.id
        assert aid.amount and aid.conditions and (aid.how_to_apply or aid.link), aid.id
    titles = " ".join(aid.title.lower() for aid in catalogue.aids)
    assert "bonus vélo" not in titles and "conversion" not in titles


def test_most_local_first_and_the_territory_before_the_shipped() -> None:
    catalogue = load_catalogue(DATA / "aids.csv")
    lot = Profile(24, Situation.JOB_SEEKER, "46042", "Cahors", "46")
    found = [aid.id for aid in catalogue.for_profile(lot, TODAY)]
    assert found[0] == "lot-permis"
    assert found.index("lio-gratuite-jeunes") < found.index("ft-permis-b")  # region, then France
    assert "lot-ancien" not in found  # past its validity date
    elsewhere = Profile(24, Situation.JOB_SEEKER, "75056", "Paris", "75")
    found = [aid.id for aid in catalogue.for_profile(elsewhere, TODAY)]
    assert "lot-permis" not in found and "lio-gratuite-jeunes" not in found
    assert "ft-permis-b" in found


def test_a_territory_row_overrides_a_shipped_aid(tmp_path: Path) -> None:
    path = tmp_path / "aids.csv"
    path.write_text(HEADER + ",maxAge\n" + row(id="ft-permis-b", title="Mon permis") + ",30\n")
    catalogue = load_catalogue(path)
    aid = catalogue.get("ft-permis-b")
    assert aid is not None and aid.title == "Mon permis" and aid.rules.max_age == 30


@pytest.mark.parametrize(
    ("extra_header", "cells", "message"),
    [
        ("", {"incentiveType": "Aide"}, "incentiveType 'Aide' is not one of"),
        ("", {"title": ""}, "title is empty"),
        (",minAge", {"x": "-3"}, "minAge -3 is not between 0 and 120"),
        (",situations", {"x": "chomeur"}, "situations: 'chomeur' is not one of"),
        (",departmentCodes", {"x": "999"}, "999 is not a department"),
        (",validityDate", {"x": "31/12/2026"}, "is not a date like 2026-12-31"),
        (",isMCMStaff", {"x": "peut-être"}, "isMCMStaff 'peut-être' is neither true nor false"),
        (",attachments", {"x": "[oops"}, "attachments is not a list"),
    ],
)
def test_a_wrong_row_names_its_line(extra_header: str, cells: dict[str, str], message: str) -> None:
    text = HEADER + extra_header + "\n" + row(id="ok") + ("," if extra_header else "") + "\n"
    text += row(**{k: v for k, v in cells.items() if k != "x"}) + (
        "," + cells["x"] if "x" in cells else ""
    )
    with pytest.raises(AidsFileError) as caught:
        parse_aids(text, "aides.csv")
    assert str(caught.value).startswith("aides.csv, line 3: ")
    assert message in str(caught.value)


def test_a_multiline_cell_keeps_the_line_numbers_right() -> None:
    text = HEADER + "\n" + row(conditions='"one\ntwo\nthree"') + "\n" + row(id="b", title="") + "\n"
    with pytest.raises(AidsFileError, match=r"line 5: title is empty"):
        parse_aids(text, "x.csv")


def test_wrong_columns_and_duplicates() -> None:
    with pytest.raises(AidsFileError, match="line 1: missing columns allocatedAmount"):
        parse_aids(HEADER.removesuffix(",allocatedAmount") + "\n", "x.csv")
    with pytest.raises(AidsFileError, match="line 1: unknown columns age"):
        parse_aids(HEADER + ",age\n", "x.csv")
    with pytest.raises(AidsFileError, match="line 3: id 'a1' is used twice"):
        parse_aids(HEADER + "\n" + row() + "\n" + row() + "\n", "x.csv")


def test_the_setting_names_the_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "aides.csv"
    bad.write_text(HEADER + "\n" + row(incentiveType="x") + "\n")
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None, aids_file=bad)  # type: ignore[call-arg]
    [line] = describe_settings_error(caught.value)
    assert line.startswith(f"Setting AIDS_FILE: {bad}, line 2: incentiveType 'x'")
    with pytest.raises(ValidationError):
        Settings(_env_file=None, aids_file=tmp_path / "missing.csv")  # type: ignore[call-arg]
    assert read_aids_file(DATA / "aids.csv")[0].from_territory
    unset = Settings(_env_file=None, aids_file="", funders_file=" ")  # type: ignore[call-arg, arg-type]
    assert unset.aids_file is None and unset.funders_file is None


def test_funders_file(tmp_path: Path) -> None:
    funders = load_funders(DATA / "funders.csv", -100123, "Mobilot")
    assert funders.for_aid("lot-permis") is not None
    assert funders.for_aid("lot-permis").chat_id == -1009876543210  # type: ignore[union-attr]
    assert funders.for_aid("ft-permis-b") == funders.default  # the operators' group
    bad = tmp_path / "funders.csv"
    bad.write_text("name,chat_id,aids\nLot,12345,*\n")
    with pytest.raises(FundersFileError, match=r"line 2: chat_id '12345' is not a group id"):
        read_funders_file(bad)


def test_eligibility_rules() -> None:
    catalogue = load_catalogue()
    retired = Profile(70, Situation.RETIRED, "46042", "Cahors", "46")
    found = {aid.id for aid in catalogue.for_profile(retired, TODAY)}
    assert "ft-permis-b" not in found and "lio-gratuite-jeunes" not in found
    apprentice = Profile(19, Situation.APPRENTICE, "31555", "Toulouse", "31")
    found = {aid.id for aid in catalogue.for_profile(apprentice, TODAY)}
    assert {"apprenti-permis", "lio-gratuite-jeunes", "permis-1-euro"} <= found


def test_benefits_exclude_only_when_answered() -> None:
    catalogue = load_catalogue()
    base = Profile(40, Situation.EMPLOYEE, "46042", "Cahors", "46")
    for rqth, shown in ((None, True), (True, True), (False, False)):
        profile = Profile(**{**base.__dict__, "rqth": rqth})
        found = {aid.id for aid in catalogue.for_profile(profile, TODAY)}
        assert ("agefiph-mobilite" in found) is shown, rqth


def test_amounts_as_typed() -> None:
    assert parse_amount("500") == (50000, Frequency.ONCE)
    assert parse_amount("1 200 €") == (120000, Frequency.ONCE)
    assert parse_amount("50 par mois") == (5000, Frequency.MONTHLY)
    assert parse_amount("150 € par trimestre") == (15000, Frequency.QUARTERLY)
    assert parse_amount("12,50") == (1250, Frequency.ONCE)
    assert parse_amount("0") is None and parse_amount("beaucoup") is None
    assert parse_amount("99999999") is None


def test_csv_cells_cannot_run_as_formulas() -> None:
    assert [safe_cell(v) for v in ("=1+1", "+33", "-2", "@SUM", "\tx", "\rx", "ok", 5)] == [
        "'=1+1",
        "'+33",
        "'-2",
        "'@SUM",
        "'\tx",
        "'\rx",
        "ok",
        "5",
    ]


def test_proofs_are_known_by_their_content() -> None:
    assert kind_of(b"%PDF-1.7 ...") == "pdf"
    assert kind_of(b"\x89PNG\r\n\x1a\n...") == "png"
    assert kind_of(b"\xff\xd8\xff\xe0...") == "jpeg"
    assert kind_of(b"MZ\x90\x00 a program") is None
    assert kind_of(b"PK\x03\x04 a zip named .pdf") is None


def test_a_funder_of_an_unknown_aid_stops_the_start(tmp_path: Path) -> None:
    funders = tmp_path / "funders.csv"
    funders.write_text("name,chat_id,aids\nLot,-1001234567,lot-permis lot-velo\n")
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None, aids_file=DATA / "aids.csv", funders_file=funders)  # type: ignore[call-arg]
    [line] = describe_settings_error(caught.value)
    assert "Lot reviews unknown aids lot-velo" in line


def test_words_for_the_buttons() -> None:
    from bot.aids.words import benefits_in, situation_in

    said = {
        "Je cherche un emploi": Situation.JOB_SEEKER, "chômeuse": Situation.JOB_SEEKER,
        "je cherche du travail": Situation.JOB_SEEKER, "je travaille": Situation.EMPLOYEE,
        "salarié en CDI": Situation.EMPLOYEE, "retraitée": Situation.RETIRED,
        "apprentie": Situation.APPRENTICE, "étudiant": Situation.STUDENT,
        "I am retired": Situation.RETIRED, "unemployed": Situation.JOB_SEEKER,
    }  # fmt: skip
    for words, situation in said.items():
        assert situation_in(words) is situation, words
    assert situation_in("bof") is None and situation_in("x" * 300) is None
    answers = {
        "aucun": "none", "non": "none", "j'ai le RSA": "rsa", "RQTH": "rqth",
        "les deux": "both", "RSA et RQTH": "both", "je préfère ne pas répondre": "unsaid",
    }  # fmt: skip
    for words, answer in answers.items():
        assert benefits_in(words) == answer, words
    assert benefits_in("bof") is None


def test_an_age_is_a_number_of_years_not_a_time_nor_a_date() -> None:
    from bot.aids.words import parse_age

    ages = {"24": 24, "24 ans": 24, "j'ai 67 ans": 67, "I am 30": 30, "78 ans": 78}
    for words, age in ages.items():
        assert parse_age(words) == age, words
    for words in ("25h99", "7h30", "8h", "le 12/12", "200", "12:30", "30 €", "entre 20 et 30"):
        assert parse_age(words) is None, words
