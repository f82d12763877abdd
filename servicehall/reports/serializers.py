"""The live dashboard's figures (RPT01) as the API answers them."""

from __future__ import annotations

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
