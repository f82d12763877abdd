"""Company → halls → counters, roles scoped to a hall (ORG01, ORG02), and the demo."""

import pytest
from django.core.management import call_command

from servicehall.core.errors import Forbidden, NotFound
from servicehall.org.models import Counter, Hall, Membership
from servicehall.org.roles import Capability, Role
from servicehall.org.selectors import counter_get_for_user, hall_get_for_user, user_can
from servicehall.queueing.models import Ticket
from servicehall.queueing.states import OPEN_STATUSES


def test_org01_a_hall_belongs_to_a_company_and_has_numbered_counters_serving_categories(world):
    hall = world.hall
    assert hall.company.halls.get() == hall
    assert [c.number for c in hall.counters.order_by("number")] == [1, 2, 3]
    served = [(cc.category.code, cc.priority) for cc in world.counter3.served.order_by("priority")]
    assert served == [("V", 1), ("B", 2)]
    assert hall.timezone == "Asia/Shanghai"


def test_org02_roles_give_capabilities_only_in_their_own_hall(world, other_world):
    assert user_can(user=world.clerk, hall=world.hall, capability=Capability.SERVE)
    assert not user_can(user=world.clerk, hall=other_world.hall, capability=Capability.SERVE)
    assert not user_can(user=world.guide, hall=world.hall, capability=Capability.SERVE)
    assert user_can(user=world.manager, hall=world.hall, capability=Capability.MANAGE_QUEUE)


def test_org02_another_halls_clerk_gets_not_found_and_a_wrong_role_forbidden(world, other_world):
    with pytest.raises(NotFound):
        hall_get_for_user(user=other_world.clerk, code=world.hall.code, capability=Capability.SERVE)
    with pytest.raises(NotFound):
        counter_get_for_user(user=other_world.clerk, counter_id=world.counter1.pk, capability=Capability.SERVE)
    with pytest.raises(Forbidden):
        hall_get_for_user(user=world.guide, code=world.hall.code, capability=Capability.MANAGE_QUEUE)
    assert hall_get_for_user(user=world.clerk, code=world.hall.code, capability=Capability.SERVE) == world.hall


def test_org02_every_role_of_the_standard_exists():
    assert set(Role.values) == {
        "clerk",
        "lobby_guide",
        "duty_manager",
        "service_manager",
        "safety_officer",
        "hall_admin",
        "auditor",
        "housekeeping",  # the hotel's (HOTEL03)
    }


@pytest.mark.django_db
def test_org01_demo_hall_loads_and_loading_it_again_changes_nothing():
    call_command("load_demo")
    counts = (Hall.objects.count(), Counter.objects.count(), Membership.objects.count())
    call_command("load_demo")
    assert (Hall.objects.count(), Counter.objects.count(), Membership.objects.count()) == counts
    hall = Hall.objects.get(code="demo")
    assert set(hall.categories.values_list("code", flat=True)) >= {"A", "B", "C", "V"}
    assert hall.counters.count() == 4
    roles = set(Membership.objects.filter(hall=hall).values_list("role", flat=True))
    assert roles == set(Role.values) - {Role.HOUSEKEEPING}  # housekeeping is the hotel's (HOTEL03)
    hotel_roles = set(Membership.objects.filter(hall__code="hotel").values_list("role", flat=True))
    assert Role.HOUSEKEEPING in hotel_roles
    # Nobody waits and no counter is busy; today's only tickets are this morning's four rated ones (CARE01 demo),
    # the earlier ones are the staffing planner's four weeks of history (RPT03 demo).
    assert not Ticket.objects.filter(status__in=OPEN_STATUSES).exists()
    assert Ticket.objects.filter(service_date__gte=hall.local_date()).count() == 4


@pytest.mark.django_db
def test_org01_demo_gas_hall_is_another_company_with_its_own_staff_and_customers():
    from servicehall.customers.models import Customer, Service

    call_command("load_demo")
    services = Service.objects.count()
    call_command("load_demo")
    assert Service.objects.count() == services
    telecom, gas = Hall.objects.get(code="demo"), Hall.objects.get(code="gas")
    assert telecom.company_id != gas.company_id
    assert set(gas.categories.values_list("code", flat=True)) == {"G", "H", "K"}
    assert gas.counters.count() == 3
    staff = set(Membership.objects.filter(hall=gas).values_list("user__username", "role"))
    assert staff == {("gclerk1", "clerk"), ("gclerk2", "clerk"), ("gmanager1", "duty_manager")}
    gas_kinds = set(Service.objects.filter(company=gas.company).values_list("kind", flat=True))
    telecom_kinds = set(Service.objects.filter(company=telecom.company).values_list("kind", flat=True))
    assert gas_kinds == {"gas"} and "gas" not in telecom_kinds
    assert Customer.objects.filter(company=gas.company).exists()


@pytest.mark.django_db
def test_org01_every_demo_service_is_sold_under_a_package_its_hall_knows():
    """The customer page shows a package by the name the hall sells it under: a code no hall knows would show
    as a raw code (found in the browser on the demo's enterprise broadband)."""
    from servicehall.catalog.models import Package
    from servicehall.customers.models import Service

    call_command("load_demo")
    for service in Service.objects.exclude(package_code="").select_related("company"):
        known = Package.objects.filter(hall__company=service.company, code=service.package_code)
        assert known.exists(), f"{service.kind} {service.number}: {service.package_code}"
