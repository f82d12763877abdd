"""ORG03: a pack with a bad new section is refused whole, naming the file, the entry and the field."""

import copy
from pathlib import Path

import pytest
import yaml

from servicehall.catalog.models import BusinessType, Checklist, Package, QueueCategory
from servicehall.catalog.packs import PACKS_DIR, PackError, pack_read
from servicehall.catalog.services import pack_load
from testsupport.world import HallFactory

TELECOM = yaml.safe_load((PACKS_DIR / "telecom.yaml").read_text(encoding="utf-8"))
GAS = yaml.safe_load((PACKS_DIR / "gas.yaml").read_text(encoding="utf-8"))


def business_index(data, code):
    return next(i for i, entry in enumerate(data["business_types"]) if entry["code"] == code)


def refused(tmp_path: Path, data: dict) -> list[str]:
    path = tmp_path / f"{data['pack']}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PackError) as error:
        pack_read(data["pack"], path=path)
    return error.value.problems


def telecom(change) -> dict:
    data = copy.deepcopy(TELECOM)
    change(data)
    return data


def gas(change) -> dict:
    data = copy.deepcopy(GAS)
    change(data)
    return data


def set_business(code, **fields):
    def change(data):
        data["business_types"][business_index(data, code)].update(fields)

    return change


def drop_business_field(code, field):
    def change(data):
        data["business_types"][business_index(data, code)].pop(field)

    return change


SIM = business_index(TELECOM, "sim_replace")
DATA = business_index(TELECOM, "data_change")
TOPUP = business_index(TELECOM, "topup")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            telecom(set_business("sim_replace", action="sim_swap")),
            f"telecom.yaml: business_types[{SIM}] (sim_replace).action: 'sim_swap' is not one of (empty), mobile_open",
        ),
        (
            telecom(set_business("sim_replace", service_kind="gas")),
            f"telecom.yaml: business_types[{SIM}] (sim_replace).service_kind: sim_replace acts on mobile, not on gas",
        ),
        (
            telecom(set_business("data_change", service_kind="mobile")),
            f"telecom.yaml: business_types[{DATA}] (data_change).service_kind: data_change acts on the customer's "
            "data, not on a service",
        ),
        (
            telecom(set_business("sim_replace", service_kind="satellite")),
            f"telecom.yaml: business_types[{SIM}] (sim_replace).service_kind: 'satellite' is not one of",
        ),
        (
            telecom(set_business("sim_replace", checklists=[])),
            f"telecom.yaml: business_types[{SIM}] (sim_replace).checklists: risky business needs the anti_fraud "
            "checklist (PRIV03)",
        ),
        (
            telecom(set_business("sim_replace", checklists=["anti_fraud", "nope"])),
            f"telecom.yaml: business_types[{SIM}] (sim_replace).checklists: 'nope' is not a checklist of this pack",
        ),
        (
            telecom(set_business("sim_replace", identity_required=False)),
            f"telecom.yaml: business_types[{SIM}] (sim_replace).owner_only: owner-only business needs "
            "identity_required: true",
        ),
        (
            telecom(drop_business_field("sim_replace", "proxy_documents")),
            f"telecom.yaml: business_types[{SIM}] (sim_replace).proxy_documents: owner-only business must say",
        ),
        (
            telecom(set_business("topup", identity_required=True)),
            f"telecom.yaml: business_types[{TOPUP}] (topup).required_documents: business that checks identity "
            "must name the ID document",
        ),
        (
            telecom(set_business("sim_replace", owner_onyl=False)),
            f"telecom.yaml: business_types[{SIM}] (sim_replace).owner_onyl: unknown field",
        ),
        (
            telecom(set_business("sim_replace", risky="yes")),
            f"telecom.yaml: business_types[{SIM}] (sim_replace).risky: must be true or false",
        ),
        (
            telecom(set_business("sim_replace", follow_up_days=0)),
            f"telecom.yaml: business_types[{SIM}] (sim_replace).follow_up_days: must be a whole number of at least 1",
        ),
        (
            telecom(set_business("sim_replace", proxy_documents=[{"code": "proxy_id", "name": {"zh": "代办人证件"}}])),
            f"telecom.yaml: business_types[{SIM}] (sim_replace).proxy_documents[0].name.en: is required",
        ),
    ],
    ids=lambda value: value[:40] if isinstance(value, str) else None,
)
def test_org03_bad_business_handling_is_refused_by_file_entry_and_field(tmp_path, data, expected):
    problems = refused(tmp_path, data)
    assert any(problem.startswith(expected) for problem in problems), problems


