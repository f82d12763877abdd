"""What the telecom and gas packs give the work orders: business handling, documents, packages, prices,
checklists, phrases and recommendations (BT01–BT14, ACC03, ACC06, ACC07, PRIV03, ORG03)."""

from decimal import Decimal

import pytest
from django.forms.models import model_to_dict
from django.utils import translation

from servicehall.catalog import selectors
from servicehall.catalog.actions import BUSINESS_ACTIONS, PACKAGE_KINDS, SERVICE_KINDS
from servicehall.catalog.models import (
    BusinessType,
    Checklist,
    ExtraOffer,
    GasPriceTier,
    Package,
    Phrase,
    QueueCategory,
    RecommendationRule,
    ScriptStep,
)
from servicehall.catalog.packs import pack_read
from servicehall.catalog.services import pack_load
from servicehall.core.errors import NotFound
from servicehall.customers.models import Service
from testsupport.world import HallFactory

D = Decimal
TELECOM_ACTIONS = {
    "mobile_open": "mobile_open",  # BT01
    "broadband_open": "broadband_open",  # BT02
    "fixed_line_open": "fixed_line_open",  # BT03
    "value_added": "extra_subscribe",  # BT04
    "value_added_cancel": "extra_cancel",  # BT04
    "data_change": "data_change",  # BT05
    "transfer": "ownership_transfer",  # BT06
    "sim_replace": "sim_replace",  # BT07
    "cancellation": "service_cancel",  # BT08
    "package_change": "package_change",  # BT09
    "password_reset": "password_reset",
}
GAS_ACTIONS = {
    "gas_new_household": "gas_household_open",  # BT10
    "gas_recharge": "gas_recharge",  # BT11
    "gas_card_replace": "gas_card_replace",  # BT12
    "gas_transfer": "gas_transfer",  # BT13
    "gas_cancellation": "gas_cancel",  # BT14
}


@pytest.fixture
def hall(db):
    hall = HallFactory(code="both")
    pack_load(hall=hall, code="telecom")
    pack_load(hall=hall, code="gas")
    hall.refresh_from_db()
    return hall


def business(hall, code):
    return BusinessType.objects.get(hall=hall, code=code)


def doc_codes(documents):
    return [doc["code"] for doc in documents]


# --- the action list the orders app implements ----------------------------------------------------


def test_bt01_the_action_list_names_the_kind_each_action_acts_on():
    assert set(BUSINESS_ACTIONS) == set(TELECOM_ACTIONS.values()) | set(GAS_ACTIONS.values())
    assert BUSINESS_ACTIONS["mobile_open"].single_kind == "mobile" and BUSINESS_ACTIONS["mobile_open"].opens_service
    assert BUSINESS_ACTIONS["gas_recharge"].service_kinds == {"gas"}
    assert BUSINESS_ACTIONS["data_change"].service_kinds == frozenset()
    assert BUSINESS_ACTIONS["service_cancel"].service_kinds == {"mobile", "broadband", "fixed_line"}
    assert not BUSINESS_ACTIONS["sim_replace"].opens_service


def test_bt01_service_kinds_are_the_customers_service_kinds():
    assert set(SERVICE_KINDS) == set(Service.Kind.values)
    assert set(PACKAGE_KINDS) == set(Package.Kind.values)


@pytest.mark.parametrize(("code", "action"), [*TELECOM_ACTIONS.items(), *GAS_ACTIONS.items()])
def test_bt01_every_business_of_the_requirements_runs_its_action(hall, code, action):
    row = business(hall, code)
    assert row.action == action
    spec = BUSINESS_ACTIONS[action]
    assert row.service_kind in spec.service_kinds or (row.service_kind == "" and len(spec.service_kinds) != 1)


def test_bt01_record_only_business_keeps_working(hall):
    """Codes the queue and the demo use are still there; business without an action is recorded only."""
    for code in ("topup", "invoice", "credit_handset", "fault_report", "gas_repair"):
        assert business(hall, code).action == ""
    assert business(hall, "topup").category.code == "A"


# --- BT01–BT09 telecom ---------------------------------------------------------------------------


