"""Demo customers for the demo hall. Running it twice changes nothing.

The ID numbers are valid (check characters computed) but fictitious; the
package codes are the telecom pack's.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from servicehall.lib.identity import mod11_2_check_character, uscc_check_character
from servicehall.org.models import Hall

from . import services
from .models import Customer, IdDocument, NumberPoolEntry, Service


def _resident_id(region: str, born: dt.date, sequence: int) -> str:
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + mod11_2_check_character(first17)


def _uscc(first17: str) -> str:
    return first17 + uscc_check_character(first17)


# name, resident ID (region, birth date, sequence), phone, region, street, services
DEMO_PEOPLE: list[tuple[str, tuple[str, dt.date, int], str, str, str, list[dict[str, Any]]]] = [
    (
        "张三",
        ("310115", dt.date(1985, 3, 12), 13),
        "13901001001",
        "上海市浦东新区",
        "世纪大道100弄3号1201室",
        [{"kind": "mobile", "number": "13901001001", "package_code": "mobile_59", "sim_number": "8986001100000000101"}],
    ),
    (
        "李四",
        ("310104", dt.date(1990, 7, 1), 24),
        "13901001002",
        "上海市徐汇区",
        "漕溪北路88号",
        [
            {
                "kind": "mobile",
                "number": "13901001002",
                "package_code": "mobile_99",
                "balance": "86.50",
                "sim_number": "8986001100000000102",
            },
            {
                "kind": "broadband",
                "number": "AD2100000102",
                "package_code": "broadband_1000m",
                "address_region": "上海市徐汇区",
                "address_detail": "漕溪北路88号2201室",
            },
        ],
    ),
    (
        "王芳",
        ("320102", dt.date(1978, 11, 23), 42),
        "13901001003",
        "上海市静安区",
        "南京西路1266号",
        [
            {
                "kind": "mobile",
                "number": "13901001003",
                "package_code": "mobile_99",
                "sim_number": "8986001100000000103",
            },
            {
                "kind": "fixed_line",
                "number": "02162881003",
                "address_region": "上海市静安区",
                "address_detail": "南京西路1266号5楼",
            },
        ],
    ),
    (
        "刘伟",
        ("110105", dt.date(1965, 2, 2), 31),
        "13901001004",
        "上海市黄浦区",
        "人民大道200号",
        [
            {
                "kind": "gas",
                "number": "GAS31010004",
                "meter_number": "M210004",
                "card_number": "C3101000400",
                "balance": "156.80",
                "address_region": "上海市黄浦区",
                "address_detail": "人民大道200弄7号302室",
            }
        ],
    ),
    (
        "陈静",
        ("440305", dt.date(1995, 5, 20), 62),
        "13901001005",
        "上海市长宁区",
        "延安西路2299号",
        [{"kind": "mobile", "number": "13901001005", "package_code": "mobile_39", "sim_number": "8986001100000000105"}],
    ),
    (
        "杨洋",
        ("510107", dt.date(2001, 9, 9), 17),
        "13901001006",
        "上海市闵行区",
        "沪闵路6088号",
        [
            {
                "kind": "mobile",
                "number": "13901001006",
                "package_code": "mobile_59",
                "sim_number": "8986001100000000106",
                "arrears": "23.40",
            }
        ],
    ),
    (
        "赵丽",
        ("330106", dt.date(1988, 12, 31), 88),
        "13901001007",
        "上海市杨浦区",
        "国定路335号",
        [
            {
                "kind": "broadband",
                "number": "AD2100000107",
                "package_code": "broadband_300m",
                "address_region": "上海市杨浦区",
                "address_detail": "国定路335号1号楼603室",
            }
        ],
    ),
    (
        "孙强",
        ("370202", dt.date(1972, 4, 15), 15),
        "13901001008",
        "上海市普陀区",
        "真北路1108号",
        [
            {
                "kind": "mobile",
                "number": "13901001008",
                "package_code": "mobile_99",
                "sim_number": "8986001100000000108",
            },
            {
                "kind": "gas",
                "number": "GAS31010008",
                "meter_number": "M210008",
                "card_number": "C3101000800",
                "balance": "42.00",
                "address_region": "上海市普陀区",
                "address_detail": "真北路1108弄12号101室",
            },
        ],
    ),
    ("周敏", ("420106", dt.date(1999, 1, 28), 26), "13901001009", "上海市宝山区", "牡丹江路1569号", []),
    (
        "吴磊",
        ("500103", dt.date(1982, 8, 8), 77),
        "13901001010",
        "上海市嘉定区",
        "城中路138号",
        [
            {
                "kind": "mobile",
                "number": "13901001010",
                "package_code": "mobile_59",
                "sim_number": "8986001100000000110",
                "status": "suspended",
            }
        ],
    ),
    (
        "欧阳娜娜",
        ("610113", dt.date(1993, 6, 18), 48),
        "13901001011",
        "上海市浦东新区",
        "张杨路500号",
        [
            {
                "kind": "mobile",
                "number": "13901001011",
                "package_code": "mobile_99",
                "sim_number": "8986001100000000111",
            }
        ],
    ),
]
DEMO_ENTERPRISE = {
    "name": "上海示范科技有限公司",
    "uscc": _uscc("91310115MA1K4B2C3"),
    "phone": "02150801000",
    "region": "上海市浦东新区",
    "street": "张江路18号",
    "services": [
        {
            "kind": "broadband",
            "number": "AD2100000900",
            "package_code": "broadband_1000m",
            "address_region": "上海市浦东新区",
            "address_detail": "张江路18号3楼",
        },
        {
            "kind": "fixed_line",
            "number": "02150801000",
            "address_region": "上海市浦东新区",
            "address_detail": "张江路18号3楼",
        },
    ],
}
# Free numbers the demo hall hands out when a mobile number is opened (BT01).
DEMO_POOL = [f"1390210{n:04d}" for n in range(1, 31)]


# Which demo services a hall offers follows its industry packs: a telecom hall's
# customers have numbers and lines, a gas hall's customers have households.
PACK_SERVICE_KINDS = {
    "telecom": {Service.Kind.MOBILE, Service.Kind.BROADBAND, Service.Kind.FIXED_LINE},
    "gas": {Service.Kind.GAS},
}


def _kinds_for(hall: Hall) -> set[str]:
    kinds: set[str] = set()
    for pack in hall.packs or []:
        kinds |= PACK_SERVICE_KINDS.get(pack, set())
    return kinds


def _services(hall: Hall, customer: Customer, rows: list[dict[str, Any]]) -> None:
    kinds = _kinds_for(hall)
    for row in rows:
        if row["kind"] not in kinds:
            continue
        row = dict(row)
        status = row.pop("status", Service.Status.ACTIVE)
        arrears = Decimal(row.pop("arrears", "0"))
        service = services.service_create(actor=None, hall=hall, customer=customer, **row)
        if arrears:
            Service.objects.filter(pk=service.pk).update(arrears=arrears)
        if status != Service.Status.ACTIVE:
            services.service_set_status(actor=None, service=service, to=status, note="demo", hall=hall)


def _known(hall: Hall, kind: str, number: str) -> bool:
    return IdDocument.objects.filter(company_id=hall.company_id, kind=kind, number=number).exists()


@transaction.atomic
def customers_demo_load(*, hall: Hall) -> int:
    """A dozen customers with their services and a pool of 30 free numbers; returns how many customers were new."""
    created = 0
    for name, (region, born, sequence), phone, address_region, street, rows in DEMO_PEOPLE:
        number = _resident_id(region, born, sequence)
        if _known(hall, IdDocument.Kind.RESIDENT_ID, number):
            continue
        customer = services.customer_create(
            actor=None,
            hall=hall,
            kind=Customer.Kind.INDIVIDUAL,
            name=name,
            phone=phone,
            address_region=address_region,
            address_detail=street,
            document_kind=IdDocument.Kind.RESIDENT_ID,
            document_number=number,
            valid_until=dt.date(2035, 12, 31),
        )
        _services(hall, customer, rows)
        created += 1
    enterprise = DEMO_ENTERPRISE
    if not _known(hall, IdDocument.Kind.BUSINESS_LICENCE, str(enterprise["uscc"])):
        customer = services.customer_create(
            actor=None,
            hall=hall,
            kind=Customer.Kind.ENTERPRISE,
            name=str(enterprise["name"]),
            phone=str(enterprise["phone"]),
            address_region=str(enterprise["region"]),
            address_detail=str(enterprise["street"]),
            document_kind=IdDocument.Kind.BUSINESS_LICENCE,
            document_number=str(enterprise["uscc"]),
        )
        _services(hall, customer, list(enterprise["services"]))  # type: ignore[arg-type]
        created += 1
    if Service.Kind.MOBILE in _kinds_for(hall) and not NumberPoolEntry.objects.filter(hall=hall).exists():
        services.number_pool_add(actor=None, hall=hall, numbers=DEMO_POOL)
    return created