def with_package(**fields):
    def change(data):
        data["packages"][1].update(fields)

    return change


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (with_package(kind="gas"), "telecom.yaml: packages[1] (mobile_39).kind: 'gas' is not one of mobile"),
        (with_package(monthly_fee=39.9), "telecom.yaml: packages[1] (mobile_39).monthly_fee: write it as quoted text"),
        (with_package(monthly_fee="-1"), "telecom.yaml: packages[1] (mobile_39).monthly_fee: must be zero or more"),
        (with_package(monthly_fee="1e30"), "telecom.yaml: packages[1] (mobile_39).monthly_fee: must be zero or more"),
        (with_package(monthly_fee="39.999"), "telecom.yaml: packages[1] (mobile_39).monthly_fee: must have at most"),
        (with_package(code="mobile_19"), "telecom.yaml: packages[1] (mobile_19).code: appears twice"),
        (with_package(code="Mobile 39"), "telecom.yaml: packages[1] (Mobile 39).code: must be lower-case"),
        (with_package(name="39元"), "telecom.yaml: packages[1] (mobile_39).name: needs both zh and en"),
        (
            lambda d: d["packages"][1].pop("monthly_fee"),
            "telecom.yaml: packages[1] (mobile_39).monthly_fee: is required",
        ),
        (lambda d: d["extras"][0].update(service_kind="gas"), "telecom.yaml: extras[0] (data_10g).service_kind:"),
        (lambda d: d["extras"][0].update(price="5"), "telecom.yaml: extras[0] (data_10g).price: unknown field"),
        (lambda d: d.update(packages={"a": 1}), "telecom.yaml: packages: must be a list"),
        (lambda d: d.update(extra_stuff=[]), "telecom.yaml: top level.extra_stuff: unknown field"),
    ],
)
def test_org03_bad_packages_and_extras_are_refused(tmp_path, change, expected):
    problems = refused(tmp_path, telecom(change))
    assert any(problem.startswith(expected) for problem in problems), problems


@pytest.mark.parametrize(
    ("tiers", "expected"),
    [
        (
            [{"up_to_m3": "300", "price_per_m3": "2.60"}, {"up_to_m3": "600", "price_per_m3": "3.12"}],
            "gas.yaml: gas_prices[1].up_to_m3: the last tier has no upper bound",
        ),
        (
            [{"price_per_m3": "2.60"}, {"price_per_m3": "3.12"}],
            "gas.yaml: gas_prices[0].up_to_m3: is required on every tier but the last",
        ),
        (
            [
                {"up_to_m3": "300", "price_per_m3": "2.60"},
                {"up_to_m3": "200", "price_per_m3": "3.12"},
                {"price_per_m3": "4"},
            ],
            "gas.yaml: gas_prices[1].up_to_m3: must be above the bound of the tier before",
        ),
        (
            [{"up_to_m3": "300", "price_per_m3": "3.12"}, {"price_per_m3": "2.60"}],
            "gas.yaml: gas_prices[1].price_per_m3: must not be below the price of the tier before",
        ),
        (
            [{"up_to_m3": "300", "price_per_m3": "0"}, {"price_per_m3": "2"}],
            "gas.yaml: gas_prices[0].price_per_m3: must be above zero",
        ),
        (
            [{"up_to_m3": 300.5, "price_per_m3": "2"}, {"price_per_m3": "2"}],
            "gas.yaml: gas_prices[0].up_to_m3: write it as quoted text",
        ),
        (
            [{"up_to_m3": "0", "price_per_m3": "2"}, {"price_per_m3": "2"}],
            "gas.yaml: gas_prices[0].up_to_m3: must be above zero",
        ),
        ([{"price_per_m3": "2", "tier": 1}], "gas.yaml: gas_prices[0].tier: unknown field"),
        ([{"up_to_m3": "300"}, {"price_per_m3": "2"}], "gas.yaml: gas_prices[0].price_per_m3: is required"),
    ],
)
def test_org03_bad_gas_prices_are_refused(tmp_path, tiers, expected):
    problems = refused(tmp_path, gas(lambda d: d.update(gas_prices=tiers)))
    assert any(problem.startswith(expected) for problem in problems), problems