def test_bt01_mobile_opening_is_free_identified_and_followed_up(hall):
    row = business(hall, "mobile_open")
    assert (row.standard_fee, row.identity_required, row.owner_only, row.risky) == (D("0.00"), True, False, False)
    assert row.follow_up_days == 7 and row.revertible
    assert doc_codes(row.required_documents) == ["resident_id"]


def test_bt01_the_hall_sells_at_least_four_mobile_packages(hall, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        mobile = list(selectors.packages_for_hall(hall=hall, kind="mobile"))
    assert len(mobile) >= 4
    assert [p.monthly_fee for p in mobile] == sorted(p.monthly_fee for p in mobile)
    package = selectors.package_get(hall=hall, code="mobile_39")
    assert (package.kind, package.monthly_fee, package.name_zh) == ("mobile", D("39.00"), "39元畅享套餐")
    assert "30GB" in package.description_zh


def test_bt02_bt03_broadband_and_fixed_line_open_with_an_installation_fee(hall):
    broadband, fixed = business(hall, "broadband_open"), business(hall, "fixed_line_open")
    assert broadband.standard_fee == D("100.00") and broadband.service_kind == "broadband"
    assert fixed.standard_fee == D("50.00") and fixed.service_kind == "fixed_line"
    for row in (broadband, fixed):
        assert doc_codes(row.required_documents) == ["resident_id", "address_proof"]
        assert row.follow_up_days == 3
    assert selectors.packages_for_hall(hall=hall, kind="broadband").count() >= 2
    assert selectors.packages_for_hall(hall=hall, kind="fixed_line").count() >= 1


def test_bt04_value_added_services_subscribe_and_cancel(hall):
    subscribe, cancel = business(hall, "value_added"), business(hall, "value_added_cancel")
    assert (subscribe.action, cancel.action) == ("extra_subscribe", "extra_cancel")
    assert not subscribe.identity_required and doc_codes(subscribe.required_documents) == ["service_password"]
    extras = list(selectors.extras_for_hall(hall=hall))
    assert len(extras) >= 4
    assert selectors.extra_get(hall=hall, code="data_10g").monthly_fee == D("20.00")
    assert [e.code for e in selectors.extras_for_hall(hall=hall, service_kind="broadband")] == ["iptv"]


def test_bt05_data_change_acts_on_the_customer_and_needs_the_owner(hall):
    row = business(hall, "data_change")
    assert row.service_kind == "" and row.owner_only and row.revertible


def test_bt06_transfer_identifies_both_parties_and_is_reviewed(hall):
    row = business(hall, "transfer")
    assert row.review_required and row.owner_only and row.risky
    assert {"resident_id", "new_owner_id", "transfer_form"} <= set(doc_codes(row.required_documents))


def test_bt07_sim_replacement_costs_ten_yuan_and_cannot_be_undone(hall):
    row = business(hall, "sim_replace")
    assert row.standard_fee == D("10.00") and row.service_kind == "mobile"
    assert row.owner_only and row.risky and not row.revertible and not row.review_required


def test_bt08_cancellation_is_reviewed_owner_only_and_final(hall):
    row = business(hall, "cancellation")
    assert row.review_required and row.owner_only and row.risky and not row.revertible


def test_bt09_package_change_is_for_mobile_packages(hall):
    row = business(hall, "package_change")
    assert row.service_kind == "mobile" and row.revertible and row.self_service
    with pytest.raises(NotFound):
        selectors.package_get(hall=hall, code="broadband_300m", kind="mobile")


def test_bt09_a_package_the_hall_switched_off_is_not_sold(hall):
    Package.objects.filter(hall=hall, code="mobile_19").update(active=False)
    assert "mobile_19" not in {p.code for p in selectors.packages_for_hall(hall=hall)}
    with translation.override("en"), pytest.raises(NotFound, match="no such package"):
        selectors.package_get(hall=hall, code="mobile_19")
    pack_load(hall=hall, code="telecom")
    assert not Package.objects.get(hall=hall, code="mobile_19").active


def test_bt09_password_reset_is_risky_and_owner_only(hall):
    row = business(hall, "password_reset")
    assert row.risky and row.owner_only and not row.revertible and row.service_kind == "mobile"


# --- BT10–BT14 gas -------------------------------------------------------------------------------


def test_bt10_new_household_needs_property_proof_the_form_and_the_connection_checklist(hall):
    row = business(hall, "gas_new_household")
    assert doc_codes(row.required_documents) == ["resident_id", "property_proof", "application_form"]
    assert row.standard_fee == D("300.00") and row.identity_required and not row.review_required
    assert row.follow_up_days == 7
    assert [c.code for c in selectors.checklists_for_business(business=row)] == ["gas_connection"]


def test_bt10_gas_connection_checklist_has_the_safety_preconditions(hall):
    checklist = selectors.checklist_get(hall=hall, code="gas_connection")
    items = {item["code"]: item for item in checklist.items_display()}
    assert {"pipework_inspected", "ventilation", "not_in_bedroom", "gas_alarm"} <= set(items)
    assert items["not_in_bedroom"]["safe_answer"] == "no" and items["gas_alarm"]["safe_answer"] == "yes"
    assert checklist.warning_zh


def test_bt11_recharge_needs_the_card_but_no_identity(hall):
    row = business(hall, "gas_recharge")
    assert not row.identity_required and row.self_service and not row.revertible
    assert doc_codes(row.required_documents) == ["gas_card"]


def test_bt12_gas_card_replacement_needs_identity_a_fee_and_review(hall):
    row = business(hall, "gas_card_replace")
    assert row.identity_required and row.owner_only and row.review_required
    assert row.standard_fee == D("20.00") and not row.revertible
    assert doc_codes(row.required_documents) == ["resident_id"]


def test_bt13_gas_transfer_identifies_both_householders(hall):
    row = business(hall, "gas_transfer")
    assert row.owner_only and row.review_required and row.risky
    assert doc_codes(row.required_documents) == ["resident_id", "new_owner_id", "property_proof"]


def test_bt14_gas_cancellation_is_owner_only_reviewed_and_final(hall):
    row = business(hall, "gas_cancellation")
    assert row.owner_only and row.review_required and not row.revertible
    assert "gas_card" in doc_codes(row.required_documents)


# --- ACC03 documents -----------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["telecom", "gas"])
def test_acc03_every_business_that_checks_identity_asks_for_an_id_document(code):
    for entry in pack_read(code).business_types:
        codes = doc_codes(entry["required_documents"])
        if entry["identity_required"]:
            assert codes and codes[0] == "resident_id", entry["code"]
        if entry["owner_only"]:
            assert doc_codes(entry["proxy_documents"]) == ["proxy_id", "authorisation"], entry["code"]


def test_acc03_a_proxy_brings_an_authorisation_letter_on_top(hall):
    row = business(hall, "sim_replace")
    assert doc_codes(row.documents_for(by_proxy=False)) == ["resident_id"]
    assert doc_codes(row.documents_for(by_proxy=True)) == ["resident_id", "proxy_id", "authorisation"]
    names = [d["name_zh"] for d in row.documents_for(by_proxy=True)]
    assert "机主签字的授权委托书" in names


def test_acc03_the_guide_list_of_documents_to_bring_leaves_proxy_papers_out(hall):
    """Q06's checklist still shows what the customer brings; proxy papers are asked for at the counter."""
    category = QueueCategory.objects.get(hall=hall, code="B")
    documents = selectors.documents_for_category(category=category)
    assert "Authorisation letter signed by the owner" not in documents
    assert "机主签字的授权委托书" not in documents


# --- PRIV03 anti-fraud ---------------------------------------------------------------------------


RISKY_TELECOM = ["sim_replace", "transfer", "cancellation", "password_reset"]


@pytest.mark.parametrize("code", [*RISKY_TELECOM, "gas_transfer", "gas_cancellation"])
def test_priv03_risky_business_walks_the_anti_fraud_checklist(hall, code):
    row = business(hall, code)
    assert row.risky
    checklists = selectors.checklists_for_business(business=row)
    assert checklists[0].code == "anti_fraud" and checklists[0].pack == row.pack


def test_priv03_only_the_risky_business_is_marked_risky(hall):
    risky = set(BusinessType.objects.filter(hall=hall, risky=True).values_list("code", flat=True))
    assert risky == {*RISKY_TELECOM, "gas_transfer", "gas_cancellation"}


def test_priv03_the_anti_fraud_checklist_asks_the_questions_that_catch_fraud(hall):
    checklist = selectors.checklist_get(hall=hall, code="anti_fraud")
    assert checklist.pack == "telecom"  # the hall loaded telecom first
    items = {item["code"]: item for item in checklist.items_display()}
    assert items["remote_instruction"]["safe_answer"] == "no"
    assert items["remote_instruction"]["unsafe_answer"] == "yes"
    assert items["promised_benefit"]["safe_answer"] == "no"
    assert items["code_requested"]["safe_answer"] == "no"
    assert items["for_yourself"]["safe_answer"] == "yes" and items["for_yourself"]["unsafe_answer"] == "no"
    assert "96110" in checklist.warning_zh
    with translation.override("en"):
        assert "Is anyone telling you" in checklist.items_display()[0]["text"]
        assert checklist.title == "Anti-fraud check"
    with translation.override("zh-hans"):
        assert checklist.items_display()[0]["text"].startswith("现在是否有人")


def test_priv03_each_pack_keeps_its_own_anti_fraud_checklist(hall):
    gas = selectors.checklist_get(hall=hall, code="anti_fraud", pack="gas")
    assert gas.pack == "gas" and "燃气" in gas.warning_zh
    assert Checklist.objects.filter(hall=hall, code="anti_fraud").count() == 2


def test_priv03_an_unknown_checklist_is_not_found(hall):
    with pytest.raises(NotFound):
        selectors.checklist_get(hall=hall, code="nope")
    with pytest.raises(NotFound):
        selectors.checklist_get(hall=hall, code="gas_connection", pack="telecom")


# --- ACC06 phrases of the acceptance steps -------------------------------------------------------


@pytest.mark.parametrize("code", ["telecom", "gas"])
def test_acc06_every_acceptance_step_has_its_standard_phrases(db, code):
    hall = HallFactory(code=f"acc06{code}")
    pack_load(hall=hall, code=code)
    for position in range(1, 9):
        assert selectors.acceptance_phrases_for_step(hall=hall, step_position=position), position
    with translation.override("zh-hans"):
        step = selectors.acceptance_phrases_for_step
        assert "您好，欢迎光临！请坐！" in step(hall=hall, step_position=1)  # greeting
        assert "您办理的是……，是吗？" in step(hall=hall, step_position=3)  # verification
        assert "收您××元。" in step(hall=hall, step_position=4)  # payment
        assert "找您××元，请收好钱和发票。" in step(hall=hall, step_position=4)
        assert any("最近我们公司推出" in p for p in step(hall=hall, step_position=6))  # recommendation
        assert "再见，请慢走。" in step(hall=hall, step_position=8)  # see-off
    with translation.override("en"):
        assert "Goodbye, take care." in selectors.acceptance_phrases_for_step(hall=hall, step_position=8)


def test_acc06_a_step_the_script_does_not_have_is_not_found(hall):
    with pytest.raises(NotFound):
        selectors.acceptance_phrases_for_step(hall=hall, step_position=9)


def test_acc06_phrases_for_verification_recommendation_and_decline(hall):
    with translation.override("zh-hans"):
        assert selectors.phrases_for(hall=hall, moment="verification")
        assert selectors.phrases_for(hall=hall, moment="recommendation")
        assert any("感谢您" in p for p in selectors.phrases_for(hall=hall, moment="recommendation_declined"))


# --- ACC07 recommendations -----------------------------------------------------------------------


def test_acc07_no_broadband_gets_a_broadband_offer(hall, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        rules = selectors.recommendations_for(hall=hall, service_kinds={"mobile", "gas"}, extra_codes={"data_10g"})
    assert [rule.business_type.code for rule in rules] == ["broadband_open"]
    with translation.override("en"):
        assert rules[0].reason == "The customer has no broadband yet"
        assert "gigabit broadband" in rules[0].phrase


def test_acc07_a_service_without_its_extra_gets_the_extra_offered(hall):
    rules = selectors.recommendations_for(hall=hall, service_kinds={"mobile", "broadband", "gas"}, extra_codes=set())
    assert [(rule.code, rule.business_type.code) for rule in rules] == [("no_data_pack", "value_added")]
    with_pack = selectors.recommendations_for(
        hall=hall, service_kinds={"mobile", "broadband", "gas"}, extra_codes={"data_10g"}
    )
    assert [rule.code for rule in with_pack] == ["no_iptv"]


def test_acc07_a_new_customer_is_offered_what_both_packs_sell(hall):
    rules = selectors.recommendations_for(hall=hall, service_kinds=[], extra_codes=[])
    assert [rule.business_type.code for rule in rules] == ["broadband_open", "mobile_open", "gas_new_household"]


def test_acc07_a_customer_with_everything_gets_no_offer(hall):
    kinds = {"mobile", "broadband", "fixed_line", "gas"}
    assert selectors.recommendations_for(hall=hall, service_kinds=kinds, extra_codes={"data_10g", "iptv"}) == []


def test_acc07_switched_off_business_or_rules_are_not_offered(hall):
    BusinessType.objects.filter(hall=hall, code="broadband_open").update(active=False)
    RecommendationRule.objects.filter(hall=hall, code="no_mobile").update(active=False)
    rules = selectors.recommendations_for(hall=hall, service_kinds=set(), extra_codes=set())
    assert [rule.business_type.code for rule in rules] == ["gas_new_household"]


def test_acc07_another_halls_rules_are_not_used(hall, db):
    other = HallFactory(code="other")
    assert selectors.recommendations_for(hall=other, service_kinds=set(), extra_codes=set()) == []


# --- ORG03 loading the new sections --------------------------------------------------------------

SECTIONS = [BusinessType, Package, ExtraOffer, GasPriceTier, Checklist, RecommendationRule, ScriptStep, Phrase]


def snapshot(hall):
    """Every loaded row without its timestamps, so a second load can be compared field by field."""
    rows = {}
    for model in SECTIONS:
        for row in model.objects.filter(hall=hall):
            data = model_to_dict(row, exclude=["created_at", "updated_at"])
            if "checklists" in data:
                data["checklists"] = sorted(c.pk for c in data["checklists"])
            rows[(model.__name__, row.pk)] = data
    return rows


def test_org03_loading_telecom_and_gas_twice_changes_nothing(hall):
    before = snapshot(hall)
    assert len(before) > 80
    counts = pack_load(hall=hall, code="telecom")
    pack_load(hall=hall, code="gas")
    assert snapshot(hall) == before
    assert counts["packages"] == 7 and counts["extras"] == 6 and counts["checklists"] == 1
    hall.refresh_from_db()
    assert hall.packs == ["telecom", "gas"]


def test_org03_both_packs_load_into_one_hall(hall):
    assert set(BusinessType.objects.filter(hall=hall).values_list("pack", flat=True)) == {"telecom", "gas"}
    assert Package.objects.filter(hall=hall, pack="telecom").count() == 7
    assert GasPriceTier.objects.filter(hall=hall, pack="gas").count() == 3
    assert set(Checklist.objects.filter(hall=hall).values_list("pack", "code")) == {
        ("telecom", "anti_fraud"),
        ("gas", "anti_fraud"),
        ("gas", "gas_connection"),
    }
    assert RecommendationRule.objects.filter(hall=hall).count() >= 4


def test_org03_a_hall_sees_only_its_own_packages_and_prices(hall, db):
    other = HallFactory(code="hb2")
    assert list(selectors.packages_for_hall(hall=other)) == []
    assert list(selectors.extras_for_hall(hall=other)) == []
    with pytest.raises(NotFound):
        selectors.package_get(hall=other, code="mobile_19")
    with pytest.raises(NotFound):
        selectors.checklist_get(hall=other, code="anti_fraud")


def test_org03_a_revised_pack_updates_prices_in_place(hall, tmp_path):
    import yaml

    from servicehall.catalog.packs import PACKS_DIR

    data = yaml.safe_load((PACKS_DIR / "gas.yaml").read_text(encoding="utf-8"))
    data["gas_prices"] = [{"up_to_m3": "400", "price_per_m3": "2.80"}, {"price_per_m3": "3.50"}]
    data["recommendations"] = []
    path = tmp_path / "gas.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    pack_load(hall=hall, code="gas", path=path)
    tiers = selectors.gas_price_tiers(hall=hall)
    assert [(t.up_to_m3, t.price_per_m3) for t in tiers] == [(D("400.00"), D("2.80")), (None, D("3.50"))]
    assert not RecommendationRule.objects.filter(hall=hall, pack="gas").exists()
    assert RecommendationRule.objects.filter(hall=hall, pack="telecom").count() == 4
