"""The places package: offline gazetteer, local places, shared points, online geocoder (faked).

The gazetteer is loaded once per module (about 0.6 s); territory variants share its indexes.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from geopy.location import Location  # type: ignore[import-untyped]

from bot.places.gazetteer import Gazetteer, bounded_distance, max_distance
from bot.places.geocoder import OnlineGeocoder
from bot.places.model import LOCAL, POINT, Place, PlaceMatch, Resolution
from bot.places.normalize import keys_of, slug, tokens
from bot.services.places import PlaceService

ROOT = Path(__file__).resolve().parent.parent
LOCAL_FILE = Path(__file__).resolve().parent / "data" / "local_places.csv"

LOT = {  # real INSEE codes of small communes of the Lot
    "Saint-Cirq-Lapopie": "46256",
    "Cajarc": "46045",
    "Lacapelle-Marival": "46143",
    "Gramat": "46128",
    "Figeac": "46102",
    "Cahors": "46042",
    "Rocamadour": "46240",
}
BEAUMONT_DEPARTMENTS = {"07", "19", "32", "43", "54", "63", "74", "89"}


@pytest.fixture(scope="module")
def lot() -> Gazetteer:
    """The gazetteer of a Lot territory."""
    return Gazetteer.load(("46",))


@pytest.fixture(scope="module")
def nowhere(lot: Gazetteer) -> Gazetteer:
    return lot.with_territory(())


@pytest.fixture(scope="module")
def local(lot: Gazetteer) -> Gazetteer:
    return lot.with_local_places(LOCAL_FILE)


def unique_id(gazetteer: Gazetteer, text: str) -> str | None:
    place = gazetteer.resolve(text).unique
    return place.id if place else None


def labels(matches: tuple[PlaceMatch, ...]) -> list[str]:
    return [m.place.label for m in matches]


# --------------------------------------------------------------------------------- the data


def test_about_34_900_communes(lot: Gazetteer) -> None:
    assert 34_500 < lot.commune_count < 35_300
    # former communes (communes déléguées/associées) come on top, all with a parent
    former = [p for p in lot if p.commune is not None]
    assert 1_500 < len(former) < 2_500
    assert len(lot) == lot.commune_count + len(former)


def test_every_place_is_sane_and_round_trips(lot: Gazetteer) -> None:
    ids = set()
    for place in lot:
        assert place.kind == "commune"
        assert place.id.startswith("insee:") and place.id not in ids
        ids.add(place.id)
        assert lot.get(place.id) is place
        assert place.name and place.department
        assert -22.0 < place.lat < 52.0 and -62.0 < place.lon < 56.0  # mainland and overseas
        assert place.population >= 0
    overseas = {p.department for p in lot if p.department.startswith("97")}
    assert overseas == {"971", "972", "973", "974", "976"}
    assert {"2A", "2B"} <= {p.department for p in lot}


def test_lot_communes_have_their_own_position(lot: Gazetteer) -> None:
    cahors = lot.get("insee:46042")
    assert cahors is not None
    assert cahors.name == "Cahors" and cahors.postcode == "46000" and cahors.population > 15_000
    assert abs(cahors.lat - 44.447) < 0.02 and abs(cahors.lon - 1.441) < 0.02
    figeac = lot.get("insee:46102")
    assert figeac is not None and figeac.postcode == "46100"


# -------------------------------------------------------------------------- forgiving search


@pytest.mark.parametrize(("name", "code"), LOT.items())
def test_lot_communes_by_their_name(lot: Gazetteer, name: str, code: str) -> None:
    resolution = lot.resolve(name)
    assert resolution.unique is not None
    assert resolution.unique.id == f"insee:{code}"
    assert resolution.unique.department == "46"
    assert resolution.exact[0].exact and resolution.exact[0].score == 1.0
    assert resolution.suggestions == ()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("SAINT-CIRQ-LAPOPIE", "46256"),
        ("saint cirq lapopie", "46256"),
        ("St-Cirq-Lapopie", "46256"),
        ("st cirq lapopie", "46256"),
        ("St. Cirq Lapopie", "46256"),
        ("Saint Cirq la Popie", "46256"),
        ("  Sàint-Cïrq   Lapopie ", "46256"),
        ("lacapelle marival", "46143"),
        ("LACAPELLE-MARIVAL", "46143"),
        ("La Capelle Marival", "46143"),
        ("lacapellemarival", "46143"),
        ("cahors", "46042"),
        ("CAHORS", "46042"),
        ("Cahors, 46", "46042"),
        ("Cahors 46", "46042"),
        ("Cahors (46)", "46042"),
        ("46 Cahors", "46042"),
        ("Cahors 46000", "46042"),
        ("46100 Figeac", "46102"),
        ("rocamadour", "46240"),
        ("Ste Croix 12", "12217"),
        ("Villeneuve s/ Lot", "47323"),
    ],
)
def test_case_accents_separators_abbreviations(lot: Gazetteer, text: str, code: str) -> None:
    assert unique_id(lot, text) == f"insee:{code}"


def test_apostrophes_and_articles(nowhere: Gazetteer) -> None:
    straight = nowhere.resolve("L'Hospitalet")
    curly = nowhere.resolve("L’Hospitalet")
    glued = nowhere.resolve("Lhospitalet")
    assert labels(straight.exact) == labels(curly.exact) == labels(glued.exact)
    assert "L'Hospitalet (04)" in labels(straight.exact)
    # the article may be left out, or typed when the name has it
    assert unique_id(nowhere, "Eyzies") == unique_id(nowhere, "Les Eyzies") == "insee:24172"
    assert unique_id(nowhere, "roque gageac") == "insee:24355"


def test_le_vigan_in_the_lot_and_in_the_gard(lot: Gazetteer, nowhere: Gazetteer) -> None:
    # "Le Vigan" is in the Gard; the Lot's is now "Le Vigan-en-Quercy"
    anywhere = nowhere.resolve("Le Vigan")
    assert anywhere.unique is not None and anywhere.unique.id == "insee:30350"
    in_lot = lot.resolve("Le Vigan")
    assert labels(in_lot.exact) == ["Le Vigan (30)"]
    assert labels(in_lot.suggestions)[0] == "Le Vigan-en-Quercy (46)"
    assert in_lot.unique is None  # the bot asks
    for text in ("Vigan", "levigan", "le vigan"):
        assert labels(lot.resolve(text).exact) == ["Le Vigan (30)"]
    assert unique_id(lot, "le vigan en quercy") == "insee:46334"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("cahor", "Cahors"),
        ("figeak", "Figeac"),
        ("figaec", "Figeac"),  # transposition
        ("gramatt", "Gramat"),
        ("cajark", "Cajarc"),
        ("rocamadourr", "Rocamadour"),
        ("saint cirq lapopi", "Saint-Cirq-Lapopie"),
        ("st cirque lapopie", "Saint-Cirq-Lapopie"),
        ("lacapele marival", "Lacapelle-Marival"),
        ("lacapele marivale", "Lacapelle-Marival"),  # two typos in a long name
    ],
)
def test_typos_are_suggested_not_decided(lot: Gazetteer, typed: str, meant: str) -> None:
    resolution = lot.resolve(typed)
    assert resolution.exact == ()
    assert resolution.unique is None  # "did you mean…?"
    best = resolution.suggestions[0]
    assert best.place.name == meant and best.place.department == "46"
    assert not best.exact and 0.0 < best.score < 1.0
    scores = [m.score for m in resolution.suggestions]
    assert len(scores) <= 6


def test_short_words_tolerate_no_typo(lot: Gazetteer) -> None:
    assert max_distance("lot") == 0
    assert max_distance("cahor") == 1
    assert max_distance("saintcirq") == 1  # "saint" does not count
    assert max_distance("rocamadourr") == 2
    assert lot.resolve("xyz").empty


def test_partial_names(lot: Gazetteer) -> None:
    resolution = lot.resolve("saint cirq")
    # Saint-Cirq exists in Dordogne and Tarn-et-Garonne; the Lot's start the same way
    assert {m.place.department for m in resolution.exact} == {"24", "82"}
    assert labels(resolution.suggestions)[:3] == [
        "Saint-Cirq-Lapopie (46)",
        "Saint-Cirq-Madelon (46)",
        "Saint-Cirq-Souillaguet (46)",
    ]
    assert resolution.unique is None
    word = lot.resolve("lapopie")
    assert word.suggestions[0].place.name == "Saint-Cirq-Lapopie"
    # a whole word typed beats a one-letter typo (Blars)
    assert lot.resolve("biars").suggestions[0].place.name == "Biars-sur-Cère"
    assert lot.resolve("montcuq").suggestions[0].place.name == "Montcuq-en-Quercy-Blanc"


def test_numbers_beside_a_name(lot: Gazetteer) -> None:
    assert unique_id(lot, "Lyon 3e") == "insee:69123"
    assert unique_id(lot, "Paris 16e") == "insee:75056"
    assert labels(lot.resolve("Paris 16").suggestions) == ["Paris (75)"]  # 16: Charente


def test_homonyms_ordered_by_territory_then_population(lot: Gazetteer, nowhere: Gazetteer) -> None:
    everywhere = nowhere.resolve("Beaumont")
    departments = [m.place.department for m in everywhere.exact]
    assert BEAUMONT_DEPARTMENTS <= set(departments)
    assert all(m.exact and m.score == 1.0 for m in everywhere.exact)
    assert everywhere.unique is None and everywhere.suggestions == ()
    populations = [m.place.population for m in everywhere.exact]
    assert populations == sorted(populations, reverse=True)
    assert departments[0] == "63"  # the biggest

    in_74 = nowhere.with_territory(("74",)).resolve("Beaumont")
    assert in_74.exact[0].place.label == "Beaumont (74)"
    in_19_and_89 = nowhere.with_territory(("89", "19")).resolve("Beaumont")
    assert {m.place.department for m in in_19_and_89.exact[:2]} == {"19", "89"}
    in_63 = lot.with_territory(("63",)).resolve("Beaumont")
    assert in_63.exact[0].place.id == "insee:63032"


@pytest.mark.parametrize("text", ["Beaumont 63", "Beaumont (63)", "63 Beaumont", "beaumont, 63"])
def test_department_picks_the_homonym(lot: Gazetteer, text: str) -> None:
    assert unique_id(lot, text) == "insee:63032"


def test_department_that_has_no_such_name(lot: Gazetteer) -> None:
    resolution = lot.resolve("Cahors 12")
    assert resolution.exact == ()
    assert labels(resolution.suggestions) == ["Cahors (46)"]


def test_postcode(lot: Gazetteer) -> None:
    resolution = lot.resolve("46100")
    names = [m.place.name for m in resolution.exact]
    assert names[0] == "Figeac"
    assert {"Figeac", "Capdenac", "Faycelles", "Béduer"} <= set(names)
    assert all(m.exact and m.place.department == "46" for m in resolution.exact)
    assert resolution.unique is None
    assert unique_id(lot, "46000") == "insee:46042"
    assert unique_id(lot, "75011") == "insee:75056"  # arrondissements belong to the city
    assert lot.resolve("99999").empty
    assert lot.resolve("4610").empty


def test_postcode_over_two_departments_territory_first(nowhere: Gazetteer) -> None:
    in_04 = nowhere.with_territory(("04",)).resolve("05110")
    in_05 = nowhere.with_territory(("05",)).resolve("05110")
    assert {m.place.department for m in in_04.exact} == {"04", "05"}
    assert in_04.exact[0].place.department == "04"
    assert in_05.exact[0].place.department == "05"


def test_former_communes_are_found_with_their_commune(lot: Gazetteer) -> None:
    # Labastide-Murat is the chef-lieu of Cœur de Causse (same INSEE code): an alias
    assert unique_id(lot, "Labastide-Murat") == "insee:46138"
    # Vaillac, merged into Cœur de Causse, keeps its own position
    vaillac = lot.resolve("Vaillac").unique
    assert vaillac is not None and vaillac.commune == "Cœur de Causse"
    coeur = lot.get("insee:46138")
    assert coeur is not None and vaillac.id != coeur.id
    assert vaillac.label == "Vaillac (46)"
    # Pern has no position of its own in the data: it finds its commune
    assert unique_id(lot, "Pern") == "insee:46172"


@pytest.mark.parametrize(
    "text",
    [
        "zzzzqqq",
        "x" * 5000,
        "Cahors " * 40,
        "🚗",
        "🙂🙂🙂",
        "",
        "   ",
        "46",
        "123456",
        "46100 46000",
        "\x00\x01",
        "'; DROP TABLE places; --",
        "-",
        "aaaaaaaaaaaaaaaaaa",
        "Привет",
        "東京",
        "a b c d e f g h i j k l m n o p q r s t",
    ],
)
def test_garbage_gives_nothing(lot: Gazetteer, text: str) -> None:
    resolution = lot.resolve(text)
    assert resolution.exact == () and resolution.suggestions == ()
    assert resolution.unique is None and resolution.empty


def test_not_a_string_gives_nothing(lot: Gazetteer) -> None:
    assert lot.resolve(None).empty  # type: ignore[arg-type]


def test_limit(lot: Gazetteer) -> None:
    assert len(lot.resolve("cahor", limit=1).suggestions) == 1
    assert lot.resolve("cahor", limit=0).suggestions == ()


# ------------------------------------------------------------------------------- points, ids


def test_nearest_and_point_near_cahors(lot: Gazetteer) -> None:
    near = lot.nearest(44.4480, 1.4440)  # Cahors, place François-Mitterrand
    assert near.id == "insee:46042"
    point = lot.point(44.448012345, 1.444049)
    assert point.kind == POINT
    assert point.id == "point:44.44801,1.44405"
    assert (point.lat, point.lon) == (44.44801, 1.44405)
    assert point.name == "Cahors" and point.department == "46" and point.commune == "Cahors"
    assert lot.get(point.id) == point


def test_nearest_everywhere(lot: Gazetteer) -> None:
    assert lot.nearest(44.6098, 2.0346).name == "Figeac"
    assert lot.nearest(44.8059, 1.6267).name == "Rocamadour"
    assert lot.nearest(48.8566, 2.3522).name == "Paris"
    assert lot.nearest(-21.115, 55.536).department == "974"
    far = lot.nearest(0.0, 0.0)  # Gulf of Guinea: still answers
    assert far.kind == "commune"
    with pytest.raises(ValueError):
        lot.point(float("nan"), 1.0)
    with pytest.raises(ValueError):
        lot.point(91.0, 1.0)


def test_nearest_agrees_with_a_full_scan(lot: Gazetteer) -> None:
    import random

    from bot.geo import km_between as distance_km

    communes = [p for p in lot if p.kind == "commune"]
    rng = random.Random(4)
    for _ in range(30):
        lat, lon = rng.uniform(43.0, 50.0), rng.uniform(-1.0, 7.0)
        expected = min(communes, key=lambda p: distance_km(lat, lon, p.lat, p.lon))
        found = lot.nearest(lat, lon)
        assert distance_km(lat, lon, found.lat, found.lon) <= (
            distance_km(lat, lon, expected.lat, expected.lon) + 0.05
        )


@pytest.mark.parametrize(
    "place_id",
    [
        "",
        "insee:",
        "insee:00000",
        "insee:46042 ",
        "local:nothing",
        "point:",
        "point:abc,def",
        "point:95,1",
        "point:44.4,1.4,3",
        "point:nan,nan",
        "point:1e5,3",
        "cahors",
    ],
)
def test_unknown_ids(lot: Gazetteer, place_id: str) -> None:
    assert lot.get(place_id) is None


def test_point_ids_round_trip(lot: Gazetteer) -> None:
    for lat, lon in [(44.0, 1.0), (-0.000001, 0.000001), (45.123456, -1.987654), (-21.1, 55.5)]:
        place = lot.point(lat, lon)
        assert lot.get(place.id) == place
    assert lot.get("point:44.5,1.5") == lot.point(44.5, 1.5)


def test_labels() -> None:
    commune = Place("insee:63032", "Beaumont", "63", "63110", 45.75, 3.08, "commune", 10787)
    assert commune.label == "Beaumont (63)"
    hospital = Place("local:h", "Hôpital", "46", "46100", 44.6, 2.0, LOCAL, commune="Figeac")
    assert hospital.label == "Hôpital (Figeac)"
    station = Place("local:g", "Gare de Figeac", "46", None, 44.6, 2.0, LOCAL, commune="Figeac")
    assert station.label == "Gare de Figeac (46)"


def test_resolution_unique_rules() -> None:
    a = PlaceMatch(Place("insee:1", "A", "46", None, 0, 0, "commune"), True, 1.0)
    b = PlaceMatch(Place("insee:2", "A", "12", None, 0, 0, "commune"), True, 1.0)
    here = PlaceMatch(Place("local:a", "A", "46", None, 0, 0, LOCAL), True, 1.0)
    guess = PlaceMatch(Place("insee:3", "Ab", "46", None, 0, 0, "commune"), False, 0.7)
    assert Resolution((a,), ()).unique == a.place
    assert Resolution((a, b), ()).unique is None
    assert Resolution((a,), (guess,)).unique is None
    assert Resolution((here, a, b), (guess,)).unique == here.place
    assert Resolution((), (guess,)).unique is None


# ------------------------------------------------------------------------------ local places


def test_local_places_are_loaded(local: Gazetteer, lot: Gazetteer) -> None:
    places = [p for p in local if p.kind == LOCAL]
    assert len(places) == 7
    assert len(local) == len(lot) + 7
    hospital = local.get("local:centre-hospitalier-de-cahors")
    assert hospital is not None
    assert hospital.department == "46" and hospital.commune == "Cahors"
    assert hospital.postcode == "46000"
    station = local.get("local:gare-de-figeac")
    assert station is not None and station.commune == "Figeac"  # nearest commune


def test_local_places_win_over_communes(local: Gazetteer) -> None:
    # "Capdenac-Gare" is a commune of Aveyron and an alias of the local station
    resolution = local.resolve("capdenac gare")
    assert [m.place.kind for m in resolution.exact] == [LOCAL, "commune"]
    assert resolution.unique is not None
    assert resolution.unique.id == "local:gare-de-capdenac"
    assert resolution.unique.label == "Gare de Capdenac (Capdenac-Gare)"


@pytest.mark.parametrize(
    ("text", "place_id"),
    [
        ("hopital cahors", "local:centre-hospitalier-de-cahors"),
        ("Hôpital de Cahors", "local:centre-hospitalier-de-cahors"),
        ("marche gramat", "local:marche-de-gramat"),
        ("Marché de Gramat", "local:marche-de-gramat"),
        ("gare de figeac", "local:gare-de-figeac"),
        ("MSP Cajarc", "local:maison-de-sante-de-cajarc"),
    ],
)
def test_local_names_and_aliases(local: Gazetteer, text: str, place_id: str) -> None:
    assert unique_id(local, text) == place_id


def test_local_places_with_typos_and_communes_unchanged(local: Gazetteer) -> None:
    assert local.resolve("marche gramt").suggestions[0].place.id == "local:marche-de-gramat"
    assert unique_id(local, "Gramat") == "insee:46128"
    assert local.resolve("cahor").suggestions[0].place.id == "insee:46042"
    assert local.get("local:marche-de-gramat") is not None


def write(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / "places.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


HEADER = "name,aliases,lat,lon,commune\n"


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        ("name,lat\nGare,44.4\n", 1, "missing columns lon"),
        (HEADER + "Gare,,44.4,1.44,46042\nMarché,,quarante,1.4,\n", 3, "not a number"),
        (HEADER + "Gare,,44.4,181,46042\n", 2, "out of range"),
        (HEADER + "Gare,,44.4,1.44\n", 2, "4 fields instead of 5"),
        (HEADER + "Gare,,44.4,1.44,46042,extra\n", 2, "6 fields instead of 5"),
        (HEADER + ",,44.4,1.44,46042\n", 2, "name is empty"),
        (HEADER + "Gare,,44.45,1.44,\n\nGare,,44.45,1.44,\n", 4, "already defined line 2"),
        (HEADER + "Gare,,44.45,1.44,Nulle-Part-sur-Rien\n", 2, "unknown commune"),
        (HEADER + "Gare,,44.45,1.44,46999\n", 2, "no commune has the INSEE code"),
        (HEADER + "Gare,,1.44,44.45,\n", 2, "swapped"),
        (HEADER + "Gare,,44.45,1.44,Figeac\n", 2, "km from Figeac"),
        (HEADER.encode() + "Marché,,44.7,1.7,\n".encode("latin-1"), 2, "not UTF-8"),
        ("", 0, "empty file"),
    ],
)
def test_malformed_local_file(
    lot: Gazetteer, tmp_path: Path, content: str | bytes, line: int, message: str
) -> None:
    path = write(tmp_path, content)
    with pytest.raises(ValueError) as error:
        lot.with_local_places(path)
    text = str(error.value)
    assert str(path) in text
    if line:
        assert f"line {line}:" in text
    assert message in text


def test_local_file_niceties(lot: Gazetteer, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "\ufeffName, Aliases ,LAT,LON,note\n"
        "# a comment line,,,,\n"
        '"Salle des fêtes, Gramat",salle gramat | ,"44,7805",1.7190,to check\n'
        "\n",
    )
    gazetteer = lot.with_local_places(path)
    found = gazetteer.resolve("salle gramat").unique
    assert found is not None and found.name == "Salle des fêtes, Gramat"
    assert found.id == "local:salle-des-fetes-gramat" and found.lat == 44.7805
    assert found.commune == "Gramat"


def test_missing_local_file(lot: Gazetteer, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot read"):
        lot.with_local_places(tmp_path / "nope.csv")


def test_load_with_local_places_file() -> None:
    gazetteer = Gazetteer.load(["46"], LOCAL_FILE)
    assert unique_id(gazetteer, "gare figeac") == "local:gare-de-figeac"
    assert gazetteer.territory_departments == frozenset({"46"})


def test_adding_local_places_leaves_the_communes_alone(lot: Gazetteer, local: Gazetteer) -> None:
    assert lot.get("local:gare-de-figeac") is None
    assert unique_id(lot, "capdenac gare") == "insee:12052"
    assert len(local) == len(lot) + 7


# ------------------------------------------------------------------------------ normalising


def test_tokens_and_keys() -> None:
    assert tokens("St-Cirq  Lapopie") == ["saint", "cirq", "lapopie"]
    assert tokens("Ste-Œuvre") == ["sainte", "oeuvre"]
    assert tokens("L’Hôpital-sous-Rochefort") == ["l", "hopital", "sous", "rochefort"]
    assert tokens("Villeneuve-s/-Lot") == ["villeneuve", "sur", "lot"]
    assert keys_of(tokens("Le Vigan")) == ("vigan", "levigan")
    assert keys_of(tokens("Lacapelle-Marival")) == ("lacapellemarival",)
    assert keys_of([]) == ()
    assert slug("Marché de Gramat") == "marche-de-gramat"


@pytest.mark.parametrize(
    ("a", "b", "bound", "expected"),
    [
        ("cahors", "cahors", 2, 0),
        ("cahor", "cahors", 2, 1),
        ("figaec", "figeac", 2, 1),
        ("figeak", "figeac", 1, 1),
        ("abcdef", "badcfe", 2, 3),
        ("gramat", "gourdon", 2, 3),
        ("", "abc", 3, 3),
        ("abc", "", 3, 3),
    ],
)
def test_bounded_distance(a: str, b: str, bound: int, expected: int) -> None:
    assert bounded_distance(a, b, bound) == expected


# ------------------------------------------------------------------------------- speed, deps


def test_resolve_is_fast(lot: Gazetteer) -> None:
    queries = [
        *LOT,
        "cahor",
        "figeak",
        "st cirq lapopie",
        "46100",
        "Beaumont 63",
        "lacapele",
        "saint cirq",
        "zzzzqqq",
        "Le Vigan",
        "rocamadourr",
    ] * 10
    times = []
    for text in queries:
        start = time.perf_counter()
        lot.resolve(text)
        times.append(time.perf_counter() - start)
    assert statistics.median(times) < 0.002  # about 10 µs here; generous for slow machines


def test_runtime_imports_nothing_of_telegram_nor_storage() -> None:
    code = (
        "import sys; import bot.places, bot.places.gazetteer, bot.places.local, "
        "bot.places.geocoder, bot.places.normalize, bot.places.model; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('telegram', 'storage', 'handlers')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


# ------------------------------------------------------------------- online geocoder (faked)


class FakeGeocoder:
    def __init__(self, answer: Any = None, error: Exception | None = None, delay: float = 0.0):
        self.answer, self.error, self.delay = answer, error, delay
        self.queries: list[str] = []

    def geocode(self, query: str, *, exactly_one: bool = True) -> Any:
        self.queries.append(query)
        if self.delay:
            time.sleep(self.delay)
        if self.error is not None:
            raise self.error
        return self.answer


def ban(label: str, lat: float, lon: float, **properties: Any) -> Location:
    raw = {"geometry": {"coordinates": [lon, lat]}, "properties": {"label": label, **properties}}
    return Location(label, (lat, lon), raw)


async def test_geocoder_street_becomes_a_point(lot: Gazetteer) -> None:
    fake = FakeGeocoder(ban("12 Rue du Château 46500 Gramat", 44.7815, 1.7262, type="housenumber"))
    place = await OnlineGeocoder(lot, fake).geocode("12 rue du chateau gramat")
    assert place is not None
    assert place.kind == POINT and place.department == "46"
    assert place.name == "12 Rue du Château 46500 Gramat"
    assert place.commune == "Gramat" and place.id == "point:44.78150,1.72620"
    assert fake.queries == ["12 rue du chateau gramat"]


async def test_geocoder_municipality_is_the_commune(lot: Gazetteer) -> None:
    fake = FakeGeocoder(ban("Figeac", 44.6086, 2.0317, type="municipality", citycode="46102"))
    place = await OnlineGeocoder(lot, fake).geocode("figeac")
    assert place is not None and place.id == "insee:46102"


@pytest.mark.parametrize(
    "fake",
    [
        FakeGeocoder(None),
        FakeGeocoder([]),
        FakeGeocoder(error=OSError("network is unreachable")),
        FakeGeocoder(error=RuntimeError("boom")),
        FakeGeocoder(ban("Somewhere at sea", 0.0, -30.0, type="street")),
        FakeGeocoder(object()),
    ],
)
async def test_geocoder_failures_give_none(lot: Gazetteer, fake: FakeGeocoder) -> None:
    assert await OnlineGeocoder(lot, fake).geocode("rue de la gare") is None


async def test_geocoder_timeout_gives_none(lot: Gazetteer) -> None:
    fake = FakeGeocoder(ban("Gramat", 44.78, 1.72), delay=0.3)
    start = time.perf_counter()
    assert await OnlineGeocoder(lot, fake, timeout=0.05).geocode("gramat") is None
    assert time.perf_counter() - start < 0.25


async def test_geocoder_skips_garbage_without_calling(lot: Gazetteer) -> None:
    fake = FakeGeocoder(ban("Gramat", 44.78, 1.72))
    geocoder = OnlineGeocoder(lot, fake)
    for text in ("", "   ", "🚗", "x" * 5000):
        assert await geocoder.geocode(text) is None
    assert fake.queries == []


def test_geocoder_default_is_ban_france_without_network(lot: Gazetteer) -> None:
    geocoder = OnlineGeocoder(lot)  # builds geopy's BANFrance, sends nothing
    assert type(geocoder._geocoder).__name__ == "BANFrance"


# A place in a person's own words (bot.services.places.PlaceService.understand).


@pytest.mark.parametrize(
    ("typed", "taken", "name", "others"),
    [
        ("de Gourdon", "Gourdon (46)", None, 3),  # its namesakes kept for "another one"
        ("vers Figeac", "Figeac (46)", None, 0),
        ("à Cahors", "Cahors (46)", None, 0),
        ("46100", "Figeac (46)", None, 8),  # the postcode's main commune, 8 others offered
        ("hopital cahors", "Cahors (46)", "Hôpital de Cahors", 0),
        ("gare de figeac", "Figeac (46)", "Gare de Figeac", 0),
        ("marché de Gramat", "Gramat (46)", "Marché de Gramat", 0),
    ],
)
async def test_places_in_own_words_without_a_places_file(
    lot: Gazetteer, typed: str, taken: str, name: str | None, others: int
) -> None:
    reading = await PlaceService(lot).understand(typed)
    assert reading.taken is not None and reading.taken.label == taken
    assert reading.name == name and len(reading.others) == others


async def test_own_words_leave_the_doubtful_to_ask(lot: Gazetteer, nowhere: Gazetteer) -> None:
    beaumont = await PlaceService(lot).understand("à Beaumont")  # none of them in the Lot
    assert beaumont.taken is None and len(beaumont.resolution.exact) > 2
    gourdon = await PlaceService(nowhere).understand("Gourdon")  # no territory: ask
    assert gourdon.taken is None and len(gourdon.resolution.exact) == 4
    vigan = await PlaceService(lot).understand("au Vigan")  # Le Vigan (30), Le Vigan-en-Quercy
    assert vigan.taken is None and vigan.resolution.suggestions


async def test_a_places_file_wins_over_a_landmark_read_in_words(local: Gazetteer) -> None:
    reading = await PlaceService(local).understand("hopital cahors")
    assert reading.taken is not None and reading.taken.name == "Centre hospitalier de Cahors"
    assert reading.name is None


# Short names: a commune said the way locals say it, within the territory's area.


@pytest.mark.parametrize(
    ("typed", "taken", "name"),
    [
        ("brive", "Brive-la-Gaillarde (19)", None),
        ("Brive", "Brive-la-Gaillarde (19)", None),
        ("à Brive", "Brive-la-Gaillarde (19)", None),
        ("hôpital de Brive", "Brive-la-Gaillarde (19)", "Hôpital de Brive-la-Gaillarde"),
        ("biars", "Biars-sur-Cère (46)", None),
        ("bagnac", "Bagnac-sur-Célé (46)", None),
        ("st cere", "Saint-Céré (46)", None),  # its whole name, as before
        ("capdenac", "Capdenac (46)", None),  # the commune of that very name, not -Gare (12)
    ],
)
async def test_a_commune_said_by_its_short_name(
    lot: Gazetteer, typed: str, taken: str, name: str | None
) -> None:
    reading = await PlaceService(lot).understand(typed)
    assert reading.taken is not None and reading.taken.label == taken
    assert reading.name == name


async def test_villefranche_in_the_lot_is_the_rouergues_not_the_yonnes(lot: Gazetteer) -> None:
    # A village of the Yonne is called "Villefranche" exactly; people around the Lot mean
    # Villefranche-de-Rouergue, next door and much larger: taken, the others one press away.
    reading = await PlaceService(lot).understand("villefranche")
    assert reading.taken is not None and reading.taken.label == "Villefranche-de-Rouergue (12)"
    others = [place.label for place in reading.others]
    assert "Villefranche (89)" in others and others[0] == "Villefranche-du-Périgord (24)"


@pytest.mark.parametrize(
    "typed",
    [
        "lacapelle",  # Lacapelle-Marival and Lacapelle-Cabanac, both in the Lot
        "saint cirq",  # three Saint-Cirq-… in the Lot
        "labastide",  # three Labastide-… in the Lot
        "le vigan",  # Le Vigan (30) is larger than the Lot's Le Vigan-en-Quercy
        "beaulieu",  # Beaulieu-sur-Dordogne, next door, and larger Beaulieu elsewhere
        "villeneuve",  # Villeneuve (12) is near: that very name
    ],
)
async def test_a_short_name_in_doubt_is_asked(lot: Gazetteer, typed: str) -> None:
    reading = await PlaceService(lot).understand(typed)
    assert reading.taken is None and not reading.resolution.empty


async def test_a_short_name_far_from_the_territory_is_asked(
    lot: Gazetteer, nowhere: Gazetteer
) -> None:
    for gazetteer in (nowhere, lot.with_territory(("67",))):  # none, and Alsace
        reading = await PlaceService(gazetteer).understand("brive")
        assert reading.taken is None
        assert reading.resolution.suggestions[0].place.name == "Brive-la-Gaillarde"


@pytest.mark.parametrize(
    ("departments", "typed"),
    [
        (("25",), "école"),  # École-Valentin (25): "école" is a landmark, not that commune
        (("77",), "maison"),  # Maison-Rouge (77)
        (("46",), "demain"),
        (("46",), "9h"),
        (("46",), "rdv"),
        (("46",), "hopital"),
    ],
)
async def test_words_that_are_no_places_are_no_short_names(
    lot: Gazetteer, departments: tuple[str, ...], typed: str
) -> None:
    reading = await PlaceService(lot.with_territory(departments)).understand(typed, online=False)
    assert reading.taken is None


def test_short_names_of_communes(lot: Gazetteer) -> None:
    assert [p.label for p in lot.known_as("brive")] == ["Brive-la-Gaillarde (19)"]
    assert [p.label for p in lot.known_as("le vigan")] == ["Le Vigan-en-Quercy (46)"]
    assert lot.known_as("saint") == lot.known_as("puy") == ()  # "Saint-Céré", "Puy-l'Évêque"
    assert lot.known_as("cahors") == lot.known_as("brive 19") == ()
    brive = lot.known_as("brive")[0]
    assert lot.near_territory(brive) and not lot.with_territory(()).near_territory(brive)
