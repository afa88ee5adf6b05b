"""The synthetic inventory: valid, deterministic, indexable numbers per country and type."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import botocore.session
import phonenumbers
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from connect_numbers.domain.inventory import (
    GENERATED_TYPES,
    Bucket,
    BucketKey,
    Classification,
    NumberType,
    SyntheticInventory,
    classify,
    conforms,
    is_valid_prefix,
    start_index,
)

CONNECT_COUNTRIES: list[str] = list(
    botocore.session.get_session()
    .get_service_model("connect")
    .shape_for("PhoneNumberCountryCode")
    .enum
)
SRC = Path(__file__).resolve().parents[2] / "src"
DID, TOLL_FREE, UIFN = NumberType.DID, NumberType.TOLL_FREE, NumberType.UIFN
DID_KINDS = {
    PhoneNumberType.FIXED_LINE,
    PhoneNumberType.FIXED_LINE_OR_MOBILE,
    PhoneNumberType.MOBILE,
}

# (country, type, prefix, index) -> number, computed once with phonenumbers 9.0.43 (the
# locked version); a metadata update may move them, which is worth noticing.
EXPECTED = {
    ("US", DID, None, 0): "+12012000000",
    ("US", DID, None, 123456789): "+12185456789",
    ("US", DID, "+1206", 4242): "+12062004242",
    ("GB", DID, None, 10**9): "+447174875000",
    ("DE", DID, "+4930", 777777): "+4930666777",
    ("US", TOLL_FREE, None, 5000000): "+18007000000",
    ("GB", UIFN, None, 99999): "+80025799999",
    ("JP", DID, None, 31415926): "+81164415926",
    ("IN", DID, "+9198", 2024): "+919800002024",
    ("AR", DID, None, 98765432): "+542227665432",
}
FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def inventory() -> SyntheticInventory:
    return SyntheticInventory(CONNECT_COUNTRIES)


@pytest.fixture(scope="module")
def every_bucket(inventory: SyntheticInventory) -> list[Bucket]:
    return inventory.buckets()


def offered(inventory: SyntheticInventory, country: str, number_type: NumberType) -> Bucket:
    bucket = inventory.bucket(country, number_type)
    assert bucket is not None, f"no {number_type} bucket for {country}"
    return bucket


def assert_offered_correctly(e164: str, key: BucketKey) -> None:
    """Checks ``e164`` with phonenumbers alone, independently of the module under test."""
    number = phonenumbers.parse(e164, None)
    assert phonenumbers.format_number(number, PhoneNumberFormat.E164) == e164
    assert phonenumbers.is_valid_number(number), e164
    region = phonenumbers.region_code_for_number(number)
    kind = phonenumbers.number_type(number)
    if key.number_type is UIFN:
        assert (number.country_code, region, kind) == (800, "001", PhoneNumberType.TOLL_FREE)
    elif key.number_type is TOLL_FREE:
        assert (region, kind) == (key.country, PhoneNumberType.TOLL_FREE), e164
    else:
        assert region == key.country and kind in DID_KINDS, (e164, region, kind)


def draw_index(data: st.DataObject, count: int) -> int:
    return data.draw(st.integers(0, count - 1) | st.sampled_from([0, count - 1]))


@FUZZ
@given(data=st.data())
def test_every_generated_number_is_valid_and_of_the_asked_country_and_type(
    every_bucket: list[Bucket], data: st.DataObject
) -> None:
    bucket = data.draw(st.sampled_from(every_bucket))
    e164 = bucket.number_at(draw_index(data, bucket.count()))
    assert_offered_correctly(e164, bucket.key)


@FUZZ
@given(data=st.data())
def test_a_prefixed_space_holds_only_valid_numbers_with_that_prefix(
    every_bucket: list[Bucket], data: st.DataObject
) -> None:
    bucket = data.draw(st.sampled_from(every_bucket))
    model = bucket.number_at(draw_index(data, bucket.count()))
    prefix = model[: data.draw(st.integers(2, min(12, len(model))))]
    space = bucket.space(prefix)
    assert space.count >= 1
    e164 = space.number_at(draw_index(data, space.count))
    assert e164.startswith(prefix)
    assert_offered_correctly(e164, bucket.key)


@FUZZ
@given(data=st.data())
def test_classify_and_locate_round_trip_generated_numbers(
    inventory: SyntheticInventory, every_bucket: list[Bucket], data: st.DataObject
) -> None:
    bucket = data.draw(st.sampled_from(every_bucket))
    e164 = bucket.number_at(draw_index(data, bucket.count()))
    country = None if bucket.key.number_type is UIFN else bucket.key.country
    assert classify(e164) == Classification(country, bucket.key.number_type)
    assert inventory.locate(e164) == bucket.key
    assert bucket.contains(e164)


@FUZZ
@given(data=st.data())
def test_a_count_is_the_sum_of_the_counts_one_digit_longer(
    every_bucket: list[Bucket], data: st.DataObject
) -> None:
    bucket = data.draw(st.sampled_from(every_bucket))
    model = bucket.number_at(draw_index(data, bucket.count()))
    prefix = model[: data.draw(st.integers(2, min(11, len(model))))]
    longer = sum(bucket.count(prefix + digit) for digit in "0123456789")
    assert bucket.count(prefix) == longer + bucket.contains(prefix)


def test_number_at_gives_the_numbers_computed_once(inventory: SyntheticInventory) -> None:
    for (country, kind, prefix, index), expected in EXPECTED.items():
        assert offered(inventory, country, kind).number_at(index, prefix) == expected


def test_number_at_is_the_same_in_another_process(inventory: SyntheticInventory) -> None:
    cases = [[country, kind.value, prefix, index] for country, kind, prefix, index in EXPECTED]
    script = (
        "import json, sys\n"
        "from connect_numbers.domain.inventory import NumberType, SyntheticInventory\n"
        "cases = json.loads(sys.argv[1])\n"
        "inventory = SyntheticInventory(sorted({case[0] for case in cases}))\n"
        "print(json.dumps([inventory.bucket(c, NumberType(t)).number_at(i, p)"
        " for c, t, p, i in cases]))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC), "PYTHONHASHSEED": "4242"}
    done = subprocess.run(
        [sys.executable, "-c", script, json.dumps(cases)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(done.stdout) == list(EXPECTED.values())
    fresh = SyntheticInventory(["US", "GB"])
    assert fresh.bucket("US", DID) is not inventory.bucket("US", DID)
    assert offered(fresh, "GB", DID).number_at(10**9) == EXPECTED[("GB", DID, None, 10**9)]


def test_big_countries_offer_at_least_a_million_numbers(inventory: SyntheticInventory) -> None:
    for country in ("US", "GB", "DE", "FR", "JP", "IN", "BR", "AU"):
        assert offered(inventory, country, DID).count() >= 10**6
    assert offered(inventory, "US", TOLL_FREE).count() >= 10**6
    assert offered(inventory, "US", UIFN).count() == 100_000


def test_count_with_a_prefix_is_exact(inventory: SyntheticInventory) -> None:
    us = offered(inventory, "US", DID)
    assert us.count("+120655501") == 100
    assert [us.number_at(i, "+120655501") for i in (0, 99)] == ["+12065550100", "+12065550199"]
    assert us.count("+12065550123") == 1
    assert us.count("+1206") == 8 * 10**6  # 206 then [2-9] then six digits
    assert us.count("+1") == us.count()
    niue = offered(inventory, "NU", DID)
    everything = [niue.number_at(i) for i in range(niue.count())]
    for prefix in ("+683", "+6834", "+68370", "+683888", "+6839"):
        assert niue.count(prefix) == sum(e.startswith(prefix) for e in everything)
        wanted = sorted(e for e in everything if e.startswith(prefix))
        assert sorted(niue.space(prefix).number_at(i) for i in range(len(wanted))) == wanted


def test_a_prefix_of_another_calling_code_gives_an_empty_space(
    inventory: SyntheticInventory,
) -> None:
    us, gb = offered(inventory, "US", DID), offered(inventory, "GB", DID)
    assert us.count("+44") == 0
    assert gb.count("+1206") == 0
    assert gb.count("+4") == gb.count("+44") == gb.count() > 0
    assert list(us.space("+44").scan(0)) == []
    with pytest.raises(IndexError):
        us.number_at(0, "+44")


@pytest.mark.parametrize("prefix", ["", "+", "1206", "+1-206", "+123456789012", "+12 06"])
def test_a_malformed_prefix_is_refused(inventory: SyntheticInventory, prefix: str) -> None:
    assert not is_valid_prefix(prefix)
    with pytest.raises(ValueError, match="prefix"):
        offered(inventory, "US", DID).space(prefix)


def test_prefix_validation_accepts_plus_and_one_to_eleven_digits() -> None:
    assert all(is_valid_prefix(p) for p in ("+1", "+44", "+1206", "+12345678901"))


def test_scan_visits_every_number_once_and_wraps(inventory: SyntheticInventory) -> None:
    space = offered(inventory, "GB", UIFN).space("+8002571")
    assert space.count == 10_000
    start = space.count - 10
    walk = list(space.scan(start))
    assert [position for position, _ in walk] == list(range(space.count))
    assert walk[0][1] == space.number_at(start)
    numbers = [e164 for _, e164 in walk]
    assert len(set(numbers)) == space.count
    assert set(numbers) == {space.number_at(i) for i in range(space.count)}


def test_scan_resumes_after_a_position(inventory: SyntheticInventory) -> None:
    space = offered(inventory, "US", DID).space("+1206555")
    start = space.start_index("resume")
    whole = list(space.scan(start, limit=50))
    pages = list(space.scan(start, limit=20)) + list(space.scan(start, after=19, limit=30))
    assert pages == whole
    assert list(space.scan(start, after=space.count - 1)) == []
    with pytest.raises(ValueError, match="start"):
        list(space.scan(space.count))


@pytest.mark.parametrize(
    ("country", "prefix"), [("NU", None), ("CK", "+68221"), ("US", "+1206555010")]
)
def test_scans_of_small_spaces_cover_them_exactly(
    inventory: SyntheticInventory, country: str, prefix: str | None
) -> None:
    space = offered(inventory, country, DID).space(prefix)
    for start in {0, space.count // 3, space.count - 1}:
        numbers = [e164 for _, e164 in space.scan(start)]
        assert sorted(numbers) == sorted(space.number_at(i) for i in range(space.count))


def test_start_index_is_stable_and_spreads_salts() -> None:
    key = BucketKey("US", DID)
    assert start_index(key, "+1206", "salt-1", 8_000_000) == 3926315
    assert start_index(key, "+1206", "salt-1", 8_000_000) == 3926315
    starts = [start_index(key, None, f"request-{n}", 1_000_000) for n in range(2000)]
    assert len(set(starts)) > 1990
    deciles = Counter(s * 10 // 1_000_000 for s in starts)
    assert all(140 <= deciles[d] <= 260 for d in range(10)), deciles
    assert start_index(key, "+1425", "salt-1", 8_000_000) != 3926315
    assert start_index(BucketKey("CA", DID), "+1206", "salt-1", 8_000_000) != 3926315
    assert start_index(key, None, "anything", 0) == 0


def test_space_start_index_is_within_the_space(inventory: SyntheticInventory) -> None:
    space = offered(inventory, "US", DID).space("+1206")
    index = space.start_index("salt-1")
    assert index == start_index(BucketKey("US", DID), "+1206", "salt-1", space.count)
    assert 0 <= index < space.count


@pytest.mark.parametrize(
    "text",
    [
        "",
        "+",
        "12065550100",
        "+1 206 555 0100",
        "+1206555010",
        "+120655501000",
        "+12065550100x",
        "+02065550100",
        "+19005550100",  # premium rate: valid, but not a Connect type we generate
        "+4402079460000",  # national prefix kept after the country code
        "+1206\uff15550100",  # a full-width digit
        "+999123456",
    ],
)
def test_classify_rejects_what_is_not_a_valid_canonical_number(text: str) -> None:
    assert classify(text) is None


def test_classify_names_country_and_connect_type() -> None:
    assert classify("+12065550100") == Classification("US", DID)
    assert classify("+18005550100") == Classification("US", TOLL_FREE)
    assert classify("+442079460000") == Classification("GB", DID)
    assert classify("+447400123456") == Classification("GB", DID)
    assert classify("+80012345678") == Classification(None, UIFN)


def test_locate_ignores_valid_numbers_outside_every_bucket(inventory: SyntheticInventory) -> None:
    assert inventory.locate("+80000123456") is None  # +800 00: before every country's slice
    assert inventory.locate("+80099912345") is None  # slice 999 belongs to no country
    assert inventory.locate("+19005550100") is None
    assert inventory.locate("not a number") is None


def test_each_country_has_its_own_slice_of_uifn(inventory: SyntheticInventory) -> None:
    slices = {}
    for country in CONNECT_COUNTRIES:
        bucket = offered(inventory, country, UIFN)
        first, last = bucket.number_at(0), bucket.number_at(bucket.count() - 1)
        assert first[:7] == last[:7]
        slices[first[:7]] = country
    assert len(slices) == len(CONNECT_COUNTRIES)


def test_the_inventory_hands_out_spaces_by_bucket_key(inventory: SyntheticInventory) -> None:
    space = inventory.space(BucketKey("US", DID), "+1206")
    assert space is not None and space.count == offered(inventory, "US", DID).count("+1206")
    assert inventory.space(BucketKey("CA", TOLL_FREE)) is None
    assert inventory.space(BucketKey("US", NumberType.SHARED), "+1") is None


def test_only_generated_types_of_supported_countries_have_buckets(
    inventory: SyntheticInventory,
) -> None:
    for kind in set(NumberType) - GENERATED_TYPES:
        assert inventory.bucket("US", kind) is None
    assert SyntheticInventory(["US"]).bucket("GB", DID) is None
    assert inventory.bucket("AQ", DID) is None  # no phonenumbers metadata for Antarctica
    assert inventory.bucket("AQ", UIFN) is not None


def test_nanp_toll_free_numbers_belong_to_the_us_only(inventory: SyntheticInventory) -> None:
    # phonenumbers gives +1 8xx numbers the region US, so Canada has no toll-free bucket
    assert inventory.bucket("CA", TOLL_FREE) is None
    assert offered(inventory, "CA", DID).count("+1416") > 0


def test_contains_refuses_numbers_the_bucket_does_not_offer(inventory: SyntheticInventory) -> None:
    us = offered(inventory, "US", DID)
    assert us.contains("+12065550100")
    assert not us.contains("+18005550100")
    assert not us.contains("+1206555010")
    assert not us.contains("+442079460000")


def test_conforms_checks_operator_loaded_rows() -> None:
    assert conforms("+12065550100", "US", DID)
    assert conforms("+12065550100", "US", NumberType.THIRD_PARTY_DID)
    assert conforms("+18005550100", "US", NumberType.THIRD_PARTY_TF)
    assert conforms("+80012345678", "FR", UIFN)
    assert conforms("+19005550100", "US", NumberType.SHARED)
    assert conforms("+1234", "US", NumberType.SHORT_CODE)
    assert not conforms("+12065550100", "CA", DID)
    assert not conforms("+12065550100", "US", TOLL_FREE)
    assert not conforms("+12065550100", "US", UIFN)
    assert not conforms("+1 206", "US", NumberType.SHORT_CODE)


def test_building_every_bucket_is_reported(capsys: pytest.CaptureFixture[str]) -> None:
    inventory = SyntheticInventory(CONNECT_COUNTRIES)
    timings = []
    began = time.perf_counter()
    for country in CONNECT_COUNTRIES:
        for kind in sorted(GENERATED_TYPES):
            started = time.perf_counter()
            bucket = inventory.bucket(country, kind)
            timings.append((time.perf_counter() - started, country, kind.value, bucket))
    total = time.perf_counter() - began
    kinds = Counter(kind for _, _, kind, bucket in timings if bucket is not None)
    slowest = ", ".join(f"{c} {k} {s * 1000:.0f} ms" for s, c, k, _ in sorted(timings)[-3:])
    with capsys.disabled():
        print(f"\ninventory: {len(CONNECT_COUNTRIES)} countries, buckets {dict(kinds)}")
        print(f"inventory: cold build of every bucket {total:.2f} s; slowest {slowest}")
    assert kinds[UIFN.value] == len(CONNECT_COUNTRIES)


def test_locate_answers_the_same_before_and_after_the_bucket_is_built() -> None:
    fresh = SyntheticInventory(CONNECT_COUNTRIES)
    model = SyntheticInventory(CONNECT_COUNTRIES)
    numbers = [
        offered(model, country, kind).number_at(index)
        for country, kind in (("US", DID), ("CA", DID), ("US", TOLL_FREE), ("FR", UIFN))
        for index in (0, 7, 1234)
    ]
    first = [fresh.locate(e164) for e164 in numbers]  # classified, buckets built on the way
    again = [fresh.locate(e164) for e164 in numbers]  # answered by the built buckets
    assert first == again == [model.locate(e164) for e164 in numbers]
    assert first[0] == BucketKey("US", DID) and first[-1] == BucketKey("FR", UIFN)
    assert fresh.locate("+12065550100") == BucketKey("US", DID)
    assert fresh.locate("+19005550100") is None  # premium rate: in no bucket


@pytest.mark.parametrize(
    ("country", "kind", "prefix"),
    [
        ("US", DID, None),
        ("US", DID, "+1206"),
        ("US", DID, "+12065550"),
        ("GB", UIFN, None),
        ("NU", DID, None),
        ("CK", DID, "+68221"),
        ("GB", DID, "+44"),
    ],
)
def test_a_scan_gives_at_each_position_the_number_at_its_index(
    inventory: SyntheticInventory, country: str, kind: NumberType, prefix: str | None
) -> None:
    """Whichever way the scan computes its numbers (a prefix cutting into blocks, or
    whole blocks), position p holds the number at index (start + p * stride) mod count."""
    space = offered(inventory, country, kind).space(prefix)
    for start in {0, space.start_index("positions"), space.count - 1}:
        walk = list(space.scan(start, after=4, limit=300))
        assert [position for position, _ in walk] == list(range(5, 5 + len(walk)))
        assert walk, space.count
        for position, number in walk:
            assert number == space.number_at(space.index_at(start, position))
