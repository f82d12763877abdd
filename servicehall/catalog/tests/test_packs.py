"""Industry packs load from data files, whole or not at all (ORG03)."""

from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from servicehall.catalog.models import BusinessType, Phrase, QueueCategory, ScriptStep
from servicehall.catalog.packs import PACKS_DIR, PackError, pack_read
from servicehall.catalog.services import pack_load
from testsupport.world import HallFactory


@pytest.fixture
def hall(db):
    return HallFactory(code="demo2")


def write_pack(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / f"{data.get('pack', 'broken')}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("code", ["telecom", "gas"])
def test_org03_shipped_packs_are_valid(code):
    pack = pack_read(code)
    assert len(pack.categories) >= 3
    assert {"guide", "acceptance", "preshift"} <= set(pack.scripts)
    assert len(pack.scripts["acceptance"]) == 8
    assert len(pack.scripts["guide"]) == 6
    assert len(pack.scripts["preshift"]) == 7
    for moment in ("greeting", "waiting", "payment", "see_off", "missing_documents"):
        assert pack.phrases[moment], moment


def test_org03_telecom_pack_carries_the_standard_phrases_of_the_source(hall):
    pack_load(hall=hall, code="telecom")
    first_guide_step = ScriptStep.objects.get(hall=hall, script="guide", position=1)
    assert first_guide_step.title_zh == "上前迎候笑一笑"
    assert "您好！欢迎光临，请问我能帮您什么吗？" in first_guide_step.phrases_display()
    assert ScriptStep.objects.get(hall=hall, script="acceptance", position=8).title_zh == "起身送客再微笑"
    assert Phrase.objects.filter(hall=hall, moment="missing_documents", text_zh__contains="有效证件").exists()
    transfer = BusinessType.objects.get(hall=hall, code="transfer")
    assert transfer.review_required and transfer.category.code == "B"
    assert BusinessType.objects.get(hall=hall, code="sim_replace").standard_fee == Decimal("10.00")


def test_org03_loading_twice_changes_nothing(hall):
    pack_load(hall=hall, code="telecom")
    counts = (QueueCategory.objects.count(), BusinessType.objects.count(), ScriptStep.objects.count())
    pack_load(hall=hall, code="telecom")
    assert (QueueCategory.objects.count(), BusinessType.objects.count(), ScriptStep.objects.count()) == counts
    hall.refresh_from_db()
    assert hall.packs == ["telecom"]


def test_org03_a_hall_can_use_two_packs(hall):
    pack_load(hall=hall, code="telecom")
    pack_load(hall=hall, code="gas")
    hall.refresh_from_db()
    assert hall.packs == ["telecom", "gas"]
    assert set(QueueCategory.objects.filter(hall=hall).values_list("pack", flat=True)) == {"telecom", "gas"}


def test_org03_a_bad_pack_is_refused_whole_naming_file_entry_and_field(hall, tmp_path):
    data = yaml.safe_load((PACKS_DIR / "telecom.yaml").read_text(encoding="utf-8"))
    data["business_types"][2]["category"] = "Z"
    data["categories"][1]["target_wait_minutes"] = "soon"
    path = write_pack(tmp_path, data)
    with pytest.raises(PackError) as refused:
        pack_load(hall=hall, code="telecom", path=path)
    problems = "\n".join(refused.value.problems)
    assert "telecom.yaml: business_types[2] (mobile_open).category: 'Z' is not a category of this pack" in problems
    assert "telecom.yaml: categories[1] (B).target_wait_minutes" in problems
    assert not QueueCategory.objects.filter(hall=hall).exists()


def test_org03_money_in_a_pack_must_not_be_a_float(hall, tmp_path):
    data = yaml.safe_load((PACKS_DIR / "gas.yaml").read_text(encoding="utf-8"))
    data["business_types"][0]["fee"] = 300.5
    with pytest.raises(PackError) as refused:
        pack_read("gas", path=write_pack(tmp_path, data))
    assert "business_types[0] (gas_new_household).fee" in refused.value.problems[0]


def test_org03_load_pack_command_reports_problems_and_success(hall, tmp_path, capsys):
    call_command("load_pack", "gas", "--hall", hall.code)
    assert "Loaded gas into demo2" in capsys.readouterr().out
    with pytest.raises(CommandError, match=r"no hall"):
        call_command("load_pack", "gas", "--hall", "nowhere")
    with pytest.raises(CommandError, match=r"no such pack file"):
        call_command("load_pack", "hotel-nonexistent", "--hall", hall.code)
    with pytest.raises(CommandError, match=r"lower-case"):
        call_command("load_pack", "../etc/passwd", "--hall", hall.code)


def test_org03_broken_yaml_is_reported(tmp_path):
    path = tmp_path / "telecom.yaml"
    path.write_text("pack: telecom\ncategories: [\n", encoding="utf-8")
    with pytest.raises(PackError, match=r"telecom\.yaml: not valid YAML"):
        pack_read("telecom", path=path)


def test_org03_a_pack_clashing_with_another_in_the_hall_is_refused_by_name(hall, tmp_path):
    pack_load(hall=hall, code="telecom")
    data = yaml.safe_load((PACKS_DIR / "gas.yaml").read_text(encoding="utf-8"))
    data["categories"][0]["prefix"] = "A"  # telecom's 缴费充值 prints A001 already
    with pytest.raises(PackError) as refused:
        pack_load(hall=hall, code="gas", path=write_pack(tmp_path, data))
    assert refused.value.problems == [
        "gas.yaml: categories[0] (G).prefix: pack 'telecom' already uses it in hall demo2"
    ]
    assert not QueueCategory.objects.filter(hall=hall, pack="gas").exists()


def test_org03_reloading_a_pack_keeps_what_the_hall_switched_off(hall):
    pack_load(hall=hall, code="telecom")
    QueueCategory.objects.filter(hall=hall, code="C").update(active=False)
    pack_load(hall=hall, code="telecom")
    assert QueueCategory.objects.get(hall=hall, code="C").active is False


def test_staff02_a_hall_with_two_packs_follows_one_script(hall):
    from servicehall.catalog.selectors import script_steps

    pack_load(hall=hall, code="telecom")
    pack_load(hall=hall, code="gas")
    steps = script_steps(hall=hall, script="acceptance")
    assert [s.position for s in steps] == list(range(1, 9))
    assert {s.pack for s in steps} == {"telecom"}
