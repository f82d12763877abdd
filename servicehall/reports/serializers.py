"""The live dashboard's figures (RPT01) as the API answers them."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class DashboardCategorySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    target_wait_minutes = serializers.IntegerField()
    waiting = serializers.IntegerField()
    longest_wait_seconds = serializers.IntegerField()
    over_target = serializers.IntegerField(help_text="Waiting longer than the category's target wait.")
    over_long = serializers.IntegerField(help_text="Waiting longer than REPORTS_LONG_WAIT_MINUTES.")


class DashboardCountersSerializer(serializers.Serializer):
    open = serializers.IntegerField()
    serving = serializers.IntegerField(help_text="Counters with a ticket called or being served.")
    paused = serializers.IntegerField()
    closed = serializers.IntegerField()


class DashboardTicketsSerializer(serializers.Serializer):
    issued = serializers.IntegerField()
    served = serializers.IntegerField()
    abandoned = serializers.IntegerField(help_text="Left without service.")
    no_show = serializers.IntegerField(help_text="Missed their call and not back yet.")


class DashboardWithinSerializer(serializers.Serializer):
    within = serializers.IntegerField(help_text="Tickets first called within their category's target wait.")
    called = serializers.IntegerField(help_text="Tickets of the day called at least once.")
    percent = serializers.FloatField(allow_null=True)


class DashboardAlertSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["long_wait", "many_long", "dissatisfied", "complaints_overdue"])
    text = serializers.CharField(help_text="In the caller's language.")


class DashboardSerializer(serializers.Serializer):
    hall = serializers.CharField()
    hall_name = serializers.CharField()
    day = serializers.DateField(help_text="The hall's business day.")
    at = serializers.DateTimeField(help_text="When the figures were read.")
    waiting = serializers.IntegerField()
    longest_wait_seconds = serializers.IntegerField()
    categories = DashboardCategorySerializer(many=True)
    counters = DashboardCountersSerializer()
    tickets = DashboardTicketsSerializer()
    within_target = DashboardWithinSerializer()
    alerts = DashboardAlertSerializer(many=True)


# --- the daily and monthly reports (RPT02) -----------------------------------------------------------------


class ReportQuerySerializer(serializers.Serializer):
    """The report's query string: the same choices as the page's form."""

    period = serializers.ChoiceField(choices=["day", "month"], default="day", help_text="A day, or its month.")
    day = serializers.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        help_text="YYYY-MM-DD; the hall's yesterday by default. With period=month, any day of the month.",
        error_messages={"invalid": _("Give the day as YYYY-MM-DD.")},
    )

    def validate_day(self, day: dt.date) -> dt.date:
        if not dt.date(2000, 1, 1) <= day <= dt.date(2099, 12, 31):
            raise serializers.ValidationError(_("Choose a date between 2000 and 2099."))
        return day


class ReportTimesSerializer(serializers.Serializer):
    mean_seconds = serializers.IntegerField(allow_null=True)
    median_minutes = serializers.IntegerField(allow_null=True, help_text="Whole minutes, rounded down.")
    p90_minutes = serializers.IntegerField(allow_null=True, help_text="Whole minutes, rounded down.")
    max_seconds = serializers.IntegerField(allow_null=True)


class ReportBandSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True, help_text="Share of the tickets called.")


class ReportWithinSerializer(serializers.Serializer):
    minutes = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True, help_text="Share of the tickets called within `minutes`.")


class ReportTicketFiguresSerializer(serializers.Serializer):
    issued = serializers.IntegerField()
    called = serializers.IntegerField()
    served = serializers.IntegerField()
    abandoned = serializers.IntegerField(help_text="Left without service.")
    no_show = serializers.IntegerField()
    wait = ReportTimesSerializer(help_text="From issue to the first call.")
    service = ReportTimesSerializer(help_text="The finished stretches of service of the served tickets.")
    bands = ReportBandSerializer(many=True, help_text="One per wait band (`band_labels`).")
    within = ReportWithinSerializer(many=True)


class ReportGroupSerializer(ReportTicketFiguresSerializer):
    key = serializers.JSONField(help_text="The category's, counter's or clerk's id (null: never called), or hour.")
    label = serializers.CharField()  # type: ignore[assignment]  # named label, as in the selector's rows


class ReportOutcomeSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # named label, as in the selector's rows


class ReportOrderRowSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="The business type.")  # type: ignore[assignment]  # as in the rows
    outcomes = serializers.ListField(child=serializers.IntegerField(), help_text="In the order of `outcomes`.")
    total = serializers.IntegerField()
    reverted = serializers.IntegerField()


class ReportOrdersSerializer(serializers.Serializer):
    outcomes = ReportOutcomeSerializer(many=True)
    rows = ReportOrderRowSerializer(many=True)
    total = serializers.IntegerField()
    reverted = serializers.IntegerField()


class ReportCountRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # named label, as in the selector's rows
    count = serializers.IntegerField()


class ReportMoneyRowSerializer(ReportCountRowSerializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="Yuan.")


class ReportMoneySerializer(serializers.Serializer):
    rows = ReportMoneyRowSerializer(many=True)
    count = serializers.IntegerField()
    total = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="Yuan.")


class ReportCountsSerializer(serializers.Serializer):
    rows = ReportCountRowSerializer(many=True)
    total = serializers.IntegerField()


class ReportBookingsSerializer(ReportCountsSerializer):
    no_show = serializers.IntegerField()


class ReportFiguresSerializer(serializers.Serializer):
    hall = serializers.CharField()
    hall_name = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    band_edges = serializers.ListField(child=serializers.IntegerField(), help_text="Minutes.")
    band_labels = serializers.ListField(child=serializers.CharField(), help_text="In the caller's language.")
    totals = ReportTicketFiguresSerializer()
    by_category = ReportGroupSerializer(many=True)
    by_counter = ReportGroupSerializer(many=True)
    by_clerk = ReportGroupSerializer(many=True)
    by_hour = ReportGroupSerializer(many=True)
    orders = ReportOrdersSerializer()
    money = ReportMoneySerializer()
    ratings = ReportCountsSerializer()
    complaints = ReportCountsSerializer()
    bookings = ReportBookingsSerializer()
    rolled_up_at = serializers.DateTimeField(allow_null=True, help_text="When the freshest day was rolled up.")


class ReportHeadlineSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    issued = serializers.IntegerField()
    served = serializers.IntegerField()
    abandoned = serializers.IntegerField()
    no_show = serializers.IntegerField()
    wait_mean_seconds = serializers.IntegerField(allow_null=True)
    within_first_band = serializers.FloatField(allow_null=True, help_text="Percent called within the first band.")
    money = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="Yuan.")


class ReportComparisonsSerializer(serializers.Serializer):
    previous = ReportHeadlineSerializer(help_text="The day or month before (its first days for a month in progress).")
    last_year = ReportHeadlineSerializer(help_text="The same day or month a year earlier (likewise).")


class ReportSerializer(serializers.Serializer):
    period = serializers.ChoiceField(choices=["day", "month"])
    start = serializers.DateField()
    end = serializers.DateField()
    elapsed = serializers.ListField(
        child=serializers.IntegerField(),
        allow_null=True,
        help_text="A month in progress: [first, last] day compared like for like (e.g. [1, 8]); else null.",
    )
    comparison_note = serializers.CharField(help_text="What the comparison covers, in the caller's language.")
    report = ReportFiguresSerializer()
    current = ReportHeadlineSerializer()
    others = ReportComparisonsSerializer()