def checklist_item(index, **fields):
    def change(data):
        data["checklists"][0]["items"][index].update(fields)

    return change


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            checklist_item(0, safe_answer="maybe"),
            "telecom.yaml: checklists[0] (anti_fraud).items[0] (remote_instruction).safe_answer: "
            "'maybe' is not one of yes, no",
        ),
        (
            checklist_item(0, safe_answer=False),
            "telecom.yaml: checklists[0] (anti_fraud).items[0] (remote_instruction).safe_answer: False is not one of",
        ),
        (
            lambda d: d["checklists"][0]["items"][1].pop("safe_answer"),
            "telecom.yaml: checklists[0] (anti_fraud).items[1] (promised_benefit).safe_answer:",
        ),
        (
            checklist_item(2, code="remote_instruction"),
            "telecom.yaml: checklists[0] (anti_fraud).items[2] (remote_instruction).code: appears twice",
        ),
        (
            checklist_item(0, text={"zh": "问题"}),
            "telecom.yaml: checklists[0] (anti_fraud).items[0] (remote_instruction).text.en: is required",
        ),
        (
            lambda d: d["checklists"][0].update(items=[]),
            "telecom.yaml: checklists[0] (anti_fraud).items: must be a non-empty list",
        ),
        (
            lambda d: d.update(checklists=[]),
            f"telecom.yaml: business_types[{SIM}] (sim_replace).checklists: 'anti_fraud' is not a checklist",
        ),
    ],
)
def test_org03_bad_checklists_are_refused(tmp_path, change, expected):
    problems = refused(tmp_path, telecom(change))
    assert any(problem.startswith(expected) for problem in problems), problems


def rule(index, **fields):
    def change(data):
        data["recommendations"][index].update(fields)

    return change


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            rule(0, business="satellite_tv"),
            "telecom.yaml: recommendations[0] (no_broadband).business: 'satellite_tv' is not a business type",
        ),
        (
            rule(0, when={"lacks_service": "tv"}),
            "telecom.yaml: recommendations[0] (no_broadband).when.lacks_service: 'tv' is not one of",
        ),
        (
            rule(2, when={"has_service": "mobile", "lacks_extra": "roaming"}),
            "telecom.yaml: recommendations[2] (no_data_pack).when.lacks_extra: 'roaming' is not an extra",
        ),
        (
            rule(0, when={"lacks_service": "broadband", "lacks_extra": "iptv"}),
            "telecom.yaml: recommendations[0] (no_broadband).when: use lacks_service alone",
        ),
        (rule(0, when={}), "telecom.yaml: recommendations[0] (no_broadband).when: says nothing"),
        (rule(0, when="always"), "telecom.yaml: recommendations[0] (no_broadband).when: must be a mapping"),
        (
            rule(0, when={"missing": "broadband"}),
            "telecom.yaml: recommendations[0] (no_broadband).when.missing: unknown",
        ),
        (rule(1, reason="推荐"), "telecom.yaml: recommendations[1] (no_mobile).reason: needs both zh and en"),
        (rule(1, code="no_broadband"), "telecom.yaml: recommendations[1] (no_broadband).code: appears twice"),
    ],
)
def test_org03_bad_recommendations_are_refused(tmp_path, change, expected):
    problems = refused(tmp_path, telecom(change))
    assert any(problem.startswith(expected) for problem in problems), problems


def test_org03_a_pack_with_a_bad_new_section_writes_nothing(db, tmp_path):
    hall = HallFactory(code="nothing")
    data = telecom(with_package(kind="satellite"))
    path = tmp_path / "telecom.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PackError):
        pack_load(hall=hall, code="telecom", path=path)
    for model in (QueueCategory, BusinessType, Package, Checklist):
        assert not model.objects.filter(hall=hall).exists()
    hall.refresh_from_db()
    assert hall.packs == []


def test_org03_a_package_code_another_pack_uses_in_the_hall_is_refused(db, tmp_path):
    hall = HallFactory(code="clash")
    pack_load(hall=hall, code="telecom")
    data = gas(lambda d: d.update(packages=[copy.deepcopy(TELECOM["packages"][0])]))
    path = tmp_path / "gas.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PackError) as error:
        pack_load(hall=hall, code="gas", path=path)
    assert error.value.problems == [
        "gas.yaml: packages[0] (mobile_19).code: pack 'telecom' already uses it in hall clash"
    ]
    assert not BusinessType.objects.filter(hall=hall, pack="gas").exists()


def test_org03_every_problem_is_reported_at_once(tmp_path):
    data = telecom(
        lambda d: (with_package(kind="gas")(d), rule(0, business="nope")(d), checklist_item(0, safe_answer="x")(d))
    )
    problems = refused(tmp_path, data)
    assert len(problems) >= 3
    assert all(problem.startswith("telecom.yaml: ") for problem in problems)
